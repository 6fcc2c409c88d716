"""Per-sentence statistics of the resampled first sentences (no outcome involved)."""

from __future__ import annotations

import polars as pl

from afscope.metrics.counts import POSITION, dissimilar, position_table, rollouts
from afscope.metrics.options import MetricOptions

STAT_COLUMNS = ("different_trajectories_fraction", "overdeterminedness")


def stat_aggregates(names: list[str], options: MetricOptions) -> list[pl.Expr]:
    """Per-position aggregates ``finish_stats`` turns into the statistics: plain counts,
    so they join the metrics' one group-by (``counts.position_table``)."""
    aggs = [rollouts()]
    if "similarity" in names:
        sim = pl.col("similarity")
        aggs += [dissimilar(sim, options.threshold), sim.count().alias("__sim")]
    if "resampled_sentence" in names:
        text = pl.col("resampled_sentence").str.strip_chars()
        # n_unique counts null as one value; the statistic counts only texts
        no_text = pl.col("resampled_sentence").null_count()
        aggs += [text.n_unique().alias("__distinct"), no_text.alias("__no_text")]
    return aggs


def finish_stats(table: pl.DataFrame) -> pl.DataFrame:
    """Per sentence: share of rollouts whose first sentence is dissimilar (null without
    similarities) and overdeterminedness = 1 - distinct / total resampled sentences, from
    a ``position_table`` with ``stat_aggregates``."""
    null = pl.lit(None, pl.Float64)
    fraction, over = null, null
    if "__sim" in table.columns:
        fraction = pl.when(pl.col("__sim") > 0).then(pl.col("__dissimilar") / pl.col("__sim"))
    if "__distinct" in table.columns:
        texts = pl.col("__rollouts") - pl.col("__no_text")
        distinct = pl.col("__distinct") - (pl.col("__no_text") > 0).cast(pl.UInt32)
        over = pl.when(texts > 0).then(1.0 - distinct / texts)
    return table.select(*POSITION, fraction.alias(STAT_COLUMNS[0]), over.alias(STAT_COLUMNS[1]))


def sentence_stats(resamples: pl.LazyFrame, options: MetricOptions) -> pl.LazyFrame:
    """The statistics of each sentence with rollouts (``finish_stats``)."""
    names = resamples.collect_schema().names()
    aggs = stat_aggregates(names, options)
    return finish_stats(position_table(resamples, [], options.threshold, aggs)).lazy()
