"""``key_runs``: the one-pass key-order check (and position runs) behind compute's read."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from afscope.bundle import normalize
from afscope.bundle.normalize import is_sorted_by, key_runs

row = st.tuples(
    st.sampled_from(["a", "b", "ab", None]),
    st.one_of(st.none(), st.integers(-2, 2)),
    st.integers(-1, 2),
)
full_row = st.tuples(st.sampled_from(["a", "b", "ab"]), st.integers(-2, 2), st.integers(-1, 2))
"""No nulls: most such lists, once sorted, are in key order (strictly, unless one repeats)."""


@settings(max_examples=500, deadline=None)
@given(
    st.one_of(st.lists(row, max_size=12), st.lists(full_row, max_size=12, unique=True)),
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


@pytest.mark.parametrize("streamed_from", [0, 10**9], ids=["streaming", "in-memory"])
@pytest.mark.parametrize("at", [1, 65_535, 65_536, 99_999, 100_001, 131_072, 199_999])
def test_a_step_back_anywhere_in_a_large_table_of_many_chunks_is_found(
    monkeypatch, at, streamed_from
):
    # a large table's order is counted by the streaming engine in pieces: a step back at
    # any row, a piece's first or last included, must be seen, in a frame of chunks as
    # read; a small table's by the in-memory engine
    monkeypatch.setattr(normalize, "STREAMED_ROWS", streamed_from)
    n, per_chunk = 200_000, 40_000
    rows = pl.int_range(n, eager=True)
    frame = pl.DataFrame(
        {"t": pl.Series(["a"] * (n // 2) + ["b"] * (n // 2)), "i": rows // 50, "r": rows % 50}
    )
    assert key_runs(frame, ["t", "i", "r"]) is not None
    swapped = rows.clone().scatter([at - 1, at], [at, at - 1])  # rows at - 1, at trade places
    stepped = frame.select("t", pl.col("i", "r").gather(swapped))
    chunks = pl.concat(
        [stepped.slice(start, per_chunk) for start in range(0, n, per_chunk)], rechunk=False
    )
    assert chunks.n_chunks() > 1
    assert key_runs(chunks, ["t", "i", "r"]) is None


@pytest.mark.parametrize("dtype", ["enum", "int"])
def test_trace_ids_are_ordered_as_text_whatever_their_dtype(dtype):
    # the writer sorts trace ids as text: an Enum's category order or numbers' order
    # that is not the text's must not pass as key order
    ids = ["b", "a"] if dtype == "enum" else [9, 10]  # "9" > "10" as text
    column = (
        pl.Series(ids, dtype=pl.Enum(["b", "a"]))
        if dtype == "enum"
        else pl.Series(ids, dtype=pl.Int64)
    )
    frame = pl.DataFrame({"t": column, "i": [0, 0], "r": [0, 0]})
    assert frame["t"].is_sorted()  # in the dtype's own order
    assert key_runs(frame, ["t", "i", "r"]) is None
    assert key_runs(frame.reverse(), ["t", "i", "r"]) is not None
