"""Check a bundle completely and report every problem, not just the first.

Validation is the one place that reads every table in full. It runs as lazy Polars
queries (aggregates and anti-joins) so it stays in bounded memory on large resample
tables, and it never writes to the bundle.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

import polars as pl

from afscope.bundle.manifest import Manifest
from afscope.bundle.reader import parquet_source, read_manifest
from afscope.bundle.rules import (
    MAX_EXAMPLES,
    READ_ERRORS,
    canonical_casts,
    column_problems,
    read_error_detail,
    value_rules,
    where,
)
from afscope.bundle.schema import SCHEMAS
from afscope.problems import BundleError, Problem


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
        self.handles: list[BinaryIO] = []

    def run(self) -> list[Problem]:
        for table, file in self.manifest.tables.items():
            self._open_table(table, self.root / file)
        for name, scan in list(self.usable.items()):
            self._check_values(name, scan)
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
            what = "not a file" if path.exists() else "it does not exist"
            self._add(table, f"missing: the manifest lists this file but {what}")
            return
        try:
            scan = pl.scan_parquet(parquet_source(path, self.handles), glob=False)
            schema = scan.collect_schema()
        except READ_ERRORS as exc:
            self._add(table, f"unreadable Parquet ({read_error_detail(exc)})")
            return
        problems = column_problems(table, schema, self.manifest.outcome_names, self._file(table))
        self.problems += problems
        if not problems:
            self.usable[table] = scan

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
        try:
            hits = (
                frame.filter(bad)
                .select(
                    pl.len().alias("count"),
                    pl.col("__row").bottom_k(MAX_EXAMPLES).sort().implode(),
                )
                .collect()
            )
        except READ_ERRORS as exc:  # only joins get here: values were decoded already
            self._add(table, f"unreadable Parquet ({read_error_detail(exc)})")
            return
        count = hits["count"][0]
        if count:
            self._add(table, message, column, where(hits["__row"][0].to_list(), count))

    def _check_values(self, table: str, scan: pl.LazyFrame) -> None:
        """Every value rule over the whole table; a table that cannot be decoded in full
        (a damaged page) is reported once and left out of the join checks."""
        try:
            scan.select(pl.all().null_count()).collect()  # decodes every column once
            self._check_rows(table, scan)
        except READ_ERRORS as exc:
            self._add(table, f"unreadable Parquet ({read_error_detail(exc)})")
            del self.usable[table]

    def _check_rows(self, table: str, scan: pl.LazyFrame) -> None:
        spec = SCHEMAS[table]
        schema = scan.collect_schema()
        for rule in value_rules(table, schema):
            self._report(table, scan, rule.bad, rule.message, rule.column)
        key = [k for k in spec.key if k in schema.names()]
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

    # -- relations between tables ---------------------------------------------------
    def _check_joins(self) -> None:
        # joins need one dtype per key (Categorical and narrow ints are allowed in files);
        # values too large for Int64 were reported above and become nulls here
        self.usable = {
            table: scan.with_columns(canonical_casts(table, scan.collect_schema(), strict=False))
            for table, scan in self.usable.items()
        }
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
