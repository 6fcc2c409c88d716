"""Every sentence of every trace in one frame, for one outcome and metric.

The sentences, importance and rates tables are each scanned once and joined (no loop
over traces), so ranking 240k sentences costs a few Polars queries. Text, tags and ids
are cleaned here, once. The frame is what ``rank`` sorts, ``tags`` summarises and the
explorer's ranking screen filters on every keystroke.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from afscope.analysis.categories import CategoryRules, category_expr
from afscope.analysis.notes import Notes
from afscope.bundle.reader import Bundle
from afscope.explore.browser import browser_rows
from afscope.explore.filters import Filter, filter_expr
from afscope.problems import BundleError, Problem
from afscope.text import clean_text_expr

BINS = 10
"""Relative-position bins for the position-adjusted mean."""

_IMPORTANCE = {
    "importance": pl.Float64,
    "direction": pl.Float64,
    "ci_low": pl.Float64,
    "ci_high": pl.Float64,
    "low_evidence": pl.Boolean,
}


@dataclass(frozen=True)
class Choice:
    """Which values a frame holds."""

    outcome: str
    metric: str


def check_choice(bundle: Bundle, outcome: str | None, metric: str | None) -> Choice:
    """The outcome and metric to use (defaults as in the explorer); unknown names raise
    ``BundleError`` naming what the bundle has."""
    from afscope.explore.settings import default_settings

    defaults = default_settings(bundle.outcomes, bundle.metrics)
    outcome = outcome or defaults.outcome
    metric = metric or defaults.metric
    root = str(bundle.root)
    if outcome not in bundle.outcomes:
        have = ", ".join(bundle.outcomes) or "none"
        raise BundleError([Problem(root, f"unknown outcome {outcome!r}: this bundle has {have}")])
    if metric not in bundle.metrics:
        have = ", ".join(bundle.metrics) or "none"
        raise BundleError([Problem(root, f"unknown metric {metric!r}: this bundle has {have}")])
    return Choice(outcome, metric)


def _importance(bundle: Bundle, choice: Choice) -> pl.LazyFrame:
    scan = bundle.scan("importance")
    keys = {"trace_id": pl.String, "sentence_idx": pl.Int64}
    if scan is None:
        return pl.LazyFrame(schema={**keys, **_IMPORTANCE})
    names = scan.collect_schema().names()
    return scan.filter(
        (pl.col("outcome") == choice.outcome) & (pl.col("metric") == choice.metric)
    ).select(
        "trace_id",
        "sentence_idx",
        *[
            pl.col(c).cast(t) if c in names else pl.lit(None, t).alias(c)
            for c, t in _IMPORTANCE.items()
        ],
    )


def _rates(bundle: Bundle, outcome: str) -> pl.LazyFrame:
    """Rate and n at each measured position and at the next measured one (as the detail
    panel's "before -> after")."""
    scan = bundle.scan("rates")
    schema = {
        "trace_id": pl.String,
        "sentence_idx": pl.Int64,
        "rate_before": pl.Float64,
        "n_before": pl.Int64,
        "rate_after": pl.Float64,
        "n_after": pl.Int64,
    }
    if scan is None:
        return pl.LazyFrame(schema=schema)
    names = scan.collect_schema().names()
    n = pl.col("n").cast(pl.Int64) if "n" in names else pl.lit(None, pl.Int64)
    rows = (
        scan.filter(pl.col("outcome") == outcome)
        .select(
            "trace_id", "sentence_idx", pl.col("rate").alias("rate_before"), n.alias("n_before")
        )
        .sort("trace_id", "sentence_idx")
    )
    return rows.with_columns(
        pl.col("rate_before").shift(-1).over("trace_id").alias("rate_after"),
        pl.col("n_before").shift(-1).over("trace_id").alias("n_after"),
    )


def sentence_frame(
    bundle: Bundle,
    choice: Choice,
    *,
    rules: CategoryRules | None = None,
    notes: Notes | None = None,
) -> pl.DataFrame:
    """One row per sentence (trace order, then sentence order): trace fields and labels,
    text, tags, categories (rules and notes), note, importance, signed value, interval,
    low-evidence flag, rates before and after, relative position bin and a lower-case
    haystack for the filter language."""
    traces = browser_rows(bundle, choice.outcome, choice.metric).drop("peak")
    if "model" in bundle.traces.columns:
        models = bundle.traces.select(
            pl.col("trace_id").alias("raw_id"),
            clean_text_expr(pl.col("model").cast(pl.String), keep_newlines=False)
            .fill_null("")
            .alias("model"),
        )
        traces = traces.join(models, on="raw_id", how="left")
    traces = traces.with_row_index("trace_order")
    scan = bundle.scan("sentences")
    assert scan is not None  # required by the manifest
    names = scan.collect_schema().names()
    tags = pl.col("tags") if "tags" in names else pl.lit(None, pl.List(pl.String))
    sentences = scan.select(
        pl.col("trace_id").alias("raw_id"),
        "sentence_idx",
        clean_text_expr(pl.col("text"), keep_newlines=False).fill_null("").alias("text"),
        tags.list.eval(clean_text_expr(pl.element(), keep_newlines=False))
        .fill_null([])
        .alias("tags"),
    )
    values = _importance(bundle, choice).rename({"trace_id": "raw_id"})
    rates = _rates(bundle, choice.outcome).rename({"trace_id": "raw_id"})
    # each table is collected by its own guarded scan (a read error names its file)
    frame = sentences.collect().join(values.collect(), on=["raw_id", "sentence_idx"], how="left")
    frame = frame.join(rates.collect(), on=["raw_id", "sentence_idx"], how="left")
    frame = frame.join(traces.drop("haystack"), on="raw_id", how="inner").sort(
        "trace_order", "sentence_idx"
    )
    if notes is not None and notes.sentences:
        annotated = notes.frame().rename({"trace_id": "raw_id"})
        frame = frame.join(annotated, on=["raw_id", "sentence_idx"], how="left")
    else:
        frame = frame.with_columns(
            pl.lit(None, pl.List(pl.String)).alias("note_categories"),
            pl.lit(None, pl.String).alias("note"),
        )
    rank_in_trace = pl.int_range(pl.len()).over("raw_id")
    count = pl.len().over("raw_id")
    relative = rank_in_trace / pl.max_horizontal(count - 1, pl.lit(1))
    manual = pl.col("note_categories").fill_null([])
    note = clean_text_expr(pl.col("note").fill_null(""), keep_newlines=False)
    frame = frame.with_columns(
        pl.col("low_evidence").fill_null(False),
        pl.coalesce("direction", "importance").alias("signed"),
        (relative * BINS).floor().clip(0, BINS - 1).cast(pl.Int32).alias("bin"),
        pl.concat_list(category_expr(rules), manual)
        .list.unique(maintain_order=True)
        .alias("categories"),
        note.alias("note"),
    ).with_columns(
        pl.concat_list(manual, pl.when(pl.col("note") != "").then(pl.col("note")))
        .list.drop_nulls()
        .alias("notes"),
    )
    haystack = pl.concat_str(
        [
            pl.col(c)
            for c in ("trace_id", "prompt_variant", "condition", "query", "labels", "text", "note")
        ]
        + [pl.col("tags").list.join(" "), pl.col("categories").list.join(" ")],
        separator=" ",
        ignore_nulls=True,
    )
    return frame.with_columns(haystack.str.to_lowercase().alias("haystack")).drop("note_categories")


def apply_filter(frame: pl.DataFrame, parsed: Filter | None) -> pl.DataFrame:
    """Rows of ``frame`` that pass ``parsed`` (the browser's language)."""
    if parsed is None or parsed.empty:
        return frame
    return frame.filter(filter_expr(parsed, frame.columns))


def refine_filter(
    frame: pl.DataFrame, parsed: Filter, last: tuple[Filter, pl.DataFrame] | None
) -> pl.DataFrame:
    """``apply_filter(frame, parsed)``, computed from ``last`` (a filter and its rows of this
    ``frame``) when ``parsed`` only narrows it: a typed character then scans the rows
    still shown instead of all of them. Row order is kept either way."""
    if last is not None and parsed.narrows(last[0]):
        return apply_filter(last[1], parsed)
    return apply_filter(frame, parsed)
