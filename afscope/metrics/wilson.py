"""Wilson score interval as Polars expressions.

Rates here come from 3 to 100 rollouts, often near 0 or 1, where the normal
approximation is useless; the Wilson interval stays inside [0, 1] and is honest there.
"""

from __future__ import annotations

import polars as pl

Z_95 = 1.959963984540054


def wilson_interval(k: pl.Expr, n: pl.Expr, z: float = Z_95) -> tuple[pl.Expr, pl.Expr]:
    """(low, high) bounds for ``k`` successes out of ``n``; null where ``n`` is 0."""
    n_f = n.cast(pl.Float64)
    p = k.cast(pl.Float64) / n_f
    z2 = z * z
    denom = 1.0 + z2 / n_f
    centre = (p + z2 / (2.0 * n_f)) / denom
    half = z * ((p * (1.0 - p) / n_f + z2 / (4.0 * n_f * n_f)).sqrt()) / denom
    valid = n > 0
    # The exact bounds at k = 0 and k = n are 0 and 1; rounding would leave 1e-17 crumbs.
    low = pl.when(valid).then(pl.when(k == 0).then(0.0).otherwise((centre - half).clip(0.0, 1.0)))
    high = pl.when(valid).then(pl.when(k == n).then(1.0).otherwise((centre + half).clip(0.0, 1.0)))
    return low, high
