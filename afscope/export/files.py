"""Write an export where the user asked, without ever destroying what they own.

- ``-`` is standard output.
- A character device or a FIFO (``/dev/stdout``, a terminal, ``mkfifo``), directly or
  through a link, is written to as a stream: it is never replaced by a regular file.
- A new file is written atomically: a temporary file in the same folder, then a rename,
  so an interrupted export never leaves a half-written file.
- An existing regular file (or the file a symbolic link points to; the link stays) is
  replaced only with ``force`` and only when it is an earlier afscope export.
- Folders, sockets, block devices and dangling links are refused.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from afscope import stopping

MARKDOWN_MARK = "Exported by afscope"
JSONL_MARK = '"afscope_version"'
TABLE_MARK = "Computed by afscope"
"""Last lines of ``afscope conditions`` as a table."""
JSON_MARK = '"generator": "afscope'
"""The first key of an afscope JSON document (``afscope conditions --format json``)."""
CSV_MARK = "afscope_version"
"""The last column of an afscope CSV (``afscope conditions --format csv``)."""


class ExportWriteError(OSError):
    """The file could not be written; the message says where and why."""


def is_afscope_export(path: Path) -> bool:
    """True when ``path`` reads like an earlier afscope export (Markdown, JSON lines, or
    ``afscope conditions`` as a table, JSON or CSV)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(65536)
            size = handle.seek(0, os.SEEK_END)
            handle.seek(max(0, size - 65536))
            tail = handle.read()
    except OSError:
        return False
    first_line, _, rest = head.partition(b"\n")
    return (
        MARKDOWN_MARK.encode() in tail
        or TABLE_MARK.encode() in tail
        or first_line.startswith(b"# " + MARKDOWN_MARK.encode())
        or (first_line.startswith(b"{") and JSONL_MARK.encode() in first_line)
        or (first_line == b"{" and rest.lstrip().startswith(JSON_MARK.encode()))
        or first_line.rstrip(b"\r").endswith(b"," + CSV_MARK.encode())
    )


def _stream(path: Path, text: str) -> None:
    """Write to a device or FIFO as it is: no create, no truncate, no wait for a reader."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_NONBLOCK | os.O_NOCTTY)
    except OSError as exc:
        if exc.errno == errno.ENXIO:
            raise ExportWriteError(f"{path}: no process is reading this FIFO") from None
        raise ExportWriteError(f"{path}: cannot write ({exc.strerror or exc})") from None
    try:
        os.set_blocking(fd, True)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n", closefd=True) as handle:
            handle.write(text)
    except OSError as exc:
        raise ExportWriteError(f"{path}: write failed ({exc.strerror or exc})") from None


def _is_descriptor(path: Path) -> bool:
    """``/dev/stdout``, ``/dev/fd/N``, ``/proc/self/fd/N``: an open descriptor, whatever it
    points at (a terminal, a pipe, or the file a shell redirected to)."""
    real = os.path.realpath(path)
    return str(path) in ("/dev/stdout", "/dev/stderr") or real.startswith(("/proc/", "/dev/fd/"))


def write_output(target: str | Path, text: str, *, force: bool = False) -> str:
    """Write ``text`` to ``target`` by the rules above; return what was written to."""
    if str(target) == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return "standard output"
    path = Path(target)
    if _is_descriptor(path):
        _stream(path, text)
        return str(path)
    return write_own_file(
        path,
        text,
        force=force,
        is_ours=is_afscope_export,
        what="export",
        stream=lambda device: _stream(device, text),
    )


def write_own_file(
    path: Path,
    data: str | bytes,
    *,
    force: bool,
    is_ours: Callable[[Path], bool],
    what: str,
    stream: Callable[[Path], None] | None = None,
) -> str:
    """The rules every afscope output file follows (exports, figures): a new file is
    written atomically; an existing one is replaced only with ``force`` and only when
    ``is_ours`` recognises an earlier afscope ``what``, through a link to its target; a
    dangling link, a folder or a special file is refused. A terminal or FIFO goes to
    ``stream`` when given (else it is a special file). Returns what was written to."""
    try:
        info = os.stat(path)  # follows links: what would actually be written to
    except FileNotFoundError:
        if path.is_symlink():
            raise ExportWriteError(
                f"{path}: is a link to a missing file; not replacing it"
            ) from None
        write_atomic(path, data)
        return str(path)
    except OSError as exc:
        raise ExportWriteError(f"{path}: cannot be inspected ({exc.strerror or exc})") from None
    if stream is not None and (stat.S_ISCHR(info.st_mode) or stat.S_ISFIFO(info.st_mode)):
        stream(path)
        return str(path)
    if stat.S_ISDIR(info.st_mode):
        raise ExportWriteError(f"{path}: is a folder; give a file name")
    if not stat.S_ISREG(info.st_mode):
        raise ExportWriteError(f"{path}: is a special file; afscope never replaces one")
    if not force:
        raise ExportWriteError(
            f"{path}: already exists (use --force to replace an earlier afscope {what})"
        )
    real = Path(os.path.realpath(path))
    if not is_ours(real):
        raise ExportWriteError(
            f"{path}: is not an earlier afscope {what}; afscope never overwrites other files"
        )
    write_atomic(real, data)
    return str(path)


def write_atomic(target: Path, data: str | bytes) -> Path:
    """Write ``data`` (text as UTF-8, or bytes as they are) to ``target`` via a
    same-folder temporary file and ``os.replace`` (exports and figures)."""
    folder = target.parent if str(target.parent) else Path(".")
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise ExportWriteError(f"{target}: cannot write here ({exc.strerror or exc})") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        stopping.check()  # not put in place after a stop was asked for
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
