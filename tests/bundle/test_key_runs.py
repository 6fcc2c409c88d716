"""``key_runs``: the one-pass key-order check (and position runs) behind compute's read."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from afscope.bundle.normalize import is_sorted_by, key_runs

row = st.tuples(
    st.sampled_from(["a", "b", "ab", None]),
    st.one_of(st.none(), st.integers(-2, 2)),
    st.integers(-1, 2),
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(row, max_size=12),
    st.booleans(),
    st.sampled_from([["t", "i", "r"], ["t", "i"], ["t"]]),
)
def test_runs_exactly_when_strictly_sorted(rows, sort, key):
    if sort:  # half the cases in key order, with or without repeated keys
        rows = sorted(rows, key=lambda r: tuple((v is None, v or 0) for v in r))
    frame = pl.DataFrame(rows, schema={"t": pl.String, "i": pl.Int64, "r": pl.Int64}, orient="row")
    runs = key_runs(frame, key)
    no_nulls = not any(frame[k].null_count() for k in key)
    assert (runs is not None) == (no_nulls and is_sorted_by(frame, key, strict=True))
    if runs is None:
        return
    # plain-Python reference: a new run wherever the key without its last column changes
    prefixes = [tuple(r[: len(key) - 1]) for r in frame.select(key).rows()]
    want, run = [], 0
    for i, prefix in enumerate(prefixes):
        run += i > 0 and prefix != prefixes[i - 1]
        want.append(run)
    assert runs.to_list() == want
    assert runs.flags["SORTED_ASC"]


def test_unsorted_first_column_has_no_runs():
    frame = pl.DataFrame({"t": ["b", "a"], "i": [0, 1], "r": [0, 0]})
    assert key_runs(frame, ["t", "i", "r"]) is None
