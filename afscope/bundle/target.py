"""The folder a bundle is written to: what ``--force`` may replace, and how.

``--force`` replaces only an earlier afscope output: a real folder (not a link) whose
``manifest.json`` is a valid bundle manifest and which holds nothing but that manifest and
the table files it names. Anything else (a file, a link, a device, a folder with the
user's own files in it) is refused, so a mistyped OUT can never delete data.

Bundles are assembled in a hidden staging folder beside the target and swapped in with
renames; the old bundle's files are then removed one by one by name (never a recursive
delete of whatever happens to be there). Staging folders carry the writer's process id,
so a run killed before it could clean up is swept by the next run into the same folder.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from afscope import stopping
from afscope.bundle.manifest import MANIFEST_FILE, Manifest
from afscope.problems import BundleError, Problem

STAGING_PREFIX = ".afscope-staging-"
OLD_PREFIX = ".afscope-old-"
_OURS = re.compile(rf"^(?:{re.escape(STAGING_PREFIX)}|{re.escape(OLD_PREFIX)})(\d+)-")


def _refuse(target: Path, message: str) -> BundleError:
    return BundleError([Problem(str(target), message)])


def bundle_files(folder: Path) -> set[str] | None:
    """The file names of the afscope bundle in ``folder``, or None when it is not one."""
    try:
        manifest = Manifest.model_validate_json((folder / MANIFEST_FILE).read_bytes())
    except (OSError, ValueError, ValidationError):
        return None
    return {MANIFEST_FILE, *manifest.tables.values()}


@dataclass(frozen=True)
class OutputKind:
    """A folder afscope writes as a whole: what it is called, the file that marks it as
    afscope's, and the file names an earlier one holds (None: not one of afscope's)."""

    noun: str
    marker: str
    files: Callable[[Path], set[str] | None]


BUNDLE = OutputKind("bundle", MANIFEST_FILE, bundle_files)


def replace_problem(target: Path, kind: OutputKind = BUNDLE) -> str | None:
    """Why ``target`` may not be replaced by a new output of ``kind`` (None: it may)."""
    try:
        info = target.lstat()
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"cannot be inspected ({exc.strerror or exc})"
    only = f"afscope replaces only a folder holding a {kind.noun} it wrote"
    if stat.S_ISLNK(info.st_mode):
        return f"is a symbolic link; {only}"
    if not stat.S_ISDIR(info.st_mode):
        return f"is not a folder; {only}"
    known = kind.files(target)
    if known is None:
        return f"is not an afscope {kind.noun} (no valid {kind.marker}); {only}"
    try:
        entries = list(os.scandir(target))
    except OSError as exc:
        return f"cannot be listed ({exc.strerror or exc})"
    foreign = sorted(
        e.name for e in entries if e.name not in known or not e.is_file(follow_symlinks=False)
    )
    if foreign:
        shown = ", ".join(foreign[:5]) + (" ..." if len(foreign) > 5 else "")
        return f"holds files afscope did not write ({shown}); move them or choose another OUT"
    return None


def _exists(target: Path, kind: OutputKind) -> BundleError:
    return _refuse(
        target, f"already exists (use --force to replace an earlier afscope {kind.noun})"
    )


def check_bundle_target(target: Path, *, force: bool, kind: OutputKind = BUNDLE) -> None:
    """Raise ``BundleError`` unless an output of ``kind`` may be written at ``target``."""
    if not os.path.lexists(target):
        return
    if not force:
        raise _exists(target, kind)
    problem = replace_problem(target, kind)
    if problem is not None:
        raise _refuse(target, problem)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process: alive
        return True
    return True


def sweep_stale(parent: Path) -> list[Path]:
    """Remove staging folders left in ``parent`` by afscope runs that no longer exist."""
    removed: list[Path] = []
    try:
        entries = list(os.scandir(parent))
    except OSError:
        return removed
    for entry in entries:
        match = _OURS.match(entry.name)
        if match is None or not entry.is_dir(follow_symlinks=False):
            continue
        if _alive(int(match.group(1))):
            continue
        shutil.rmtree(entry.path, ignore_errors=True)
        removed.append(Path(entry.path))
    return removed


def staging_dir(target: Path, kind: str = "") -> Path:
    """A new private folder beside ``target``, named so a later run can sweep it."""
    parent = target.parent
    parent.mkdir(parents=True, exist_ok=True)
    sweep_stale(parent)
    label = f"{kind}-" if kind else ""
    with stopping.held():  # recorded before a stop can unwind past it
        made = Path(
            tempfile.mkdtemp(
                prefix=f"{STAGING_PREFIX}{os.getpid()}-{label}{target.name}.", dir=parent
            )
        )
        _MADE.append(made)
    return made


_MADE: list[Path] = []
"""Staging folders this process made (``remove_own_staging``)."""


def remove_own_staging() -> None:
    """Remove the staging folders this process made that are still there: a stop (SIGTERM,
    Ctrl-C) can land between a folder being made and its owner's ``finally``; the
    owners remove theirs otherwise."""
    while _MADE:
        shutil.rmtree(_MADE.pop(), ignore_errors=True)


def _remove_bundle(folder: Path, names: set[str]) -> None:
    """Delete the named files of an old bundle, then the folder if nothing else is left."""
    for name in names:
        with contextlib.suppress(FileNotFoundError):
            (folder / name).unlink()
    with contextlib.suppress(OSError):
        folder.rmdir()


def swap_in(staging: Path, target: Path, *, overwrite: bool, kind: OutputKind = BUNDLE) -> None:
    """Move the finished output in ``staging`` to ``target``, replacing an earlier one
    (not after a stop was asked for: ``afscope.stopping``)."""
    stopping.check()
    if not os.path.lexists(target):
        os.rename(staging, target)
        return
    if not overwrite:
        raise _exists(target, kind)
    problem = replace_problem(target, kind)  # checked again: the folder may have changed
    if problem is not None:
        raise _refuse(target, problem)
    names = kind.files(target) or set()
    old = target.parent / f"{OLD_PREFIX}{os.getpid()}-{target.name}"
    os.rename(target, old)
    try:
        os.rename(staging, target)
    except BaseException:
        os.rename(old, target)
        raise
    _remove_bundle(old, names)
