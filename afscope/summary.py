"""What a bundle holds, as plain data: the content of ``afscope info`` (table and JSON).

Counts come from Parquet metadata and single-column group-bys, so summarising a bundle
with millions of resamples does not load them. Every query goes through ``Bundle.guard``
so a damaged file is reported by name. Values are returned as stored: the text view cleans
them for the terminal and the JSON view escapes them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from afscope import __version__
from afscope.bundle.reader import Bundle
from afscope.bundle.schema import OUTCOME_PREFIX, SCHEMAS, labels_of, outcome_column, outcome_of
from afscope.metrics.wilson import wilson_interval

TRACE_FIELDS = ("trace_id", "model", "prompt_variant", "condition", "query", "n_sentences")


def row_count(bundle: Bundle, table: str) -> int | None:
    """Rows of ``table`` (from Parquet metadata), None when the bundle does not have it."""
    scan = bundle.scan(table)
    return None if scan is None else int(scan.select(pl.len()).collect().item())


def rollouts_per_trace(bundle: Bundle) -> dict[str, int]:
    """Rollouts per trace: resample rows when present, else the largest per-outcome sum of n."""
    resamples = bundle.scan("resamples")
    if resamples is not None:
        counts = bundle.guard("resamples", resamples.group_by("trace_id").agg(pl.len())).collect()
    else:
        rates = bundle.scan("rates")
        if rates is None or "n" not in rates.collect_schema().names():
            return {}
        counts = bundle.guard(
            "rates",
            rates.group_by("trace_id", "outcome")
            .agg(pl.col("n").sum())
            .group_by("trace_id")
            .agg(pl.col("n").max().alias("len")),
        ).collect()
    return dict(zip(counts["trace_id"].to_list(), counts["len"].to_list(), strict=True))


def condition_rates(bundle: Bundle) -> list[dict[str, Any]]:
    """Evaluation-level rate per prompt variant x condition x outcome, with Wilson 95%."""
    scan = bundle.scan("evaluations")
    if scan is None:
        return []
    names = scan.collect_schema().names()
    groups = [c for c in ("prompt_variant", "condition") if c in names]
    labels = [o for o in bundle.outcomes if outcome_column(o) in names]
    long = (
        scan.unpivot(
            index=groups,
            on=[outcome_column(o) for o in labels],
            variable_name="outcome",
            value_name="label",
        )
        .drop_nulls("label")
        .with_columns(pl.col("outcome").str.strip_prefix(OUTCOME_PREFIX))
    )
    low, high = wilson_interval(pl.col("k"), pl.col("n"))
    query = (
        long.group_by([*groups, "outcome"])
        .agg(pl.col("label").sum().alias("k"), pl.len().alias("n"))
        .with_columns(
            (pl.col("k") / pl.col("n")).alias("rate"), low.alias("ci_low"), high.alias("ci_high")
        )
        .sort([*groups, "outcome"])
    )
    return bundle.guard("evaluations", query).collect().to_dicts()


def trace_conditions(traces: pl.DataFrame) -> list[dict[str, Any]]:
    """How many traces per prompt variant x condition."""
    groups = [c for c in ("prompt_variant", "condition") if c in traces.columns]
    if not groups:
        return []
    return traces.group_by(groups).agg(pl.len().alias("traces")).sort(groups).to_dicts()


def summarize(
    bundle: Bundle, source_kind: str = "afscope bundle", source_path: Path | None = None
) -> dict[str, Any]:
    """Everything ``afscope info`` shows, JSON-serialisable."""
    manifest = bundle.manifest
    traces = bundle.traces
    rollouts = rollouts_per_trace(bundle)
    known = {c.name for c in SCHEMAS["traces"].columns}
    label_cols = [c for c in traces.columns if outcome_of(c) is not None]
    extra = [c for c in traces.columns if c not in known and c not in label_cols]
    trace_rows = []
    for row in traces.iter_rows(named=True):
        entry = {f: row.get(f) for f in TRACE_FIELDS}
        entry["labels"] = labels_of(row)
        entry["rollouts"] = rollouts.get(row["trace_id"])
        entry["metadata"] = {c: row[c] for c in extra}
        trace_rows.append(entry)
    conditions = trace_conditions(traces)
    return {
        "path": str(source_path or bundle.root),
        "source_kind": source_kind,
        "afscope_version": __version__,
        "schema_version": manifest.schema_version,
        "title": manifest.title,
        "description": manifest.description,
        "synthetic": manifest.synthetic,
        "prefix_convention": manifest.prefix_convention,
        "outcomes": [o.model_dump() for o in manifest.outcomes],
        "metrics": [m.model_dump() for m in manifest.metrics],
        "tables": {t: row_count(bundle, t) for t in manifest.tables},
        "trace_count": traces.height,
        "sentence_count": int(traces["n_sentences"].sum()) if traces.height else 0,
        "rollout_count": sum(rollouts.values()) if rollouts else None,
        "conditions": conditions,
        "condition_rates": condition_rates(bundle),
        "traces": trace_rows,
        "notes": list(manifest.notes),
        "warnings": [w.model_dump() for w in manifest.warnings],
    }


def warning_text(warning: dict[str, Any]) -> str:
    """A source warning (as in ``summarize``) as one line: trace folder, file, finding."""
    return f"{warning['trace_id']}/{warning['file']}: {warning['message']}"
