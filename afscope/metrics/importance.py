"""The importance table: every metric computed from rollouts, from one set of counts.

``afscope import`` and ``afscope compute`` both write exactly these rows, so the same
rollouts give the same values, intervals and flags whichever command read them.

Signed (direction; positive = the sentence promotes the outcome), with a 95% interval:
  resampling        rate(R_next) - rate(R_i)
  counterfactual    rate(R_next) - rate(D_i), 0 when D_i is empty (needs similarities);
                    minus the pipeline's counterfactual_importance
Unsigned (KL in nats, additive smoothing alpha):
  resampling_kl     KL(R_i || R_next)
  counterfactual_kl KL(D_i || R_next + S_i)           (needs similarities)
Low evidence: either compared set has fewer than ``min_evidence`` rollouts (for the
counterfactual metrics that includes an empty D_i, where the value is 0 by convention).
The last position with rollouts has no next set and gets no importance.
"""

from __future__ import annotations

import polars as pl

from afscope.metrics.counts import COLUMNS, ORDER, POSITION
from afscope.metrics.intervals import newcombe_interval
from afscope.metrics.kl import bernoulli_kl
from afscope.metrics.options import MetricOptions

METRICS: dict[str, bool] = {
    "resampling": True,
    "counterfactual": True,
    "resampling_kl": False,
    "counterfactual_kl": False,
}
"""Every computed metric, in the order bundles list them, mapped to whether it is signed."""
METRIC_ORDER = {name: rank for rank, name in enumerate(sorted(METRICS))}
"""Each metric's place when rows are sorted by name (the importance table's order)."""
NEEDS_SIMILARITY = ("counterfactual", "counterfactual_kl", "different_trajectories_fraction")
ANALYTIC_INTERVAL = "Newcombe hybrid score (analytic)"

_TEXT = {
    "resampling": "rate(R_next) - rate(R_i); 95% interval: {interval}",
    "counterfactual": "rate(R_next) - rate(D_i), D_i = resamples with similarity < {threshold}; "
    "95% interval: {interval}",
    "resampling_kl": "KL(R_i || R_next), Bernoulli, smoothing alpha = {alpha}",
    "counterfactual_kl": "KL(D_i || R_next + S_i), Bernoulli, smoothing alpha = {alpha}",
}


def describe(metric: str, options: MetricOptions, interval: str = ANALYTIC_INTERVAL) -> str:
    """The manifest description of a computed metric, with the settings it used."""
    return _TEXT[metric].format(interval=interval, threshold=options.threshold, alpha=options.alpha)


def _metric_rows(
    rows: pl.LazyFrame,
    metric: str,
    low_evidence: pl.Expr,
    *,
    direction: pl.Expr | None = None,
    importance: pl.Expr | None = None,
    interval: tuple[pl.Expr, pl.Expr] | None = None,
) -> pl.LazyFrame:
    """One metric's rows in the importance table's columns (signed or unsigned)."""
    null = pl.lit(None, pl.Float64)
    low, high = interval if interval is not None else (null, null)
    magnitude = importance if importance is not None else direction.abs()  # type: ignore[union-attr]
    return rows.select(
        *POSITION,
        "outcome",
        pl.lit(metric).alias("metric"),
        magnitude.alias("importance"),
        (direction if direction is not None else null).alias("direction"),
        low.alias("ci_low"),
        high.alias("ci_high"),
        low_evidence.alias("low_evidence"),
        (pl.col(ORDER) * len(METRIC_ORDER) + METRIC_ORDER[metric]).alias(ORDER),
    )


COUNT_COLUMNS = [*COLUMNS[:-1], "k_next", "n_next"]
"""The counts every metric is computed from (``counts.long_counts`` columns)."""
HAS_NEXT = pl.col("n_next").is_not_null()
"""Counts rows with a next position: every metric has a row for them."""
WITH_SIMILARITY = pl.col("has_sim")
"""... and of those, the rows the counterfactual metrics have a row for."""
METRIC_ROWS = {
    "resampling": HAS_NEXT,
    "resampling_kl": HAS_NEXT,
    "counterfactual": HAS_NEXT & WITH_SIMILARITY,
    "counterfactual_kl": HAS_NEXT & WITH_SIMILARITY,
}
"""Which counts rows each metric has importance rows for."""


def metrics_present(counts: pl.DataFrame) -> list[str]:
    """The metrics ``importance_table`` gives rows for, in ``METRICS`` order: found from
    the counts, not the (many more) rows of the table."""
    found = counts.select(rows.any().alias(m) for m, rows in METRIC_ROWS.items())
    return [m for m in METRICS if found[m][0]]


def importance_table(counts: pl.LazyFrame, options: MetricOptions) -> pl.LazyFrame:
    """Long importance rows with analytic intervals and low-evidence flags, from
    ``counts.long_counts`` output (counterfactual rows only where similarities exist),
    one metric after another, each row with its place in the table (``ORDER``)."""
    # counts as floats once: every formula divides them, and a cast per use (Polars does
    # not share casts between them) was a tenth of the work; integers below 2**53 are
    # exact as floats, so every value and comparison is the same
    rows = counts.filter(HAS_NEXT).with_columns(pl.col(COUNT_COLUMNS).cast(pl.Float64))
    k, n = pl.col("k"), pl.col("n")
    k_next, n_next = pl.col("k_next"), pl.col("n_next")
    k_d, n_d = pl.col("k_d"), pl.col("n_d")
    few = options.min_evidence
    rate_next = k_next / n_next
    resampling = rate_next - k / n
    counterfactual = pl.when(n_d > 0).then(rate_next - k_d / n_d).otherwise(0.0)
    rs_low_evidence = (n < few) | (n_next < few)
    cf_low_evidence = (n_d < few) | (n_next < few)
    kl_rs = bernoulli_kl(k, n, k_next, n_next, options.alpha)
    kl_cf = (
        pl.when(n_d == 0)
        .then(0.0)
        .otherwise(
            bernoulli_kl(k_d, n_d, k_next + pl.col("k_s"), n_next + pl.col("n_s"), options.alpha)
        )
    )
    with_sim = rows.filter(WITH_SIMILARITY)
    parts = [
        _metric_rows(
            rows,
            "resampling",
            rs_low_evidence,
            direction=resampling,
            interval=newcombe_interval(k_next, n_next, k, n),
        ),
        _metric_rows(rows, "resampling_kl", rs_low_evidence, importance=kl_rs),
        _metric_rows(
            with_sim,
            "counterfactual",
            cf_low_evidence,
            direction=counterfactual,
            interval=newcombe_interval(k_next, n_next, k_d, n_d),
        ),
        _metric_rows(with_sim, "counterfactual_kl", cf_low_evidence, importance=kl_cf),
    ]
    return pl.concat(parts)


CHUNK_ROWS = 65_536
"""Counts rows per piece in ``importance_rows``."""
PIECES_AT_ONCE = 2
"""Pieces computed side by side: one piece's query keeps one core busy for much of its
time (20% less wall time at 12M rollouts on 2 cores), and two pieces' intermediate
columns are still small."""


def importance_rows(counts: pl.DataFrame, options: MetricOptions) -> pl.DataFrame:
    """``importance_table`` of ``counts``, computed a few pieces of positions at a time:
    their intermediate columns are freed before the next pieces, so the table's peak
    memory is little more than its own size. Pieces follow ``ORDER``, so they join
    sorted."""
    by_place = counts.sort(ORDER)
    starts = range(0, max(by_place.height, 1), CHUNK_ROWS)
    pieces = []
    for at in range(0, len(starts), PIECES_AT_ONCE):
        queries = [
            importance_table(by_place.slice(start, CHUNK_ROWS).lazy(), options)
            for start in starts[at : at + PIECES_AT_ONCE]
        ]
        # each sorted by (position, outcome, metric) as one integer, once collected: a
        # sort inside the query costs more
        done = pl.collect_all(queries, engine="in-memory")
        pieces += [piece.sort(ORDER).drop(ORDER) for piece in done]
    return pl.concat(pieces)
