"""Counterparts by query, alignment by relative position, the compare state (headless)."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from afscope.analysis.compare import CompareState
from afscope.analysis.pairs import TIER, VARIANT, aligned_position, counterpart
from afscope.bundle import Bundle
from afscope.explore.state import ExplorerState
from afscope.sample import sample_bundle_path

TRACES = pl.DataFrame(
    {
        "trace_id": ["a", "b", "c", "d", "e"],
        "prompt_variant": ["original", "original", "ablated", "ablated", "original"],
        "condition": ["free", "paid", "free", "free", "free"],
        "query": ["q1", "q1", "q1", "q2", None],
    }
)


def test_counterpart_prefers_the_other_tier_then_the_other_variant():
    assert counterpart(TRACES, "a") == ("b", TIER)
    assert counterpart(TRACES, "b") == ("a", TIER)  # same variant, other tier, first
    assert counterpart(TRACES, "c") == ("b", TIER)  # other tier beats same tier
    only_variant = TRACES.filter(pl.col("trace_id") != "b")
    assert counterpart(only_variant, "a") == ("c", VARIANT)
    assert counterpart(TRACES, "d") is None  # nobody else asks q2
    assert counterpart(TRACES, "e") is None  # no query
    assert counterpart(TRACES, "missing") is None
    assert counterpart(TRACES.drop("query"), "a") is None


def test_sample_has_three_queries_in_both_tiers():
    traces = Bundle.open(sample_bundle_path()).traces
    both = (
        traces.group_by("query")
        .agg(pl.col("condition").n_unique())
        .filter(pl.col("condition") == 2)
    )
    assert both.height >= 3
    pairs = {t: counterpart(traces, t) for t in traces["trace_id"]}
    assert pairs["01-original-free"] == ("08-original-paid", TIER)


@given(st.integers(0, 500), st.integers(1, 300), st.integers(1, 300))
def test_aligned_position_stays_in_range_and_keeps_the_ends(position, count, other):
    got = aligned_position(position, count, other)
    assert 0 <= got < other
    assert aligned_position(0, count, other) == 0
    if count > 1:
        assert aligned_position(count - 1, count, other) == other - 1


@pytest.fixture(scope="module")
def pair() -> CompareState:
    bundle = Bundle.open(sample_bundle_path())
    state = ExplorerState(bundle)
    return CompareState.for_pair(
        state, state.load("01-original-free"), state.load("08-original-paid"), TIER
    )


def test_compare_state_moves_the_active_side_and_follows_when_synced(pair):
    left, right = pair.sides
    pair.move_to(10)
    assert left.position == 10
    assert right.position == aligned_position(10, left.sentence_count, right.sentence_count)
    pair.switch()
    pair.toggle_sync()
    before = left.position
    pair.move(3)
    assert left.position == before and pair.current is right
    pair.toggle_sync()  # on again: the other side is aligned at once
    assert left.position == aligned_position(
        right.position, right.sentence_count, left.sentence_count
    )
    outcome = pair.settings.outcome
    pair.cycle_outcome()
    assert left.settings.outcome == right.settings.outcome != outcome


def test_export_choice_is_both_cursors_or_both_selections(pair):
    left, right = pair.sides
    assert pair.export_choice() == {
        "01-original-free": [left.sentence_idx],
        "08-original-paid": [right.sentence_idx],
    }
    pair.toggle_selection()  # on the active side only
    current = pair.current
    assert pair.export_choice() == {current.data.trace_id: [current.sentence_idx]}
