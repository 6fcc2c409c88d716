"""Plain fixed-width tables for the terminal: every column but the last keeps its width,
the last is cut to what is left, so wide text never breaks the layout. Without a width
(output to a pipe or a file) nothing is cut."""

from __future__ import annotations

GAP = "  "


def format_table(headers: list[str], rows: list[list[str]], width: int | None) -> list[str]:
    """Lines of a left-aligned table at most ``width`` characters wide (last column cut;
    ``None``: no limit). Columns, rules included, are as wide as their content."""
    fixed = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(headers[:-1])]
    used = sum(fixed) + len(GAP) * len(fixed)
    content = max([len(headers[-1]), *(len(r[-1]) for r in rows)])
    last = content if width is None else max(8, width - used)

    def line(cells: list[str]) -> str:
        head = GAP.join(c.ljust(w) for c, w in zip(cells[:-1], fixed, strict=True))
        tail = cells[-1] if len(cells[-1]) <= last else cells[-1][: last - 1] + "…"
        return (head + GAP + tail).rstrip()

    rule = ["-" * w for w in fixed] + ["-" * min(last, content)]
    return [line(headers), line(rule)] + [line(r) for r in rows]
