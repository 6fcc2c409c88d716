"""Parse one Thought Anchors problem, scenario or item folder into small Polars frames.

Handles both layouts: a web-viewer data folder (``chunks_labeled.json`` and friends) and a
full pipeline folder (``chunks.json`` and ``chunk_<i>/solutions.json``). One folder is
held in memory at a time; rollout files are read one chunk at a time and reduced to the
few fields afscope keeps.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from afscope.bundle.manifest import SourceWarning
from afscope.bundle.schema import outcome_column, outcome_of, polars_dtype, table_dtypes
from afscope.problems import Problem
from afscope.readers.json_files import load_json
from afscope.readers.thought_anchors.checks import check_folder
from afscope.readers.thought_anchors.fields import (
    ROLLOUT_FIELDS,
    SENTENCE_FIELDS,
    accuracy_outcome,
    rate_outcome,
    resolve_metric,
)
from afscope.readers.thought_anchors.rollouts import read_rollouts
from afscope.readers.thought_anchors.separators import derive_separators
from afscope.readers.thought_anchors.values import (
    ENTRY,
    INDEX,
    INDEX_LIST,
    NUMBER,
    TEXT,
    TEXT_LIST,
    FieldCheck,
    as_index,
    as_index_list,
    as_text,
    as_text_list,
    finite,
    is_number,
    labels,
    trace_frame,
)
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


def _number(value: Any) -> Any:
    return value if is_number(value) else None


def _scalar_text(value: Any) -> str | None:
    """Task metadata (``level``, ``gt_answer`` ...) as text; numbers are written out."""
    if isinstance(value, str):
        return value
    return str(value) if is_number(value) else None


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
    warnings: list[SourceWarning] = field(default_factory=list)
    """Where the folder contradicts itself (``checks``)."""


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


def condition_name(metadata: dict[str, Any]) -> str | None:
    """The pipeline's own folder name for the base-solution kind (``correct_base_solution``,
    ``no_base_solution`` ...): what a Thought Anchors user calls these runs, and one word,
    so ``condition=no_base_solution`` filters."""
    kind = metadata.get("base_solution")
    return None if kind is None else f"{kind}_base_solution"


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

    def _check(self, name: str, what: str = "values") -> FieldCheck:
        check = FieldCheck(str(self.folder / name), what)
        self._checks.append(check)
        return check

    def parse(self) -> TraceFrames | None:
        self._checks: list[FieldCheck] = []
        try:
            return self._parse()
        finally:
            for check in self._checks:
                self.problems += check.problems()

    def _parse(self) -> TraceFrames | None:
        kind = task_kind(self.folder)
        task_name = next((n for n in TASK_FILES if (self.folder / n).is_file()), TASK_FILES[0])
        task: dict[str, Any] = next(
            (t for t in (self._optional(n, dict) for n in TASK_FILES) if t is not None), {}
        )
        self.task_check = self._check(task_name)
        base = self._optional("base_solution.json", dict) or {}
        self.base_check = self._check("base_solution.json")
        full = is_full_folder(self.folder)
        labeled = self._labeled(required=not full)
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
                f for f, o in ROLLOUT_FIELDS.items() if outcome_column(o) in rollouts.columns
            }
        main = accuracy_outcome(kind, seen_fields)
        base_labels = labels(base, self.base_check)
        sentences = self._sentences(chunks_doc, labeled or [], base)
        if sentences is None:
            return None
        frames = TraceFrames(trace={}, sentences=sentences)
        known_idx = set(sentences["sentence_idx"].to_list())
        self._from_labeled(frames, labeled or [], main, known_idx)
        if rollouts is not None and rollouts.height:
            ids = rollouts["sentence_idx"]
            lo, hi = int(ids.min()), int(ids.max())  # type: ignore[arg-type]
            if not known_idx.issuperset(range(lo, hi + 1)):  # a query only when needed
                rollouts = rollouts.filter(pl.col("sentence_idx").is_in(sorted(known_idx)))
            self._from_rollouts(frames, rollouts)
        outside: list[int] = []
        if not full:
            frames.resamples = resampled_sentences(
                self.folder, self.trace_id, known_idx, main, self.problems, outside
            )
        frames.effects = effects(self.folder, self.trace_id, known_idx, self.problems, self.notes)
        frames.warnings = check_folder(
            self.trace_id,
            sentences,
            frames.rates,
            frames.importance,
            frames.resamples,
            web=not full,
            resampled_outside=outside,
        )
        frames.trace = self._trace_row(kind, task, base_labels, sentences.height)
        for outcome in base_labels:
            if outcome not in frames.outcomes:
                frames.outcomes.append(outcome)
        if not frames.outcomes:
            frames.outcomes.append(main)
        frames.notes = self.notes
        return frames

    # -- sentences -------------------------------------------------------------------
    def _labeled(self, *, required: bool) -> list[dict[str, Any]] | None:
        """Entries of chunks_labeled.json with a valid, unique ``chunk_idx`` and a text
        ``chunk``; the rest are skipped with a warning naming the field. When the file is
        ``required`` (a web folder) and nothing usable is left, the folder is unusable."""
        labeled = self._optional("chunks_labeled.json", list)
        if labeled is None:
            return None
        check = self._check("chunks_labeled.json", "entries")
        good = []
        for entry in labeled:
            if not isinstance(entry, dict):
                check.note(ENTRY, "an object per chunk", entry)
                continue
            idx = check.get(entry, "chunk_idx", as_index, INDEX, required=True)
            text = check.get(entry, "chunk", as_text, TEXT, required=True)
            if idx is not None and text is not None:
                good.append(entry)
        repeated = Counter(e["chunk_idx"] for e in good)
        repeated = Counter({i: n for i, n in repeated.items() if n > 1})
        if repeated:
            shown = ", ".join(str(i) for i in sorted(repeated)[:5])
            self.problems.append(
                Problem(
                    str(self.folder / "chunks_labeled.json"),
                    f"{repeated.total()} entries skipped: expected each chunk_idx once, "
                    f"found {shown}{' ...' if len(repeated) > 5 else ''} more than once "
                    "(which entry is right cannot be told)",
                    column="chunk_idx",
                    severity="warning",
                )
            )
            good = [e for e in good if e["chunk_idx"] not in repeated]
        if required and not good:
            self.problems.append(
                Problem(
                    str(self.folder / "chunks_labeled.json"),
                    "no usable chunks: expected entries with a whole-number 'chunk_idx' "
                    "(each once) and a text 'chunk'",
                )
            )
            return None
        return good

    def _sentences(
        self, chunks_doc: dict | None, labeled: list[dict[str, Any]], base: dict[str, Any]
    ) -> pl.DataFrame | None:
        by_idx = {e["chunk_idx"]: e for e in labeled}
        if chunks_doc is not None:
            chunks = chunks_doc.get("chunks")
            doc_check = self._check("chunks.json")
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
            seps = doc_check.get(
                chunks_doc, "separators", as_text_list, f"a list of {len(chunks)} texts"
            )
            if seps is not None and len(seps) != len(chunks):
                doc_check.note(
                    "separators", f"a list of {len(chunks)} texts", chunks_doc["separators"]
                )
                seps = None
            if seps is not None:
                separators: list[str | None] = list(seps)
            else:
                source = doc_check.get(chunks_doc, "solution_text", as_text, TEXT)
                if not source:
                    source = self.base_check.get(base, "solution", as_text, TEXT)
                separators = derive_separators(source, chunks)
        else:
            ordered = sorted(by_idx)
            indices = ordered
            texts = [by_idx[i]["chunk"] for i in ordered]
            source = self.base_check.get(base, "solution", as_text, TEXT)
            separators = derive_separators(source, texts)
        check = self._check("chunks_labeled.json")
        if not by_idx:  # nothing labeled (a pipeline folder alone): no values to check
            n = len(indices)
            given = {"sentence_idx": indices, "text": texts, "separator": separators}
            return pl.DataFrame(  # typed Series: no dtype inference, no list of Nones
                pl.Series(name, given[name], dtype=dtype)
                if name in given
                else pl.Series(
                    name, [self.trace_id if name == "trace_id" else None], dtype=dtype
                ).new_from_index(0, n)
                for name, dtype in SENTENCE_DTYPES.items()
            )
        rows = []
        for idx, text, sep in zip(indices, texts, separators, strict=True):
            entry = by_idx.get(idx, {})
            row = {
                "trace_id": self.trace_id,
                "sentence_idx": idx,
                "text": text,
                "separator": sep,
                "tags": check.get(entry, "function_tags", as_text_list, TEXT_LIST),
                "summary": check.get(entry, "summary", as_text, TEXT),
                "depends_on": check.get(entry, "depends_on", as_index_list, INDEX_LIST),
                "different_trajectories_fraction": finite(
                    check.get(entry, "different_trajectories_fraction", _number, NUMBER)
                ),
                "overdeterminedness": finite(
                    check.get(entry, "overdeterminedness", _number, NUMBER)
                ),
            }
            rows.append(row)
        return pl.DataFrame(rows, schema=SENTENCE_DTYPES)

    # -- metrics carried over from chunks_labeled.json -------------------------------
    def _from_labeled(
        self, frames: TraceFrames, labeled: list[dict[str, Any]], main: str, known_idx: set[int]
    ) -> None:
        rate_rows, imp_rows = [], []
        check = self._check("chunks_labeled.json")
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
                if outcome is not None and value is not None and not is_number(value):
                    check.note(key, "a rate from 0 to 1", value)
                    continue
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
                if value is not None and not is_number(value):
                    check.note(key, NUMBER, value)
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
            outcome = outcome_of(name)
            if outcome is not None and outcome not in frames.outcomes:
                frames.outcomes.append(outcome)

    def _trace_row(
        self, kind: str, task: dict[str, Any], base_labels: dict[str, bool], n_sentences: int
    ) -> dict[str, Any]:
        queries = (self.task_check.get(task, f, as_text, TEXT) for f in QUERY_FIELDS if f in task)
        query = next((q for q in queries if q is not None), None)
        row: dict[str, Any] = {
            "trace_id": self.trace_id,
            "n_sentences": n_sentences,
            "model": self.metadata.get("model"),
            "prompt_variant": self.metadata.get("model"),
            "condition": condition_name(self.metadata),
            "query": query,
            "task_kind": kind,
            "source_folder": str(self.folder.resolve()),
        }
        row.update({outcome_column(o): v for o, v in base_labels.items()})
        for key in ("temperature", "top_p", "base_solution", "forced_answer"):
            if key in self.metadata:
                row[key] = self.metadata[key]
        for key in ("nickname", "level", "type", "gt_answer"):
            value = self.task_check.get(task, key, _scalar_text, "text or a number")
            if value is not None:
                row[f"task_{key}"] = value
        return row
