"""One plain record per exported sentence: everything the Markdown shows, for JSON lines.

Records reuse the explorer's sentence detail, so an export says exactly what the detail
panel said.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from afscope.bundle.schema import OUTCOME_PREFIX
from afscope.explore.detail import MetricValue, RateChange, sentence_detail
from afscope.explore.direction import direction_word
from afscope.explore.trace_data import TraceData


@dataclass(frozen=True)
class SentenceRecord:
    trace_id: str
    sentence_idx: int
    text: str
    tags: list[str]
    context: bool
    """True for a neighbouring sentence included only as context."""
    rates: list[dict[str, Any]] = field(default_factory=list)
    metrics: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class TraceRecord:
    trace_id: str
    model: str | None
    prompt_variant: str | None
    condition: str | None
    query: str | None
    labels: dict[str, bool | None]
    sentences: list[SentenceRecord]


def _rate(change: RateChange) -> dict[str, Any]:
    return asdict(change)


def _metric(value: MetricValue) -> dict[str, Any]:
    out = asdict(value)
    out["direction_word"] = direction_word(value.direction, value.importance)
    return out


def with_context(chosen: list[int], available: list[int], context: int) -> list[tuple[int, bool]]:
    """(index, is_context) in trace order: the chosen sentences and ``context`` neighbours
    on each side that were not chosen themselves."""
    chosen_set = set(chosen)
    positions = {idx: i for i, idx in enumerate(available)}
    keep: dict[int, bool] = {}
    for idx in chosen:
        pos = positions[idx]
        for near in range(max(0, pos - context), min(len(available), pos + context + 1)):
            other = available[near]
            keep[other] = keep.get(other, True) and other not in chosen_set
    return [(idx, keep[idx]) for idx in available if idx in keep]


def trace_record(data: TraceData, chosen: list[int], outcome: str, context: int = 0) -> TraceRecord:
    """The record of one trace with the chosen sentences (and context, if asked)."""
    positions = {idx: i for i, idx in enumerate(data.indices)}
    sentences = []
    for idx, is_context in with_context(chosen, data.indices, context):
        detail = sentence_detail(data, positions[idx], outcome)
        sentences.append(
            SentenceRecord(
                trace_id=data.trace_id,
                sentence_idx=idx,
                text=detail.text,
                tags=detail.tags,
                context=is_context,
                rates=[_rate(r) for r in detail.rates],
                metrics=[_metric(m) for m in detail.metrics],
            )
        )
    trace = data.trace
    return TraceRecord(
        trace_id=data.trace_id,
        model=trace.get("model"),
        prompt_variant=trace.get("prompt_variant"),
        condition=trace.get("condition"),
        query=trace.get("query"),
        labels={
            c.removeprefix(OUTCOME_PREFIX): v
            for c, v in trace.items()
            if c.startswith(OUTCOME_PREFIX)
        },
        sentences=sentences,
    )
