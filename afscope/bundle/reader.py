"""Open a bundle lazily: the manifest and trace list now, everything else on demand.

Opening reads ``manifest.json`` and ``traces.parquet`` only. Per-trace views (sentences,
rates, importance) are Parquet scans filtered by ``trace_id`` so Polars pushes the filter
down and reads only the row groups a screen needs; raw resamples are never touched
unless asked for.
"""

from __future__ import annotations

import json
from functools import cached_property
from pathlib import Path

import polars as pl
from pydantic import ValidationError

from afscope.bundle.manifest import MANIFEST_FILE, Manifest
from afscope.bundle.schema import OUTCOME_PREFIX
from afscope.bundle.tables import BundleTables
from afscope.problems import BundleError, Problem


def read_manifest(root: Path) -> Manifest:
    """Parse and validate ``manifest.json``; every problem becomes a ``Problem``."""
    file = root / MANIFEST_FILE
    shown = str(file)
    if not root.is_dir():
        raise BundleError([Problem(str(root), "not a folder (expected a result bundle folder)")])
    if not file.is_file():
        raise BundleError([Problem(shown, "missing: a bundle folder must hold manifest.json")])
    try:
        raw = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
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


class Bundle:
    """A result bundle on disk, opened lazily. Never writes to its folder."""

    def __init__(self, root: Path, manifest: Manifest) -> None:
        self.root = root
        self.manifest = manifest

    @classmethod
    def open(cls, path: str | Path) -> Bundle:
        root = Path(path)
        return cls(root, read_manifest(root))

    def table_path(self, table: str) -> Path | None:
        file = self.manifest.tables.get(table)  # type: ignore[call-overload]
        return None if file is None else self.root / file

    def has(self, table: str) -> bool:
        return self.table_path(table) is not None

    def scan(self, table: str) -> pl.LazyFrame | None:
        """A lazy scan of ``table``, or None when the bundle does not have it."""
        path = self.table_path(table)
        if path is None:
            return None
        if not path.is_file():
            raise BundleError([Problem(str(path), "missing: listed in manifest.json")])
        return pl.scan_parquet(path)

    def _collect(self, table: str, frame: pl.LazyFrame) -> pl.DataFrame:
        try:
            return frame.collect()
        except (pl.exceptions.PolarsError, OSError) as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise BundleError(
                [Problem(str(self.table_path(table)), f"unreadable Parquet ({first})")]
            ) from None

    @cached_property
    def traces(self) -> pl.DataFrame:
        """The trace list (small: one row per trace), read on first use."""
        scan = self.scan("traces")
        assert scan is not None  # required by the manifest model
        return self._collect("traces", scan)

    @property
    def outcomes(self) -> list[str]:
        return self.manifest.outcome_names

    @property
    def metrics(self) -> list[str]:
        return self.manifest.metric_names

    def trace_ids(self) -> list[str]:
        return self.traces.get_column("trace_id").to_list()

    def for_trace(self, table: str, trace_id: str) -> pl.DataFrame | None:
        """Rows of ``table`` for one trace, via a pushed-down filter."""
        scan = self.scan(table)
        if scan is None:
            return None
        return self._collect(table, scan.filter(pl.col("trace_id") == trace_id))

    def sentences(self, trace_id: str) -> pl.DataFrame:
        frame = self.for_trace("sentences", trace_id)
        assert frame is not None
        return frame.sort("sentence_idx")

    def read(self, table: str) -> pl.DataFrame | None:
        """A whole table in memory (for export, compute and tests; not for screens)."""
        scan = self.scan(table)
        return None if scan is None else self._collect(table, scan)

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

    def label_columns(self, table: str = "traces") -> list[str]:
        """The ``outcome.<name>`` columns a table carries, in manifest order."""
        scan = self.scan(table)
        if scan is None:
            return []
        names = scan.collect_schema().names()
        return [f"{OUTCOME_PREFIX}{o}" for o in self.outcomes if f"{OUTCOME_PREFIX}{o}" in names]
