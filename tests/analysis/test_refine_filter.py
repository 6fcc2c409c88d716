"""A keystroke filters the last result when the new filter only narrows the old one; the
rows must be exactly what filtering everything gives."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from afscope.analysis.frame import apply_filter, check_choice, refine_filter, sentence_frame
from afscope.analysis.rank import order
from afscope.bundle.reader import Bundle
from afscope.explore.filters import parse_filter
from afscope.sample import sample_bundle_path


@pytest.fixture(scope="module")
def ranked():
    bundle = Bundle.open(sample_bundle_path())
    return order(sentence_frame(bundle, check_choice(bundle, None, None)), "promotes")


@pytest.mark.parametrize(
    ("old", "new", "narrows"),
    [
        ("moni", "monit", True),
        ("condition=free moni", "condition=free monit", True),
        ("monit", "condition=free monit", True),
        ("condition=fre", "condition=free", False),  # equality: not a refinement
        ("monit", "moni", False),
        ("monit x", "monit", False),
        ("tag=monitoring", "tag=monitoring plan", True),
        ("alignment_faking=yes", "alignment_faking=no", False),
    ],
)
def test_narrows(old: str, new: str, narrows: bool) -> None:
    outcomes = ["alignment_faking"]
    assert parse_filter(new, outcomes).narrows(parse_filter(old, outcomes)) is narrows


TYPED = "condition=paid variant=original monitoring plan tag=value_conflict"


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, len(TYPED)), min_size=2, max_size=8))
def test_refined_rows_equal_a_full_filter(ranked, cuts: list[int]) -> None:
    """Typing and deleting (prefixes of a filter in any order) gives the rows and order
    of filtering from scratch each time."""
    last = None
    for cut in cuts:
        parsed = parse_filter(TYPED[:cut], ["alignment_faking"])
        rows = refine_filter(ranked, parsed, last)
        assert rows.equals(apply_filter(ranked, parsed))
        last = parsed, rows
