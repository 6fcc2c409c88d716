"""Open whatever a user points afscope at: a bundle, or Thought Anchors results as they are.

Detection is automatic. Thought Anchors folders are converted once into a temporary
bundle (removed at exit) so every view reads one format; ``afscope import`` writes that
bundle to a chosen place so a large tree is parsed only once.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from afscope.bundle.manifest import MANIFEST_FILE
from afscope.bundle.reader import Bundle
from afscope.problems import BundleError, Problem
from afscope.readers.ta_import import ImportReport, import_thought_anchors
from afscope.readers.ta_tree import find_trace_folders

BUNDLE = "afscope bundle"
THOUGHT_ANCHORS = "Thought Anchors folder"
THOUGHT_ANCHORS_TREE = "Thought Anchors tree"


@dataclass
class OpenedSource:
    """A bundle plus where it came from and what was noticed on the way."""

    bundle: Bundle
    kind: str
    path: Path
    problems: list[Problem] = field(default_factory=list)


def detect(path: Path) -> str | None:
    """Which kind of input ``path`` is, or None when afscope cannot read it."""
    if (path / MANIFEST_FILE).is_file():
        return BUNDLE
    first = next(find_trace_folders(path), None) if path.is_dir() else None
    if first is None:
        return None
    return THOUGHT_ANCHORS if first == path else THOUGHT_ANCHORS_TREE


def _temporary_dir() -> Path:
    tmp = Path(tempfile.mkdtemp(prefix="afscope-"))
    atexit.register(shutil.rmtree, tmp, ignore_errors=True)
    return tmp


def open_source(path: str | Path, *, strict: bool = False) -> OpenedSource:
    """Open a bundle or Thought Anchors results; raise ``BundleError`` when neither."""
    root = Path(path)
    if not root.exists():
        raise BundleError([Problem(str(root), "does not exist")])
    if not root.is_dir():
        raise BundleError(
            [
                Problem(
                    str(root),
                    "not a folder (expected a result bundle or a Thought Anchors results folder)",
                )
            ]
        )
    kind = detect(root)
    if kind == BUNDLE:
        return OpenedSource(Bundle.open(root), kind, root)
    if kind is None:
        raise BundleError(
            [
                Problem(
                    str(root),
                    "not a result bundle (no manifest.json) and no Thought Anchors data "
                    "(no chunks_labeled.json or chunks.json here or below)",
                )
            ]
        )
    report: ImportReport = import_thought_anchors(root, _temporary_dir() / "bundle", strict=strict)
    return OpenedSource(Bundle.open(report.path), kind, root, report.problems)


__all__ = [
    "BUNDLE",
    "THOUGHT_ANCHORS",
    "THOUGHT_ANCHORS_TREE",
    "OpenedSource",
    "detect",
    "import_thought_anchors",
    "open_source",
]
