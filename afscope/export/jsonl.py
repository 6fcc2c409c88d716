"""Render export records as JSON lines: one object per exported sentence."""

from __future__ import annotations

import json
from typing import Any

from afscope import __version__
from afscope.export.records import TraceRecord
from afscope.text import clean_text


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {_clean(k): _clean(v) for k, v in value.items()}
    return value


def render_jsonl(
    traces: list[TraceRecord], *, source: str, outcome: str, metric: str, version: str = __version__
) -> str:
    """Every field the Markdown shows, per sentence, plus the trace's metadata."""
    lines = []
    for trace in traces:
        for sentence in trace.sentences:
            record = {
                "trace_id": trace.trace_id,
                "model": trace.model,
                "prompt_variant": trace.prompt_variant,
                "condition": trace.condition,
                "query": trace.query,
                "labels": trace.labels,
                "sentence_idx": sentence.sentence_idx,
                "context": sentence.context,
                "text": sentence.text,
                "tags": sentence.tags,
                "rates": sentence.rates,
                "metrics": sentence.metrics,
                "headline": {"outcome": outcome, "metric": metric},
                "source": source,
                "afscope_version": version,
                "sign_convention": "positive direction = the sentence promotes the outcome",
            }
            lines.append(json.dumps(_clean(record), ensure_ascii=False, allow_nan=False))
    return "\n".join(lines) + ("\n" if lines else "")
