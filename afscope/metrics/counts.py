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


def position_counts(resamples: pl.LazyFrame, outcomes: list[str], threshold: float) -> pl.LazyFrame:
    """Counts per position and at the next position, sorted by trace, outcome, position.

    One group-by per position over the wide rollouts (every outcome's counts side by side,
    no row per rollout and outcome), then one row per (position, outcome) that has a
    valid rollout: a rollout counts for an outcome when its label is not null.
    """
    names = resamples.collect_schema().names()
    labels = label_columns(outcomes, names)
    sim = pl.col("similarity") if "similarity" in names else pl.lit(None, pl.Float64)
    different = sim < threshold
    similar = sim >= threshold
    aggs = []
    for i, name in enumerate(labels):
        label = pl.col(name)
        valid = label.is_not_null()
        aggs += [
            label.sum().cast(pl.Int64).alias(f"k{i}"),
            valid.sum().cast(pl.Int64).alias(f"n{i}"),
            (label & different).sum().cast(pl.Int64).alias(f"k_d{i}"),
            (valid & different).sum().cast(pl.Int64).alias(f"n_d{i}"),
            (label & similar).sum().cast(pl.Int64).alias(f"k_s{i}"),
            (valid & similar).sum().cast(pl.Int64).alias(f"n_s{i}"),
            (valid & sim.is_not_null()).any().alias(f"has_sim{i}"),
        ]
    wide = resamples.group_by(POSITION).agg(aggs)
    columns = ("k", "n", "k_d", "n_d", "k_s", "n_s", "has_sim")
    per_outcome = [
        wide.select(
            *POSITION,
            pl.lit(name.removeprefix(OUTCOME_PREFIX)).alias("outcome"),
            *(pl.col(f"{c}{i}").alias(c) for c in columns),
        ).filter(pl.col("n") > 0)
        for i, name in enumerate(labels)
    ]
    if not per_outcome:  # no label columns: no counts
        per_outcome = [
            wide.select(*POSITION, pl.lit(None, pl.String).alias("outcome"))
            .with_columns(pl.lit(0, pl.Int64).alias(c) for c in columns[:-1])
            .with_columns(pl.lit(False).alias("has_sim"))
            .head(0)
        ]
    counts = pl.concat(per_outcome)
    return counts.sort([*SERIES, "sentence_idx"]).with_columns(
        pl.col("k").shift(-1).over(SERIES).alias("k_next"),
        pl.col("n").shift(-1).over(SERIES).alias("n_next"),
    )
