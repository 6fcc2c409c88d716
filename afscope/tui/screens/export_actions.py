"""Export (``e``) and copy (``y``) as a screen runs them: the dialog, a worker that writes
(it reads the bundle, so never on the UI thread) and the notifications. The explorer and
the compare view share these; what to export comes from each screen's ``ExportJob``."""

from __future__ import annotations

from functools import partial
from typing import Any

from textual.screen import Screen

from afscope.text import one_line
from afscope.tui.exporting import (
    EXPORT_ERRORS,
    ExportJob,
    ExportRequest,
    export_done,
    run_export,
    run_export_for,
)
from afscope.tui.failures import UNEXPECTED, describe
from afscope.tui.screens.export_dialog import ExportDialog


def _failure(verb: str, exc: BaseException) -> str:
    """The message for a failed export: paths the user typed are cleaned, anything
    unexpected (a bundle changed on disk since it was opened, say) is described."""
    if isinstance(exc, EXPORT_ERRORS):
        return one_line(f"{verb} failed: {exc}", 300)
    return f"{verb} failed: {describe(exc)}"


def ask_and_export(screen: Screen[Any], job: ExportJob, name: str) -> None:
    """The export dialog for ``job`` (``name`` is the suggested file), then the write."""
    if not job.choice:
        return

    def chosen(request: ExportRequest | None) -> None:
        if request is not None:
            write_in_worker(screen, job.answered(request))

    screen.app.push_screen(ExportDialog(name, job.summary), chosen)


def write_in_worker(screen: Screen[Any], job: ExportJob) -> None:
    """Write ``job`` in a thread; one export at a time per screen."""
    screen.run_worker(
        partial(_write, screen, job),
        thread=True,
        exclusive=True,
        group="export",
        exit_on_error=False,
    )


def _write(screen: Screen[Any], job: ExportJob) -> None:
    app = screen.app
    try:
        run_export_for(app, job)
    except (*EXPORT_ERRORS, *UNEXPECTED) as exc:
        failed = _failure("export", exc)
        app.call_from_thread(screen.notify, failed, severity="error", markup=False, timeout=8)
        return
    done = one_line(export_done(app, job), 300)
    app.call_from_thread(screen.notify, done, markup=False)


def copy_export(screen: Screen[Any], job: ExportJob) -> None:
    """``job`` as Markdown on the clipboard (OSC 52), on the UI thread: a selection is small."""
    if not job.choice:
        return
    try:
        text = run_export(job)
    except (*EXPORT_ERRORS, *UNEXPECTED) as exc:  # on the UI thread: never let it escape
        screen.notify(_failure("copy", exc), severity="error", markup=False)
        return
    screen.app.copy_to_clipboard(text)
    screen.notify(job.copied, timeout=3)
