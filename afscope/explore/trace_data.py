"""Load one trace's rows from a bundle: the unit of work behind the explorer's screen.

Each table is read with a pushed-down ``trace_id`` filter, and text is cleaned of escape
sequences and control characters here, once, so nothing downstream sees raw model text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polars as pl

from afscope.bundle.manifest import SourceWarning
from afscope.bundle.reader import Bundle
from afscope.bundle.schema import table_dtypes
from afscope.text import clean_text_expr


@dataclass(frozen=True)
class TraceData:
    """Everything the explorer needs about one trace, as small frames."""

    trace: dict[str, Any]
    sentences: pl.DataFrame
    rates: pl.DataFrame
    importance: pl.DataFrame
    resamples: pl.DataFrame | None
    effects: pl.DataFrame | None
    outcomes: list[str]
    metrics: list[str]
    warnings: tuple[SourceWarning, ...] = ()
    """The source's warnings about this trace (``SourceWarning``: gaps, misaligned
    alternatives, importance the rates contradict), from the manifest."""
    memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    """Per-trace lookups built on first use (indices, rates and values by sentence), so a
    cursor move costs a dictionary look-up rather than a scan of the trace's rows."""

    @property
    def trace_id(self) -> str:
        return self.trace["trace_id"]

    @property
    def indices(self) -> list[int]:
        cached = self.memo.get("indices")
        if cached is None:
            cached = self.memo["indices"] = self.sentences["sentence_idx"].to_list()
        return cached


_RATE_COLUMNS = ("sentence_idx", "outcome", "rate", "n", "ci_low", "ci_high")
_IMPORTANCE_COLUMNS = (
    "sentence_idx",
    "outcome",
    "metric",
    "importance",
    "direction",
    "ci_low",
    "ci_high",
    "low_evidence",
)


def _with_columns(frame: pl.DataFrame | None, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """``frame`` with every column of ``schema`` present (missing optional ones as nulls)."""
    if frame is None:
        return pl.DataFrame(schema=schema)
    missing = [
        pl.lit(None, dtype).alias(name)
        for name, dtype in schema.items()
        if name not in frame.columns
    ]
    return frame.with_columns(missing) if missing else frame


def load_trace(bundle: Bundle, trace_id: str) -> TraceData:
    """Read one trace; raises ``KeyError`` for an unknown id."""
    rows = bundle.traces.filter(pl.col("trace_id") == trace_id)
    if rows.height == 0:
        raise KeyError(trace_id)
    tables = bundle.for_traces(
        ("sentences", "resamples", "rates", "importance", "effects"), trace_id
    )
    sentences = tables["sentences"]
    assert sentences is not None  # required by the manifest model
    sentences = sentences.sort("sentence_idx")
    if "tags" not in sentences.columns:
        sentences = sentences.with_columns(pl.lit(None, pl.List(pl.String)).alias("tags"))
    sentences = sentences.with_columns(
        clean_text_expr(pl.col("text")).alias("text"),
        pl.col("tags").list.eval(clean_text_expr(pl.element(), keep_newlines=False)),
    )
    resamples = tables["resamples"]
    if resamples is not None and "resampled_sentence" in resamples.columns:
        resamples = resamples.with_columns(
            clean_text_expr(pl.col("resampled_sentence"), keep_newlines=False)
        )
    manifest = bundle.manifest
    return TraceData(
        trace=rows.row(0, named=True),
        sentences=sentences,
        rates=_with_columns(tables["rates"], table_dtypes("rates", _RATE_COLUMNS)),
        importance=_with_columns(
            tables["importance"], table_dtypes("importance", _IMPORTANCE_COLUMNS)
        ),
        resamples=resamples,
        effects=tables["effects"],
        outcomes=manifest.outcome_names,
        metrics=manifest.metric_names,
        warnings=tuple(w for w in manifest.warnings if w.trace_id == trace_id),
    )
