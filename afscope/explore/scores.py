"""Per-sentence importance for the active outcome and metric, and which stand out."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import polars as pl

from afscope.explore.direction import NEGLIGIBLE, Direction
from afscope.explore.settings import ViewSettings
from afscope.explore.trace_data import TraceData


@dataclass(frozen=True)
class SentenceScores:
    """Aligned with ``TraceData.sentences`` rows (position = row number)."""

    importance: list[float | None]
    direction: list[float | None]
    low_evidence: list[bool]
    highlighted: list[bool]
    peak: float
    """Largest |importance| in the trace for this outcome and metric (0 when none)."""

    def kind(self, position: int) -> Direction:
        """How the value at ``position`` reads (promotes, suppresses, negligible ...)."""
        return Direction.of(self.direction[position], self.importance[position])

    @cached_property
    def top(self) -> int:
        """Position of the largest |importance| (0 when the metric has no values): kept,
        so a trace read ahead finds it in the worker, not on the key that shows it."""
        best, best_value = 0, -1.0
        for i, value in enumerate(self.importance):
            if value is not None and value > best_value:
                best, best_value = i, value
        return best


def score_sentences(data: TraceData, settings: ViewSettings) -> SentenceScores:
    """Join the active metric onto the sentences and mark the high-importance ones.

    Low-evidence values never count as high importance unless the settings ask for them,
    and negligible ones never do. In top-k mode the k largest |importance| values are
    highlighted (ties by position). The last settings' scores are kept in the trace, so
    a trace read ahead (``afscope.explore.read_ahead``) is scored in the worker.
    """
    last = data.memo.get("scores")
    if last is not None and last[0] == settings:
        return last[1]
    scores = _score(data, settings)
    data.memo["scores"] = (settings, scores)
    return scores


def _score(data: TraceData, settings: ViewSettings) -> SentenceScores:
    active = data.importance.filter(
        (pl.col("outcome") == settings.outcome) & (pl.col("metric") == settings.metric)
    ).select("sentence_idx", "importance", "direction", "low_evidence")
    frame = data.sentences.select("sentence_idx").join(
        active, on="sentence_idx", how="left", maintain_order="left"
    )
    eligible = pl.col("importance").is_not_null() & (pl.col("importance") >= NEGLIGIBLE)
    if not settings.include_low_evidence:
        eligible = eligible & ~pl.col("low_evidence").fill_null(False)
    if settings.mode == "top_k":
        rank = (
            pl.when(eligible)
            .then(pl.col("importance"))
            .otherwise(None)
            .rank("ordinal", descending=True)
        )
        highlighted = eligible & (rank <= settings.top_k)
    else:
        highlighted = eligible & (pl.col("importance") >= settings.threshold)
    frame = frame.with_columns(
        highlighted.fill_null(False).alias("highlighted"),
        pl.col("low_evidence").fill_null(False),
    )
    peak: float | None = frame["importance"].max()  # type: ignore[assignment]
    return SentenceScores(
        importance=frame["importance"].to_list(),
        direction=frame["direction"].to_list(),
        low_evidence=frame["low_evidence"].to_list(),
        highlighted=frame["highlighted"].to_list(),
        peak=float(peak) if peak is not None else 0.0,
    )


def next_highlight(scores: SentenceScores, position: int, step: int) -> int | None:
    """The next highlighted position after (step 1) or before (step -1) ``position``."""
    flags = scores.highlighted
    i = position + step
    while 0 <= i < len(flags):
        if flags[i]:
            return i
        i += step
    return None


def most_important(scores: SentenceScores) -> int:
    """Position of the largest |importance| (0 when the metric has no values)."""
    return scores.top
