"""Polars metric code against the plain-Python reference and hand-checked cases."""

import math

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reference_metrics import reference, wilson

from afscope.metrics import (
    MetricOptions,
    compute_importance,
    compute_metrics,
    compute_rates,
    wilson_interval,
)


def _frame(rows):
    return pl.DataFrame(
        rows,
        schema={
            "trace_id": pl.String,
            "sentence_idx": pl.Int64,
            "rollout_id": pl.Int64,
            "similarity": pl.Float64,
            "outcome.compliance": pl.Boolean,
        },
    )


def test_wilson_matches_known_values():
    frame = pl.DataFrame({"k": [0, 5, 10, 25], "n": [10, 10, 10, 500]})
    low, high = wilson_interval(pl.col("k"), pl.col("n"))
    out = frame.select(low.alias("lo"), high.alias("hi"))
    assert out.row(0) == pytest.approx((0.0, 0.27753), abs=1e-5)
    assert out.row(1) == pytest.approx((0.23659, 0.76341), abs=1e-5)
    assert out.row(2) == pytest.approx((0.72247, 1.0), abs=1e-5)
    assert out.row(3) == pytest.approx((0.03410, 0.07281), abs=1e-4)


def test_wilson_is_null_without_rollouts():
    low, _ = wilson_interval(pl.lit(0), pl.lit(0))
    assert pl.select(low).item() is None


def test_hand_checked_trace():
    # position 0: 4 rollouts, 1 true; the 2 dissimilar ones are both false
    # position 1: 2 rollouts, both true; position 2: 1 rollout, false
    rows = [
        ("t", 0, 0, 0.9, True),
        ("t", 0, 1, 0.95, False),
        ("t", 0, 2, 0.1, False),
        ("t", 0, 3, 0.2, False),
        ("t", 1, 0, 0.5, True),
        ("t", 1, 1, 0.99, True),
        ("t", 2, 0, 0.3, False),
        ("t", 2, 1, 0.3, None),
    ]
    frame = pl.DataFrame(
        rows,
        schema=["trace_id", "sentence_idx", "rollout_id", "similarity", "outcome.compliance"],
        orient="row",
    ).lazy()
    rates = compute_rates(frame, ["compliance"]).collect()
    assert rates["rate"].to_list() == [0.25, 1.0, 0.0]
    assert rates["n"].to_list() == [4, 2, 1]
    imp = {
        (r["sentence_idx"], r["metric"]): r["direction"]
        for r in compute_importance(frame, ["compliance"]).collect().iter_rows(named=True)
    }
    # sentence 0 promotes: kept -> 1.0 at position 1, replaced by something different -> 0.0
    assert imp[(0, "resampling")] == pytest.approx(0.75)
    assert imp[(0, "counterfactual")] == pytest.approx(1.0)
    # sentence 1 suppresses: rate falls from 1.0 to 0.0; its one dissimilar rollout was true
    assert imp[(1, "resampling")] == pytest.approx(-1.0)
    assert imp[(1, "counterfactual")] == pytest.approx(-1.0)
    assert (2, "resampling") not in imp


def test_without_similarity_only_resampling_is_computed():
    frame = pl.DataFrame(
        {
            "trace_id": ["t"] * 2,
            "sentence_idx": [0, 1],
            "rollout_id": [0, 0],
            "outcome.compliance": [False, True],
        }
    ).lazy()
    out = compute_metrics(frame, ["compliance"]).importance.collect()
    assert out["metric"].to_list() == ["resampling", "resampling_kl"]
    assert out["direction"].to_list() == [1.0, None]
    assert compute_importance(frame, ["compliance"]).collect()["metric"].to_list() == ["resampling"]


rollout = st.tuples(
    st.sampled_from(["a", "b"]),
    st.integers(0, 5),
    st.one_of(st.none(), st.floats(0, 1)),
    st.one_of(st.none(), st.booleans()),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(rollout, min_size=1, max_size=60), st.floats(0.05, 0.95))
def test_polars_metrics_equal_the_reference(items, threshold):
    rows = [
        {
            "trace_id": t,
            "sentence_idx": i,
            "rollout_id": n,
            "similarity": s,
            "outcome.compliance": label,
        }
        for n, (t, i, s, label) in enumerate(items)
    ]
    ref_rates, ref_importance = reference(rows, "compliance", threshold)
    lazy = _frame(rows).lazy()
    computed = compute_metrics(lazy, ["compliance"], MetricOptions(threshold=threshold))
    rates = computed.rates.collect()
    got_rates = {
        (r["trace_id"], r["sentence_idx"]): (r["rate"], r["n"], r["ci_low"], r["ci_high"])
        for r in rates.iter_rows(named=True)
    }
    assert got_rates.keys() == ref_rates.keys()
    for key, want in ref_rates.items():
        assert got_rates[key] == pytest.approx(want, abs=1e-12)
    imp = computed.importance.filter(pl.col("direction").is_not_null()).collect()
    got = {
        (r["trace_id"], r["sentence_idx"], r["metric"]): r["direction"]
        for r in imp.iter_rows(named=True)
    }
    assert got.keys() == ref_importance.keys()
    for key, want in ref_importance.items():
        assert got[key] == pytest.approx(want, abs=1e-12)
    assert (imp["importance"] == imp["direction"].abs()).all()


def test_wilson_brackets_the_rate_and_is_exact_at_the_ends():
    grid = pl.DataFrame(
        [(k, n) for n in range(1, 40) for k in range(n + 1)], schema=["k", "n"], orient="row"
    )
    low, high = wilson_interval(pl.col("k"), pl.col("n"))
    out = grid.with_columns(
        low.alias("lo"), high.alias("hi"), (pl.col("k") / pl.col("n")).alias("p")
    )
    for k, n, lo, hi, p in out.iter_rows():
        assert 0 <= lo <= p <= hi <= 1
        assert (lo == 0) == (k == 0) and (hi == 1) == (k == n)
        assert (lo, hi) == pytest.approx(wilson(k, n), abs=1e-12)
        assert not math.isnan(lo)
