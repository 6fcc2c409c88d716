"""Open a bundle lazily and defensively: the manifest now, each table on first use.

Opening reads ``manifest.json`` only. Before a table is first used its Parquet schema
(file metadata) is checked with the same column rules as ``afscope validate`` (a trace's
first read of its tables takes the schema from the rows read, and checks it before their
values, so each file's footer is read once); the rows a
command or screen then loads are checked with the same value rules (only those rows, so
this stays cheap) and brought to canonical dtypes (Categorical text becomes String). Any
problem raises ``BundleError`` naming file, column and rows, so every command and the
explorer fail the way ``validate`` reports. Per-trace views are Parquet scans filtered by
``trace_id`` so Polars reads only the row groups a screen needs; raw resamples are never
touched unless asked for. Paths are literal: Polars never expands them as globs.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path
from typing import Any, BinaryIO, ClassVar

import polars as pl
from pydantic import ValidationError

from afscope.bundle.manifest import MANIFEST_FILE, Manifest
from afscope.bundle.normalize import key_runs
from afscope.bundle.rules import (
    READ_ERRORS,
    ROW,
    canonical_casts,
    column_problems,
    read_error_detail,
    row_problems,
)
from afscope.bundle.schema import SCHEMAS
from afscope.bundle.tables import BundleTables
from afscope.problems import BundleError, Problem

MAX_MANIFEST_BYTES = 16 * 1024 * 1024
"""A manifest is a few kilobytes; anything this large is not one."""


def parquet_source(path: Path, handles: list[BinaryIO]) -> Path | BinaryIO:
    """What to hand Polars for ``path``: the path itself (literal, never a glob), or an
    open file when the path holds bytes that are not UTF-8 (Polars takes only UTF-8
    paths). Open files go to ``handles`` so they live as long as the scans using them."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        handle = path.open("rb")
        handles.append(handle)
        return handle
    return path


def read_manifest(root: Path) -> Manifest:
    """Parse and validate ``manifest.json``; every problem becomes a ``Problem``."""
    file = root / MANIFEST_FILE
    shown = str(file)
    if not root.is_dir():
        raise BundleError([Problem(str(root), "not a folder (expected a result bundle folder)")])
    if not file.is_file():
        raise BundleError([Problem(shown, "missing: a bundle folder must hold manifest.json")])
    try:
        if file.stat().st_size > MAX_MANIFEST_BYTES:
            raise ValueError(f"larger than {MAX_MANIFEST_BYTES // 2**20} MiB")
        raw = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        # ValueError covers bad JSON and integers of more than 4300 digits
        detail = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        raise BundleError([Problem(shown, f"unreadable JSON ({detail})")]) from None
    try:
        return Manifest.model_validate(raw)
    except ValidationError as exc:
        raise BundleError(pydantic_problems(shown, exc)) from None


def pydantic_problems(file: str, exc: ValidationError) -> list[Problem]:
    """One ``Problem`` per Pydantic error, naming the field path."""
    problems = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"]) or "(top level)"
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] == "missing":
            message = "required field is missing"
        problems.append(Problem(file, message, column=None, where=f"field {loc}"))
    return problems


class GuardedScan(pl.LazyFrame):
    """A lazy scan whose ``collect`` turns read errors into ``BundleError`` naming the file.

    Commands that run their own queries on ``Bundle.scan`` (compute, summaries) then fail
    on a damaged page the way every other read does. Polars builds derived frames with
    ``type(self)``, so filters and selects keep the guard; ``Bundle.scan`` makes one
    subclass per file to carry the name.
    """

    file: ClassVar[str] = ""

    def collect(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().collect(*args, **kwargs)
        except READ_ERRORS as exc:
            raise BundleError(
                [Problem(self.file, f"unreadable Parquet ({read_error_detail(exc)})")]
            ) from None

    def group_by(self, *args: Any, **kwargs: Any) -> Any:
        """Aggregations return plain frames; this keeps them guarded."""
        return _GuardedGroupBy(super().group_by(*args, **kwargs), type(self))


class _GuardedGroupBy:
    """A ``LazyGroupBy`` whose results (``agg``, ``len`` ...) stay ``GuardedScan``s."""

    def __init__(self, inner: Any, guard: type[GuardedScan]) -> None:
        self._inner = inner
        self._guard = guard

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._inner, name)
        if not callable(attr):
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            out = attr(*args, **kwargs)
            return self._guard._from_pyldf(out._ldf) if isinstance(out, pl.LazyFrame) else out

        return call


class Bundle:
    """A result bundle on disk, opened lazily. Never writes to its folder."""

    def __init__(self, root: Path, manifest: Manifest) -> None:
        self.root = root
        self.manifest = manifest
        self._schemas: dict[str, pl.Schema] = {}
        self._handles: list[BinaryIO] = []
        self._guards: dict[str, type[GuardedScan]] = {}
        self._copies: dict[str, Path] = {}

    @classmethod
    def open(cls, path: str | Path) -> Bundle:
        root = Path(path)
        return cls(root, read_manifest(root))

    def table_path(self, table: str) -> Path | None:
        """The table's file as the manifest names it (problems name this file)."""
        file = self.manifest.tables.get(table)  # type: ignore[call-overload]
        return None if file is None else self.root / file

    def read_from(self, table: str, copy: Path) -> None:
        """Read ``table`` from ``copy`` (a private copy of its file, which ``compute``
        writes as it is when the writer would write the same file) from now on, checked
        again; problems still name the bundle's file."""
        self._copies[table] = copy
        self._schemas.pop(table, None)

    def _file(self, table: str) -> Path | None:
        """The file ``table`` is read from: its copy, if ``read_from`` named one."""
        return self._copies.get(table) or self.table_path(table)

    def schema(self, table: str) -> pl.Schema | None:
        """The table's Parquet schema after the column rules passed (cached), or None
        when the bundle does not have the table. Reads file metadata only."""
        if table in self._schemas:
            return self._schemas[table]
        path = self._file(table)
        if path is None:
            return None
        file = str(self.table_path(table))
        if not path.is_file():
            what = "not a file" if path.exists() else "the file does not exist"
            raise BundleError([Problem(file, f"missing: listed in manifest.json but {what}")])
        try:
            schema = pl.scan_parquet(self._source(path), glob=False).collect_schema()
        except READ_ERRORS as exc:
            raise BundleError(
                [Problem(file, f"unreadable Parquet ({read_error_detail(exc)})")]
            ) from None
        return self._accept_schema(table, schema)

    def _accept_schema(self, table: str, schema: pl.Schema) -> pl.Schema:
        """``schema`` (the table's file's) once the column rules pass, kept for the
        session; raises ``BundleError`` with every column problem."""
        problems = column_problems(table, schema, self.outcomes, str(self.table_path(table)))
        if problems:
            raise BundleError(problems)
        self._schemas[table] = schema
        return schema

    def _source(self, path: Path) -> Path | BinaryIO:
        return parquet_source(path, self._handles)

    def _raw(self, table: str, *, numbered: bool = True) -> pl.LazyFrame | None:
        """The checked table as stored, with each row's number in the file (``__row``)
        unless not ``numbered``: a whole table read in file order numbers its rows by
        their place (``rules.row_problems``)."""
        path = self._file(table)
        if self.schema(table) is None or path is None:
            return None
        index = ROW if numbered else None
        return pl.scan_parquet(self._source(path), glob=False, row_index_name=index)

    def scan(self, table: str) -> pl.LazyFrame | None:
        """A lazy scan of ``table`` in canonical dtypes, or None when the bundle does not
        have it. Its values are not checked: ``read`` and ``for_trace`` check them."""
        schema = self.schema(table)
        path = self._file(table)
        if schema is None or path is None:
            return None
        scan = pl.scan_parquet(self._source(path), glob=False)
        return self.guard(table, scan.with_columns(canonical_casts(table, schema)))

    def guard(self, table: str, frame: pl.LazyFrame) -> pl.LazyFrame:
        """``frame`` (a query on ``table``) whose ``collect`` raises ``BundleError`` naming
        the file on a read error. Methods keep the guard; ``pl.concat`` and other free
        functions return plain frames: guard those."""
        file = str(self.table_path(table))
        guarded = self._guards.get(file)
        if guarded is None:
            guarded = self._guards[file] = type("GuardedScan", (GuardedScan,), {"file": file})
        return guarded._from_pyldf(frame._ldf)

    def _collect(self, table: str, frame: pl.LazyFrame, *, whole: bool = True) -> pl.DataFrame:
        """Read, check every value rule on the rows read, then cast to canonical dtypes.

        ``whole`` is false for a per-trace read of a large table (resamples), whose keys
        are not checked for duplicates here (``validate`` does).
        """
        return self._collect_runs(table, frame, whole=whole)[0]

    def _collect_runs(
        self, table: str, frame: pl.LazyFrame, *, whole: bool = True, runs: bool = False
    ) -> tuple[pl.DataFrame, pl.Series | None]:
        """``_collect``, and with ``runs`` the table's ``key_runs`` (found by the same pass
        that checks the key order)."""
        file = str(self.table_path(table))
        try:
            rows = frame.collect()
        except READ_ERRORS as exc:
            raise BundleError(
                [Problem(file, f"unreadable Parquet ({read_error_detail(exc)})")]
            ) from None
        return self._check_runs(table, rows, whole=whole, runs=runs)

    def _check(self, table: str, rows: pl.DataFrame, *, whole: bool = True) -> pl.DataFrame:
        """``_collect``'s checks on rows already read."""
        return self._check_runs(table, rows, whole=whole)[0]

    def _check_runs(
        self, table: str, rows: pl.DataFrame, *, whole: bool = True, runs: bool = False
    ) -> tuple[pl.DataFrame, pl.Series | None]:
        """``_check``, and with ``runs`` the key runs of ``rows``."""
        file = str(self.table_path(table))
        checked = self._schemas.get(table)
        read = [(name, dtype) for name, dtype in rows.schema.items() if name != ROW]
        if checked is not None and read != list(checked.items()):
            raise BundleError(
                [
                    Problem(
                        file,
                        "changed on disk since afscope opened it (its columns are not the "
                        "ones checked); open the bundle again",
                    )
                ]
            )
        key_order: pl.Series | None = None
        in_order = None
        if runs:
            key_order = key_runs(rows, [k for k in SCHEMAS[table].key if k in rows.columns])
            in_order = key_order is not None
        problems = row_problems(rows, table, file, key_unique=whole, in_order=in_order)
        if problems:
            raise BundleError(problems)
        casts = canonical_casts(table, rows.schema)
        if ROW in rows.columns:
            rows = rows.drop(ROW)
        return (rows.with_columns(casts) if casts else rows), key_order

    @cached_property
    def traces(self) -> pl.DataFrame:
        """The trace list (small: one row per trace), read and checked on first use."""
        scan = self._raw("traces")
        assert scan is not None  # required by the manifest model
        return self._collect("traces", scan)

    @cached_property
    def rollouts(self) -> pl.DataFrame:
        """Rollouts per trace (``trace_id``, ``rollouts``), counted once: resample rows
        when the bundle has them, else the largest per-outcome sum of ``n`` in the rates,
        else no rows. ``info`` and the trace browser both read it."""
        resamples = self.scan("resamples")
        if resamples is not None:
            counts = resamples.group_by("trace_id").agg(pl.len().alias("rollouts"))
        else:
            rates = self.scan("rates")
            if rates is None or "n" not in rates.collect_schema().names():
                return pl.DataFrame(schema={"trace_id": pl.String, "rollouts": pl.Int64})
            counts = (
                rates.group_by("trace_id", "outcome")
                .agg(pl.col("n").sum())
                .group_by("trace_id")
                .agg(pl.col("n").max().alias("rollouts"))
            )
        return counts.select("trace_id", pl.col("rollouts").cast(pl.Int64)).collect()

    @property
    def outcomes(self) -> list[str]:
        return self.manifest.outcome_names

    @property
    def metrics(self) -> list[str]:
        return self.manifest.metric_names

    def trace_ids(self) -> list[str]:
        return self.traces.get_column("trace_id").to_list()

    def for_trace(self, table: str, trace_id: str) -> pl.DataFrame | None:
        """Rows of ``table`` for one trace, via a pushed-down filter, checked."""
        query = self._trace_query(table, trace_id)
        if query is None:
            return None
        return self._collect(table, query, whole=table != "resamples")

    def for_traces(self, tables: Sequence[str], trace_id: str) -> dict[str, pl.DataFrame | None]:
        """``for_trace`` of several tables, read by one ``pl.collect_all`` (the files are
        scanned side by side, not one after another) and checked in the order given. When
        a file cannot be read, the tables are read one by one again, so the error names
        the same file ``for_trace`` would."""
        unchecked = [t for t in tables if t not in self._schemas and self._is_file(t)]
        queries = {
            table: self._unchecked_query(table, trace_id)
            if table in unchecked
            else self._trace_query(table, trace_id)
            for table in tables
        }
        present = [table for table, query in queries.items() if query is not None]
        try:
            frames = pl.collect_all([queries[table] for table in present])  # type: ignore[misc]
        except READ_ERRORS:
            return {table: self.for_trace(table, trace_id) for table in tables}
        rows = dict(zip(present, frames, strict=True))
        for table in unchecked:  # the column rules on the columns read, in the order given
            self._accept_schema(table, pl.Schema(rows[table].drop(ROW).schema))
        return {
            table: self._check(table, rows[table], whole=table != "resamples")
            if table in rows
            else None
            for table in tables
        }

    def _is_file(self, table: str) -> bool:
        path = self._file(table)
        return path is not None and path.is_file()

    def _unchecked_query(self, table: str, trace_id: str) -> pl.LazyFrame:
        """``_trace_query`` before the table's schema is known: its file's footer is then
        read once, by this query, not also by ``schema`` first (megabytes of row-group
        metadata in a large bundle's tables). The columns read are checked afterwards with
        the same rules; a file this query cannot read (``trace_id`` missing or not text,
        a damaged page) goes the checked way, which names the problem as before."""
        path = self._file(table)
        assert path is not None
        scan = pl.scan_parquet(self._source(path), glob=False, row_index_name=ROW)
        return scan.filter(pl.col("trace_id") == trace_id)

    def _trace_query(self, table: str, trace_id: str) -> pl.LazyFrame | None:
        scan = self._raw(table)
        schema = self.schema(table)
        if scan is None or schema is None:
            return None
        if "trace_id" not in schema.names():
            raise ValueError(f"{table} has no trace_id column")  # evaluations: a misuse
        ids = pl.col("trace_id")
        if schema["trace_id"] != pl.String:
            ids = ids.cast(pl.String)
        return scan.filter(ids == trace_id)

    def sentences(self, trace_id: str) -> pl.DataFrame:
        frame = self.for_trace("sentences", trace_id)
        assert frame is not None
        return frame.sort("sentence_idx")

    def read(self, table: str) -> pl.DataFrame | None:
        """A whole table in memory, checked (for export, compute and tests; not screens)."""
        scan = self._raw(table, numbered=False)
        return None if scan is None else self._collect(table, scan)

    def read_with_runs(self, table: str) -> tuple[pl.DataFrame, pl.Series | None] | None:
        """``read``, plus the run of each row's key without its last column when the table
        is strictly in key order (``normalize.key_runs``; None when it is not): for
        resamples, one run per sentence position, which the metrics group by."""
        scan = self._raw(table, numbered=False)
        return None if scan is None else self._collect_runs(table, scan, runs=True)

    def load(self) -> BundleTables:
        """Every table in memory."""
        return BundleTables(
            traces=self.traces,
            sentences=self.read("sentences"),  # type: ignore[arg-type]
            rates=self.read("rates"),
            importance=self.read("importance"),
            resamples=self.read("resamples"),
            evaluations=self.read("evaluations"),
            effects=self.read("effects"),
        )
