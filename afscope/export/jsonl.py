"""Render export records as JSON lines: one object per exported sentence.

Every string from the data is cleaned of escape sequences and control characters; names
(outcomes, metrics, label keys) repeat on every line, so their cleaning is cached. Values
that are not finite numbers are written as null: JSON has no NaN.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from typing import Any

from afscope import __version__
from afscope.explore.detail import MetricValue, RateChange
from afscope.explore.direction import direction_word
from afscope.export.records import Provenance, SentenceRecord, TraceRecord
from afscope.text import clean_text

SIGN_CONVENTION = "positive direction = the sentence promotes the outcome"


@lru_cache(maxsize=4096)
def _name(text: str) -> str:
    return clean_text(text)


def _opt(text: str | None) -> str | None:
    return None if text is None else clean_text(text)


def _num(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else value


def _pair(pair: tuple[float, float] | None) -> list[float | None] | None:
    return None if pair is None else [_num(pair[0]), _num(pair[1])]


def _rate(r: RateChange) -> dict[str, Any]:
    return {
        "outcome": _name(r.outcome),
        "before": _num(r.before),
        "n_before": r.n_before,
        "after": _num(r.after),
        "n_after": r.n_after,
        "before_ci": _pair(r.before_ci),
        "after_ci": _pair(r.after_ci),
    }


def _metric(m: MetricValue) -> dict[str, Any]:
    return {
        "outcome": _name(m.outcome),
        "metric": _name(m.metric),
        "importance": _num(m.importance),
        "direction": _num(m.direction),
        "ci_low": _num(m.ci_low),
        "ci_high": _num(m.ci_high),
        "low_evidence": m.low_evidence,
        "direction_word": direction_word(m.direction, m.importance),
    }


def _alternatives(sentence: SentenceRecord) -> dict[str, Any]:
    return {
        "resamples": sentence.resamples,
        "top": [
            {"text": clean_text(a.text), "count": a.count, "rate": _num(a.share)}
            for a in sentence.alternatives
        ],
    }


def render_jsonl(
    traces: list[TraceRecord],
    *,
    source: str,
    outcome: str,
    metric: str,
    version: str = __version__,
    extra: Provenance | None = None,
) -> str:
    """Every field the Markdown shows, per sentence, plus the trace's metadata; the
    command that reproduces the export and skipped indices when there are any."""
    lines = []
    provenance = extra or Provenance()
    tail: dict[str, Any] = {
        "headline": {"outcome": _name(outcome), "metric": _name(metric)},
        "source": clean_text(source),
        "afscope_version": clean_text(version),
        "sign_convention": SIGN_CONVENTION,
    }
    if provenance.command:
        tail["command"] = clean_text(provenance.command)
    if provenance.missing:
        tail["skipped"] = {clean_text(t): list(i) for t, i in provenance.missing.items()}
    for trace in traces:
        head = {
            "trace_id": clean_text(trace.trace_id),
            "model": _opt(trace.model),
            "prompt_variant": _opt(trace.prompt_variant),
            "condition": _opt(trace.condition),
            "query": _opt(trace.query),
            "labels": {_name(k): v for k, v in trace.labels.items()},
        }
        for sentence in trace.sentences:
            record = {
                **head,
                "sentence_idx": sentence.sentence_idx,
                "context": sentence.context,
                "text": clean_text(sentence.text),
                "tags": [clean_text(t) for t in sentence.tags],
                "categories": [clean_text(c) for c in sentence.annotation.categories],
                "note": clean_text(sentence.annotation.note) or None,
                "rates": [_rate(r) for r in sentence.rates],
                "metrics": [_metric(m) for m in sentence.metrics],
                **({"alternatives": _alternatives(sentence)} if sentence.alternatives else {}),
                **tail,
            }
            lines.append(json.dumps(record, ensure_ascii=False, allow_nan=False))
    return "\n".join(lines) + ("\n" if lines else "")
