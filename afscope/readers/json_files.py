"""Read a JSON file of an expected shape, turning every failure into a ``Problem``."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

import orjson

from afscope.problems import Problem

_SHAPES: dict[type, str] = {dict: "an object", list: "a list"}
_INT_DIGITS = 4000  # below Python's 4,300-digit limit on int(str), which raises ValueError


class HugeInt:
    """An integer literal too long to convert (thousands of digits): kept as a marker so
    the field that holds it is reported by name instead of the whole file failing."""

    def __init__(self, text: str) -> None:
        self.digits = len(text.lstrip("-"))

    def __repr__(self) -> str:
        return f"an integer with {self.digits} digits"


def _parse_int(text: str) -> int | HugeInt:
    return int(text) if len(text) <= _INT_DIGITS else HugeInt(text)


def load_json(path: Path, shape: type, problems: list[Problem]) -> Any | None:
    """The parsed file if it is valid JSON of ``shape``; else None and a problem recorded."""
    try:
        with path.open("rb") as handle:
            return parse_json(handle.read(), path, shape, problems)
    except OSError as exc:
        _unreadable(path, exc, problems)
        return None


_ONE_READ = 0x7FFFF000
"""Linux returns at most this many bytes from one read."""


def read_regular(path: str | Path, problems: list[Problem]) -> bytes | None:
    """The bytes of ``path`` if it is a regular file; None (and nothing recorded) when it is
    absent or not a regular file, None and a problem when it cannot be read. One open and
    an fstat instead of a stat per path; non-blocking, so a FIFO cannot hang the read."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return None
    except OSError as exc:
        _unreadable(path, exc, problems)
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return None
        # one read of the size fstat gave (a file object costs more than the read of a
        # small file); a regular file gives fewer bytes than asked only at its end (or
        # past the largest single read Linux allows)
        data = os.read(fd, info.st_size + 1)
        if len(data) <= info.st_size < _ONE_READ:
            return data
        parts = [data]  # it grew since the fstat, or is huge: read on to the end
        while chunk := os.read(fd, 1 << 20):
            parts.append(chunk)
        return b"".join(parts)
    except OSError as exc:
        _unreadable(path, exc, problems)
        return None
    finally:
        os.close(fd)


def parse_json_fast(
    data: bytes, path: str | Path, shape: type, problems: list[Problem]
) -> Any | None:
    """``parse_json`` for files read by the million (rollouts): orjson first, the json
    module (and its messages) for anything orjson rejects. Use it only where integers
    beyond 64 bits do not matter: orjson reads them as floats."""
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError:
        return parse_json(data, path, shape, problems)
    if not isinstance(value, shape):
        _wrong_shape(path, shape, value, problems)
        return None
    return value


def _unreadable(path: str | Path, exc: Exception, problems: list[Problem]) -> None:
    detail = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
    problems.append(Problem(str(path), f"unreadable JSON ({detail})"))


def _wrong_shape(path: str | Path, shape: type, value: Any, problems: list[Problem]) -> None:
    problems.append(
        Problem(str(path), f"wrong shape: expected {_SHAPES[shape]}, found {type(value).__name__}")
    )


def parse_json(data: bytes, path: str | Path, shape: type, problems: list[Problem]) -> Any | None:
    """``data`` (the bytes of ``path``) parsed; else None and a problem recorded."""
    try:
        value = json.loads(data, parse_int=_parse_int)
    except (
        UnicodeDecodeError,
        json.JSONDecodeError,
        RecursionError,
        ValueError,
    ) as exc:
        _unreadable(path, exc, problems)
        return None
    if not isinstance(value, shape):
        _wrong_shape(path, shape, value, problems)
        return None
    return value
