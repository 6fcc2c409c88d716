"""Intervals for a difference of two rates, as Polars expressions.

Newcombe's hybrid score interval (method 10 in Newcombe 1998) combines the Wilson
intervals of the two rates. It stays sensible at 0 and 1 and for small n, where the
normal (Wald) interval fails, and costs a few expressions per row. ``--bootstrap`` swaps
it for a seeded percentile bootstrap (``bootstrap.py``).
"""

from __future__ import annotations

import polars as pl

from afscope.metrics.wilson import wilson_interval


def newcombe_interval(
    k1: pl.Expr, n1: pl.Expr, k2: pl.Expr, n2: pl.Expr
) -> tuple[pl.Expr, pl.Expr]:
    """95% interval for rate1 - rate2 (k successes of n each); null if either n is 0."""
    p1 = k1.cast(pl.Float64) / n1
    p2 = k2.cast(pl.Float64) / n2
    l1, u1 = wilson_interval(k1, n1)
    l2, u2 = wilson_interval(k2, n2)
    d = p1 - p2
    low = d - ((p1 - l1) ** 2 + (u2 - p2) ** 2).sqrt()
    high = d + ((u1 - p1) ** 2 + (p2 - l2) ** 2).sqrt()
    valid = (n1 > 0) & (n2 > 0)
    return pl.when(valid).then(low), pl.when(valid).then(high)
