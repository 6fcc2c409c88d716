"""The tags figure's data: ``analysis.tags`` statistics as points with intervals."""

from __future__ import annotations

import polars as pl

from afscope.analysis.tags import GroupBy, tag_statistics
from afscope.explore.filters import Filter
from afscope.figures.model import TagPoint, TagsFigure
from afscope.text import one_line

WORDS = {"tags": "tag", "categories": "category", "notes": "note"}


def tags_figure(
    frame: pl.DataFrame,
    by: GroupBy,
    *,
    outcome: str,
    metric: str,
    where: Filter | None = None,
    include_low_evidence: bool = False,
    draws: int = 2000,
    seed: int = 0,
    source: str = "",
) -> TagsFigure:
    """Mean signed importance per group with its cluster-bootstrap 95% interval over
    traces, largest first (``frame`` is ``analysis.frame.sentence_frame``'s)."""
    stats = tag_statistics(
        frame,
        by,
        where=where,
        include_low_evidence=include_low_evidence,
        draws=draws,
        seed=seed,
    )
    points = [
        TagPoint(
            group=one_line(row["group"], 60),
            sentences=row["sentences"],
            traces=row["traces"],
            mean=row["mean"],
            low=row["ci_low"],
            high=row["ci_high"],
        )
        for row in stats.iter_rows(named=True)
        if row["mean"] is not None
    ]
    return TagsFigure(
        title=f"Mean signed {metric} importance for {outcome.replace('_', ' ')} by {WORDS[by]}",
        source=source,
        by=by,
        outcome=outcome,
        metric=metric,
        draws=draws,
        seed=seed,
        points=points,
    )
