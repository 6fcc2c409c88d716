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
from afscope.export.records import Annotation, Key
from afscope.export.run import ExportPlan, export_text, export_to
from afscope.export.selection import SelectionError
from afscope.problems import BundleError

EXPORT_ERRORS: tuple[type[Exception], ...] = (OSError, SelectionError, BundleError)
"""What a failed export raises: shown as a notification, never a crash."""


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


def run_export(job: ExportJob) -> str:
    """Render ``job`` as Markdown and, when it has a path, write it by the export core's
    rules (outside every input; an existing file only if it is an earlier afscope export:
    the dialog asked before overwriting).

    Raises one of ``EXPORT_ERRORS``; runs in a worker for files (it reads the bundle).
    """
    plan = ExportPlan(
        job.choice, job.outcome, job.metric, context=job.context, annotations=job.annotations
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
    web = app.is_web and job.path is not None
    where = f"a download ({download_name(job.path)})" if web and job.path else str(job.path)
    return f"exported {job.count} sentences to {where}"


def default_file_name(trace_id: str, now: datetime | None = None) -> str:
    """The dialog's suggestion: the trace id made safe for a file name, and a timestamp."""
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    return f"{safe_file_name(trace_id)}-{stamp}.md"
