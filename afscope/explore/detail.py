"""Everything the detail panel says about one sentence, as plain data."""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from afscope.bundle.schema import OUTCOME_PREFIX
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


def _interval(row: pl.DataFrame) -> tuple[float, float] | None:
    if row.height == 0 or row["ci_low"][0] is None or row["ci_high"][0] is None:
        return None
    return (row["ci_low"][0], row["ci_high"][0])


def _rate_changes(data: TraceData, idx: int) -> list[RateChange]:
    out = []
    for outcome in data.outcomes:
        series = data.rates.filter(pl.col("outcome") == outcome).sort("sentence_idx")
        here = series.filter(pl.col("sentence_idx") == idx)
        later = series.filter(pl.col("sentence_idx") > idx).head(1)
        if here.height == 0 and later.height == 0:
            continue
        out.append(
            RateChange(
                outcome,
                here["rate"][0] if here.height else None,
                here["n"][0] if here.height else None,
                later["rate"][0] if later.height else None,
                later["n"][0] if later.height else None,
                _interval(here),
                _interval(later),
            )
        )
    return out


def _metric_values(data: TraceData, idx: int) -> list[MetricValue]:
    rows = data.importance.filter(pl.col("sentence_idx") == idx)
    order = {m: i for i, m in enumerate(data.metrics)}
    outcome_order = {o: i for i, o in enumerate(data.outcomes)}
    values = [
        MetricValue(
            r["outcome"],
            r["metric"],
            r["importance"],
            r["direction"],
            r["ci_low"],
            r["ci_high"],
            bool(r["low_evidence"]),
        )
        for r in rows.iter_rows(named=True)
    ]
    return sorted(values, key=lambda v: (outcome_order.get(v.outcome, 99), order.get(v.metric, 99)))


def _alternatives(
    data: TraceData, idx: int, text: str, outcome: str, limit: int
) -> tuple[list[Alternative], int, bool]:
    if data.resamples is None or "resampled_sentence" not in data.resamples.columns:
        return [], 0, False
    rows = data.resamples.filter(pl.col("sentence_idx") == idx)
    if rows.height == 0:
        return [], 0, False
    label = f"{OUTCOME_PREFIX}{outcome}"
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
        rates=_rate_changes(data, idx),
        metrics=_metric_values(data, idx),
        alternatives=alternatives,
        resample_count=count,
        overdetermined=overdetermined,
        incoming=incoming,
        outgoing=outgoing,
    )
