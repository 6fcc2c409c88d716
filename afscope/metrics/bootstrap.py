"""Seeded percentile bootstrap for the signed metrics (``afscope compute --bootstrap N``).

With binary labels a rate depends only on how many of a set's rollouts are true, so
resampling a set's rollouts with replacement is exactly a binomial draw of that count.
Each set is resampled independently; the 2.5% and 97.5% percentiles of the difference
form the interval. Rows are processed in chunks to bound memory.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from afscope.metrics.counts import POSITION, SERIES_ORDER

CHUNK = 5_000


def _percentiles(rng: np.random.Generator, k1, n1, k2, n2, draws: int):
    n1 = np.maximum(n1, 1)
    n2 = np.maximum(n2, 1)
    a = rng.binomial(n1, k1 / n1, size=(draws, len(n1))) / n1
    b = rng.binomial(n2, k2 / n2, size=(draws, len(n2))) / n2
    return np.percentile(a - b, [2.5, 97.5], axis=0)


def bootstrap_intervals(counts: pl.DataFrame, draws: int, seed: int) -> pl.DataFrame:
    """Interval rows (trace, position, outcome, metric, ci_low, ci_high) for resampling
    and counterfactual, from ``position_counts`` rows that have a next position, drawn
    in ``SERIES_ORDER`` (whatever order the rows come in, the same seed gives the same
    intervals)."""
    rows = counts.filter(pl.col("n_next").is_not_null()).sort(SERIES_ORDER)
    rng = np.random.default_rng(seed)
    out = []
    for start in range(0, rows.height, CHUNK):
        part = rows.slice(start, CHUNK)
        k, n = part["k"].to_numpy(), part["n"].to_numpy()
        kn, nn = part["k_next"].to_numpy(), part["n_next"].to_numpy()
        kd, nd = part["k_d"].to_numpy(), part["n_d"].to_numpy()
        rs = _percentiles(rng, kn, nn, k, n, draws)
        cf = _percentiles(rng, kn, nn, kd, nd, draws)
        keys = part.select(*POSITION, "outcome")
        out.append(
            keys.with_columns(
                pl.lit("resampling").alias("metric"),
                pl.Series("ci_low", rs[0]),
                pl.Series("ci_high", rs[1]),
            )
        )
        has_d = pl.Series(nd > 0)
        out.append(
            keys.with_columns(
                pl.lit("counterfactual").alias("metric"),
                pl.when(has_d).then(pl.Series(cf[0])).alias("ci_low"),
                pl.when(has_d).then(pl.Series(cf[1])).alias("ci_high"),
            )
        )
    if not out:
        return pl.DataFrame(
            schema={
                "trace_id": pl.String,
                "sentence_idx": pl.Int64,
                "outcome": pl.String,
                "metric": pl.String,
                "ci_low": pl.Float64,
                "ci_high": pl.Float64,
            }
        )
    return pl.concat(out)
