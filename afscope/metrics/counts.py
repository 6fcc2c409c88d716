"""Per-position counts of rollouts, the one Polars pass every metric is built from.

For each (trace, position, outcome): k/n over all valid rollouts, k_d/n_d over the
dissimilar ones (similarity < threshold), k_s/n_s over the similar ones, and the same
counts at the next position that has rollouts (``*_next``). Everything downstream is
arithmetic on these columns, so no metric loops over rollouts.
"""

from __future__ import annotations

from collections.abc import Collection

import polars as pl

from afscope.bundle.schema import OUTCOME_PREFIX, label_columns

POSITION = ["trace_id", "sentence_idx"]
SERIES = ["trace_id", "outcome"]
RUN = "__position"
"""Optional resamples column: rows sorted by position and numbered by position (ids
increasing, ``Bundle.read_with_runs``). Grouping by it reads each position as one slice."""
ORDER = "__order"
"""Helper column of ``long_counts``: the row's place in (trace, position, outcome) order
as one integer, so tables built from the counts are sorted without comparing strings."""
COLUMNS = ("k", "n", "k_d", "n_d", "k_s", "n_s", "has_sim")


def complete_columns(frame: pl.DataFrame) -> frozenset[str]:
    """Columns of ``frame`` with a value in every row (a float column: none NaN either),
    for ``position_table``: null counts are known to a frame in memory."""
    return frozenset(
        name
        for name, column in frame.to_dict().items()
        if column.null_count() == 0 and not (column.dtype.is_float() and column.is_nan().any())
    )


ROLLOUTS = "__rollouts"
DISSIMILAR = "__dissimilar"


def rollouts() -> pl.Expr:
    """Rollouts per position: an aggregate the counts and the sentence statistics share
    (``position_table`` computes an aggregate named twice once)."""
    return pl.len().alias(ROLLOUTS)


def dissimilar(sim: pl.Expr, threshold: float) -> pl.Expr:
    """Rollouts per position whose similarity is below ``threshold`` (shared, as above)."""
    return (sim < threshold).sum().alias(DISSIMILAR)


def _count_aggs(
    labels: list[str], sim: pl.Expr, threshold: float, complete: Collection[str]
) -> tuple[list[pl.Expr], list[pl.Expr]]:
    """Aggregates over the rollouts, and columns computed from them after the group-by,
    that give every count column. A label in ``complete`` is valid in every rollout
    (n = rollouts, n_d = dissimilar rollouts); with a complete similarity each rollout is
    dissimilar or similar (k_s = k - k_d, n_s = n - n_d): fewer sums, the same counts."""
    different = sim < threshold
    similar = sim >= threshold
    aggs = (
        [rollouts(), dissimilar(sim, threshold)] if any(name in complete for name in labels) else []
    )
    derived = []
    for i, name in enumerate(labels):
        label = pl.col(name)
        valid = label.is_not_null()
        aggs += [
            label.sum().cast(pl.Int64).alias(f"k{i}"),
            (label & different).sum().cast(pl.Int64).alias(f"k_d{i}"),
        ]
        if name in complete:
            n, n_d = pl.col(ROLLOUTS).cast(pl.Int64), pl.col(DISSIMILAR).cast(pl.Int64)
            derived += [n.alias(f"n{i}"), n_d.alias(f"n_d{i}")]
        else:
            n, n_d = pl.col(f"n{i}"), pl.col(f"n_d{i}")
            aggs += [
                valid.sum().cast(pl.Int64).alias(f"n{i}"),
                (valid & different).sum().cast(pl.Int64).alias(f"n_d{i}"),
            ]
        if "similarity" in complete:
            derived += [
                (pl.col(f"k{i}") - pl.col(f"k_d{i}")).alias(f"k_s{i}"),
                (n - n_d).alias(f"n_s{i}"),
            ]
        else:
            aggs += [
                (label & similar).sum().cast(pl.Int64).alias(f"k_s{i}"),
                (valid & similar).sum().cast(pl.Int64).alias(f"n_s{i}"),
            ]
    return aggs, derived


def position_table(
    resamples: pl.LazyFrame,
    outcomes: list[str],
    threshold: float,
    extra: list[pl.Expr],
    complete: Collection[str] = (),
) -> pl.DataFrame:
    """One row per position, sorted by position: every outcome's counts side by side
    (``k0``, ``n0`` ... for the i-th label column) and the ``extra`` aggregates;
    ``complete``: columns known to have a value in every row (``complete_columns``).

    One group-by over the wide rollouts (no row per rollout and outcome). Rollouts that
    carry ``RUN`` are grouped by it in memory (contiguous slices); any other input by
    (trace, position) with the streaming engine, which holds one row per position.
    """
    names = resamples.collect_schema().names()
    labels = label_columns(outcomes, names)
    sim = pl.col("similarity") if "similarity" in names else pl.lit(None, pl.Float64)
    counts, derived = _count_aggs(labels, sim, threshold, complete)
    named = {agg.meta.output_name() for agg in counts}
    aggs = counts + [agg for agg in extra if agg.meta.output_name() not in named]
    if RUN in names:
        first = [pl.col(c).first() for c in POSITION]
        query = resamples.group_by(RUN).agg(*first, *aggs).sort(RUN).drop(RUN)
        return query.with_columns(derived).collect()
    query = resamples.group_by(POSITION).agg(aggs).sort(POSITION).with_columns(derived)
    return query.collect(engine="streaming").rechunk()


def long_counts(wide: pl.DataFrame, labels: list[str]) -> pl.DataFrame:
    """``position_table`` counts as one row per (position, outcome) with a valid rollout,
    with the next position's counts, sorted by position, then outcome (``ORDER``: that
    order as one integer)."""
    names = [name.removeprefix(OUTCOME_PREFIX) for name in labels]
    rank = {name: r for r, name in enumerate(sorted(names))}
    base = wide.lazy().with_columns(
        pl.int_range(pl.len(), dtype=pl.UInt64).alias("__position"),
        pl.col("trace_id").rle_id().alias("__trace"),
    )
    per_outcome = []
    for i, name in enumerate(names):
        rows = base.select(
            *POSITION,
            pl.lit(name).alias("outcome"),
            *(pl.col(f"{c}{i}").alias(c) for c in COLUMNS[:-1]),
            # a similarity is below the threshold or not (NaN counts as above): a valid
            # rollout with one is in D or S
            ((pl.col(f"n_d{i}") + pl.col(f"n_s{i}")) > 0).alias("has_sim"),
            (pl.col("__position") * len(names) + rank[name]).alias(ORDER),
            "__trace",
        ).filter(pl.col("n") > 0)
        # rows are in position order: the next row of the same trace is the next position
        same_trace = pl.col("__trace").shift(-1) == pl.col("__trace")
        per_outcome.append(
            rows.with_columns(
                pl.when(same_trace).then(pl.col(c).shift(-1)).alias(f"{c}_next") for c in ("k", "n")
            )
        )
    if not per_outcome:  # no label columns: no counts
        empty = wide.lazy().select(*POSITION, pl.lit(None, pl.String).alias("outcome"))
        per_outcome = [
            empty.with_columns(pl.lit(0, pl.Int64).alias(c) for c in COLUMNS[:-1])
            .with_columns(
                pl.lit(False).alias("has_sim"),
                pl.lit(0, pl.UInt64).alias(ORDER),
                pl.lit(0, pl.UInt32).alias("__trace"),
                pl.lit(None, pl.Int64).alias("k_next"),
                pl.lit(None, pl.Int64).alias("n_next"),
            )
            .head(0)
        ]
    # one integer key: the rates and importance tables follow this order
    return pl.concat(per_outcome).sort(ORDER).drop("__trace").collect()


SERIES_ORDER = ["trace_id", "outcome", "sentence_idx"]
"""Each trace's positions, one outcome after another (``position_counts`` order)."""


def position_counts(resamples: pl.LazyFrame, outcomes: list[str], threshold: float) -> pl.LazyFrame:
    """Counts per position and at the next position, sorted by trace, outcome, position:
    one row per (position, outcome) that has a valid rollout (a rollout counts for an
    outcome when its label is not null)."""
    names = resamples.collect_schema().names()
    wide = position_table(resamples, outcomes, threshold, [])
    counts = long_counts(wide, label_columns(outcomes, names))
    return counts.drop(ORDER).sort(SERIES_ORDER).lazy()
