"""Per-position counts of rollouts, the one Polars pass every metric is built from.

For each (trace, position, outcome): k/n over all valid rollouts, k_d/n_d over the
dissimilar ones (similarity < threshold), k_s/n_s over the similar ones, and the same
counts at the next position that has rollouts (``*_next``). Everything downstream is
arithmetic on these columns, so no metric loops over rollouts.
"""

from __future__ import annotations

import polars as pl

from afscope.bundle.schema import OUTCOME_PREFIX, label_columns

POSITION = ["trace_id", "sentence_idx"]
SERIES = ["trace_id", "outcome"]


def long_labels(resamples: pl.LazyFrame, outcomes: list[str]) -> pl.LazyFrame:
    """One row per (rollout, outcome) with a non-null label: the valid rollouts."""
    names = resamples.collect_schema().names()
    labels = label_columns(outcomes, names)
    keep = [*POSITION, "rollout_id"] + (["similarity"] if "similarity" in names else [])
    return (
        resamples.select(*keep, *labels)
        .unpivot(index=keep, on=labels, variable_name="outcome", value_name="label")
        .with_columns(pl.col("outcome").str.strip_prefix(OUTCOME_PREFIX))
        .filter(pl.col("label").is_not_null())
    )


def position_counts(resamples: pl.LazyFrame, outcomes: list[str], threshold: float) -> pl.LazyFrame:
    """Counts per position and at the next position, sorted by trace, outcome, position."""
    long = long_labels(resamples, outcomes)
    has_similarity = "similarity" in long.collect_schema().names()
    sim = pl.col("similarity") if has_similarity else pl.lit(None, pl.Float64)
    different = sim < threshold
    similar = sim >= threshold
    counts = long.group_by([*POSITION, "outcome"]).agg(
        pl.col("label").sum().cast(pl.Int64).alias("k"),
        pl.len().cast(pl.Int64).alias("n"),
        (pl.col("label") & different).sum().cast(pl.Int64).alias("k_d"),
        different.sum().cast(pl.Int64).alias("n_d"),
        (pl.col("label") & similar).sum().cast(pl.Int64).alias("k_s"),
        similar.sum().cast(pl.Int64).alias("n_s"),
        sim.is_not_null().any().alias("has_sim"),
    )
    return counts.sort([*SERIES, "sentence_idx"]).with_columns(
        pl.col("k").shift(-1).over(SERIES).alias("k_next"),
        pl.col("n").shift(-1).over(SERIES).alias("n_next"),
    )
