"""One typed record per exported sentence: everything the Markdown shows, for JSON lines.

Records are built from the explorer's own detail functions (``rate_changes``,
``metric_values``), so an export says exactly what the detail panel said; they are built
for all chosen sentences of a trace at once, so an export is linear in what it writes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import polars as pl

from afscope.bundle.schema import labels_of
from afscope.explore.detail import (
    Alternative,
    MetricValue,
    RateChange,
    metric_values,
    rate_changes,
    sentence_detail,
)
from afscope.explore.trace_data import TraceData

Key = tuple[str, int]
"""(trace id, sentence index)."""


@dataclass(frozen=True)
class Annotation:
    """What the researcher added to a sentence in the explorer: categories and a note."""

    categories: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class Provenance:
    """What an export says about how it was made, beyond source and headline."""

    command: str | None = None
    """The ``afscope export`` command line that reproduces the export."""
    missing: Mapping[str, list[int]] = field(default_factory=dict)
    """Indices asked for that the trace does not have (skipped)."""


@dataclass(frozen=True)
class SentenceRecord:
    trace_id: str
    sentence_idx: int
    text: str
    tags: list[str]
    context: bool
    """True for a neighbouring sentence included only as context."""
    rates: list[RateChange] = field(default_factory=list)
    metrics: list[MetricValue] = field(default_factory=list)
    annotation: Annotation = field(default_factory=Annotation)
    alternatives: list[Alternative] = field(default_factory=list)
    """The most frequent resampled alternatives (only when asked for), from the detail
    panel's own view model: the share is the active outcome's rate among them."""
    resamples: int = 0
    """Resamples at this sentence (when alternatives were asked for)."""


@dataclass(frozen=True)
class TraceRecord:
    trace_id: str
    model: str | None
    prompt_variant: str | None
    condition: str | None
    query: str | None
    labels: dict[str, bool | None]
    sentences: list[SentenceRecord]


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


def trace_record(
    data: TraceData,
    chosen: list[int],
    outcome: str,
    context: int = 0,
    annotations: Mapping[Key, Annotation] | None = None,
    alternatives: int = 0,
) -> TraceRecord:
    """The record of one trace with the chosen sentences (and context, if asked), each
    with the researcher's categories and note when ``annotations`` has them, and its
    ``alternatives`` most frequent resampled alternatives (rates for ``outcome``)."""
    notes = annotations or {}
    picked = with_context(chosen, data.indices, context)
    indices = [idx for idx, _ in picked]
    rates = rate_changes(data, indices)
    values = metric_values(data, indices)
    rows = data.sentences.filter(pl.col("sentence_idx").is_in(indices)).select(
        "sentence_idx", "text", "tags"
    )
    text = dict(zip(rows["sentence_idx"].to_list(), rows["text"].to_list(), strict=True))
    tags = dict(zip(rows["sentence_idx"].to_list(), rows["tags"].to_list(), strict=True))
    positions = {idx: pos for pos, idx in enumerate(data.indices)}
    details = {
        idx: sentence_detail(data, positions[idx], outcome, limit=alternatives)
        for idx, is_context in picked
        if alternatives > 0 and not is_context
    }
    sentences = [
        SentenceRecord(
            trace_id=data.trace_id,
            sentence_idx=idx,
            text=text[idx],
            tags=list(tags[idx] or []),
            context=is_context,
            rates=rates[idx],
            metrics=values[idx],
            annotation=notes.get((data.trace_id, idx), Annotation()),
            alternatives=details[idx].alternatives if idx in details else [],
            resamples=details[idx].resample_count if idx in details else 0,
        )
        for idx, is_context in picked
    ]
    trace = data.trace
    return TraceRecord(
        trace_id=data.trace_id,
        model=trace.get("model"),
        prompt_variant=trace.get("prompt_variant"),
        condition=trace.get("condition"),
        query=trace.get("query"),
        labels=labels_of(trace),  # type: ignore[arg-type]
        sentences=sentences,
    )
