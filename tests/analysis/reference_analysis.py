"""Plain-Python versions of the ranking and the tag statistics (for property tests)."""

from __future__ import annotations

import math
from typing import Any


def reference_rank(
    rows: list[dict[str, Any]], direction: str, include_low: bool
) -> list[tuple[str, int]]:
    kept = [r for r in rows if include_low or not r["low_evidence"]]
    with_value = [r for r in kept if r["importance"] is not None]
    without = [r for r in kept if r["importance"] is None]

    def signed(r: dict[str, Any]) -> float:
        return r["direction"] if r["direction"] is not None else r["importance"]

    if direction == "both":
        key = lambda r: (-r["importance"], r["trace_order"], r["sentence_idx"])  # noqa: E731
    elif direction == "promotes":
        key = lambda r: (-signed(r), r["trace_order"], r["sentence_idx"])  # noqa: E731
    else:
        key = lambda r: (signed(r), r["trace_order"], r["sentence_idx"])  # noqa: E731
    ordered = sorted(with_value, key=key) + sorted(
        without, key=lambda r: (r["trace_order"], r["sentence_idx"])
    )
    return [(r["raw_id"], r["sentence_idx"]) for r in ordered]


def _percentile(values: list[float], q: float) -> float:
    """NumPy's default (linear) percentile."""
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    low = math.floor(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def reference_tags(
    rows: list[dict[str, Any]], weights: list[list[float]], traces: list[str]
) -> dict[str, dict[str, Any]]:
    """Per tag: n, mean signed, mean |imp|, position-adjusted mean, bootstrap interval with
    the given weights (draws x traces, traces in ``traces`` order)."""
    kept = [r for r in rows if not r["low_evidence"] and r["importance"] is not None]
    for r in kept:
        r["s"] = r["direction"] if r["direction"] is not None else r["importance"]
    by_bin: dict[int, list[float]] = {}
    for r in kept:
        by_bin.setdefault(r["bin"], []).append(r["s"])
    out: dict[str, dict[str, Any]] = {}
    groups: dict[str, list[dict[str, Any]]] = {}
    for r in kept:
        for tag in sorted(set(r["tags"])) or ["(none)"]:
            groups.setdefault(tag, []).append(r)
    for tag, members in groups.items():
        means = []
        for draw in weights:
            total = count = 0.0
            for r in members:
                w = draw[traces.index(r["raw_id"])]
                total += w * r["s"]
                count += w
            if count > 0:
                means.append(total / count)
        out[tag] = {
            "sentences": len(members),
            "mean": sum(r["s"] for r in members) / len(members),
            "mean_abs": sum(r["importance"] for r in members) / len(members),
            "adjusted": sum(r["s"] - sum(by_bin[r["bin"]]) / len(by_bin[r["bin"]]) for r in members)
            / len(members),
            "ci": (_percentile(means, 2.5), _percentile(means, 97.5)) if means else None,
        }
    return out
