"""``row_problems`` on a large table: its cheap aggregates run on the streaming engine
(``normalize.aggregate_engine``), and must find what the in-memory engine finds on a
trace's few rows."""

from __future__ import annotations

import polars as pl
import pytest

from afscope.bundle import normalize
from afscope.bundle.rules import row_problems


def _resamples() -> pl.DataFrame:
    n = 3_000
    rows = pl.int_range(n, eager=True)
    return pl.DataFrame(
        {
            "trace_id": pl.Series(["t1"] * n),
            "sentence_idx": rows // 10,
            "rollout_id": rows % 10,
            "similarity": (rows % 7) / 7,
            "outcome.compliance": (rows % 3) == 0,
        }
    )


BREAKS = {
    "clean": (lambda f: f, []),
    "similarity above 1": (
        lambda f: f.with_columns(
            pl.when(pl.int_range(pl.len()) == 2_999)
            .then(1.5)
            .otherwise("similarity")
            .alias("similarity")
        ),
        [("similarity", "out of range: expected a value in [-1, 1]", "row 2999")],
    ),
    "NaN and empty": (
        lambda f: f.with_columns(
            pl.when(pl.int_range(pl.len()) == 1_024)
            .then(float("nan"))
            .otherwise("similarity")
            .alias("similarity"),
            pl.when(pl.int_range(pl.len()) == 7).then(None).otherwise("trace_id").alias("trace_id"),
        ),
        [
            ("trace_id", "empty value: expected a value", "row 7"),
            ("similarity", "NaN or infinite value: expected a finite number", "row 1024"),
        ],
    ),
}


@pytest.mark.parametrize("streamed_from", [0, 10**9], ids=["streaming", "in-memory"])
@pytest.mark.parametrize("case", list(BREAKS))
def test_both_engines_find_the_same_problems(monkeypatch, streamed_from, case):
    monkeypatch.setattr(normalize, "STREAMED_ROWS", streamed_from)
    # a frame of many chunks, as a large table is read
    broken = BREAKS[case][0](_resamples())
    frame = pl.concat([broken.slice(s, 500) for s in range(0, broken.height, 500)], rechunk=False)
    engines: list[str] = []
    collect = pl.LazyFrame.collect

    def spied(self, *args, **kwargs):
        engines.append(kwargs.get("engine", "auto"))
        return collect(self, *args, **kwargs)

    monkeypatch.setattr(pl.LazyFrame, "collect", spied)
    found = row_problems(frame, "resamples", "resamples.parquet", key_unique=False)
    assert sorted((p.column, p.message, p.where) for p in found) == sorted(BREAKS[case][1])
    assert ("streaming" in engines) == (streamed_from == 0)


@pytest.mark.parametrize("streamed_from", [0, 10**9], ids=["streaming", "in-memory"])
def test_both_engines_find_a_duplicate_key_at_a_chunk_edge(monkeypatch, streamed_from):
    # the key-order aggregate compares each row with the previous one: across chunks too
    monkeypatch.setattr(normalize, "STREAMED_ROWS", streamed_from)
    frame = _resamples()
    doubled = pl.concat([frame.slice(0, 500), frame.slice(499, 1), frame.slice(500)])
    chunks = pl.concat(
        [doubled.slice(s, 500) for s in range(0, doubled.height, 500)], rechunk=False
    )
    found = row_problems(chunks, "resamples", "resamples.parquet")
    assert [(p.message, p.where) for p in found] == [
        ("duplicate rows for the same trace_id + sentence_idx + rollout_id", "row 499, 500")
    ]
