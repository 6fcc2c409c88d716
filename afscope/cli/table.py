"""Plain fixed-width tables for the terminal: every column but the last keeps its width,
the last is cut to what is left, so wide text never breaks the layout."""

from __future__ import annotations

GAP = "  "


def format_table(headers: list[str], rows: list[list[str]], width: int) -> list[str]:
    """Lines of a left-aligned table at most ``width`` characters wide (last column cut)."""
    fixed = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(headers[:-1])]
    used = sum(fixed) + len(GAP) * len(fixed)
    last = max(8, width - used)

    def line(cells: list[str]) -> str:
        head = GAP.join(c.ljust(w) for c, w in zip(cells[:-1], fixed, strict=True))
        tail = cells[-1] if len(cells[-1]) <= last else cells[-1][: last - 1] + "…"
        return (head + GAP + tail).rstrip()

    return [line(headers), line(["-" * w for w in fixed] + ["-" * min(last, 40)])] + [
        line(r) for r in rows
    ]
