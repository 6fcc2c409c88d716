"""Parse one Thought Anchors problem, scenario or item folder into small Polars frames.

Handles both layouts: a web-viewer data folder (``chunks_labeled.json`` and friends) and a
full pipeline folder (``chunks.json`` and ``chunk_<i>/solutions.json``). One folder is
held in memory at a time; rollout files are read one chunk at a time and reduced to the
few fields afscope keeps.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from afscope.bundle.schema import OUTCOME_PREFIX, polars_dtype, table_dtypes
from afscope.problems import Problem
from afscope.readers.json_files import load_json
from afscope.readers.thought_anchors.fields import (
    ROLLOUT_FIELDS,
    SENTENCE_FIELDS,
    accuracy_outcome,
    rate_outcome,
    resolve_metric,
)
from afscope.readers.thought_anchors.rollouts import read_rollouts
from afscope.readers.thought_anchors.separators import derive_separators
from afscope.readers.thought_anchors.values import finite, labels, trace_frame
from afscope.readers.thought_anchors.web_extras import effects, resampled_sentences

TASK_FILES = ("problem.json", "scenario.json", "item.json")
QUERY_FIELDS = ("problem", "question", "prompt", "user_prompt", "scenario")
# the writer's dtypes; the sentence statistics and labels are extra sentence columns
SENTENCE_DTYPES = table_dtypes(
    "sentences",
    extra={
        "summary": "str",
        "depends_on": "list[str]",
        "different_trajectories_fraction": "float",
        "overdeterminedness": "float",
    },
)
RATE_DTYPES = table_dtypes("rates", ["sentence_idx", "outcome", "rate"])
IMPORTANCE_DTYPES = table_dtypes(
    "importance", ["sentence_idx", "outcome", "metric", "importance", "direction"]
)


@dataclass
class TraceFrames:
    """Everything one folder contributes to a bundle."""

    trace: dict[str, Any]
    sentences: pl.DataFrame
    rates: pl.DataFrame | None = None
    importance: pl.DataFrame | None = None
    resamples: pl.DataFrame | None = None
    effects: pl.DataFrame | None = None
    outcomes: list[str] = field(default_factory=list)
    metrics: dict[str, bool] = field(default_factory=dict)
    """metric name -> signed"""
    notes: list[str] = field(default_factory=list)


def is_web_folder(folder: Path) -> bool:
    return (folder / "chunks_labeled.json").is_file() and not (folder / "chunks.json").is_file()


def is_full_folder(folder: Path) -> bool:
    return (folder / "chunks.json").is_file()


def is_trace_folder(folder: Path) -> bool:
    return is_full_folder(folder) or is_web_folder(folder)


def task_kind(folder: Path) -> str:
    for name in TASK_FILES:
        if (folder / name).is_file():
            return name.removesuffix(".json")
    prefix = folder.name.split("_")[0]
    return prefix if prefix in ("problem", "scenario", "item") else "problem"


class FolderParser:
    """Turns one folder into ``TraceFrames``; problems go to a shared list."""

    def __init__(
        self, folder: Path, trace_id: str, metadata: dict[str, Any], problems: list[Problem]
    ) -> None:
        self.folder = folder
        self.trace_id = trace_id
        self.metadata = metadata
        self.problems = problems
        self.notes: list[str] = []

    def _optional(self, name: str, shape: type) -> Any | None:
        path = self.folder / name
        return load_json(path, shape, self.problems) if path.is_file() else None

    def parse(self) -> TraceFrames | None:
        kind = task_kind(self.folder)
        task = next((t for t in (self._optional(n, dict) for n in TASK_FILES) if t is not None), {})
        base = self._optional("base_solution.json", dict) or {}
        labeled = self._labeled()
        full = is_full_folder(self.folder)
        chunks_doc = load_json(self.folder / "chunks.json", dict, self.problems) if full else None
        if full and chunks_doc is None:
            return None
        if not full and labeled is None:
            return None
        rollouts = (
            read_rollouts(self.folder, self.trace_id, self.problems, self.notes) if full else None
        )
        seen_fields = set(base)
        if rollouts is not None and rollouts.height:
            seen_fields |= {
                f for f, o in ROLLOUT_FIELDS.items() if f"{OUTCOME_PREFIX}{o}" in rollouts.columns
            }
        main = accuracy_outcome(kind, seen_fields)
        sentences = self._sentences(chunks_doc, labeled or [], base)
        if sentences is None:
            return None
        frames = TraceFrames(trace={}, sentences=sentences)
        known_idx = set(sentences["sentence_idx"].to_list())
        self._from_labeled(frames, labeled or [], main, known_idx)
        if rollouts is not None and rollouts.height:
            rollouts = rollouts.filter(pl.col("sentence_idx").is_in(sorted(known_idx)))
            self._from_rollouts(frames, rollouts)
        elif not full:
            frames.resamples = resampled_sentences(
                self.folder, self.trace_id, known_idx, main, self.problems
            )
        frames.effects = effects(self.folder, self.trace_id, known_idx, self.problems, self.notes)
        frames.trace = self._trace_row(kind, task, base, sentences.height)
        for outcome in labels(base):
            if outcome not in frames.outcomes:
                frames.outcomes.append(outcome)
        if not frames.outcomes:
            frames.outcomes.append(main)
        frames.notes = self.notes
        return frames

    # -- sentences -------------------------------------------------------------------
    def _labeled(self) -> list[dict[str, Any]] | None:
        labeled = self._optional("chunks_labeled.json", list)
        if labeled is None:
            return None
        good = [
            e
            for e in labeled
            if isinstance(e, dict)
            and isinstance(e.get("chunk_idx"), int)
            and isinstance(e.get("chunk"), str)
        ]
        if len(good) < len(labeled):
            self.problems.append(
                Problem(
                    str(self.folder / "chunks_labeled.json"),
                    f"{len(labeled) - len(good)} entries without an integer 'chunk_idx' and a text "
                    "'chunk' were skipped",
                    severity="warning",
                )
            )
        return good

    def _sentences(
        self, chunks_doc: dict | None, labeled: list[dict[str, Any]], base: dict[str, Any]
    ) -> pl.DataFrame | None:
        by_idx = {e["chunk_idx"]: e for e in labeled}
        if chunks_doc is not None:
            chunks = chunks_doc.get("chunks")
            if not isinstance(chunks, list) or not all(isinstance(c, str) for c in chunks):
                self.problems.append(
                    Problem(
                        str(self.folder / "chunks.json"),
                        "wrong shape: expected 'chunks': a list of text",
                        column="chunks",
                    )
                )
                return None
            indices = list(range(len(chunks)))
            texts = chunks
            seps = chunks_doc.get("separators")
            if (
                isinstance(seps, list)
                and len(seps) == len(chunks)
                and all(isinstance(s, str) for s in seps)
            ):
                separators: list[str | None] = list(seps)
            else:
                source = chunks_doc.get("solution_text") or base.get("solution")
                separators = derive_separators(source if isinstance(source, str) else None, chunks)
        else:
            ordered = sorted(by_idx)
            indices = ordered
            texts = [by_idx[i]["chunk"] for i in ordered]
            source = base.get("solution")
            separators = derive_separators(source if isinstance(source, str) else None, texts)
        rows = []
        for idx, text, sep in zip(indices, texts, separators, strict=True):
            entry = by_idx.get(idx, {})
            tags = entry.get("function_tags")
            depends = entry.get("depends_on")
            row = {
                "trace_id": self.trace_id,
                "sentence_idx": idx,
                "text": text,
                "separator": sep,
                "tags": [str(t) for t in tags] if isinstance(tags, list) else None,
                "summary": entry.get("summary") if isinstance(entry.get("summary"), str) else None,
                "depends_on": [str(d) for d in depends] if isinstance(depends, list) else None,
                "different_trajectories_fraction": finite(
                    entry.get("different_trajectories_fraction")
                ),
                "overdeterminedness": finite(entry.get("overdeterminedness")),
            }
            rows.append(row)
        return pl.DataFrame(rows, schema=SENTENCE_DTYPES)

    # -- metrics carried over from chunks_labeled.json -------------------------------
    def _from_labeled(
        self, frames: TraceFrames, labeled: list[dict[str, Any]], main: str, known_idx: set[int]
    ) -> None:
        rate_rows, imp_rows = [], []
        unknown: set[str] = set()
        dropped = 0
        for entry in labeled:
            idx = entry["chunk_idx"]
            if idx not in known_idx:
                continue
            for key, value in entry.items():
                if key in SENTENCE_FIELDS:
                    continue
                outcome = rate_outcome(key, main)
                if outcome is not None:
                    rate = finite(value)
                    if rate is None or not 0.0 <= rate <= 1.0:
                        dropped += 1
                        continue
                    rate_rows.append((idx, outcome, rate))
                    continue
                metric = resolve_metric(key, main)
                if metric is None:
                    unknown.add(key)
                    continue
                number = finite(value)
                if number is None:
                    dropped += 1
                    continue
                if not metric.known:
                    unknown.add(
                        f"{key} (read as metric '{metric.metric}' on outcome "
                        f"'{metric.outcome}', sign assumed positive = promotes)"
                    )
                direction = None if metric.sign is None else number * metric.sign
                imp_rows.append((idx, metric.outcome, metric.metric, abs(number), direction))
                frames.metrics.setdefault(metric.metric, metric.sign is not None)
        if unknown:
            self.notes.append(
                "fields in chunks_labeled.json not mapped to a metric: "
                + ", ".join(sorted(unknown))
            )
        if dropped:
            self.notes.append(
                f"{dropped} NaN, infinite or out-of-range values in "
                "chunks_labeled.json were left out"
            )
        if rate_rows:
            frames.rates = trace_frame(
                rate_rows, RATE_DTYPES, self.trace_id, n=(None, polars_dtype("int"))
            )
        if imp_rows:
            frames.importance = trace_frame(imp_rows, IMPORTANCE_DTYPES, self.trace_id)
        for outcome in [r[1] for r in rate_rows] + [r[1] for r in imp_rows]:
            if outcome not in frames.outcomes:
                frames.outcomes.append(outcome)

    # -- full pipeline rollouts -----------------------------------------------------
    def _from_rollouts(self, frames: TraceFrames, rollouts: pl.DataFrame) -> None:
        """Keep the rollouts; their rates and importance are computed once for the whole
        import (``rollout_metrics``), which is far cheaper than a query per folder."""
        frames.resamples = rollouts
        for name in rollouts.columns:
            outcome = name.removeprefix(OUTCOME_PREFIX)
            if name.startswith(OUTCOME_PREFIX) and outcome not in frames.outcomes:
                frames.outcomes.append(outcome)

    def _trace_row(
        self, kind: str, task: dict[str, Any], base: dict[str, Any], n_sentences: int
    ) -> dict[str, Any]:
        query = next((task[f] for f in QUERY_FIELDS if isinstance(task.get(f), str)), None)
        row: dict[str, Any] = {
            "trace_id": self.trace_id,
            "n_sentences": n_sentences,
            "model": self.metadata.get("model"),
            "prompt_variant": None,
            "condition": self.metadata.get("base_solution"),
            "query": query,
            "task_kind": kind,
            "source_folder": str(self.folder.resolve()),
        }
        row.update({f"{OUTCOME_PREFIX}{o}": v for o, v in labels(base).items()})
        for key in ("temperature", "top_p", "base_solution", "forced_answer"):
            if key in self.metadata:
                row[key] = self.metadata[key]
        for key in ("nickname", "level", "type", "gt_answer"):
            if isinstance(task.get(key), str | int | float) and not isinstance(task.get(key), bool):
                row[f"task_{key}"] = str(task[key])
        return row
