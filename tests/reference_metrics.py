"""Straightforward per-rollout reference for the metric definitions (docs/metrics.md).

Plain Python on purpose: the Polars implementation must agree with this on any input.
"""

from __future__ import annotations

import math
from collections import defaultdict

Z = 1.959963984540054


def wilson(k: int, n: int) -> tuple[float, float]:
    p = k / n
    denom = 1 + Z * Z / n
    centre = (p + Z * Z / (2 * n)) / denom
    half = Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / denom
    low = 0.0 if k == 0 else max(0.0, centre - half)
    high = 1.0 if k == n else min(1.0, centre + half)
    return low, high


def reference(rows: list[dict], outcome: str, threshold: float = 0.8):
    """(rates, importance) dicts keyed by (trace, idx) from rollout dicts."""
    by_pos: dict[tuple[str, int], list[dict]] = defaultdict(list)
    for row in rows:
        if row[f"outcome.{outcome}"] is not None:
            by_pos[(row["trace_id"], row["sentence_idx"])].append(row)
    rates = {}
    for pos, rollouts in by_pos.items():
        k = sum(1 for r in rollouts if r[f"outcome.{outcome}"])
        rates[pos] = (k / len(rollouts), len(rollouts), *wilson(k, len(rollouts)))
    importance = {}
    for (trace, idx), rollouts in by_pos.items():
        later = sorted(i for (t, i) in by_pos if t == trace and i > idx)
        if not later:
            continue
        nxt = rates[(trace, later[0])][0]
        importance[(trace, idx, "resampling")] = nxt - rates[(trace, idx)][0]
        if any(r["similarity"] is not None for r in rollouts):
            different = [
                r for r in rollouts if r["similarity"] is not None and r["similarity"] < threshold
            ]
            if different:
                d_rate = sum(1 for r in different if r[f"outcome.{outcome}"]) / len(different)
                importance[(trace, idx, "counterfactual")] = nxt - d_rate
            else:
                importance[(trace, idx, "counterfactual")] = 0.0
    return rates, importance
