"""Small, forgiving readers of individual Thought Anchors values (labels, numbers, rows)."""

from __future__ import annotations

import math
import re
from typing import Any

import polars as pl

from afscope.readers.thought_anchors.fields import ROLLOUT_FIELDS

_GENERIC_LABEL = re.compile(r"^(?:is|contains)_([A-Za-z0-9_]+)$")


def label_outcome(name: str) -> str | None:
    """The afscope outcome a rollout/base-solution Boolean field labels, if any."""
    if name in ROLLOUT_FIELDS:
        return ROLLOUT_FIELDS[name]
    match = _GENERIC_LABEL.match(name)
    return match[1] if match else None


def labels(record: dict[str, Any]) -> dict[str, bool]:
    """Outcome labels found in a rollout or base-solution record."""
    out = {}
    for key, value in record.items():
        outcome = label_outcome(key)
        if outcome is not None and isinstance(value, bool):
            out[outcome] = value
    return out


def finite(value: Any) -> float | None:
    """A finite float, or None for anything else (NaN, inf, text, bools)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def trace_frame(
    rows: list[tuple], schema: dict[str, pl.DataType], trace_id: str, **constants: Any
) -> pl.DataFrame:
    """Row tuples as a frame, with the trace id (and any constant columns) added."""
    frame = pl.DataFrame(rows, schema=schema, orient="row")
    extra = [pl.lit(trace_id).alias("trace_id")]
    extra += [pl.lit(v[0], v[1]).alias(k) for k, v in constants.items()]
    return frame.with_columns(extra)
