"""Write an export atomically: a temporary file in the same folder, then a rename.

An interrupted export never leaves a half-written file, and nothing is ever written
inside the bundle (or Thought Anchors folder) being read.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path


class ExportWriteError(OSError):
    """The file could not be written; the message says where and why."""


def refuse_inside(target: Path, source: Path) -> None:
    """Raise if ``target`` lies inside the ``source`` folder."""
    try:
        resolved, root = target.resolve(), source.resolve()
    except OSError:
        return
    if root == resolved or root in resolved.parents:
        raise ExportWriteError(f"{target}: refusing to write inside the input {source}")


def write_atomic(target: Path, text: str) -> Path:
    """Write ``text`` to ``target`` via a same-folder temporary file and ``os.replace``."""
    folder = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise ExportWriteError(f"{target}: cannot write here ({exc.strerror or exc})") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise ExportWriteError(f"{target}: write failed ({exc.strerror or exc})") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def safe_file_name(text: str, limit: int = 80) -> str:
    """A file-name-safe version of an id (trace ids can hold slashes and anything else)."""
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("._") or "export"
    return name[:limit]
