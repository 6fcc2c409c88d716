"""Gather export records from a bundle: the one path shared by the CLI and the TUI."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from afscope import __version__
from afscope.bundle.reader import Bundle
from afscope.explore.trace_data import load_trace
from afscope.export.jsonl import render_jsonl
from afscope.export.markdown import render_compact, render_markdown
from afscope.export.records import Annotation, Key, Provenance, TraceRecord, trace_record
from afscope.export.selection import SelectionError, SentenceFilter

FORMATS = ("markdown", "jsonl")
STYLES = ("detailed", "compact")


@dataclass(frozen=True)
class Collection:
    """The records to render, and the explicitly chosen indices a trace does not have."""

    traces: list[TraceRecord]
    missing: dict[str, list[int]] = field(default_factory=dict)


def check_names(bundle: Bundle, outcome: str, metric: str) -> None:
    if outcome not in bundle.outcomes:
        raise SelectionError(
            f"unknown outcome {outcome!r}: this bundle has {', '.join(bundle.outcomes)}"
        )
    if metric not in bundle.metrics:
        raise SelectionError(
            f"unknown metric {metric!r}: this bundle has {', '.join(bundle.metrics) or 'none'}"
        )


def collect(
    bundle: Bundle,
    choice: SentenceFilter | Mapping[str, list[int]],
    *,
    outcome: str,
    metric: str,
    trace_ids: list[str] | None = None,
    context: int = 0,
    annotations: Mapping[Key, Annotation] | None = None,
    alternatives: int = 0,
) -> list[TraceRecord]:
    """Records for the chosen sentences, traces in bundle order (see ``gather``)."""
    return gather(
        bundle,
        choice,
        outcome=outcome,
        metric=metric,
        trace_ids=trace_ids,
        context=context,
        annotations=annotations,
        alternatives=alternatives,
    ).traces


def gather(
    bundle: Bundle,
    choice: SentenceFilter | Mapping[str, list[int]],
    *,
    outcome: str,
    metric: str,
    trace_ids: list[str] | None = None,
    context: int = 0,
    annotations: Mapping[Key, Annotation] | None = None,
    alternatives: int = 0,
) -> Collection:
    """Records for the chosen sentences, traces in bundle order, and the chosen indices
    that do not exist (skipped, for the caller to report).

    ``choice`` is a filter applied to every trace in ``trace_ids`` (all when None), or an
    explicit mapping trace id -> sentence indices (the TUI's selection, ``--select``).
    """
    check_names(bundle, outcome, metric)
    known = bundle.trace_ids()
    wanted = list(choice) if isinstance(choice, Mapping) else (trace_ids or known)
    known_set, wanted_set = set(known), set(wanted)
    unknown = [t for t in wanted if t not in known_set]
    if unknown:
        raise SelectionError(f"unknown trace id {', '.join(map(repr, unknown))}")
    if isinstance(choice, SentenceFilter):
        candidates = choice.candidate_traces(bundle, outcome, metric)
        if candidates is not None:
            wanted_set &= candidates
    records = []
    missing: dict[str, list[int]] = {}
    for trace_id in [t for t in known if t in wanted_set]:
        data = load_trace(bundle, trace_id)
        rule = (
            SentenceFilter(indices=tuple(choice[trace_id]))
            if isinstance(choice, Mapping)
            else choice
        )
        if lacking := rule.missing(data):
            missing[trace_id] = lacking
        chosen = rule.apply(data, outcome, metric)
        if chosen:
            records.append(trace_record(data, chosen, outcome, context, annotations, alternatives))
    return Collection(records, missing)


def render(
    records: list[TraceRecord],
    fmt: str,
    *,
    source: str,
    outcome: str,
    metric: str,
    version: str = __version__,
    style: str = "detailed",
    provenance: Provenance | None = None,
) -> str:
    """The document: ``source`` as the reader should see it (``source_label``),
    ``provenance`` adds the command that reproduces it and the skipped indices."""
    extra = provenance or Provenance()
    if fmt == "jsonl":
        return render_jsonl(
            records, source=source, outcome=outcome, metric=metric, version=version, extra=extra
        )
    renderer = render_compact if style == "compact" else render_markdown
    return renderer(
        records, source=source, outcome=outcome, metric=metric, version=version, extra=extra
    )
