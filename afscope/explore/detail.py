"""Everything the detail panel says about one sentence, as plain data."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import polars as pl

from afscope.bundle.schema import outcome_column
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


def _pair(low: float | None, high: float | None) -> tuple[float, float] | None:
    return None if low is None or high is None else (low, high)


def rate_changes(data: TraceData, indices: Sequence[int]) -> dict[int, list[RateChange]]:
    """Per sentence index: each outcome's rate at it and at the next measured position.

    One pair of joins for all ``indices`` (an export of thousands of sentences and
    hundreds of outcomes stays linear), outcomes in the manifest's order.
    """
    out: dict[int, list[RateChange]] = {idx: [] for idx in indices}
    if not indices or not data.outcomes or data.rates.height == 0:
        return out
    cols = ["rate", "n", "ci_low", "ci_high"]
    rates = data.rates.select("outcome", "sentence_idx", *cols).filter(
        pl.col("outcome").is_in(data.outcomes)
    )
    order = pl.DataFrame(
        {"outcome": data.outcomes, "_order": list(range(len(data.outcomes)))},
        schema={"outcome": pl.String, "_order": pl.Int64},
    )
    wanted = (
        pl.DataFrame({"sentence_idx": list(indices)}, schema={"sentence_idx": pl.Int64})
        .join(order, how="cross")
        .sort("sentence_idx")
    )
    here = wanted.join(rates, on=["outcome", "sentence_idx"], how="left")
    later = rates.rename({c: f"{c}_after" for c in cols}).rename({"sentence_idx": "_after_idx"})
    joined = here.sort("sentence_idx").join_asof(
        later.sort("_after_idx"),
        left_on="sentence_idx",
        right_on="_after_idx",
        by="outcome",
        strategy="forward",
        allow_exact_matches=False,
        check_sortedness=False,  # both sides are sorted on the key just above
    )
    joined = joined.filter(
        pl.col("rate").is_not_null()
        | pl.col("n").is_not_null()
        | pl.col("_after_idx").is_not_null()
    ).sort("sentence_idx", "_order")
    for r in joined.iter_rows(named=True):
        out[r["sentence_idx"]].append(
            RateChange(
                r["outcome"],
                r["rate"],
                r["n"],
                r["rate_after"],
                r["n_after"],
                _pair(r["ci_low"], r["ci_high"]),
                _pair(r["ci_low_after"], r["ci_high_after"]),
            )
        )
    return out


def metric_values(data: TraceData, indices: Sequence[int]) -> dict[int, list[MetricValue]]:
    """Per sentence index: every importance value, outcomes then metrics in manifest order."""
    out: dict[int, list[MetricValue]] = {idx: [] for idx in indices}
    if not indices or data.importance.height == 0:
        return out
    outcome_order = {o: i for i, o in enumerate(data.outcomes)}
    metric_order = {m: i for i, m in enumerate(data.metrics)}
    rows = data.importance.filter(pl.col("sentence_idx").is_in(list(indices)))
    for r in rows.iter_rows(named=True):
        out[r["sentence_idx"]].append(
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
    for values in out.values():
        values.sort(
            key=lambda v: (outcome_order.get(v.outcome, 99), metric_order.get(v.metric, 99))
        )
    return out


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
