"""Everything the detail panel says about one sentence, as plain data."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from afscope.bundle.schema import outcome_column
from afscope.explore.source_marks import sentence_notes
from afscope.explore.trace_data import TraceData

OVERDETERMINED_SHARE = 0.8
SIMILAR = 0.8


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


@dataclass(frozen=True)
class MetricValue:
    outcome: str
    metric: str
    importance: float
    direction: float | None
    ci_low: float | None
    ci_high: float | None
    low_evidence: bool


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
    source_notes: list[str] = field(default_factory=list)
    """Where the source is doubtful at this sentence (``source_marks.sentence_notes``)."""


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


_Alternatives = tuple[list["Alternative"], int, bool]


def _alternative_index(data: TraceData, outcome: str, limit: int) -> dict[int, _Alternatives]:
    """Per sentence index: its ``limit`` most frequent resampled alternatives, how many
    rollouts were resampled there and whether they mostly restate it. Built with one
    group-by over the trace's resamples on first use (per outcome and limit), so a cursor
    move is a look-up and a whole trace (``afscope publish``) costs one query."""
    cache: dict[tuple[str, int], dict[int, _Alternatives]]
    cache = data.memo.setdefault("alternatives", {})
    index = cache.get((outcome, limit))
    if index is not None:
        return index
    index = cache[(outcome, limit)] = {}
    rows = data.resamples
    if rows is None or "resampled_sentence" not in rows.columns or rows.height == 0:
        return index
    label = outcome_column(outcome)
    norm = pl.col("resampled_sentence").str.strip_chars()
    share = (
        pl.col(label).cast(pl.Float64).mean() if label in rows.columns else pl.lit(None, pl.Float64)
    )
    top = (
        rows.filter(norm.is_not_null() & (norm != ""))
        .group_by("sentence_idx", norm.alias("alt"))
        .agg(pl.len().alias("count"), share.alias("share"))
        .sort(["sentence_idx", "count", "alt"], descending=[False, True, False])
        .group_by("sentence_idx", maintain_order=True)
        .head(limit)
    )
    texts = data.sentences.select("sentence_idx", pl.col("text").str.strip_chars().alias("own"))
    with_text = rows.join(texts, on="sentence_idx", how="left")
    has_similarity = "similarity" in rows.columns
    similarity = pl.col("similarity") if has_similarity else pl.lit(None, pl.Float64)
    counts = with_text.group_by("sentence_idx").agg(
        pl.len().alias("rollouts"),
        similarity.is_not_null().sum().alias("measured"),
        (similarity >= SIMILAR).mean().alias("similar"),
        (norm == pl.col("own")).mean().alias("restated"),
    )
    alternatives: dict[int, list[Alternative]] = {}
    for r in top.iter_rows(named=True):
        alternatives.setdefault(r["sentence_idx"], []).append(
            Alternative(r["alt"], r["count"], r["share"])
        )
    for idx, rollouts, measured, similar, restated in counts.iter_rows():
        same = similar if measured else restated
        index[idx] = (
            alternatives.get(idx, []),
            rollouts,
            bool(same is not None and same >= OVERDETERMINED_SHARE),
        )
    return index


def _alternatives(data: TraceData, idx: int, outcome: str, limit: int) -> _Alternatives:
    return _alternative_index(data, outcome, limit).get(idx, ([], 0, False))


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
    alternatives, count, overdetermined = _alternatives(data, idx, outcome, limit)
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
        source_notes=sentence_notes(data, idx),
    )
