"""The one export path: choose sentences, render them, check the target, write.

The CLI (``afscope export``) and the explorer (``e`` and ``y``) both call these two
functions, so an export says the same thing and obeys the same safety rules wherever it
is made.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from afscope.bundle.reader import Bundle
from afscope.export.build import collect, render
from afscope.export.files import write_output
from afscope.export.records import Annotation, Key
from afscope.export.selection import SentenceFilter
from afscope.guard import check_outside_inputs


@dataclass(frozen=True)
class ExportPlan:
    """What to export: which sentences, under which headline outcome and metric, how."""

    choice: SentenceFilter | Mapping[str, list[int]]
    outcome: str
    metric: str
    fmt: str = "markdown"
    context: int = 0
    trace_ids: list[str] | None = field(default=None)
    annotations: Mapping[Key, Annotation] | None = field(default=None)
    """The researcher's categories and notes, exported with their sentences."""


@dataclass(frozen=True)
class ExportResult:
    text: str
    sentences: int
    """Chosen sentences written (context sentences not counted)."""
    traces: int
    written_to: str | None = None


def export_text(bundle: Bundle, plan: ExportPlan, *, source: str) -> ExportResult:
    """The rendered export, not written anywhere (the explorer's copy uses this)."""
    records = collect(
        bundle,
        plan.choice,
        outcome=plan.outcome,
        metric=plan.metric,
        trace_ids=plan.trace_ids,
        context=plan.context,
        annotations=plan.annotations,
    )
    text = render(records, plan.fmt, source=source, outcome=plan.outcome, metric=plan.metric)
    count = sum(1 for r in records for s in r.sentences if not s.context)
    return ExportResult(text, count, len(records))


def export_to(
    bundle: Bundle,
    plan: ExportPlan,
    target: str | Path,
    *,
    source: str,
    inputs: Iterable[Path | None],
    force: bool = False,
) -> ExportResult:
    """Render and write to ``target`` (``-`` for stdout), never inside an input.

    Raises ``BundleError`` for a target inside an input, ``ExportWriteError`` when the
    target may not or cannot be written, ``SelectionError`` for unknown names.
    """
    if str(target) != "-":
        check_outside_inputs(Path(target), [*inputs, bundle.root])
    result = export_text(bundle, plan, source=source)
    written = write_output(target, result.text, force=force)
    return ExportResult(result.text, result.sentences, result.traces, written)
