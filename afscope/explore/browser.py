"""The trace browser's table: one row per trace, sortable and filterable, built in Polars.

The peaks (largest |importance|, strongest promoting and strongest suppressing value) are
one group-by over the importance table for the active outcome and metric, and rollouts
one count per trace (``Bundle.rollouts``), so a browser over ten thousand traces is a few
queries, not ten thousand.
"""

from __future__ import annotations

import polars as pl

from afscope.bundle.reader import Bundle
from afscope.bundle.schema import outcome_of
from afscope.explore.filters import filter_expr, parse_filter
from afscope.text import clean_text_expr, one_line

COLUMNS = (
    "trace_id",
    "prompt_variant",
    "condition",
    "query",
    "labels",
    "n_sentences",
    "rollouts",
    "peak",
    "peak_promotes",
    "peak_suppresses",
)
SORTABLE = (
    "trace_id",
    "prompt_variant",
    "condition",
    "n_sentences",
    "rollouts",
    "peak",
    "peak_promotes",
    "peak_suppresses",
)
STRONGEST_FIRST = {
    "n_sentences": True,
    "rollouts": True,
    "peak": True,
    "peak_promotes": True,
    "peak_suppresses": False,
}
"""Numeric columns and whether their strongest value is the largest (a sort on them
starts there: the most negative suppressing peak is the strongest)."""


def _text(column: str, names: list[str]) -> pl.Expr:
    if column not in names:
        return pl.lit("", pl.String).alias(column)
    cleaned = clean_text_expr(pl.col(column).cast(pl.String), keep_newlines=False)
    return cleaned.fill_null("").alias(column)


def browser_rows(bundle: Bundle, outcome: str, metric: str) -> pl.DataFrame:
    """Every trace with its labels in words and its peak |importance| for outcome/metric."""
    traces = bundle.traces
    names = traces.columns
    # the open path admits only declared outcome names; cleaned all the same (defence in depth)
    label_parts = [
        pl.when(pl.col(c))
        .then(pl.lit(f"{one_line(name)}=yes"))
        .when(~pl.col(c))
        .then(pl.lit(f"{one_line(name)}=no"))
        for c in names
        if (name := outcome_of(c)) is not None
    ]
    labels = (
        pl.concat_str(label_parts, separator=" ", ignore_nulls=True) if label_parts else pl.lit("")
    )
    rows = traces.select(
        _text("trace_id", names),
        _text("prompt_variant", names),
        _text("condition", names),
        _text("query", names),
        labels.fill_null("").alias("labels"),
        pl.col("n_sentences"),
        pl.col("trace_id").alias("raw_id"),
    )
    rollouts = bundle.rollouts.rename({"trace_id": "raw_id"})
    rows = rows.join(rollouts, on="raw_id", how="left", maintain_order="left")
    scan = bundle.scan("importance")
    if scan is not None:
        direction = pl.col("direction")
        peaks = (
            scan.filter((pl.col("outcome") == outcome) & (pl.col("metric") == metric))
            .group_by("trace_id")
            .agg(
                pl.col("importance").max().alias("peak"),
                direction.filter(direction > 0).max().alias("peak_promotes"),
                direction.filter(direction < 0).min().alias("peak_suppresses"),
            )
            .collect()
        )
        rows = rows.join(
            peaks.rename({"trace_id": "raw_id"}), on="raw_id", how="left", maintain_order="left"
        )
    else:
        rows = rows.with_columns(
            pl.lit(None, pl.Float64).alias(c) for c in ("peak", "peak_promotes", "peak_suppresses")
        )
    return rows.with_columns(
        pl.concat_str(
            [pl.col(c) for c in ("trace_id", "prompt_variant", "condition", "query", "labels")],
            separator=" ",
        )
        .str.to_lowercase()
        .alias("haystack")
    )


def filter_rows(rows: pl.DataFrame, text: str) -> pl.DataFrame:
    """Rows that pass ``text`` in the filter language (``afscope.explore.filters``):
    ``condition=free``, ``variant=original``, ``alignment_faking=yes``, and words that
    must occur in the id, variant, condition, query or labels."""
    parsed = parse_filter(text)
    if parsed.empty:
        return rows
    return rows.filter(filter_expr(parsed, rows.columns))


def sort_rows(rows: pl.DataFrame, column: str, descending: bool) -> pl.DataFrame:
    return rows.sort([column, "trace_id"], descending=[descending, False], nulls_last=True)
