"""Import a Thought Anchors folder or tree into an afscope bundle, streaming.

Folders are parsed one at a time; their frames are staged as Parquet parts every
``batch`` traces (or ``MAX_PENDING_ROWS`` rollouts), with the rates and importance
computed from that batch's rollouts, and the final tables are written from lazy scans of
the parts, so the memory used depends on the batch size, not on the size of the tree.
"""

from __future__ import annotations

import shutil
from collections import Counter
from itertools import groupby, pairwise
from pathlib import Path
from typing import Any

import polars as pl

from afscope.bundle.manifest import Manifest, MetricSpec, OutcomeSpec, SourceWarning
from afscope.bundle.normalize import in_table_order
from afscope.bundle.tables import BundleTables
from afscope.bundle.target import check_bundle_target, staging_dir
from afscope.bundle.writer import write_bundle
from afscope.metrics.importance import ANALYTIC_INTERVAL, METRICS, describe
from afscope.problems import BundleError, Problem
from afscope.progress import SILENT, Progress
from afscope.readers.registry import ImportReport
from afscope.readers.thought_anchors.folder import FolderParser, TraceFrames
from afscope.readers.thought_anchors.rollout_metrics import OPTIONS, derive_metrics
from afscope.readers.thought_anchors.tree import find_trace_folders, path_metadata, trace_id_for

PART_TABLES = ("traces", "sentences", "rates", "importance", "resamples", "effects")
MAX_PENDING_ROWS = 100_000
"""Rows held before a flush, whatever the batch: bounds memory on folders of many rollouts
(a flush also computes the batch's metrics in memory)."""
MAX_NOTES = 40

OUTCOME_TEXT = {
    "correct": "rollout's final answer is correct (is_correct)",
    "blackmail": "rollout contains blackmail (contains_blackmail; 'accuracy' in web scenario data)",
    "whistleblowing": "rollout contains whistleblowing (contains_whistleblowing)",
    "biased": "rollout is biased (is_biased / p_biased)",
}
METRIC_TEXT = {
    "counterfactual": "counterfactual importance, sign flipped to afscope's (positive = promotes)",
    "resampling": "resampling importance: rate(next) - rate(i)",
    "forced": "forced-answer importance: forced rate(next) - forced rate(i)",
}


class _Stager:
    """Collects per-trace frames and flushes them to Parquet parts, each sorted in the
    bundle's row order, every ``batch`` traces or ``MAX_PENDING_ROWS`` rows.

    Folders come in walk order, which is nearly always trace-id order: then the parts
    follow one another and the bundle is their concatenation, written as it streams.
    """

    def __init__(self, staging: Path, batch: int) -> None:
        self.staging = staging
        self.batch = batch
        self.pending: dict[str, list[pl.DataFrame]] = {t: [] for t in PART_TABLES}
        self.parts: dict[str, list[Path]] = {t: [] for t in PART_TABLES}
        self.bounds: dict[str, list[tuple[str, str]]] = {t: [] for t in PART_TABLES}
        """first and last trace id of each part"""
        self.trace_rows: list[dict[str, Any]] = []
        self.outcomes: list[str] = []
        self.computed: set[str] = set()
        """metrics computed from the rollouts of at least one trace"""
        self.count = 0
        self.rows = 0

    def add(self, frames: TraceFrames) -> None:
        self.trace_rows.append(frames.trace)
        self.outcomes += [o for o in frames.outcomes if o not in self.outcomes]
        for table in PART_TABLES[1:]:
            frame = getattr(frames, table)
            if frame is not None and frame.height:
                self.pending[table].append(frame)
                self.rows += frame.height
        self.count += 1
        if self.count % self.batch == 0 or self.rows >= MAX_PENDING_ROWS:
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
            path = self.staging / f"{table}-{len(self.parts[table]):06d}.parquet"
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
        pass or the memory of its group-by over every rollout."""
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


def _row_frames(rows: list[dict[str, Any]]) -> list[pl.DataFrame]:
    """``rows`` as frames whose diagonal concatenation is that of one frame per row: one
    frame per run of rows with the same fields and value types (a frame per row costs
    more than reading a folder's metadata)."""

    def shape(row: dict[str, Any]) -> tuple[tuple[str, type], ...]:
        return tuple((k, type(v)) for k, v in row.items())

    return [
        pl.DataFrame(list(run), infer_schema_length=None) for _, run in groupby(rows, key=shape)
    ]


def import_thought_anchors(
    src: str | Path,
    out: str | Path,
    *,
    strict: bool = False,
    batch: int = 200,
    overwrite: bool = False,
    progress: Progress = SILENT,
) -> ImportReport:
    """Parse every trace folder below ``src`` and write one bundle to ``out``.

    Broken files are reported and skipped when the rest is usable; ``strict`` makes any
    problem fatal. Raises ``BundleError`` when nothing usable is found. Each step is
    reported to ``progress``.
    """
    root = Path(src)
    target = Path(out)
    problems: list[Problem] = []
    notes: list[str] = []
    warnings: list[SourceWarning] = []
    outcomes: list[str] = []
    metrics: dict[str, bool] = {}
    check_bundle_target(target, force=overwrite)
    try:
        staging = staging_dir(target, "import")
    except OSError as exc:
        folder = target.parent if str(target.parent) else Path(".")
        reason = exc.strerror or str(exc)
        raise BundleError(
            [Problem(str(target), f"cannot write the bundle in {folder}: {reason}")]
        ) from None
    try:
        stager = _Stager(staging, batch)
        progress.step("reading trace folders")
        for folder in find_trace_folders(root, problems.append):
            progress.advance()
            trace_id = trace_id_for(folder, root)
            before = len(problems)
            try:
                frames = FolderParser(folder, trace_id, path_metadata(folder), problems).parse()
            except (Exception, pl.exceptions.PanicException) as exc:  # one bad folder of many
                detail = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
                problems.append(Problem(str(folder), f"unreadable ({detail})", severity="warning"))
                frames = None
            if strict and len(problems) > before:
                raise BundleError(problems)
            if frames is None:
                problems.append(
                    Problem(
                        str(folder),
                        "trace skipped: its required files could not be read",
                        severity="warning",
                    )
                )
                continue
            stager.add(frames)
            notes += [f"{trace_id}: {n}" for n in frames.notes]
            warnings += frames.warnings
            outcomes += [o for o in frames.outcomes if o not in outcomes]
            for name, signed in frames.metrics.items():
                metrics.setdefault(name, signed)
        stager.flush()
        if stager.count == 0:
            problems.append(
                Problem(
                    str(root),
                    "no Thought Anchors data found: expected chunks_labeled.json or "
                    "chunks.json in this folder or in folders below it",
                )
            )
            raise BundleError(problems)
        computed = [m for m in METRICS if m in stager.computed]
        manifest = _manifest(
            root, outcomes, metrics, computed, stager.count, problems, notes
        ).model_copy(update={"warnings": tuple(warnings)})
        tables = BundleTables(
            traces=stager.scan("traces"),  # type: ignore[arg-type]
            sentences=stager.scan("sentences"),  # type: ignore[arg-type]
            rates=stager.scan("rates"),
            importance=stager.scan("importance"),
            resamples=stager.scan("resamples"),
            effects=stager.scan("effects"),
        )
        presorted = [t for t in PART_TABLES if stager.in_order(t)]
        progress.step("writing the bundle")
        write_bundle(target, manifest, tables, overwrite=overwrite, presorted=presorted)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return ImportReport(target, stager.count, problems, _shorten(notes))


def _shorten(notes: list[str]) -> list[str]:
    if len(notes) <= MAX_NOTES:
        return notes
    kinds = Counter(n.split(": ", 1)[-1] for n in notes)
    return [f"{count} traces: {text}" for text, count in kinds.most_common(MAX_NOTES)]


def _metric_spec(name: str, signed: bool, carried: bool, computed: bool) -> MetricSpec:
    if computed:
        text = describe(name, OPTIONS) + " (computed from the rollouts)"
        if carried:
            text += "; where chunks_labeled.json gives it, that value is kept"
    else:
        text = METRIC_TEXT.get(name, "" if signed else "KL divergence (unsigned)")
    return MetricSpec(name=name, signed=signed, description=text)


def _manifest(
    root: Path,
    outcomes: list[str],
    carried: dict[str, bool],
    computed: list[str],
    count: int,
    problems: list[Problem],
    notes: list[str],
) -> Manifest:
    """``carried`` maps metrics read from chunks_labeled.json to whether they are signed;
    ``computed`` lists those computed from rollouts (declared after the carried ones)."""
    metrics = dict(carried)
    for name in computed:
        metrics.setdefault(name, METRICS[name])
    source = {
        "kind": "thought-anchors",
        "path": str(root.resolve()),
        "problems": str(len(problems)),
    }
    if computed:  # the settings the computed metrics used, as afscope compute records them
        source |= {
            "threshold": str(OPTIONS.threshold),
            "alpha": str(OPTIONS.alpha),
            "interval": ANALYTIC_INTERVAL,
            "min_evidence": str(OPTIONS.min_evidence),
        }
    return Manifest(
        title=f"Thought Anchors results from {root.resolve().name}",
        description=f"Imported by afscope from {count} Thought Anchors folder(s) at {root}.",
        outcomes=tuple(OutcomeSpec(name=o, description=OUTCOME_TEXT.get(o, "")) for o in outcomes),
        metrics=tuple(
            _metric_spec(m, signed, m in carried, m in computed) for m, signed in metrics.items()
        ),
        tables={"traces": "traces.parquet", "sentences": "sentences.parquet"},
        source=source,
        notes=tuple(_shorten(notes) + [str(p) for p in problems[:MAX_NOTES]]),
    )
