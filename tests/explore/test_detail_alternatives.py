"""Resampled alternatives, built for a whole trace at once, agree with a plain-Python
reference computed sentence by sentence."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from afscope.explore.detail import OVERDETERMINED_SHARE, SIMILAR, Alternative, sentence_detail
from afscope.explore.trace_data import TraceData

TEXTS = ["a", "b", " a ", "ab", "", "  "]


def _reference(rows: list[dict], own: str, limit: int, with_similarity: bool):
    if not rows:
        return [], 0, False
    groups: dict[str, list[bool | None]] = {}
    for r in rows:
        text = r["resampled_sentence"]
        if text is not None and text.strip():
            groups.setdefault(text.strip(), []).append(r["outcome.x"])
    alternatives = []
    for alt, labels in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:limit]:
        known = [float(v) for v in labels if v is not None]
        share = sum(known) / len(known) if known else None
        alternatives.append(Alternative(alt, len(labels), share))
    measured = [r["similarity"] for r in rows if with_similarity and r["similarity"] is not None]
    if measured:
        same = sum(s >= SIMILAR for s in measured) / len(measured)
    else:
        compared = [r for r in rows if r["resampled_sentence"] is not None]
        same = (
            sum(r["resampled_sentence"].strip() == own.strip() for r in compared) / len(compared)
            if compared
            else None
        )
    return alternatives, len(rows), same is not None and same >= OVERDETERMINED_SHARE


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 3),
            st.one_of(st.none(), st.sampled_from(TEXTS)),
            st.one_of(st.none(), st.floats(0, 1)),
            st.one_of(st.none(), st.booleans()),
        ),
        max_size=40,
    ),
    st.booleans(),
    st.integers(1, 3),
)
def test_alternatives_match_the_reference(rows, with_similarity, limit):
    records = [
        {"sentence_idx": i, "resampled_sentence": t, "similarity": s, "outcome.x": y}
        for i, t, s, y in rows
    ]
    resamples = pl.DataFrame(
        records,
        schema={
            "sentence_idx": pl.Int64,
            "resampled_sentence": pl.String,
            "similarity": pl.Float64,
            "outcome.x": pl.Boolean,
        },
    )
    if not with_similarity:
        resamples = resamples.drop("similarity")
    own = ["a", " b", "ab ", "c"]
    data = TraceData(
        trace={"trace_id": "t"},
        sentences=pl.DataFrame({"sentence_idx": [0, 1, 2, 3], "text": own, "tags": [None] * 4}),
        rates=pl.DataFrame(
            schema={"sentence_idx": pl.Int64, "outcome": pl.String, "rate": pl.Float64}
            | {"n": pl.Int64, "ci_low": pl.Float64, "ci_high": pl.Float64}
        ),
        importance=pl.DataFrame(
            schema={"sentence_idx": pl.Int64, "outcome": pl.String, "metric": pl.String}
            | {"importance": pl.Float64, "direction": pl.Float64, "ci_low": pl.Float64}
            | {"ci_high": pl.Float64, "low_evidence": pl.Boolean}
        ),
        resamples=resamples,
        effects=None,
        outcomes=["x"],
        metrics=[],
    )
    for position in range(4):
        detail = sentence_detail(data, position, "x", limit)
        expected = _reference(
            [r for r in records if r["sentence_idx"] == position],
            own[position],
            limit,
            with_similarity,
        )
        assert (detail.alternatives, detail.resample_count, detail.overdetermined) == expected
