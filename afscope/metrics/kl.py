"""KL divergence between two Bernoulli outcome distributions, with additive smoothing."""

from __future__ import annotations

import polars as pl

DEFAULT_ALPHA = 1.0


def smoothed(k: pl.Expr, n: pl.Expr, alpha: float) -> pl.Expr:
    """P(outcome) with additive smoothing over the two values (true, false)."""
    return (k.cast(pl.Float64) + alpha) / (n.cast(pl.Float64) + 2.0 * alpha)


def bernoulli_kl(
    k_p: pl.Expr, n_p: pl.Expr, k_q: pl.Expr, n_q: pl.Expr, alpha: float = DEFAULT_ALPHA
) -> pl.Expr:
    """KL(P || Q) in nats for P = smoothed(k_p, n_p), Q = smoothed(k_q, n_q).

    With alpha = 0 an empty or pure set can make it infinite; the pipeline used 1e-9
    (released math data) and 1.0 (later code); afscope defaults to 1.0.
    """
    p = smoothed(k_p, n_p, alpha)
    q = smoothed(k_q, n_q, alpha)

    def term(a: pl.Expr, b: pl.Expr) -> pl.Expr:
        return pl.when(a > 0).then(a * (a / b).log()).otherwise(0.0)

    return term(p, q) + term(1.0 - p, 1.0 - q)
