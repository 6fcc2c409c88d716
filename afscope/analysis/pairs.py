"""Which trace to compare a trace with, and how two traces of different length line up.

The post's contrasts are between tiers (free = monitored, paid = unmonitored) and between
prompt variants, so a trace's natural counterpart asks the same query in the other tier;
failing that, under the other prompt variant. Nothing here imports Textual.
"""

from __future__ import annotations

import polars as pl

TIER = "the other tier"
VARIANT = "the other prompt variant"


def counterpart(traces: pl.DataFrame, trace_id: str) -> tuple[str, str] | None:
    """(trace id, why) of ``trace_id``'s counterpart, or None when no trace qualifies.

    Same query, other condition (same variant first); else same query, other variant
    (same condition first). Ties go to the earlier trace in the bundle's order.
    """
    if "query" not in traces.columns:
        return None
    row = traces.filter(pl.col("trace_id") == trace_id)
    if row.height == 0 or row["query"][0] is None:
        return None
    cols = [c for c in ("prompt_variant", "condition") if c in traces.columns]
    me = row.row(0, named=True)
    same = (pl.col("query") == me["query"]) & (pl.col("trace_id") != trace_id)
    candidates = traces.with_row_index("order").filter(same)

    def differs(column: str) -> pl.Expr:
        if column not in cols:
            return pl.lit(False)
        return pl.col(column).ne_missing(pl.lit(me[column], dtype=traces.schema[column]))

    def matches(column: str) -> pl.Expr:
        return ~differs(column) if column in cols else pl.lit(True)

    for wanted, keep, why in (
        ("condition", "prompt_variant", TIER),
        ("condition", None, TIER),
        ("prompt_variant", "condition", VARIANT),
        ("prompt_variant", None, VARIANT),
    ):
        rule = differs(wanted) & (matches(keep) if keep else pl.lit(True))
        found = candidates.filter(rule).sort("order")
        if found.height:
            return str(found["trace_id"][0]), why
    return None


def aligned_position(position: int, count: int, other_count: int) -> int:
    """The row in a trace of ``other_count`` sentences at the same relative place as
    ``position`` in one of ``count`` (first to first, last to last)."""
    if other_count <= 0:
        return 0
    if count <= 1:
        return 0
    fraction = max(0, min(position, count - 1)) / (count - 1)
    return round(fraction * (other_count - 1))
