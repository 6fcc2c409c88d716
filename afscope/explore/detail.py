"""Everything the detail panel says about one sentence, as plain data."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from afscope.bundle.schema import outcome_column
from afscope.explore.direction import Direction
from afscope.explore.trace_data import TraceData
from afscope.numbers import MISSING, interval, number

OVERDETERMINED_SHARE = 0.8
SIMILAR = 0.8
NO_COUNTS = "n not in source"
"""Said when a source publishes rates without rollout counts (Thought Anchors web
folders): the rate is real, its n and interval are unknown."""


@dataclass(frozen=True)
class RateChange:
    """Rate at the sentence (before it) and at the next position (after it)."""

    outcome: str
    before: float | None
    n_before: int | None
    after: float | None
    n_after: int | None
    before_ci: tuple[float, float] | None = None
    after_ci: tuple[float, float] | None = None

    @property
    def counted(self) -> bool:
        """Whether the source gave rollout counts for either side."""
        return self.n_before is not None or self.n_after is not None

    def describe(self) -> str:
        """``0.47 → 0.74, n=43`` (``n=43 → 40`` when the counts differ), or the rates and
        ``n not in source`` when the source gave no rollout counts."""
        text = f"{number(self.before, 2)} → {number(self.after, 2)}"
        if not self.counted:
            return f"{text} ({NO_COUNTS})"
        n_before, n_after = (MISSING if n is None else n for n in (self.n_before, self.n_after))
        counts = f"n={n_before}" if n_before == n_after else f"n={n_before} → {n_after}"
        return f"{text}, {counts}"

    def describe_intervals(self) -> str:
        """``95% [0.33, 0.61] → [0.60, 0.85]`` (Wilson), or empty when neither is known."""
        if self.before_ci is None and self.after_ci is None:
            return ""
        spans = (
            interval(*ci) if ci is not None else MISSING for ci in (self.before_ci, self.after_ci)
        )
        return "95% " + " → ".join(spans)


@dataclass(frozen=True)
class MetricValue:
    outcome: str
    metric: str
    importance: float
    direction: float | None
    ci_low: float | None
    ci_high: float | None
    low_evidence: bool

    @property
    def kind(self) -> Direction:
        return Direction.of(self.direction, self.importance)

    def describe(self) -> str:
        """``+0.279 [0.12, 0.43] promotes``: one value (signed when the metric is), its
        95% interval, its direction in words."""
        signed = self.direction is not None
        value = number(self.direction if signed else self.importance, sign=signed)
        span = interval(self.ci_low, self.ci_high, sign=signed)
        return " ".join(part for part in (value, span, self.kind.word) if part)


@dataclass(frozen=True)
class Alternative:
    text: str
    count: int
    share: float | None
    """Share of these rollouts with the active outcome true (None when unlabelled)."""


@dataclass(frozen=True)
class Effect:
    other_idx: int
    score: float
    kind: str | None


@dataclass(frozen=True)
class SentenceDetail:
    sentence_idx: int
    text: str
    tags: list[str]
    rates: list[RateChange]
    metrics: list[MetricValue]
    alternatives: list[Alternative] = field(default_factory=list)
    resample_count: int = 0
    overdetermined: bool = False
    incoming: list[Effect] = field(default_factory=list)
    outgoing: list[Effect] = field(default_factory=list)


def _pair(low: float | None, high: float | None) -> tuple[float, float] | None:
    return None if low is None or high is None else (low, high)


def _rate_index(data: TraceData) -> dict[str, tuple[list[int], list[tuple[Any, ...]]]]:
    """Per outcome: its measured positions in order and their (rate, n, ci_low, ci_high),
    built once per trace."""
    index = data.memo.get("rates")
    if index is None:
        index = {}
        rates = data.rates.filter(pl.col("outcome").is_in(data.outcomes)).sort(
            "outcome", "sentence_idx"
        )
        for (outcome, *_), part in rates.partition_by("outcome", as_dict=True).items():
            rows = list(part.select("rate", "n", "ci_low", "ci_high").iter_rows())
            index[str(outcome)] = (part["sentence_idx"].to_list(), rows)
        data.memo["rates"] = index
    return index


def rate_changes(data: TraceData, indices: Sequence[int]) -> dict[int, list[RateChange]]:
    """Per sentence index: each outcome's rate at it and at the next measured position,
    outcomes in the manifest's order (a look-up per sentence: exports of thousands of
    sentences and hundreds of outcomes stay linear, a cursor move stays cheap)."""
    index = _rate_index(data)
    out: dict[int, list[RateChange]] = {}
    for idx in indices:
        changes = []
        for outcome in data.outcomes:
            positions, rows = index.get(outcome, ((), ()))
            k = bisect_left(positions, idx)
            here = rows[k] if k < len(positions) and positions[k] == idx else None
            later_at = k + 1 if here is not None else k
            later = rows[later_at] if later_at < len(positions) else None
            if here is None and later is None:
                continue
            changes.append(
                RateChange(
                    outcome,
                    here[0] if here else None,
                    here[1] if here else None,
                    later[0] if later else None,
                    later[1] if later else None,
                    _pair(here[2], here[3]) if here else None,
                    _pair(later[2], later[3]) if later else None,
                )
            )
        out[idx] = changes
    return out


def _value_index(data: TraceData) -> dict[int, list[MetricValue]]:
    """Every importance value by sentence index, in display order, built once per trace."""
    index = data.memo.get("values")
    if index is None:
        outcome_order = {o: i for i, o in enumerate(data.outcomes)}
        metric_order = {m: i for i, m in enumerate(data.metrics)}
        index = {}
        for r in data.importance.iter_rows(named=True):
            index.setdefault(r["sentence_idx"], []).append(
                MetricValue(
                    r["outcome"],
                    r["metric"],
                    r["importance"],
                    r["direction"],
                    r["ci_low"],
                    r["ci_high"],
                    bool(r["low_evidence"]),
                )
            )
        for values in index.values():
            values.sort(
                key=lambda v: (outcome_order.get(v.outcome, 99), metric_order.get(v.metric, 99))
            )
        data.memo["values"] = index
    return index


def metric_values(data: TraceData, indices: Sequence[int]) -> dict[int, list[MetricValue]]:
    """Per sentence index: every importance value, outcomes then metrics in manifest order."""
    index = _value_index(data)
    return {idx: list(index.get(idx, ())) for idx in indices}


def _alternatives(
    data: TraceData, idx: int, text: str, outcome: str, limit: int
) -> tuple[list[Alternative], int, bool]:
    if data.resamples is None or "resampled_sentence" not in data.resamples.columns:
        return [], 0, False
    rows = data.resamples.filter(pl.col("sentence_idx") == idx)
    if rows.height == 0:
        return [], 0, False
    label = outcome_column(outcome)
    norm = pl.col("resampled_sentence").str.strip_chars()
    share = (
        pl.col(label).cast(pl.Float64).mean() if label in rows.columns else pl.lit(None, pl.Float64)
    )
    top = (
        rows.filter(norm.is_not_null() & (norm != ""))
        .group_by(norm.alias("alt"))
        .agg(pl.len().alias("count"), share.alias("share"))
        .sort(["count", "alt"], descending=[True, False])
        .head(limit)
    )
    alternatives = [
        Alternative(r["alt"], r["count"], r["share"]) for r in top.iter_rows(named=True)
    ]
    same: float | None
    if "similarity" in rows.columns and rows["similarity"].null_count() < rows.height:
        same = (rows["similarity"].drop_nulls() >= SIMILAR).mean()  # type: ignore[assignment]
    else:
        same = (rows["resampled_sentence"].str.strip_chars() == text.strip()).mean()  # type: ignore[assignment]
    return alternatives, rows.height, bool(same is not None and same >= OVERDETERMINED_SHARE)


def _effects(data: TraceData, idx: int, limit: int) -> tuple[list[Effect], list[Effect]]:
    if data.effects is None or data.effects.height == 0:
        return [], []
    kind = pl.col("kind") if "kind" in data.effects.columns else pl.lit(None, pl.String)
    frame = data.effects.with_columns(kind.alias("kind"), pl.col("score").abs().alias("mag"))
    incoming = frame.filter(pl.col("target_idx") == idx).sort("mag", descending=True).head(limit)
    outgoing = frame.filter(pl.col("source_idx") == idx).sort("mag", descending=True).head(limit)
    return (
        [Effect(r["source_idx"], r["score"], r["kind"]) for r in incoming.iter_rows(named=True)],
        [Effect(r["target_idx"], r["score"], r["kind"]) for r in outgoing.iter_rows(named=True)],
    )


def sentence_detail(data: TraceData, position: int, outcome: str, limit: int = 3) -> SentenceDetail:
    """The detail of the sentence at ``position`` (row number in ``data.sentences``)."""
    row = data.sentences.row(position, named=True)
    idx = row["sentence_idx"]
    alternatives, count, overdetermined = _alternatives(data, idx, row["text"], outcome, limit)
    incoming, outgoing = _effects(data, idx, limit)
    return SentenceDetail(
        sentence_idx=idx,
        text=row["text"],
        tags=list(row.get("tags") or []),
        rates=rate_changes(data, [idx])[idx],
        metrics=metric_values(data, [idx])[idx],
        alternatives=alternatives,
        resample_count=count,
        overdetermined=overdetermined,
        incoming=incoming,
        outgoing=outgoing,
    )
