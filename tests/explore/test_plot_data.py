"""Rate curves: one per outcome, bucketed to what the pane can show."""

from __future__ import annotations

import polars as pl
import pytest

from afscope.bundle.reader import Bundle
from afscope.explore.plot_data import rate_curves
from afscope.explore.trace_data import TraceData, load_trace


def _trace(rates: pl.DataFrame, outcomes: list[str]) -> TraceData:
    empty = pl.DataFrame()
    return TraceData({"trace_id": "t"}, empty, rates, empty, None, None, outcomes, ["m"])


def _rates(n: int, *, band: bool) -> pl.DataFrame:
    frame = pl.DataFrame(
        {
            "sentence_idx": list(range(n)),
            "outcome": ["x"] * n,
            "rate": [i / n for i in range(n)],
            "n": [50] * n,
        }
    )
    if band:
        return frame.with_columns(
            (pl.col("rate") - 0.1).alias("ci_low"), (pl.col("rate") + 0.1).alias("ci_high")
        )
    return frame.with_columns(
        pl.lit(None, pl.Float64).alias("ci_low"), pl.lit(None, pl.Float64).alias("ci_high")
    )


def test_short_curves_are_not_bucketed() -> None:
    (curve,) = rate_curves(_trace(_rates(10, band=True), ["x"]), 100)
    assert curve.x == [float(i) for i in range(10)]
    assert curve.rate == pytest.approx([i / 10 for i in range(10)])
    assert curve.low == pytest.approx([i / 10 - 0.1 for i in range(10)])


def test_long_curves_are_averaged_in_buckets_keeping_the_widest_band() -> None:
    (curve,) = rate_curves(_trace(_rates(2000, band=True), ["x"]), 100)
    assert len(curve.x) == 100
    assert curve.x[0] == pytest.approx(9.5)  # mean of positions 0..19
    assert curve.rate[0] == pytest.approx(sum(i / 2000 for i in range(20)) / 20)
    assert curve.low is not None and curve.high is not None
    assert curve.low[0] == pytest.approx(-0.1)  # the bucket's lowest bound
    assert curve.high[0] == pytest.approx(19 / 2000 + 0.1)  # and its highest


def test_uneven_buckets_and_no_band() -> None:
    (curve,) = rate_curves(_trace(_rates(101, band=False), ["x"]), 50)
    assert len(curve.x) == 34  # buckets of ceil(101 / 50) = 3
    assert curve.x[-1] == pytest.approx(99.5)  # the last bucket holds 99 and 100
    assert curve.low is None and curve.high is None


def test_one_curve_per_outcome_with_rates(sample: Bundle) -> None:
    data = load_trace(sample, sample.trace_ids()[0])
    curves = rate_curves(data, 60)
    assert [c.outcome for c in curves] == sample.outcomes
    assert rate_curves(_trace(_rates(5, band=False), ["x", "missing"]), 60)[0].outcome == "x"
    assert len(rate_curves(_trace(_rates(5, band=False), ["x", "missing"]), 60)) == 1
