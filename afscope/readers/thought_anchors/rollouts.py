"""Read a full pipeline folder's ``chunk_<i>/solutions.json`` files, one chunk at a time.

Each rollout is reduced to its position, id, first resampled sentence and outcome labels;
failed calls (``error``) and rollouts without an answer are skipped, as the pipeline does.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import polars as pl

from afscope.bundle.schema import outcome_column, polars_dtype
from afscope.problems import Problem
from afscope.readers.json_files import parse_json_fast, read_regular
from afscope.readers.thought_anchors.fields import ROLLOUT_FIELDS
from afscope.readers.thought_anchors.values import (
    BOOLEAN,
    ENTRY,
    INDEX,
    TEXT,
    FieldCheck,
    as_index,
    finite,
    label_outcome,
)

_CHUNK_DIR = re.compile(r"^chunk_(\d+)$")
SIMILARITY = "a number from -1 to 1"


def _join(base: str, name: str) -> str:
    """``str(Path(base) / name)`` without the Path objects."""
    return name if base == "." else os.path.join(base, name)


def chunk_dirs(folder: Path, problems: list[Problem]) -> list[tuple[int, str]]:
    """``chunk_<i>`` folders (paths as text: cheaper by the thousand) by position; an index
    beyond Int64 is reported and skipped."""
    found = []
    base = str(folder)
    with os.scandir(folder) as entries:  # file types come with the listing: no stat each
        for child in entries:
            match = _CHUNK_DIR.match(child.name)
            if not (match and child.is_dir()):
                continue
            digits = match[1].lstrip("0") or "0"
            idx = as_index(int(digits)) if len(digits) <= 19 else None
            if idx is None:
                problems.append(
                    Problem(
                        _join(base, child.name),
                        f"folder skipped: expected chunk_<i> with i {INDEX}, "
                        f"found {len(digits)} digits",
                        severity="warning",
                    )
                )
                continue
            found.append((idx, _join(base, child.name)))
    return sorted(found)


def _similarity(value: Any) -> float | None:
    """A cosine similarity some forks store per rollout; anything else is unknown."""
    number = finite(value)
    return number if number is not None and -1.0 <= number <= 1.0 else None


class _Columns:
    """The kept fields of a folder's rollouts, one list per column (no dict per rollout)."""

    def __init__(self) -> None:
        self.sentence_idx: list[int] = []
        self.rollout_id: list[int] = []
        self.resampled: list[str | None] = []
        self.similarity: list[float | None] = []
        self.labels: dict[str, list[bool | None]] = {}
        """outcome -> values, in the order outcomes are first met"""

    def label_list(self, outcome: str) -> list[bool | None]:
        values = self.labels.get(outcome)
        if values is None:  # first met here: earlier rollouts have no value
            values = self.labels[outcome] = [None] * len(self.rollout_id)
        return values

    def frame(self, trace_id: str) -> pl.DataFrame:
        n = len(self.rollout_id)
        columns: dict[str, Any] = {
            "trace_id": pl.repeat(trace_id, n, dtype=pl.String, eager=True),
            "sentence_idx": self.sentence_idx,
            "rollout_id": self.rollout_id,
            "resampled_sentence": self.resampled,
            "similarity": pl.Series(self.similarity, dtype=polars_dtype("float")),
        }
        columns |= {outcome_column(o): v for o, v in self.labels.items()}
        return pl.DataFrame(columns)


def _label_keys(entry: dict[str, Any]) -> list[tuple[str, str]]:
    """(field, outcome) for the label fields of a rollout, in the rollout's order."""
    return [(key, o) for key in entry if (o := label_outcome(key)) is not None]


def read_rollouts(
    folder: Path, trace_id: str, problems: list[Problem], notes: list[str]
) -> pl.DataFrame:
    """One row per valid rollout of the folder (empty frame when there are none)."""
    cols = _Columns()
    skipped_error = skipped_answer = 0
    for idx, chunk_dir in chunk_dirs(folder, problems):
        path = os.path.join(chunk_dir, "solutions.json")
        before = len(problems)
        data = read_regular(path, problems)
        if data is None and len(problems) == before:
            continue  # no solutions.json at this position
        solutions = None if data is None else parse_json_fast(data, path, list, problems)
        if solutions is None:
            last = problems[-1]
            problems[-1] = Problem(
                last.file,
                last.message + "; this position's rollouts were skipped",
                severity="warning",
            )
            continue
        check = FieldCheck(path)
        # rollouts of one file share their field names: resolve the labels once per set
        keys: Any = None
        label_keys: list[tuple[str, str]] = []
        for rollout_id, entry in enumerate(solutions):
            if not isinstance(entry, dict):
                check.note(ENTRY, "a rollout object", entry)
                continue
            if "error" in entry:
                skipped_error += 1
                continue
            if "answer" in entry:  # agentic rollouts have no answer field: labels decide
                answer = entry["answer"]
                if answer is None or str(answer).strip() in ("", "None"):
                    skipped_answer += 1
                    continue
            # inline checks: this loop runs once per rollout (millions in a large tree)
            resampled = entry.get("chunk_resampled")
            if resampled is not None and not isinstance(resampled, str):
                check.note("chunk_resampled", TEXT, resampled)
                resampled = None
            similarity = entry.get("similarity")
            if similarity is not None:
                similarity = check.get(entry, "similarity", _similarity, SIMILARITY)
            if entry.keys() != keys:
                keys = entry.keys()
                label_keys = _label_keys(entry)
            found: dict[str, bool] = {}
            for key, outcome in label_keys:  # as values.labels, without a lookup per field
                value = entry[key]
                if value is True or value is False:
                    found[outcome] = value
                elif value is not None and key in ROLLOUT_FIELDS:
                    check.note(key, BOOLEAN, value)
            for outcome, value in found.items():
                cols.label_list(outcome).append(value)
            if len(found) < len(cols.labels):  # outcomes this rollout does not label
                n = len(cols.rollout_id)
                for values in cols.labels.values():
                    if len(values) == n:
                        values.append(None)
            cols.sentence_idx.append(idx)
            cols.rollout_id.append(rollout_id)
            cols.resampled.append(resampled)
            cols.similarity.append(similarity)
        problems += check.problems()
    if skipped_error or skipped_answer:
        notes.append(
            f"skipped {skipped_error} failed rollouts (error entries) and "
            f"{skipped_answer} rollouts without an answer"
        )
    if not cols.rollout_id:
        return pl.DataFrame()
    return cols.frame(trace_id)
