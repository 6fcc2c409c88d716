"""Parse a run of trace folders and stage their frames as sorted Parquet parts.

One job, done the same way in this process or in a worker (``workers``): the folders of
a ``FolderRun`` (a batch) are parsed one at a time and their frames written as parts at
the run's end (and every ``MAX_PENDING_ROWS`` rollouts), each part sorted in the bundle's
row order, with the rates and importance computed from its rollouts. What goes back to the
importer is small: the parts' paths and bounds, and per folder its problems, notes and
what it declares.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import groupby, pairwise
from pathlib import Path
from typing import Any

import polars as pl

from afscope.bundle.manifest import SourceWarning
from afscope.bundle.normalize import in_table_order
from afscope.problems import Problem
from afscope.readers.thought_anchors.folder import FolderParser, TraceFrames
from afscope.readers.thought_anchors.rollout_metrics import derive_metrics
from afscope.readers.thought_anchors.tree import path_metadata

PART_TABLES = ("traces", "sentences", "rates", "importance", "resamples", "effects")
MAX_PENDING_ROWS = 100_000
"""Rows held before a flush, whatever the batch: bounds memory on folders of many rollouts
(a flush also computes the batch's metrics in memory)."""


@dataclass(frozen=True)
class FolderRun:
    """Consecutive trace folders (in walk order: one batch) and where their parts go: part
    files are named after ``number``, so the parts of every run sort in walk order."""

    number: int
    folders: tuple[tuple[Path, str], ...]
    """(folder, trace id) pairs"""
    staging: Path


@dataclass
class FolderOutcome:
    """What one folder gave, without its frames (those are in the parts)."""

    folder: Path
    trace_id: str
    problems: list[Problem]
    failure: str | None = None
    """the first line of what the parser raised"""
    staged: bool = False
    """False when the folder's required files could not be read: the trace is skipped"""
    outcomes: list[str] = field(default_factory=list)
    metrics: dict[str, bool] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    warnings: list[SourceWarning] = field(default_factory=list)


@dataclass
class StagedRun:
    """A ``FolderRun``'s parts and its folders' outcomes, in walk order."""

    folders: list[FolderOutcome]
    parts: dict[str, list[Path]]
    bounds: dict[str, list[tuple[str, str]]]
    """first and last trace id of each part"""
    computed: set[str]
    """metrics computed from the rollouts of at least one trace"""

    @property
    def count(self) -> int:
        """Traces staged."""
        return sum(folder.staged for folder in self.folders)


def stage_run(run: FolderRun, parsed: Callable[[int], None] | None = None) -> StagedRun:
    """Parse and stage every folder of ``run`` (the task ``workers`` hands out);
    ``parsed(1)`` after each folder (progress, when staged in the importing process)."""
    stager = Stager(run.staging, prefix=f"{run.number:06d}")
    outcomes = []
    for folder, trace_id in run.folders:
        outcome, frames = parse_folder(folder, trace_id)
        if frames is not None:
            stager.add(frames)
        outcomes.append(outcome)
        if parsed is not None:
            parsed(1)
    stager.flush()
    return StagedRun(outcomes, stager.parts, stager.bounds, stager.computed)


def parse_folder(folder: Path, trace_id: str) -> tuple[FolderOutcome, TraceFrames | None]:
    """One folder's frames and outcome; an exception in the parser becomes the outcome's
    ``failure`` (one bad folder among many must not end the import)."""
    problems: list[Problem] = []
    outcome = FolderOutcome(folder, trace_id, problems)
    try:
        frames = FolderParser(folder, trace_id, path_metadata(folder), problems).parse()
    except (Exception, pl.exceptions.PanicException) as exc:
        outcome.failure = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
        return outcome, None
    if frames is not None:
        outcome.staged = True
        outcome.outcomes = frames.outcomes
        outcome.metrics = frames.metrics
        outcome.notes = frames.notes
        outcome.warnings = frames.warnings
    return outcome, frames


class Stager:
    """Collects per-trace frames and flushes them to Parquet parts, each sorted in the
    bundle's row order, every ``MAX_PENDING_ROWS`` rows and when its run ends.

    Folders come in walk order, which is nearly always trace-id order: then the parts
    follow one another and the bundle is their concatenation, written as it streams.
    """

    def __init__(self, staging: Path, prefix: str) -> None:
        self.staging = staging
        self.prefix = prefix
        self.pending: dict[str, list[pl.DataFrame]] = {t: [] for t in PART_TABLES}
        self.parts: dict[str, list[Path]] = {t: [] for t in PART_TABLES}
        self.bounds: dict[str, list[tuple[str, str]]] = {t: [] for t in PART_TABLES}
        self.trace_rows: list[dict[str, Any]] = []
        self.outcomes: list[str] = []
        self.computed: set[str] = set()
        self.rows = 0

    def add(self, frames: TraceFrames) -> None:
        self.trace_rows.append(frames.trace)
        self.outcomes += [o for o in frames.outcomes if o not in self.outcomes]
        for table in PART_TABLES[1:]:
            frame = getattr(frames, table)
            if frame is not None and frame.height:
                self.pending[table].append(frame)
                self.rows += frame.height
        if self.rows >= MAX_PENDING_ROWS:
            self.flush()

    def flush(self) -> None:
        self.pending["traces"] += _row_frames(self.trace_rows)
        self.trace_rows.clear()
        frames = {
            table: pl.concat(pending, how="diagonal_relaxed")
            for table, pending in self.pending.items()
            if pending
        }
        self._add_metrics(frames)
        for table, frame in frames.items():
            path = self.staging / f"{table}-{self.prefix}-{len(self.parts[table]):06d}.parquet"
            part = in_table_order(table, frame)
            part.write_parquet(path)
            self.parts[table].append(path)
            if part.height:
                ids = part["trace_id"]
                self.bounds[table].append((ids[0], ids[-1]))
        for pending in self.pending.values():
            pending.clear()
        self.rows = 0

    def _add_metrics(self, frames: dict[str, pl.DataFrame]) -> None:
        """Rates and importance computed from this batch's rollouts, merged with the carried
        ones. Every metric is computed within a trace and a batch holds whole traces, so
        the batches give the rows one pass over all rollouts gives, without that second
        pass or the memory of its group-by over every rollout (and whatever the outcomes
        of other batches: ``label_columns`` skips those this batch does not have)."""
        resamples = frames.get("resamples")
        if resamples is None:
            return
        rates, importance = frames.get("rates"), frames.get("importance")
        merged = derive_metrics(
            resamples.lazy(),
            None if rates is None else rates.lazy(),
            None if importance is None else importance.lazy(),
            self.outcomes,
        )
        self.computed.update(merged.computed)
        if merged.rates is not None:
            frames["rates"] = merged.rates.collect()
        if merged.importance is not None:
            frames["importance"] = merged.importance.collect()


def _row_frames(rows: list[dict[str, Any]]) -> list[pl.DataFrame]:
    """``rows`` as frames whose diagonal concatenation is that of one frame per row: one
    frame per run of rows with the same fields and value types (a frame per row costs
    more than reading a folder's metadata)."""

    def shape(row: dict[str, Any]) -> tuple[tuple[str, type], ...]:
        return tuple((k, type(v)) for k, v in row.items())

    return [
        pl.DataFrame(list(run), infer_schema_length=None) for _, run in groupby(rows, key=shape)
    ]


class Parts:
    """Every run's parts, in walk order, for the bundle writer."""

    def __init__(self) -> None:
        self.parts: dict[str, list[Path]] = {t: [] for t in PART_TABLES}
        self.bounds: dict[str, list[tuple[str, str]]] = {t: [] for t in PART_TABLES}
        self.computed: set[str] = set()
        self.count = 0

    def add(self, run: StagedRun) -> None:
        for table in PART_TABLES:
            self.parts[table] += run.parts[table]
            self.bounds[table] += run.bounds[table]
        self.computed |= run.computed
        self.count += run.count

    def in_order(self, table: str) -> bool:
        """Whether the parts of ``table``, one after the other, are in trace-id order."""
        bounds = self.bounds[table]
        return all(a[1] < b[0] for a, b in pairwise(bounds))

    def scan(self, table: str) -> pl.LazyFrame | None:
        parts = self.parts[table]
        if not parts:
            return None
        schemas = [pl.scan_parquet(p, glob=False).collect_schema() for p in parts]
        if all(s == schemas[0] for s in schemas):
            return pl.scan_parquet(parts, glob=False)
        # parts from different batches can differ in columns (outcomes, metadata)
        return pl.concat([pl.scan_parquet(p, glob=False) for p in parts], how="diagonal_relaxed")
