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


def kl(k_p: int, n_p: int, k_q: int, n_q: int, alpha: float) -> float:
    p = (k_p + alpha) / (n_p + 2 * alpha)
    q = (k_q + alpha) / (n_q + 2 * alpha)
    total = 0.0
    for a, b in ((p, q), (1 - p, 1 - q)):
        if a > 0:
            total += a * math.log(a / b)
    return total


def newcombe(k1: int, n1: int, k2: int, n2: int) -> tuple[float, float]:
    p1, p2 = k1 / n1, k2 / n2
    l1, u1 = wilson(k1, n1)
    l2, u2 = wilson(k2, n2)
    d = p1 - p2
    return (
        d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2),
        d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2),
    )


def reference_full(
    rows: list[dict], outcome: str, threshold: float, alpha: float, min_evidence: int
) -> dict:
    """Every compute metric per (trace, idx, metric) -> (importance, direction, lo, hi, low)."""
    label = f"outcome.{outcome}"
    by_pos: dict[tuple[str, int], list[dict]] = defaultdict(list)
    for row in rows:
        if row[label] is not None:
            by_pos[(row["trace_id"], row["sentence_idx"])].append(row)
    out = {}
    for (trace, idx), rollouts in by_pos.items():
        later = sorted(i for (t, i) in by_pos if t == trace and i > idx)
        if not later:
            continue
        nxt = by_pos[(trace, later[0])]
        k, n = sum(r[label] for r in rollouts), len(rollouts)
        kn, nn = sum(r[label] for r in nxt), len(nxt)
        rs = kn / nn - k / n
        low = n < min_evidence or nn < min_evidence
        out[(trace, idx, "resampling")] = (abs(rs), rs, *newcombe(kn, nn, k, n), low)
        out[(trace, idx, "resampling_kl")] = (kl(k, n, kn, nn, alpha), None, None, None, low)
        if any(r["similarity"] is not None for r in rollouts):
            diff = [
                r for r in rollouts if r["similarity"] is not None and r["similarity"] < threshold
            ]
            same = [
                r for r in rollouts if r["similarity"] is not None and r["similarity"] >= threshold
            ]
            kd, nd = sum(r[label] for r in diff), len(diff)
            ks, ns = sum(r[label] for r in same), len(same)
            cf = kn / nn - kd / nd if nd else 0.0
            interval = newcombe(kn, nn, kd, nd) if nd else (None, None)
            low_cf = nd < min_evidence or nn < min_evidence
            out[(trace, idx, "counterfactual")] = (abs(cf), cf, *interval, low_cf)
            cf_kl = kl(kd, nd, kn + ks, nn + ns, alpha) if nd else 0.0
            out[(trace, idx, "counterfactual_kl")] = (cf_kl, None, None, None, low_cf)
    return out


def reference_stats(rows: list[dict], threshold: float) -> dict:
    by_pos: dict[tuple[str, int], list[dict]] = defaultdict(list)
    for row in rows:
        by_pos[(row["trace_id"], row["sentence_idx"])].append(row)
    out = {}
    for pos, rollouts in by_pos.items():
        sims = [r["similarity"] for r in rollouts if r["similarity"] is not None]
        texts = [
            r["resampled_sentence"].strip() for r in rollouts if r["resampled_sentence"] is not None
        ]
        dtf = sum(s < threshold for s in sims) / len(sims) if sims else None
        over = 1 - len(set(texts)) / len(texts) if texts else None
        out[pos] = (dtf, over)
    return out
