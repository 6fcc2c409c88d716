"""Read a JSON file of an expected shape, turning every failure into a ``Problem``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

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
            value = json.load(handle, parse_int=_parse_int)
    except (
        OSError,
        UnicodeDecodeError,
        json.JSONDecodeError,
        RecursionError,
        ValueError,
    ) as exc:
        detail = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        problems.append(Problem(str(path), f"unreadable JSON ({detail})"))
        return None
    if not isinstance(value, shape):
        problems.append(
            Problem(
                str(path), f"wrong shape: expected {_SHAPES[shape]}, found {type(value).__name__}"
            )
        )
        return None
    return value
