"""Rendering of ``afscope rank`` and ``afscope tags`` results: table, Markdown, JSON lines,
CSV. Every format carries the afscope mark (so ``--force`` may replace an earlier one and
nothing else), every string is cleaned, and non-finite numbers become empty/null."""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Sequence
from typing import Any

import polars as pl

from afscope import __version__
from afscope.cli.table import format_table
from afscope.explore.direction import Direction
from afscope.export.escape import md_cell, md_heading
from afscope.export.files import MARKDOWN_MARK
from afscope.text import one_line

FORMATS = ("table", "markdown", "jsonl", "csv")


def _num(value: Any, digits: int = 3, sign: bool = False) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "-"
    return f"{value:+.{digits}f}" if sign else f"{value:.{digits}f}"


def _json_num(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def mark(source: str, outcome: str, metric: str, what: str) -> str:
    return (
        f"{MARKDOWN_MARK} {__version__} ({what}) from {one_line(source, 200)}; "
        f"outcome {one_line(outcome)}, metric {one_line(metric)}; "
        "positive = the sentence promotes the outcome"
    )


def _md(text: str) -> str:
    """Markdown table cell: cleaned, escaped only where Markdown would read markup."""
    return md_cell(one_line(text))


# -- rank ----------------------------------------------------------------------------------
RANK_HEADERS = ["#", "trace", "sent.", "dir.", "importance [95%]", "rate before → after (n)"]


def rank_cells(row: dict[str, Any]) -> dict[str, str]:
    kind = Direction.of(row["signed"], row["importance"])
    interval = ""
    if row["ci_low"] is not None and row["ci_high"] is not None:
        interval = f" [{_num(row['ci_low'], 2, True)}, {_num(row['ci_high'], 2, True)}]"
    low = " ?" if row["low_evidence"] else ""
    n_before = "-" if row["n_before"] is None else str(row["n_before"])
    n_after = "-" if row["n_after"] is None else str(row["n_after"])
    labels = sorted({*row["tags"], *row["categories"]})
    return {
        "trace": one_line(row["trace_id"]),
        "sentence": str(row["sentence_idx"]),
        "direction": f"{kind.glyph()} {kind.word}",
        "importance": f"{_num(row['signed'], 3, True)}{interval}{low}",
        "rates": f"{_num(row['rate_before'], 2)} → {_num(row['rate_after'], 2)} "
        f"({n_before}→{n_after})",
        "tags": one_line(", ".join(labels)),
        "note": one_line(row.get("note") or ""),
        "text": one_line(row["text"]),
    }


def render_rank(
    rows: pl.DataFrame, fmt: str, *, source: str, outcome: str, metric: str, width: int
) -> str:
    dicts = rows.to_dicts()
    footer = mark(source, outcome, metric, f"rank of {rows.height} sentences")
    if fmt == "jsonl":
        lines = []
        for i, row in enumerate(dicts, 1):
            kind = Direction.of(row["signed"], row["importance"])
            record = {
                "afscope_version": __version__,
                "rank": i,
                "trace_id": one_line(row["trace_id"]),
                "sentence_idx": row["sentence_idx"],
                "outcome": outcome,
                "metric": metric,
                "direction": kind.word,
                "value": _json_num(row["signed"]),
                "importance": _json_num(row["importance"]),
                "ci_low": _json_num(row["ci_low"]),
                "ci_high": _json_num(row["ci_high"]),
                "low_evidence": row["low_evidence"],
                "rate_before": _json_num(row["rate_before"]),
                "n_before": row["n_before"],
                "rate_after": _json_num(row["rate_after"]),
                "n_after": row["n_after"],
                "prompt_variant": row["prompt_variant"],
                "condition": row["condition"],
                "tags": row["tags"],
                "categories": row["categories"],
                "note": one_line(row["note"] or ""),
                "text": row["text"],
            }
            lines.append(json.dumps(record, ensure_ascii=False))
        return "".join(line + "\n" for line in lines)
    cells = [rank_cells(r) for r in dicts]
    if fmt == "csv":
        out = io.StringIO()
        out.write(f"# {footer}\n")
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(
            [
                "rank",
                "trace_id",
                "sentence_idx",
                "direction",
                "value",
                "ci_low",
                "ci_high",
                "low_evidence",
                "rate_before",
                "n_before",
                "rate_after",
                "n_after",
                "tags",
                "categories",
                "note",
                "text",
            ]
        )
        for i, (row, cell) in enumerate(zip(dicts, cells, strict=True), 1):
            writer.writerow(
                [
                    i,
                    cell["trace"],
                    row["sentence_idx"],
                    Direction.of(row["signed"], row["importance"]).word,
                    _num(row["signed"], 6),
                    _num(row["ci_low"], 6),
                    _num(row["ci_high"], 6),
                    row["low_evidence"],
                    _num(row["rate_before"], 6),
                    row["n_before"],
                    _num(row["rate_after"], 6),
                    row["n_after"],
                    "; ".join(row["tags"]),
                    "; ".join(row["categories"]),
                    cell["note"],
                    cell["text"],
                ]
            )
        return out.getvalue()
    headers = [*RANK_HEADERS, "tags / categories", "text"]
    body = [
        [
            str(i),
            c["trace"],
            c["sentence"],
            c["direction"],
            c["importance"],
            c["rates"],
            c["tags"],
            c["text"] + (f"  [note: {c['note']}]" if c["note"] else ""),
        ]
        for i, c in enumerate(cells, 1)
    ]
    if fmt == "markdown":
        title = f"Sentences ranked by {_md(metric)} importance for {md_heading(outcome)}"
        return _markdown_table(title, headers, body, footer)
    return "\n".join([*format_table(headers, body, width), "", footer]) + "\n"


def _markdown_table(title: str, headers: list[str], body: list[list[str]], footer: str) -> str:
    """A titled Markdown table (cells escaped) with the provenance line under it."""
    lines = [
        f"# {title}",
        "",
        "| " + " | ".join(_md(h) for h in headers) + " |",
        "|" + "|".join("---" for _ in headers) + "|",
        *("| " + " | ".join(_md(x) for x in line) + " |" for line in body),
        "",
        footer,
    ]
    return "\n".join(lines) + "\n"


# -- tags ----------------------------------------------------------------------------------
def tag_cells(row: dict[str, Any], compare: bool) -> list[str]:
    kind = Direction.of(row["mean"], abs(row["mean"]) if row["mean"] is not None else None)
    cells = [
        one_line(row["group"]),
        str(row["sentences"]),
        str(row["traces"]),
        f"{kind.glyph()} {_num(row['mean'], 3, True)}",
        f"[{_num(row['ci_low'], 3, True)}, {_num(row['ci_high'], 3, True)}]",
        _num(row["mean_abs"], 3),
        f"{_num(100 * row['share_high'] if row['share_high'] is not None else None, 0)}%",
        _num(row["adjusted"], 3, True),
    ]
    if compare:
        cells += [
            _num(row["mean_a"], 3, True),
            _num(row["mean_b"], 3, True),
            _num(row["difference"], 3, True),
            f"[{_num(row['diff_low'], 3, True)}, {_num(row['diff_high'], 3, True)}]",
        ]
    return cells


def tag_headers(by: str, compare_names: Sequence[str] | None) -> list[str]:
    headers = [
        {"tags": "tag", "categories": "category", "notes": "note"}.get(by, by),
        "sentences",
        "traces",
        "mean",
        "95% CI (traces)",
        "mean |imp.|",
        "high",
        "pos.-adj.",
    ]
    if compare_names:
        a, b = compare_names
        headers += [f"mean {a}", f"mean {b}", "difference", "95% CI"]
    return headers


def render_tags(
    stats: pl.DataFrame,
    fmt: str,
    *,
    by: str,
    source: str,
    outcome: str,
    metric: str,
    draws: int,
    seed: int,
    compare_names: Sequence[str] | None,
) -> str:
    dicts = stats.to_dicts()
    footer = mark(
        source, outcome, metric, f"statistics by {by}; {draws} cluster-bootstrap draws, seed {seed}"
    )
    if fmt == "jsonl":
        lines = []
        for row in dicts:
            record = {
                "afscope_version": __version__,
                "by": by,
                "outcome": outcome,
                "metric": metric,
                "bootstrap": draws,
                "seed": seed,
            }
            record |= {k: _json_num(v) for k, v in row.items()}
            record["group"] = one_line(row["group"])
            if compare_names:
                record["compare"] = list(compare_names)
            lines.append(json.dumps(record, ensure_ascii=False))
        return "".join(line + "\n" for line in lines)
    if fmt == "csv":
        out = io.StringIO()
        out.write(f"# {footer}\n")
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(stats.columns)
        for row in dicts:
            writer.writerow(
                [
                    one_line(v) if isinstance(v, str) else ("" if v is None else v)
                    for v in row.values()
                ]
            )
        return out.getvalue()
    headers = tag_headers(by, compare_names)
    body = [tag_cells(r, compare_names is not None) for r in dicts]
    if fmt == "markdown":
        title = f"Mean signed {_md(metric)} importance for {_md(outcome)} by {by}"
        return _markdown_table(title, headers, body, footer)
    widths = [max(len(h), *(len(b[i]) for b in body)) for i, h in enumerate(headers)]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()
        for cells in [headers, ["-" * w for w in widths], *body]
    ]
    return "\n".join([*lines, "", footer]) + "\n"
