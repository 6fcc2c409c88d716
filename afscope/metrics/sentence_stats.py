"""Per-sentence statistics of the resampled first sentences (no outcome involved)."""

from __future__ import annotations

import polars as pl

from afscope.metrics.counts import POSITION
from afscope.metrics.options import MetricOptions

STAT_COLUMNS = ("different_trajectories_fraction", "overdeterminedness")


def sentence_stats(resamples: pl.LazyFrame, options: MetricOptions) -> pl.LazyFrame:
    """Per sentence: share of rollouts whose first sentence is dissimilar (null without
    similarities) and overdeterminedness = 1 - distinct / total resampled sentences."""
    names = resamples.collect_schema().names()
    sim = pl.col("similarity") if "similarity" in names else pl.lit(None, pl.Float64)
    text = (
        pl.col("resampled_sentence").str.strip_chars()
        if "resampled_sentence" in names
        else pl.lit(None, pl.String)
    )
    return resamples.group_by(POSITION).agg(
        pl.when(sim.is_not_null().any())
        .then((sim < options.threshold).sum() / sim.is_not_null().sum())
        .alias(STAT_COLUMNS[0]),
        pl.when(text.is_not_null().any())
        .then(1.0 - text.drop_nulls().n_unique() / text.is_not_null().sum())
        .alias(STAT_COLUMNS[1]),
    )
