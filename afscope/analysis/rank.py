"""Rank sentences across traces by signed importance: what promotes or suppresses an outcome.

``promotes`` puts the most positive values first, ``suppresses`` the most negative,
``both`` the largest |importance|; every sentence that passes the filters is kept
(sentences without a value last). Low-evidence values are left out unless asked for:
a value measured on a handful of rollouts should not top a list researchers quote.
"""

from __future__ import annotations

from typing import Literal

import polars as pl

from afscope.analysis.frame import apply_filter
from afscope.explore.filters import Filter

RankDirection = Literal["promotes", "suppresses", "both"]
DIRECTIONS: tuple[RankDirection, ...] = ("promotes", "suppresses", "both")


def order(frame: pl.DataFrame, direction: RankDirection) -> pl.DataFrame:
    """``frame`` sorted for ``direction``; ties by trace order, then sentence index."""
    if direction == "both":
        key, descending = pl.col("importance"), True
    else:
        key, descending = pl.col("signed"), direction == "promotes"
    return frame.sort(
        [key, "trace_order", "sentence_idx"],
        descending=[descending, False, False],
        nulls_last=True,
    )


def eligible(frame: pl.DataFrame, include_low_evidence: bool) -> pl.DataFrame:
    """Drop low-evidence values unless asked for."""
    return frame if include_low_evidence else frame.filter(~pl.col("low_evidence"))


def rank_sentences(
    frame: pl.DataFrame,
    direction: RankDirection = "promotes",
    *,
    where: Filter | None = None,
    include_low_evidence: bool = False,
    top: int | None = None,
) -> pl.DataFrame:
    """The ranked rows (a sentence frame from ``sentence_frame``), ``top`` first only."""
    rows = order(apply_filter(eligible(frame, include_low_evidence), where), direction)
    return rows.head(top) if top is not None else rows
