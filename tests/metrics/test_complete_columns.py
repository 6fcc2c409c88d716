"""Columns with a value in every row give the same counts from fewer sums
(``counts.complete_columns``, the ``complete`` argument of ``position_table``)."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from afscope.bundle.normalize import key_runs
from afscope.metrics.counts import RUN, complete_columns, position_table
from afscope.metrics.options import MetricOptions
from afscope.metrics.sentence_stats import stat_aggregates

SCHEMA = {
    "trace_id": pl.String,
    "sentence_idx": pl.Int64,
    "rollout_id": pl.Int64,
    "resampled_sentence": pl.String,
    "similarity": pl.Float64,
    "outcome.compliance": pl.Boolean,
    "outcome.refusal": pl.Boolean,
}
rollout = st.tuples(
    st.sampled_from(["a", "b"]),
    st.integers(0, 3),
    st.sampled_from(["x", " x", None]),
    st.one_of(st.none(), st.floats(0, 1), st.just(float("nan"))),
    st.one_of(st.none(), st.booleans()),
    st.one_of(st.none(), st.booleans()),
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(rollout, min_size=1, max_size=40),
    st.sampled_from([(), ("similarity",), ("outcome.compliance",), tuple(SCHEMA)]),
    st.floats(0.05, 0.95),
    st.booleans(),
)
def test_counts_from_complete_columns_equal_the_full_sums(items, fill, threshold, in_runs):
    frame = pl.DataFrame(
        [(t, i, n, *rest) for n, (t, i, *rest) in enumerate(items)], schema=SCHEMA, orient="row"
    )
    filled = {"similarity": 0.5, "outcome.compliance": True, "outcome.refusal": False}
    frame = frame.with_columns(
        pl.col(c).fill_null(filled[c]).fill_nan(0.25)
        if c == "similarity"
        else pl.col(c).fill_null(filled[c])
        for c in fill
        if c in filled
    )
    if in_runs:  # the path compute takes for rows in key order
        frame = frame.sort("trace_id", "sentence_idx", "rollout_id")
        frame = frame.with_columns(
            key_runs(frame, ["trace_id", "sentence_idx", "rollout_id"]).alias(RUN)
        )
    complete = complete_columns(frame)
    if frame["similarity"].is_nan().any():
        assert "similarity" not in complete
    outcomes = ["compliance", "refusal"]
    stats = stat_aggregates(frame.columns, MetricOptions(threshold))
    full = position_table(frame.lazy(), outcomes, threshold, stats)
    fewer = position_table(frame.lazy(), outcomes, threshold, stats, complete)
    assert fewer.select(full.columns).equals(full)
