"""Gather export records from a bundle: the one path shared by the CLI and the TUI."""

from __future__ import annotations

from collections.abc import Mapping

from afscope import __version__
from afscope.bundle.reader import Bundle
from afscope.explore.trace_data import load_trace
from afscope.export.jsonl import render_jsonl
from afscope.export.markdown import render_markdown
from afscope.export.records import Annotation, Key, TraceRecord, trace_record
from afscope.export.selection import SelectionError, SentenceFilter

FORMATS = ("markdown", "jsonl")


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
) -> list[TraceRecord]:
    """Records for the chosen sentences, traces in bundle order.

    ``choice`` is a filter applied to every trace in ``trace_ids`` (all when None), or an
    explicit mapping trace id -> sentence indices (the TUI's selection).
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
    for trace_id in [t for t in known if t in wanted_set]:
        data = load_trace(bundle, trace_id)
        if isinstance(choice, Mapping):
            chosen = SentenceFilter(indices=tuple(choice[trace_id])).apply(data, outcome, metric)
        else:
            chosen = choice.apply(data, outcome, metric)
        if chosen:
            records.append(trace_record(data, chosen, outcome, context, annotations))
    return records


def render(
    records: list[TraceRecord],
    fmt: str,
    *,
    source: str,
    outcome: str,
    metric: str,
    version: str = __version__,
) -> str:
    renderer = render_jsonl if fmt == "jsonl" else render_markdown
    return renderer(records, source=source, outcome=outcome, metric=metric, version=version)
