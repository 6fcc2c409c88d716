"""Read a JSON file of an expected shape, turning every failure into a ``Problem``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from afscope.problems import Problem

_SHAPES = {dict: "an object", list: "a list"}


def load_json(path: Path, shape: type, problems: list[Problem]) -> Any | None:
    """The parsed file if it is valid JSON of ``shape``; else None and a problem recorded."""
    try:
        with path.open("rb") as handle:
            value = json.load(handle)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
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
