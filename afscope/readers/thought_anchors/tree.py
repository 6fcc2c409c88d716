"""Find Thought Anchors trace folders at any depth and read their metadata from the path.

``<model>/temperature_<T>_top_p_<P>/<kind>_base_solution[_forced_answer]/problem_<N>``:
the folder names carry the model, sampling settings and base-solution kind, which become
trace metadata. Walking is lazy (a generator over sorted folders) so huge trees start
streaming at once.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from afscope.readers.thought_anchors.folder import is_trace_folder

_SAMPLING = re.compile(r"^temperature_(?P<t>[^_]+)_top_p_(?P<p>[^_]+)$")
_BASE = re.compile(r"^(?P<kind>[A-Za-z0-9]+)_base_solution(?P<forced>_forced_answer)?$")


def is_forced_answer_dir(name: str) -> bool:
    match = _BASE.match(name)
    return bool(match and match["forced"])


def find_trace_folders(root: Path) -> Iterator[Path]:
    """Trace folders below (or at) ``root``, in sorted order; forced-answer runs skipped."""
    if is_trace_folder(root):
        yield root
        return
    for current, dirs, _files in os.walk(root):
        here = Path(current)
        dirs.sort()
        keep = []
        for name in dirs:
            child = here / name
            if is_forced_answer_dir(name) or name.startswith("."):
                continue
            if is_trace_folder(child):
                yield child
            else:
                keep.append(name)
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
