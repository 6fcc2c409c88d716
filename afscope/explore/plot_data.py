"""Rate curves for the plot, downsampled to what the pane can show."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from afscope.explore.trace_data import TraceData


@dataclass(frozen=True)
class Curve:
    outcome: str
    x: list[float]
    rate: list[float]
    low: list[float] | None
    high: list[float] | None
    """Interval band (Wilson 95% when afscope computed it); None when unknown."""
    slot: int | None = None
    """The outcome's place among the bundle's outcomes, which picks its colour, so an
    outcome keeps its colour on every trace (None: its place among the drawn curves)."""


def rate_curves(data: TraceData, max_points: int) -> list[Curve]:
    """One curve per outcome; more positions than ``max_points`` are averaged in buckets
    (the band keeps the bucket's widest bounds), so plotting cost stays bounded."""
    curves = []
    for outcome in data.outcomes:
        series = (
            data.rates.filter(pl.col("outcome") == outcome)
            .select("sentence_idx", "rate", "ci_low", "ci_high")
            .sort("sentence_idx")
        )
        if series.height == 0:
            continue
        if series.height > max(2, max_points):
            step = -(-series.height // max(2, max_points))
            series = (
                series.with_row_index("row")
                .group_by((pl.col("row") // step).alias("bucket"), maintain_order=True)
                .agg(
                    pl.col("sentence_idx").mean(),
                    pl.col("rate").mean(),
                    pl.col("ci_low").min(),
                    pl.col("ci_high").max(),
                )
            )
        has_band = series["ci_low"].null_count() == 0 and series["ci_high"].null_count() == 0
        curves.append(
            Curve(
                outcome,
                series["sentence_idx"].cast(pl.Float64).to_list(),
                series["rate"].to_list(),
                series["ci_low"].to_list() if has_band else None,
                series["ci_high"].to_list() if has_band else None,
                slot=data.outcomes.index(outcome),
            )
        )
    return curves
