"""Exported Markdown writes numbers with ``afscope.numbers``: never ``-0.000``.

A signed importance that rounds to zero must not read as a (tiny) suppressing effect.
"""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from afscope.explore.detail import Alternative, MetricValue, RateChange
from afscope.export.markdown import render_compact, render_markdown
from afscope.export.records import SentenceRecord, TraceRecord

NEGATIVE_ZERO = re.compile(r"-0\.0+(?![0-9])|-0\.0+%")
TINY = st.floats(min_value=-0.0049, max_value=0.0049, allow_nan=False)


def _trace(direction: float, low: float, high: float, share: float) -> TraceRecord:
    sentence = SentenceRecord(
        trace_id="t",
        sentence_idx=0,
        text="A sentence.",
        tags=[],
        context=False,
        rates=[RateChange("compliance", 0.5, 10, 0.5, 10, (0.2, 0.8), (0.2, 0.8))],
        metrics=[
            MetricValue(
                "compliance", "counterfactual", abs(direction), direction, low, high, False
            ),
            MetricValue("compliance", "resampling", abs(direction), None, None, None, True),
        ],
        alternatives=[Alternative("Another.", 2, share)],
        resamples=2,
    )
    return TraceRecord("t", None, None, None, None, {"compliance": True}, [sentence])


@given(TINY, TINY, TINY)
def test_exports_never_write_negative_zero(direction: float, low: float, high: float) -> None:
    trace = _trace(direction, min(low, high), max(low, high), 0.0)
    for render in (render_markdown, render_compact):
        text = render([trace], source="s", outcome="compliance", metric="counterfactual")
        assert NEGATIVE_ZERO.search(text) is None, text


def test_negative_zero_reads_as_unsigned_zero() -> None:
    trace = _trace(-0.0001, -0.0002, -0.00001, 0.0)
    text = render_markdown([trace], source="s", outcome="compliance", metric="counterfactual")
    assert "(0.000)" in text and "[0.000, 0.000]" in text
    compact = render_compact([trace], source="s", outcome="compliance", metric="counterfactual")
    assert "0.000 [0.00, 0.00]" in compact
