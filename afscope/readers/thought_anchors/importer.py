"""Import a Thought Anchors folder or tree into an afscope bundle, streaming.

Folders are parsed in runs of ``batch`` folders, in this process or in worker processes
(``workers``); each run's frames are staged as sorted Parquet parts at its end (and every
``MAX_PENDING_ROWS`` rollouts), with the rates and importance computed from that part's
rollouts (``staging``). The folders' problems and notes are gathered here in walk order,
and the final tables are written from lazy scans of the parts, so the memory used
depends on the batch size and the number of workers, not on the size of the tree.
"""

from __future__ import annotations

import shutil
from collections import Counter
from contextlib import closing
from pathlib import Path

from afscope.bundle.manifest import Manifest, MetricSpec, OutcomeSpec, SourceWarning
from afscope.bundle.tables import BundleTables
from afscope.bundle.target import check_bundle_target, staging_dir
from afscope.bundle.writer import write_bundle
from afscope.metrics.importance import ANALYTIC_INTERVAL, METRICS, describe
from afscope.problems import BundleError, Problem
from afscope.progress import SILENT, Progress
from afscope.readers.registry import ImportReport
from afscope.readers.thought_anchors.rollout_metrics import OPTIONS
from afscope.readers.thought_anchors.staging import PART_TABLES, FolderOutcome, Parts
from afscope.readers.thought_anchors.workers import stage_tree

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


def import_thought_anchors(
    src: str | Path,
    out: str | Path,
    *,
    strict: bool = False,
    batch: int = 200,
    overwrite: bool = False,
    progress: Progress = SILENT,
    jobs: int = 1,
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
        parts = Parts()
        progress.step("reading trace folders")
        runs = stage_tree(root, staging, batch, jobs, problems.append, progress.advance)
        with closing(runs):  # workers stopped before the staging folder is removed
            for before, run in runs:
                for found, parsed in zip(before, run.folders, strict=True):
                    problems += found
                    _take(parsed, problems, strict)
                    if parsed.staged:
                        notes += [f"{parsed.trace_id}: {n}" for n in parsed.notes]
                        warnings += parsed.warnings
                        outcomes += [o for o in parsed.outcomes if o not in outcomes]
                        for name, signed in parsed.metrics.items():
                            metrics.setdefault(name, signed)
                parts.add(run)
        if parts.count == 0:
            problems.append(
                Problem(
                    str(root),
                    "no Thought Anchors data found: expected chunks_labeled.json or "
                    "chunks.json in this folder or in folders below it",
                )
            )
            raise BundleError(problems)
        computed = [m for m in METRICS if m in parts.computed]
        manifest = _manifest(
            root, outcomes, metrics, computed, parts.count, problems, notes
        ).model_copy(update={"warnings": tuple(warnings)})
        tables = BundleTables(
            traces=parts.scan("traces"),  # type: ignore[arg-type]
            sentences=parts.scan("sentences"),  # type: ignore[arg-type]
            rates=parts.scan("rates"),
            importance=parts.scan("importance"),
            resamples=parts.scan("resamples"),
            effects=parts.scan("effects"),
        )
        presorted = [t for t in PART_TABLES if parts.in_order(t)]
        progress.step("writing the bundle")
        write_bundle(target, manifest, tables, overwrite=overwrite, presorted=presorted)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return ImportReport(target, parts.count, problems, _shorten(notes))


def _take(folder: FolderOutcome, problems: list[Problem], strict: bool) -> None:
    """Add what one folder's parse found to ``problems``; with ``strict``, fail on it."""
    before = len(problems)
    problems += folder.problems
    if folder.failure is not None:
        problems.append(
            Problem(str(folder.folder), f"unreadable ({folder.failure})", severity="warning")
        )
    if strict and len(problems) > before:
        raise BundleError(problems)
    if not folder.staged:
        problems.append(
            Problem(
                str(folder.folder),
                "trace skipped: its required files could not be read",
                severity="warning",
            )
        )


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
