"""The batched detail functions agree with a plain-Python reference, sentence by sentence."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from afscope.explore.detail import RateChange, rate_changes
from afscope.explore.trace_data import TraceData

OUTCOMES = ["a", "b"]


def _reference(rows: list[tuple[str, int, float, int]], idx: int) -> list[RateChange]:
    """For each outcome: the row at ``idx`` and the first row after it, by a plain scan."""
    out = []
    for outcome in OUTCOMES:
        series = sorted((r for r in rows if r[0] == outcome), key=lambda r: r[1])
        here = next((r for r in series if r[1] == idx), None)
        later = next((r for r in series if r[1] > idx), None)
        if here is None and later is None:
            continue
        out.append(
            RateChange(
                outcome,
                here[2] if here else None,
                here[3] if here else None,
                later[2] if later else None,
                later[3] if later else None,
                (0.0, 1.0) if here else None,
                (0.0, 1.0) if later else None,
            )
        )
    return out


@settings(max_examples=60, deadline=None)
@given(
    st.dictionaries(
        st.tuples(st.sampled_from([*OUTCOMES, "undeclared"]), st.integers(0, 12)),
        st.tuples(st.floats(0, 1), st.integers(1, 50)),
        max_size=30,
    ),
    st.lists(st.integers(0, 14), min_size=1, max_size=15, unique=True),
)
def test_rate_changes_match_the_reference(table, indices):
    rows = [(o, i, r, n) for (o, i), (r, n) in table.items()]
    rates = pl.DataFrame(
        {
            "outcome": [r[0] for r in rows],
            "sentence_idx": [r[1] for r in rows],
            "rate": [r[2] for r in rows],
            "n": [r[3] for r in rows],
            "ci_low": [0.0] * len(rows),
            "ci_high": [1.0] * len(rows),
        },
        schema_overrides={"sentence_idx": pl.Int64, "n": pl.Int64, "outcome": pl.String},
    )
    data = TraceData(
        trace={"trace_id": "t"},
        sentences=pl.DataFrame(),
        rates=rates,
        importance=pl.DataFrame(),
        resamples=None,
        effects=None,
        outcomes=OUTCOMES,
        metrics=[],
    )
    got = rate_changes(data, indices)
    for idx in indices:
        assert got[idx] == _reference([r for r in rows if r[0] in OUTCOMES], idx)
