"""Small readers of individual Thought Anchors values (labels, numbers, indices, rows).

Each parser returns the value in afscope's type or None; ``FieldCheck`` turns the values
that are present but of the wrong type into one warning per (file, field), naming what
was expected and what was found, so a broken field never surfaces as an exception from
Polars or the writer and never disappears silently. Absent and null optional fields are
normal in the pipeline's output and pass without a word.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from afscope.problems import Problem
from afscope.readers.thought_anchors.fields import ROLLOUT_FIELDS

_GENERIC_LABEL = re.compile(r"^(?:is|contains)_([A-Za-z0-9_]+)$")
MAX_INDEX = 2**63 - 1
"""Sentence indices are Int64 in a bundle."""
INDEX = "a whole number from 0 to 2**63 - 1"
INDEX_LIST = "a list of chunk indices"
ENTRY = ""
"""The field name for a whole entry (an element of the file's list)."""
TEXT = "text"
TEXT_LIST = "a list of text"
NUMBER = "a number"
BOOLEAN = "true or false"
_MISSING = object()


def describe_value(value: Any) -> str:
    """How a wrong value is shown in a problem: its type, and the value when short."""
    if value is _MISSING:
        return "nothing (the field is missing)"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return f"{value}" if len(str(value)) <= 30 else f"an integer with {len(str(value))} digits"
    if isinstance(value, float):
        return f"{value!r}"
    if isinstance(value, str):
        return f"text {value[:30]!r}" + ("..." if len(value) > 30 else "")
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return repr(value)  # json_files.HugeInt


def as_index(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 0 <= value <= MAX_INDEX else None


def as_text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def as_text_list(value: Any) -> list[str] | None:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    return None


def as_index_list(value: Any) -> list[str] | None:
    """Chunk indices as text (``depends_on`` holds ``"3"``; some forks write ``3``)."""
    if isinstance(value, list) and all(
        isinstance(v, str) or as_index(v) is not None for v in value
    ):
        return [str(v) for v in value]
    return None


def as_bool(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def is_number(value: Any) -> bool:
    """A JSON number (NaN and infinities included; ``finite`` tells those apart)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def finite(value: Any) -> float | None:
    """A finite float, or None for anything else (NaN, inf, text, bools)."""
    if not is_number(value):
        return None
    try:
        number = float(value)
    except OverflowError:  # an int beyond the float range
        return None
    return number if math.isfinite(number) else None


@dataclass
class FieldCheck:
    """Collects the wrong values met in one file; ``problems`` reports them per field."""

    file: str
    what: str = "values"
    """What a wrong value costs, e.g. ``entries`` when the whole entry is skipped."""
    wrong: dict[tuple[str, str], list[Any]] = field(default_factory=dict)
    """(field, expected) -> [count, first wrong value]"""

    def note(self, name: str, expected: str, value: Any) -> None:
        seen = self.wrong.setdefault((name, expected), [0, value])
        seen[0] += 1

    def get(
        self,
        record: dict[str, Any],
        name: str,
        parse: Callable[[Any], Any],
        expected: str,
        *,
        required: bool = False,
    ) -> Any:
        """``parse(record[name])``; a present value it rejects is noted (a missing or null
        one too when ``required``)."""
        value = record.get(name, _MISSING)
        if value is _MISSING or value is None:
            if required:
                self.note(name, expected, value)
            return None
        parsed = parse(value)
        if parsed is None:
            self.note(name, expected, value)
        return parsed

    def problems(self) -> list[Problem]:
        return [
            Problem(
                self.file,
                f"{count} {'entries' if name == ENTRY else self.what} left out: "
                f"expected {expected}, found {describe_value(example)}"
                + (" (and others)" if count > 1 else ""),
                column=name or None,
                severity="warning",
            )
            for (name, expected), (count, example) in self.wrong.items()
        ]


@functools.lru_cache(maxsize=4096)
def label_outcome(name: str) -> str | None:
    """The afscope outcome a rollout/base-solution Boolean field labels, if any (cached:
    every rollout repeats the same few field names)."""
    if name in ROLLOUT_FIELDS:
        return ROLLOUT_FIELDS[name]
    match = _GENERIC_LABEL.match(name)
    return match[1] if match else None


def labels(record: dict[str, Any], check: FieldCheck | None = None) -> dict[str, bool]:
    """Outcome labels found in a rollout or base-solution record. A known outcome field
    (``is_correct`` ...) holding something other than true, false or null is noted; other
    ``is_*`` / ``contains_*`` fields are labels only when Boolean."""
    out = {}
    for key, value in record.items():
        outcome = label_outcome(key)
        if outcome is None:
            continue
        if isinstance(value, bool):
            out[outcome] = value
        elif check is not None and value is not None and key in ROLLOUT_FIELDS:
            check.note(key, BOOLEAN, value)
    return out


def trace_frame(
    rows: list[tuple], schema: dict[str, pl.DataType], trace_id: str, **constants: Any
) -> pl.DataFrame:
    """Row tuples as a frame, with the trace id (and any constant columns) added."""
    frame = pl.DataFrame(rows, schema=schema, orient="row")
    extra = [pl.lit(trace_id).alias("trace_id")]
    extra += [pl.lit(v[0], v[1]).alias(k) for k, v in constants.items()]
    return frame.with_columns(extra)
