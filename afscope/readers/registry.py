"""The seam between afscope and the input formats it reads.

A format is three functions: ``detect`` says whether (and as what kind) it recognises a
path, ``open`` turns the path into a bundle for one session, and ``import_bundle`` (where
the format is not already a bundle) writes that bundle to a chosen place once. Every
command asks the registry, never a format by name, so a second format is one module plus
one ``register_format`` call.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from afscope.bundle.reader import Bundle
from afscope.problems import BundleError, Problem


@dataclass
class OpenedSource:
    """A bundle plus where it came from and what was noticed on the way."""

    bundle: Bundle
    kind: str
    path: Path
    problems: list[Problem] = field(default_factory=list)


@dataclass
class ImportReport:
    """What an import found: the bundle written, problems met, notes for ``info``."""

    path: Path
    traces: int
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


Detect = Callable[[Path], str | None]
Open = Callable[[Path, str, bool], OpenedSource]
ImportBundle = Callable[[Path, Path, bool, bool], ImportReport]


@dataclass(frozen=True)
class SourceFormat:
    """One input format afscope can read."""

    name: str
    """Short identifier, e.g. ``thought-anchors``."""
    noun: str
    """What a user would point afscope at, e.g. ``a Thought Anchors results folder``."""
    detect: Detect
    """The kind of input ``path`` is (shown to users, e.g. ``Thought Anchors tree``), or
    None when this format does not recognise it. Must be cheap: every command calls it."""
    open: Open
    """(path, kind from ``detect``, strict) -> the opened bundle."""
    missing: str
    """How to say this format was not found, e.g. ``not a result bundle (no manifest.json)``."""
    import_bundle: ImportBundle | None = None
    """(src, out, strict, overwrite) -> report, for formats that convert into a bundle."""


_FORMATS: list[SourceFormat] = []


def register_format(source_format: SourceFormat) -> None:
    """Add a format (or replace one of the same name, keeping its place); formats are
    asked in registration order and the first that recognises a path wins."""
    for i, known in enumerate(_FORMATS):
        if known.name == source_format.name:
            _FORMATS[i] = source_format
            return
    _FORMATS.append(source_format)


def formats() -> tuple[SourceFormat, ...]:
    return tuple(_FORMATS)


def find_format(path: Path) -> tuple[SourceFormat, str] | None:
    """The first registered format that recognises ``path``, with the kind it reported."""
    for source_format in _FORMATS:
        kind = source_format.detect(path)
        if kind is not None:
            return source_format, kind
    return None


def detect(path: Path) -> str | None:
    """Which kind of input ``path`` is, or None when no format can read it."""
    found = find_format(Path(path))
    return found[1] if found else None


def temporary_bundle_dir() -> Path:
    """A fresh folder for a session's converted bundle, removed when the process exits."""
    tmp = Path(tempfile.mkdtemp(prefix="afscope-"))
    atexit.register(shutil.rmtree, tmp, ignore_errors=True)
    return tmp / "bundle"


def _found(root: Path) -> str:
    """What a folder no format recognised holds, for the message that says so."""
    try:
        names = sorted(p.name for p in root.iterdir() if not p.name.startswith("."))
    except OSError as exc:
        return f"the folder cannot be read ({exc.strerror or type(exc).__name__})"
    if not names:
        return "the folder is empty"
    folders = [n for n in names if (root / n).is_dir()]
    files = [n for n in names if n not in folders]
    parts = []
    for kind, found in (("file", files), ("folder", folders)):
        if found:
            shown = ", ".join(found[:5]) + (", ..." if len(found) > 5 else "")
            parts.append(f"{len(found)} {kind}{'s' if len(found) != 1 else ''} ({shown})")
    return "found " + " and ".join(parts)


def not_readable(root: Path) -> BundleError:
    """Why no format can read ``root``: what each format looks for and what is there
    (``info``, ``validate`` and every other command say the same)."""
    if not root.exists():
        return BundleError([Problem(str(root), "does not exist")])
    nouns = " or ".join(f.noun for f in _FORMATS)
    if not root.is_dir():
        return BundleError([Problem(str(root), f"not a folder (expected {nouns})")])
    looked = " and ".join(f.missing for f in _FORMATS)
    return BundleError([Problem(str(root), f"{looked}; {_found(root)}")])


def open_source(path: str | Path, *, strict: bool = False) -> OpenedSource:
    """Open any registered format; raise ``BundleError`` when none recognises ``path``."""
    root = Path(path)
    found = find_format(root) if root.exists() else None
    if found is None:
        raise not_readable(root)
    source_format, kind = found
    return source_format.open(root, kind, strict)


def import_source(
    src: str | Path, out: str | Path, *, strict: bool = False, overwrite: bool = False
) -> ImportReport:
    """Convert ``src`` into a bundle at ``out`` with the format that recognises it."""
    root = Path(src)
    found = find_format(root) if root.exists() else None
    if found is None:
        raise not_readable(root)
    source_format, _kind = found
    if source_format.import_bundle is None:
        raise BundleError([Problem(str(root), f"already {source_format.noun}; nothing to import")])
    return source_format.import_bundle(root, Path(out), strict, overwrite)
