"""afscope's own result bundle as a registered format: opened as it is, never imported."""

from __future__ import annotations

from pathlib import Path

from afscope.bundle.manifest import MANIFEST_FILE
from afscope.bundle.reader import Bundle
from afscope.readers.registry import OpenedSource, SourceFormat

BUNDLE = "afscope bundle"


def _detect(path: Path) -> str | None:
    return BUNDLE if (path / MANIFEST_FILE).is_file() else None


def _open(path: Path, kind: str, strict: bool) -> OpenedSource:
    return OpenedSource(Bundle.open(path), kind, path)


FORMAT = SourceFormat(
    name="bundle",
    noun="a result bundle",
    detect=_detect,
    open=_open,
    missing="not a result bundle (no manifest.json)",
)
