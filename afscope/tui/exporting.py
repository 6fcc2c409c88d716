"""The explorer's one call site into the export core (``afscope.export``).

Export (``e``) and copy (``y``) both describe what they want as an ``ExportJob`` and run
it through ``run_export``; nothing else in ``afscope.tui`` calls the exporter, so a change
to the export API is a change here only.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from textual.app import App

from afscope.bundle.reader import Bundle
from afscope.explore.state import ExplorerState
from afscope.export.files import safe_file_name
from afscope.export.plan import ExportPlan
from afscope.export.records import Annotation, Key
from afscope.export.run import export_text, export_to
from afscope.export.selection import SelectionError
from afscope.problems import BundleError

EXPORT_ERRORS: tuple[type[Exception], ...] = (OSError, SelectionError, BundleError)
"""What a failed export raises: shown as a notification, never a crash."""
ALTERNATIVES = 3
"""Resampled alternatives per sentence when the dialog asks for them (as the detail panel)."""


def plural(count: int, word: str) -> str:
    """``1 sentence``, ``2 sentences``: every count the export messages show."""
    return f"{count} {word}{'' if count == 1 else 's'}"


@dataclass(frozen=True)
class ExportRequest:
    """What the export dialog asked for."""

    path: Path
    context: int
    style: str = "detailed"
    alternatives: int = 0


@dataclass(frozen=True)
class ExportJob:
    """Chosen sentences as Markdown, returned and (with ``path``) written to a file."""

    bundle: Bundle
    choice: dict[str, list[int]]
    outcome: str
    metric: str
    source: str
    context: int = 0
    path: Path | None = None
    protected: tuple[Path, ...] = field(default=())
    """Folders the file must never land in (the bundle and the opened source)."""
    annotations: Mapping[Key, Annotation] | None = None
    """The researcher's categories and notes, exported with their sentences."""
    style: str = "detailed"
    alternatives: int = 0

    @classmethod
    def of(
        cls,
        state: ExplorerState,
        choice: dict[str, list[int]],
        annotations: Mapping[Key, Annotation] | None = None,
    ) -> ExportJob:
        """The job for ``choice`` under ``state``'s outcome and metric; the file must stay
        outside the opened source (the export core adds the bundle itself)."""
        return cls(
            bundle=state.bundle,
            choice=choice,
            outcome=state.settings.outcome,
            metric=state.settings.metric,
            source=str(state.source or state.bundle.root),
            protected=(state.source,) if state.source is not None else (),
            annotations=annotations,
        )

    @property
    def count(self) -> int:
        return sum(len(indices) for indices in self.choice.values())

    def answered(self, request: ExportRequest) -> ExportJob:
        """This job as the dialog's answer asks: file, context, style, alternatives."""
        return replace(
            self,
            path=request.path,
            context=request.context,
            style=request.style,
            alternatives=request.alternatives,
        )

    @property
    def summary(self) -> str:
        """The dialog's first line: what is about to be exported."""
        return (
            f"Export {plural(self.count, 'sentence')} from "
            f"{plural(len(self.choice), 'trace')} to Markdown"
        )

    @property
    def copied(self) -> str:
        return f"copied {plural(self.count, 'sentence')} as Markdown (OSC 52)"

    @property
    def exported(self) -> str:
        return f"exported {plural(self.count, 'sentence')} to {self.path}"


def run_export(job: ExportJob) -> str:
    """Render ``job`` as Markdown and, when it has a path, write it by the export core's
    rules (outside every input; an existing file only if it is an earlier afscope export:
    the dialog asked before overwriting).

    Raises one of ``EXPORT_ERRORS``; runs in a worker for files (it reads the bundle).
    """
    plan = ExportPlan(
        job.choice,
        job.outcome,
        job.metric,
        context=job.context,
        annotations=job.annotations,
        style=job.style,
        alternatives=job.alternatives,
    )
    if job.path is None:
        return export_text(job.bundle, plan, source=job.source).text
    result = export_to(
        job.bundle, plan, job.path, source=job.source, inputs=job.protected, force=True
    )
    return result.text


MIME_TYPES = {".md": "text/markdown", ".jsonl": "application/jsonl"}


def download_name(path: Path) -> str:
    """The name a browser saves the download as (typed by the user: made header-safe)."""
    return safe_file_name(path.name)


def run_export_for(app: App[object], job: ExportJob) -> str:
    """``run_export`` from a worker thread; in a browser session (``afscope serve``:
    ``app.is_web``) the file goes to the browser as a download named like ``job.path``
    instead of onto the server's disk, which the person in the browser may not own."""
    if job.path is None or not app.is_web:
        return run_export(job)
    text = run_export(replace(job, path=None))
    app.call_from_thread(
        app.deliver_text,
        io.StringIO(text),
        save_filename=download_name(job.path),
        mime_type=MIME_TYPES.get(job.path.suffix.lower(), "text/plain"),
        encoding="utf-8",
    )
    return text


def export_done(app: App[object], job: ExportJob) -> str:
    """What the notification says once ``run_export_for`` returned."""
    if app.is_web and job.path is not None:
        return f"exported {plural(job.count, 'sentence')} as a download ({download_name(job.path)})"
    return job.exported


def default_file_name(trace_id: str, now: datetime | None = None) -> str:
    """The dialog's suggestion: the trace id made safe for a file name, and a timestamp."""
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    return f"{safe_file_name(trace_id)}-{stamp}.md"
