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
from afscope.export.build import gather, render
from afscope.export.command import reproduce_command
from afscope.export.files import write_output
from afscope.export.plan import ExportPlan
from afscope.export.records import Provenance
from afscope.export.selection import SelectionError
from afscope.guard import check_outside_inputs
from afscope.sample import source_label


@dataclass(frozen=True)
class ExportResult:
    text: str
    sentences: int
    """Chosen sentences written (context sentences not counted)."""
    traces: int
    written_to: str | None = None
    missing: Mapping[str, list[int]] = field(default_factory=dict)
    """Indices asked for that their trace does not have: skipped, and said so."""


def missing_message(missing: Mapping[str, list[int]]) -> str:
    """``trace 't' has no sentence 22; ...``: what an export skipped."""
    return "; ".join(
        f"trace {trace_id!r} has no sentence{'s' if len(indices) != 1 else ''} "
        f"{', '.join(map(str, indices))}"
        for trace_id, indices in missing.items()
    )


def export_text(bundle: Bundle, plan: ExportPlan, *, source: str | Path) -> ExportResult:
    """The rendered export, not written anywhere (the explorer's copy uses this).

    ``source`` is the path as the user gave it (the bundled sample is named so). Indices
    that do not exist are skipped and named; raises ``SelectionError`` when none exists.
    """
    found = gather(
        bundle,
        plan.choice,
        outcome=plan.outcome,
        metric=plan.metric,
        trace_ids=plan.trace_ids,
        context=plan.context,
        annotations=plan.annotations,
        alternatives=plan.alternatives,
    )
    count = sum(1 for r in found.traces for s in r.sentences if not s.context)
    if found.missing and count == 0:
        raise SelectionError(f"nothing to export: {missing_message(found.missing)}")
    provenance = Provenance(reproduce_command(plan, source), found.missing)
    text = render(
        found.traces,
        plan.fmt,
        source=source_label(source),
        outcome=plan.outcome,
        metric=plan.metric,
        style=plan.style,
        provenance=provenance,
    )
    return ExportResult(text, count, len(found.traces), missing=found.missing)


def export_to(
    bundle: Bundle,
    plan: ExportPlan,
    target: str | Path,
    *,
    source: str | Path,
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
    return ExportResult(result.text, result.sentences, result.traces, written, result.missing)
