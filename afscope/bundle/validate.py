"""Check a bundle completely and report every problem, not just the first.

Validation is the one place that reads every table in full. It runs as lazy Polars
queries (aggregates and anti-joins) so it stays in bounded memory on large resample
tables, and it never writes to the bundle.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from afscope.bundle.manifest import Manifest
from afscope.bundle.reader import read_manifest
from afscope.bundle.schema import (
    OUTCOME_PREFIX,
    SCHEMAS,
    Column,
    TableSchema,
    describe_kind,
    kind_of,
)
from afscope.problems import BundleError, Problem

MAX_EXAMPLES = 3


def validate_bundle(path: str | Path) -> list[Problem]:
    """Every problem in the bundle at ``path``; an empty list means it is valid."""
    root = Path(path)
    try:
        manifest = read_manifest(root)
    except BundleError as exc:
        return exc.problems
    return _Validator(root, manifest).run()


class _Validator:
    def __init__(self, root: Path, manifest: Manifest) -> None:
        self.root = root
        self.manifest = manifest
        self.problems: list[Problem] = []
        self.usable: dict[str, pl.LazyFrame] = {}

    def run(self) -> list[Problem]:
        for table, file in self.manifest.tables.items():
            self._open_table(table, self.root / file)
        for table, scan in self.usable.items():
            self._check_values(table, scan)
        self._check_joins()
        return self.problems

    # -- files and columns -------------------------------------------------------
    def _file(self, table: str) -> str:
        return str(self.root / self.manifest.tables[table])  # type: ignore[index]

    def _add(
        self, table: str, message: str, column: str | None = None, where: str | None = None
    ) -> None:
        self.problems.append(Problem(self._file(table), message, column, where))

    def _open_table(self, table: str, path: Path) -> None:
        if not path.is_file():
            self._add(table, "missing: the manifest lists this file but it does not exist")
            return
        try:
            scan = pl.scan_parquet(path)
            schema = scan.collect_schema()
        except (pl.exceptions.PolarsError, OSError) as exc:
            detail = str(exc).strip().splitlines()[0] if str(exc).strip() else "no detail"
            self._add(table, f"unreadable Parquet ({detail})")
            return
        spec = SCHEMAS[table]
        ok = True
        for column in spec.columns:
            dtype = schema.get(column.name)
            if dtype is None:
                if column.required:
                    self._add(table, f"missing: expected {describe_kind(column.kind)}", column.name)
                    ok = False
                continue
            if kind_of(dtype) != column.kind and not (column.nullable and dtype == pl.Null):
                self._add(
                    table,
                    f"wrong type {dtype}: expected {describe_kind(column.kind)}",
                    column.name,
                )
                ok = False
        ok &= self._check_outcome_columns(table, spec, schema)
        if ok:
            self.usable[table] = scan

    def _check_outcome_columns(self, table: str, spec: TableSchema, schema: pl.Schema) -> bool:
        ok = True
        declared = set(self.manifest.outcome_names)
        labels = [n for n in schema.names() if n.startswith(OUTCOME_PREFIX)]
        for name in labels:
            outcome = name.removeprefix(OUTCOME_PREFIX)
            if not spec.outcome_columns:
                continue
            if outcome not in declared:
                self._add(
                    table,
                    f"outcome {outcome!r} is not declared in manifest.json outcomes "
                    f"(declared: {', '.join(sorted(declared))})",
                    name,
                )
                ok = False
            elif kind_of(schema[name]) != "bool" and schema[name] != pl.Null:
                self._add(table, f"wrong type {schema[name]}: expected a Boolean label", name)
                ok = False
        if table in ("resamples", "evaluations") and not any(
            n.removeprefix(OUTCOME_PREFIX) in declared for n in labels
        ):
            self._add(
                table,
                "no outcome label column: expected at least one 'outcome.<name>' Boolean column "
                f"for a declared outcome ({', '.join(self.manifest.outcome_names)})",
            )
            ok = False
        return ok

    # -- values ------------------------------------------------------------------
    def _report(
        self,
        table: str,
        scan: pl.LazyFrame,
        bad: pl.Expr,
        message: str,
        column: str | None = None,
        *,
        indexed: bool = False,
    ) -> None:
        """Report rows where ``bad`` holds, with a count and the first row numbers.

        ``indexed`` frames already carry ``__row`` (the row number in the file) because a
        join came between the file and the check.
        """
        frame = scan if indexed else scan.with_row_index("__row")
        hits = (
            frame.filter(bad)
            .select(
                pl.len().alias("count"),
                pl.col("__row").bottom_k(MAX_EXAMPLES).sort().implode(),
            )
            .collect()
        )
        count = hits["count"][0]
        if count:
            rows = ", ".join(str(r) for r in hits["__row"][0])
            more = f" and {count - MAX_EXAMPLES} more" if count > MAX_EXAMPLES else ""
            self._add(table, message, column, f"row {rows}{more}")

    def _check_values(self, table: str, scan: pl.LazyFrame) -> None:
        spec = SCHEMAS[table]
        names = scan.collect_schema().names()
        for column in spec.columns:
            if column.name in names:
                self._check_column(table, scan, column)
        key = [k for k in spec.key if k in names]
        dupes = (
            scan.group_by(key)
            .agg(pl.len().alias("n"))
            .filter(pl.col("n") > 1)
            .sort(key)
            .head(MAX_EXAMPLES + 1)
            .collect()
        )
        if dupes.height:
            shown = "; ".join(
                ", ".join(f"{k}={row[k]!r}" for k in key)
                for row in dupes.head(MAX_EXAMPLES).rows(named=True)
            )
            self._add(table, f"duplicate rows for the same {' + '.join(key)}", None, shown)
        if table in ("rates", "importance") and {"ci_low", "ci_high"} <= set(names):
            self._report(
                table,
                scan,
                pl.col("ci_low") > pl.col("ci_high"),
                "interval is reversed: expected ci_low <= ci_high",
                "ci_low",
            )
        if table == "importance" and "direction" in names:
            self._report(
                table,
                scan,
                (pl.col("direction").abs() - pl.col("importance")).abs() > 1e-9,
                "direction and importance disagree: expected |direction| == importance",
                "direction",
            )

    def _check_column(self, table: str, scan: pl.LazyFrame, column: Column) -> None:
        col = pl.col(column.name)
        if not column.nullable:
            self._report(table, scan, col.is_null(), "empty value: expected a value", column.name)
        if column.kind == "float":
            self._report(
                table,
                scan,
                col.is_nan() | col.is_infinite(),
                "NaN or infinite value: expected a finite number",
                column.name,
            )
        if column.minimum is not None or column.maximum is not None:
            lo = -float("inf") if column.minimum is None else column.minimum
            hi = float("inf") if column.maximum is None else column.maximum
            finite = col.is_finite() if column.kind == "float" else pl.lit(True)
            self._report(
                table,
                scan,
                finite & ((col < lo) | (col > hi)),
                f"out of range: expected a value in [{_num(lo)}, {_num(hi)}]",
                column.name,
            )

    # -- relations between tables ---------------------------------------------------
    def _check_joins(self) -> None:
        traces = self.usable.get("traces")
        sentences = self.usable.get("sentences")
        if traces is not None and sentences is not None:
            self._check_sentence_counts(traces, sentences)
        known_ids = traces.select("trace_id") if traces is not None else None
        known_sentences = (
            sentences.select("trace_id", "sentence_idx") if sentences is not None else None
        )
        for table in ("sentences", "rates", "importance", "resamples", "effects"):
            scan = self.usable.get(table)
            if scan is None:
                continue
            if known_ids is not None:
                self._unmatched(
                    table,
                    scan,
                    known_ids,
                    ["trace_id"],
                    "trace_id",
                    "trace id not found in traces.parquet",
                )
            if known_sentences is not None and table != "sentences":
                if table == "effects":
                    for side in ("source_idx", "target_idx"):
                        self._unmatched(
                            table,
                            scan.rename({side: "sentence_idx"}),
                            known_sentences,
                            ["trace_id", "sentence_idx"],
                            side,
                            "sentence index not found among the trace's sentences",
                        )
                else:
                    self._unmatched(
                        table,
                        scan,
                        known_sentences,
                        ["trace_id", "sentence_idx"],
                        "sentence_idx",
                        "sentence index not found among the trace's sentences",
                    )
        for table, column, allowed in (
            ("rates", "outcome", self.manifest.outcome_names),
            ("importance", "outcome", self.manifest.outcome_names),
            ("importance", "metric", self.manifest.metric_names),
        ):
            scan = self.usable.get(table)
            if scan is not None:
                self._report(
                    table,
                    scan,
                    ~pl.col(column).is_in(allowed),
                    f"{column} not declared in manifest.json "
                    f"(declared: {', '.join(allowed) or 'none'})",
                    column,
                )

    def _unmatched(
        self,
        table: str,
        scan: pl.LazyFrame,
        known: pl.LazyFrame,
        on: list[str],
        column: str,
        message: str,
    ) -> None:
        """Report rows whose ``on`` columns match no row of ``known``."""
        hits = known.unique().with_columns(pl.lit(True).alias("__hit"))
        joined = scan.with_row_index("__row").join(hits, on=on, how="left")
        self._report(table, joined, pl.col("__hit").is_null(), message, column, indexed=True)

    def _check_sentence_counts(self, traces: pl.LazyFrame, sentences: pl.LazyFrame) -> None:
        counts = sentences.group_by("trace_id").agg(pl.len().alias("__found"))
        joined = traces.with_row_index("__row").join(counts, on="trace_id", how="left")
        joined = joined.with_columns(pl.col("__found").fill_null(0))
        self._report(
            "traces",
            joined,
            pl.col("n_sentences") != pl.col("__found"),
            "n_sentences does not match the number of rows for this trace in sentences.parquet",
            "n_sentences",
            indexed=True,
        )


def _num(value: float) -> str:
    if value in (float("inf"), -float("inf")):
        return "inf" if value > 0 else "-inf"
    return f"{value:g}"
