"""Thought Anchors results as they are on disk: web-viewer folders, full pipeline folders
and any tree above them (see docs/thought-anchors.md).

Module jobs: ``tree`` finds trace folders and reads metadata from their path;
``folder`` parses one folder with ``fields`` (field names -> outcome, metric, sign),
``values`` (forgiving value parsers), ``separators`` (text between chunks),
``rollouts`` (``chunk_<i>/solutions.json``) and ``web_extras`` (the web viewer's extra
files); ``rollout_metrics`` computes rates and importance with ``afscope.metrics``;
``staging`` parses runs of folders into sorted Parquet parts, ``workers`` hands the
runs of a large tree to worker processes, and ``importer`` gathers the parts, problems
and notes into one bundle.
"""

from __future__ import annotations

from pathlib import Path

from afscope.bundle.reader import Bundle
from afscope.progress import SILENT, Progress
from afscope.readers.registry import (
    ImportReport,
    OpenedSource,
    SourceFormat,
    temporary_bundle_dir,
)

THOUGHT_ANCHORS = "Thought Anchors folder"
THOUGHT_ANCHORS_TREE = "Thought Anchors tree"


def import_thought_anchors(
    src: str | Path,
    out: str | Path,
    *,
    strict: bool = False,
    batch: int = 200,
    overwrite: bool = False,
    progress: Progress = SILENT,
    jobs: int = 1,
) -> ImportReport:
    """``importer.import_thought_anchors``, imported on first use: opening a bundle (the
    explorer's start) never loads the importer and the metric code behind it. ``jobs``:
    processes that parse a large tree (``afscope import`` passes one per CPU; a script
    that passes more than 1 needs an ``if __name__ == "__main__":`` guard, as workers
    are started by spawning Python afresh)."""
    from afscope.readers.thought_anchors import importer

    return importer.import_thought_anchors(
        src, out, strict=strict, batch=batch, overwrite=overwrite, progress=progress, jobs=jobs
    )


def _detect(path: Path) -> str | None:
    """Imports the folder reader on first use: opening a bundle, which the bundle format
    recognises first, never loads it (the explorer's start)."""
    from afscope.readers.thought_anchors.tree import find_trace_folders

    first = next(find_trace_folders(path), None) if path.is_dir() else None
    if first is None:
        return None
    return THOUGHT_ANCHORS if first == path else THOUGHT_ANCHORS_TREE


def _open(path: Path, kind: str, strict: bool) -> OpenedSource:
    """Convert into a temporary bundle for this session (removed at exit)."""
    report = import_thought_anchors(path, temporary_bundle_dir(), strict=strict)
    return OpenedSource(Bundle.open(report.path), kind, path, report.problems)


def _import(src: Path, out: Path, strict: bool, overwrite: bool) -> ImportReport:
    return import_thought_anchors(src, out, strict=strict, overwrite=overwrite)


FORMAT = SourceFormat(
    name="thought-anchors",
    noun="a Thought Anchors results folder",
    detect=_detect,
    open=_open,
    missing="no Thought Anchors data (no chunks_labeled.json or chunks.json here or below)",
    import_bundle=_import,
)

__all__ = [
    "FORMAT",
    "THOUGHT_ANCHORS",
    "THOUGHT_ANCHORS_TREE",
    "import_thought_anchors",
]
