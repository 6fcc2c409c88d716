"""Statistics of signed importance by tag, rule category or note, with honest intervals.

Sentences of one trace are not independent (they share a prompt, a model state and a
final outcome), so intervals come from a cluster bootstrap over traces: each draw gives
every trace a multinomial weight (how often it was drawn) and a group's mean is the
weighted sum over its sentences divided by the weighted count. All draws and all groups
are one matrix product (weights: draws x traces; sums and counts: traces x groups), not
a Python loop per draw. Definitions: docs/metrics.md ("Statistics by tag").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import polars as pl

from afscope.analysis.frame import apply_filter
from afscope.analysis.rank import eligible
from afscope.explore.direction import NEGLIGIBLE
from afscope.explore.filters import Filter
from afscope.explore.settings import DEFAULT_THRESHOLD

if TYPE_CHECKING:  # numpy is imported where it is used: the explorer starts without it
    import numpy as np

GroupBy = Literal["tags", "categories", "notes"]
GROUPINGS: tuple[GroupBy, ...] = ("tags", "categories", "notes")
NONE_GROUP = "(none)"
"""Sentences without any tag (category, note) form this group: the baseline."""
DRAW_CHUNK = 500
"""Bootstrap draws per matrix product (bounds memory for many traces)."""


@dataclass(frozen=True)
class Comparison:
    """Compare two groups of traces: ``field`` (a trace column) equal to ``a`` vs ``b``."""

    field: str
    a: str
    b: str

    def describe(self) -> str:
        return f"{self.field}={self.a} - {self.field}={self.b}"


def bootstrap_weights(rng: np.random.Generator, traces: int, draws: int) -> np.ndarray:
    """Draws x traces: how often each trace is picked when ``traces`` are drawn with
    replacement (the cluster bootstrap's resampling, as weights)."""
    import numpy as np

    if traces == 0:
        return np.zeros((draws, 0))
    return rng.multinomial(traces, np.full(traces, 1.0 / traces), size=draws).astype(np.float64)


def prepared(
    frame: pl.DataFrame, by: GroupBy, *, include_low_evidence: bool, where: Filter | None
) -> pl.DataFrame:
    """Eligible sentences with a value, their position-adjusted value, one row per group
    they belong to (a sentence with several tags counts in each)."""
    rows = apply_filter(eligible(frame, include_low_evidence), where).filter(
        pl.col("importance").is_not_null()
    )
    bin_mean = pl.col("signed").mean().over("bin")
    rows = rows.with_columns((pl.col("signed") - bin_mean).alias("adjusted"))
    groups = pl.col(by).fill_null([])
    groups = (
        pl.when(groups.list.len() > 0)
        .then(groups.list.unique())
        .otherwise(pl.lit([NONE_GROUP], pl.List(pl.String)))
    )
    return rows.with_columns(groups.alias("group")).explode("group")


def _cluster_means(
    rows: pl.DataFrame, groups: list[str], draws: int, rng: np.random.Generator
) -> np.ndarray:
    """Draws x groups bootstrap means (NaN where a draw holds no sentence of a group)."""
    import numpy as np

    traces = rows["raw_id"].unique(maintain_order=True).to_list()
    t_index = {t: i for i, t in enumerate(traces)}
    g_index = {g: i for i, g in enumerate(groups)}
    sums = np.zeros((len(traces), len(groups)))
    counts = np.zeros((len(traces), len(groups)))
    agg = rows.group_by("raw_id", "group").agg(pl.col("signed").sum(), pl.len().alias("n"))
    ti = np.array([t_index[t] for t in agg["raw_id"].to_list()], dtype=np.int64)
    gi = np.array([g_index[g] for g in agg["group"].to_list()], dtype=np.int64)
    sums[ti, gi] = agg["signed"].to_numpy()
    counts[ti, gi] = agg["n"].to_numpy()
    out = np.empty((draws, len(groups)))
    for start in range(0, draws, DRAW_CHUNK):
        size = min(DRAW_CHUNK, draws - start)
        weights = bootstrap_weights(rng, len(traces), size)
        with np.errstate(invalid="ignore", divide="ignore"):
            out[start : start + size] = (weights @ sums) / (weights @ counts)
    return out


def _interval(samples: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    import numpy as np

    low = np.full(samples.shape[1], np.nan)
    high = np.full(samples.shape[1], np.nan)
    for j in range(samples.shape[1]):  # per group (few), not per draw
        column = samples[:, j]
        column = column[~np.isnan(column)]
        if column.size:
            low[j], high[j] = np.percentile(column, [2.5, 97.5])
    return low, high


def _nan_to_none(values: np.ndarray) -> list[float | None]:
    import numpy as np

    return [None if np.isnan(v) else float(v) for v in values]


def tag_statistics(
    frame: pl.DataFrame,
    by: GroupBy = "tags",
    *,
    where: Filter | None = None,
    include_low_evidence: bool = False,
    threshold: float = DEFAULT_THRESHOLD,
    draws: int = 2000,
    seed: int = 0,
    compare: Comparison | None = None,
) -> pl.DataFrame:
    """One row per group, sorted by mean signed importance (largest first): sentences,
    traces, mean signed importance with its cluster-bootstrap 95% interval, mean
    |importance|, share above ``threshold``, position-adjusted mean; with ``compare``,
    each side's mean and their difference with a bootstrap interval (traces resampled
    within each side)."""
    import numpy as np

    rows = prepared(frame, by, include_low_evidence=include_low_evidence, where=where)
    high = (pl.col("importance") >= threshold) & (pl.col("importance") >= NEGLIGIBLE)
    stats = rows.group_by("group").agg(
        pl.len().alias("sentences"),
        pl.col("raw_id").n_unique().alias("traces"),
        pl.col("signed").mean().alias("mean"),
        pl.col("importance").mean().alias("mean_abs"),
        high.mean().alias("share_high"),
        pl.col("adjusted").mean().alias("adjusted"),
    )
    stats = stats.sort(["mean", "group"], descending=[True, False], nulls_last=True)
    groups = stats["group"].to_list()
    rng = np.random.default_rng(seed)
    if draws > 0 and groups:
        low, high_ci = _interval(_cluster_means(rows, groups, draws, rng))
    else:
        low = high_ci = np.full(len(groups), np.nan)
    stats = stats.with_columns(
        pl.Series("ci_low", _nan_to_none(low), pl.Float64),
        pl.Series("ci_high", _nan_to_none(high_ci), pl.Float64),
    )
    if compare is not None:
        stats = stats.join(_compare(rows, groups, compare, draws, rng), on="group", how="left")
    return stats.select(
        "group",
        "sentences",
        "traces",
        "mean",
        "ci_low",
        "ci_high",
        "mean_abs",
        "share_high",
        "adjusted",
        *(["mean_a", "mean_b", "difference", "diff_low", "diff_high"] if compare else []),
    )


def side_expr(field: str, value: str) -> pl.Expr:
    """Traces on one side of a comparison: a trace column equal to ``value`` (ignoring
    case), or an outcome's final label (``alignment_faking=yes``)."""
    from afscope.explore.filters import TRACE_FIELDS, parse_filter

    parsed = parse_filter(f"{field}={value}")
    if parsed.outcomes or field.lower() in TRACE_FIELDS:
        from afscope.explore.filters import filter_expr

        return filter_expr(
            parsed, ["trace_id", "prompt_variant", "condition", "model", "query", "labels"]
        )
    return pl.lit(False)


def _compare(
    rows: pl.DataFrame, groups: list[str], compare: Comparison, draws: int, rng: np.random.Generator
) -> pl.DataFrame:
    import numpy as np

    sides = []
    for value in (compare.a, compare.b):
        side = rows.filter(side_expr(compare.field, value))
        means = side.group_by("group").agg(pl.col("signed").mean())
        lookup = dict(zip(means["group"].to_list(), means["signed"].to_list(), strict=True))
        point = np.array([lookup.get(g, np.nan) for g in groups], dtype=np.float64)
        boot = (
            _cluster_means(side, groups, draws, rng)
            if draws > 0 and side.height
            else np.full((max(draws, 1), len(groups)), np.nan)
        )
        sides.append((point, boot))
    (point_a, boot_a), (point_b, boot_b) = sides
    low, high = _interval(boot_a - boot_b)
    return pl.DataFrame(
        {
            "group": groups,
            "mean_a": _nan_to_none(point_a),
            "mean_b": _nan_to_none(point_b),
            "difference": _nan_to_none(point_a - point_b),
            "diff_low": _nan_to_none(low),
            "diff_high": _nan_to_none(high),
        },
        schema={
            "group": pl.String,
            "mean_a": pl.Float64,
            "mean_b": pl.Float64,
            "difference": pl.Float64,
            "diff_low": pl.Float64,
            "diff_high": pl.Float64,
        },
    )
