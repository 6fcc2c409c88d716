"""Per-prefix rates with n and Wilson 95% intervals, from per-position counts."""

from __future__ import annotations

import polars as pl

from afscope.metrics.counts import ORDER, POSITION
from afscope.metrics.wilson import wilson_interval


def rate_table(counts: pl.LazyFrame) -> pl.LazyFrame:
    """Rate at each position (its rollouts keep the sentences before it), with n and the
    Wilson interval, from ``counts.long_counts`` output; similarities play no part."""
    low, high = wilson_interval(pl.col("k"), pl.col("n"))
    return (
        counts.select(
            *POSITION,
            "outcome",
            (pl.col("k") / pl.col("n")).alias("rate"),
            pl.col("n").cast(pl.Int64),
            low.alias("ci_low"),
            high.alias("ci_high"),
            ORDER,
        )
        .sort(ORDER)
        .drop(ORDER)
    )
