"""Find Thought Anchors trace folders at any depth and read their metadata from the path.

``<model>/temperature_<T>_top_p_<P>/<kind>_base_solution[_forced_answer]/problem_<N>``:
the folder names carry the model, sampling settings and base-solution kind, which become
trace metadata. Walking is lazy (a generator over sorted folders) so huge trees start
streaming at once.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from afscope.problems import Problem
from afscope.readers.thought_anchors.folder import is_trace_folder

_SAMPLING = re.compile(r"^temperature_(?P<t>[^_]+)_top_p_(?P<p>[^_]+)$")
_BASE = re.compile(r"^(?P<kind>[A-Za-z0-9]+)_base_solution(?P<forced>_forced_answer)?$")


def is_forced_answer_dir(name: str) -> bool:
    match = _BASE.match(name)
    return bool(match and match["forced"])


def find_trace_folders(
    root: Path,
    report: Callable[[Problem], None] | None = None,
    seen: Callable[[], None] | None = None,
) -> Iterator[Path]:
    """Trace folders below (or at) ``root``, in sorted order; forced-answer runs skipped.

    The walk never follows a link to a folder (a link loop cannot trap it); folders that
    cannot be listed and broken links are passed to ``report`` and skipped. ``seen`` is
    called once per folder walked (for progress on long walks).
    """
    if is_trace_folder(root):
        yield root
        return

    def unreadable(exc: OSError) -> None:
        if report is not None:
            reason = exc.strerror or type(exc).__name__
            report(
                Problem(
                    str(exc.filename),
                    f"skipped: folder cannot be read ({reason})",
                    severity="warning",
                )
            )

    for current, dirs, files in os.walk(root, onerror=unreadable):
        here = Path(current)
        if seen is not None:
            seen()
        dirs.sort()
        keep = []
        for name in dirs:
            child = here / name
            if is_forced_answer_dir(name) or name.startswith("."):
                continue
            try:
                if is_trace_folder(child):
                    yield child
                elif not child.is_symlink():
                    keep.append(name)
            except OSError as exc:
                unreadable(exc)
        if report is not None:
            for name in files:
                child = here / name
                if child.is_symlink() and not child.exists():
                    report(Problem(str(child), "skipped: broken symbolic link", severity="warning"))
        dirs[:] = keep


def _number(text: str) -> float | str:
    try:
        return float(text)
    except ValueError:
        return text


def path_metadata(folder: Path) -> dict[str, Any]:
    """Model, temperature, top_p and base-solution kind from the folder's ancestors."""
    meta: dict[str, Any] = {}
    parts = folder.resolve().parts[:-1]
    for i, part in enumerate(parts):
        sampling = _SAMPLING.match(part)
        if sampling:
            meta["temperature"] = _number(sampling["t"])
            meta["top_p"] = _number(sampling["p"])
            if i > 0:
                meta["model"] = parts[i - 1]
        base = _BASE.match(part)
        if base:
            meta["base_solution"] = base["kind"]
            meta["forced_answer"] = bool(base["forced"])
            if "model" not in meta and i > 0 and not _SAMPLING.match(parts[i - 1]):
                meta["model"] = parts[i - 1]
    return meta


def trace_id_for(folder: Path, root: Path) -> str:
    """Path below the opened root (or the folder's own name when it is the root)."""
    if folder == root:
        return folder.resolve().name
    return folder.relative_to(root).as_posix()
