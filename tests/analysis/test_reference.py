"""The Polars ranking and tag statistics agree with plain-Python reference versions."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from afscope.analysis import tags as tags_module
from afscope.analysis.rank import rank_sentences
from afscope.analysis.tags import tag_statistics

from .reference_analysis import reference_rank, reference_tags

TAGS = ["a", "b", "c"]


@st.composite
def frames(draw: st.DrawFn) -> pl.DataFrame:
    n_traces = draw(st.integers(1, 5))
    rows = []
    for t in range(n_traces):
        for i in range(draw(st.integers(1, 8))):
            value = draw(
                st.one_of(st.none(), st.floats(-1, 1, allow_nan=False).map(lambda x: round(x, 3)))
            )
            rows.append(
                {
                    "raw_id": f"t{t}",
                    "trace_order": t,
                    "sentence_idx": i,
                    "importance": None if value is None else abs(value),
                    "direction": value,
                    "low_evidence": draw(st.booleans()) and draw(st.booleans()),
                    "tags": draw(st.lists(st.sampled_from(TAGS), max_size=2)),
                    "bin": draw(st.integers(0, 9)),
                }
            )
    frame = pl.DataFrame(
        rows,
        schema={
            "raw_id": pl.String,
            "trace_order": pl.Int64,
            "sentence_idx": pl.Int64,
            "importance": pl.Float64,
            "direction": pl.Float64,
            "low_evidence": pl.Boolean,
            "tags": pl.List(pl.String),
            "bin": pl.Int32,
        },
    )
    return frame.with_columns(pl.coalesce("direction", "importance").alias("signed"))


@settings(max_examples=60, deadline=None)
@given(frames(), st.sampled_from(["promotes", "suppresses", "both"]), st.booleans())
def test_rank_matches_reference(frame: pl.DataFrame, direction: str, include_low: bool) -> None:
    ranked = rank_sentences(frame, direction, include_low_evidence=include_low)  # type: ignore[arg-type]
    got = list(zip(ranked["raw_id"].to_list(), ranked["sentence_idx"].to_list(), strict=True))
    assert got == reference_rank(frame.to_dicts(), direction, include_low)


@settings(max_examples=40, deadline=None)
@given(frames(), st.integers(0, 2**16))
def test_tag_statistics_match_reference(frame: pl.DataFrame, seed: int) -> None:
    draws = 50
    captured: list[np.ndarray] = []
    original = tags_module.bootstrap_weights

    def spy(rng: np.random.Generator, traces: int, size: int) -> np.ndarray:
        out = original(rng, traces, size)
        captured.append(out)
        return out

    tags_module.bootstrap_weights = spy  # type: ignore[assignment]
    try:
        stats = tag_statistics(frame, "tags", draws=draws, seed=seed)
    finally:
        tags_module.bootstrap_weights = original  # type: ignore[assignment]
    eligible = frame.filter(~pl.col("low_evidence") & pl.col("importance").is_not_null())
    traces = eligible["raw_id"].unique(maintain_order=True).to_list()
    weights = captured[0].tolist() if captured else []
    expected = reference_tags(frame.to_dicts(), weights, traces)
    assert set(stats["group"].to_list()) == set(expected)
    for row in stats.to_dicts():
        ref = expected[row["group"]]
        assert row["sentences"] == ref["sentences"]
        assert row["mean"] == pytest.approx(ref["mean"], abs=1e-9)
        assert row["mean_abs"] == pytest.approx(ref["mean_abs"], abs=1e-9)
        assert row["adjusted"] == pytest.approx(ref["adjusted"], abs=1e-9)
        if ref["ci"] is None:
            assert row["ci_low"] is None
        else:
            assert row["ci_low"] == pytest.approx(ref["ci"][0], abs=1e-9)
            assert row["ci_high"] == pytest.approx(ref["ci"][1], abs=1e-9)


def test_bootstrap_is_seeded() -> None:
    frame = pl.DataFrame(
        {
            "raw_id": ["x", "x", "y", "z"],
            "trace_order": [0, 0, 1, 2],
            "sentence_idx": [0, 1, 0, 0],
            "importance": [0.5, 0.2, 0.1, 0.3],
            "direction": [0.5, -0.2, 0.1, 0.3],
            "low_evidence": [False] * 4,
            "tags": [["a"], ["a"], ["a"], ["b"]],
            "bin": [0, 9, 0, 0],
        },
        schema_overrides={"bin": pl.Int32},
    ).with_columns(pl.col("direction").alias("signed"))
    one = tag_statistics(frame, draws=200, seed=3)
    assert one.equals(tag_statistics(frame, draws=200, seed=3))
