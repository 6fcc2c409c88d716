"""Read a full pipeline folder's ``chunk_<i>/solutions.json`` files, one chunk at a time.

Each rollout is reduced to its position, id, first resampled sentence and outcome labels;
failed calls (``error``) and rollouts without an answer are skipped, as the pipeline does.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from operator import itemgetter
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
    labels,
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
            found.append((idx, child.path if base != "." else child.name))
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
            "trace_id": pl.Series([trace_id], dtype=pl.String).new_from_index(0, n),
            "sentence_idx": pl.Series(self.sentence_idx, dtype=pl.Int64),
            "rollout_id": pl.Series(self.rollout_id, dtype=pl.Int64),
            # typed where the dtype is known (cheaper than inferring it); a column of nulls
            # keeps the Null dtype inference gives
            "resampled_sentence": pl.Series(
                self.resampled, dtype=pl.String if any(self.resampled) else None
            ),
            "similarity": (
                pl.Series([None], dtype=polars_dtype("float")).new_from_index(0, n)
                if self.similarity.count(None) == n  # the usual column: 7x cheaper
                else pl.Series(self.similarity, dtype=polars_dtype("float"))
            ),
        }
        columns |= {
            outcome_column(o): pl.Series(v, dtype=pl.Boolean) for o, v in self.labels.items()
        }
        return pl.DataFrame(columns)


def _label_lists(
    entry: dict[str, Any], cols: _Columns
) -> tuple[list[tuple[str, list[bool | None]]], list[list[bool | None]]] | None:
    """For rollouts with ``entry``'s field names: (field, column) per label field, and the
    columns they leave empty. None (the general path) when two fields label one outcome or
    an outcome has no column yet (a column is made by the first true or false met)."""
    keys = [(key, o) for key in entry if (o := label_outcome(key)) is not None]
    mine = {o for _, o in keys}
    if len(mine) < len(keys) or not mine <= cols.labels.keys():
        return None
    lists = [(key, cols.labels[o]) for key, o in keys]
    return lists, [v for o, v in cols.labels.items() if o not in mine]


def _read_file(
    solutions: list[Any], idx: int, cols: _Columns, check: FieldCheck, skipped: Counter[str]
) -> None:
    """Append the valid rollouts of one ``solutions.json`` to ``cols``. This loop runs once
    per rollout (millions in a large tree), so the checks are inline and the label fields
    are resolved once per set of field names (the rollouts of a file share them)."""
    keys: Any = None
    resolved = None
    append_idx, append_id = cols.sentence_idx.append, cols.rollout_id.append
    append_text, append_sim = cols.resampled.append, cols.similarity.append
    for rollout_id, entry in enumerate(solutions):
        if not isinstance(entry, dict):
            check.note(ENTRY, "a rollout object", entry)
            continue
        if "error" in entry:
            skipped["error"] += 1
            continue
        if "answer" in entry:  # agentic rollouts have no answer field: labels decide
            answer = entry["answer"]
            if answer is None or str(answer).strip() in ("", "None"):
                skipped["answer"] += 1
                continue
        resampled = entry.get("chunk_resampled")
        if resampled is not None and not isinstance(resampled, str):
            check.note("chunk_resampled", TEXT, resampled)
            resampled = None
        similarity = entry.get("similarity")
        if similarity is not None:
            similarity = check.get(entry, "similarity", _similarity, SIMILARITY)
        if entry.keys() != keys:
            keys = entry.keys()
            resolved = _label_lists(entry, cols)
        if resolved is None:
            _append_labels(entry, cols, check)
            keys = None  # resolve again: this rollout may have made a column
        else:
            for key, values in resolved[0]:
                value = entry[key]
                if value is True or value is False:
                    values.append(value)
                    continue
                values.append(None)
                if value is not None and key in ROLLOUT_FIELDS:
                    check.note(key, BOOLEAN, value)
            for values in resolved[1]:
                values.append(None)
        append_idx(idx)
        append_id(rollout_id)
        append_text(resampled)
        append_sim(similarity)


_NO_ANSWER = {"", "None"}
"""Answers (after ``str`` and ``strip``) the pipeline counts as none; None is "None"."""
_TEXT = {str, type(None)}
_LABEL = {bool, type(None)}


def _read_uniform(files: list[tuple[int, list[Any]]], cols: _Columns) -> bool:
    """``_read_file`` a column at a time over several files' rollouts, for the common
    case: rollouts with the same field names, no ``error`` or ``similarity`` field, every
    answer given, text resampled sentences and labels that are true, false or null.
    Returns False (and changes nothing) otherwise; those files then take the per-file or
    per-rollout path, and every path gives the same columns. Builtins over whole columns,
    many files at once: files hold ten rollouts or a hundred, so a cost per call counts as
    much as the cost per rollout."""
    solutions = [rollout for _, rollouts in files for rollout in rollouts]
    if not solutions:
        return True
    if set(map(type, solutions)) != {dict} or len(set(map(tuple, solutions))) != 1:
        return False  # not all objects with the same field names in the same order
    keys = solutions[0].keys()
    if "error" in keys or "similarity" in keys:
        return False
    if "answer" in keys:
        answers = map(str, map(itemgetter("answer"), solutions))
        if not _NO_ANSWER.isdisjoint(map(str.strip, answers)):
            return False
    if "chunk_resampled" in keys:
        resampled = list(map(itemgetter("chunk_resampled"), solutions))
        if not set(map(type, resampled)) <= _TEXT:
            return False
    else:
        resampled = [None] * len(solutions)
    found: list[tuple[str, list[Any]]] = []
    for key in keys:
        outcome = label_outcome(key)
        if outcome is None:
            continue
        values = list(map(itemgetter(key), solutions))
        if not set(map(type, values)) <= _LABEL:
            return False
        if any(o == outcome for o, _ in found):
            return False  # two fields label one outcome: the per-rollout path decides
        found.append((outcome, values))
    n = len(solutions)
    new: list[tuple[int, int, str, list[Any]]] = []
    for outcome, values in found:
        if outcome in cols.labels:
            cols.labels[outcome].extend(values)
            continue
        first = next((r for r, v in enumerate(values) if v is not None), None)
        if first is not None:  # made by its first true or false, as the per-rollout path does
            key = next(k for k in solutions[first] if label_outcome(k) == outcome)
            new.append((first, list(solutions[first]).index(key), outcome, values))
    for _, _, outcome, values in sorted(new, key=lambda item: item[:2]):
        cols.label_list(outcome).extend(values)
    size = len(cols.rollout_id) + n
    for values in cols.labels.values():
        if len(values) < size:
            values.extend([None] * n)
    for idx, rollouts in files:
        cols.sentence_idx.extend([idx] * len(rollouts))
        cols.rollout_id.extend(range(len(rollouts)))
    cols.resampled.extend(resampled)
    cols.similarity.extend([None] * n)
    return True


def _append_labels(entry: dict[str, Any], cols: _Columns, check: FieldCheck) -> None:
    """The general case of ``_read_file``'s labels: ``values.labels`` and a padding."""
    found = labels(entry, check)
    for outcome, value in found.items():
        cols.label_list(outcome).append(value)
    n = len(cols.rollout_id)
    for values in cols.labels.values():
        if len(values) == n:
            values.append(None)


_GROUP_BYTES = 1 << 21
"""Files of a folder parsed before their rollouts become columns together: 2 MiB of JSON
bounds what a group holds; small files (ten rollouts each) gain most."""


def read_rollouts(
    folder: Path, trace_id: str, problems: list[Problem], notes: list[str]
) -> pl.DataFrame:
    """One row per valid rollout of the folder (empty frame when there are none)."""
    cols = _Columns()
    skipped = Counter[str]()
    group: list[tuple[int, list[Any], str]] = []
    size = 0
    for idx, chunk_dir in chunk_dirs(folder, problems):
        path = chunk_dir + os.sep + "solutions.json"  # os.path.join, without its checks
        found: list[Problem] = []
        data = read_regular(path, found)
        solutions = None if data is None else parse_json_fast(data, path, list, found)
        if found:  # problems stay in file order: the files before this one go first
            _add_group(group, cols, skipped, problems)
            group, size = [], 0
            last = found[-1]
            found[-1] = Problem(
                last.file,
                last.message + "; this position's rollouts were skipped",
                severity="warning",
            )
            problems += found
        if solutions is None or data is None:
            continue  # no solutions.json at this position, or a problem reported
        group.append((idx, solutions, path))
        size += len(data)
        if size >= _GROUP_BYTES:
            _add_group(group, cols, skipped, problems)
            group, size = [], 0
    _add_group(group, cols, skipped, problems)
    if skipped:
        notes.append(
            f"skipped {skipped['error']} failed rollouts (error entries) and "
            f"{skipped['answer']} rollouts without an answer"
        )
    if not cols.rollout_id:
        return pl.DataFrame()
    return cols.frame(trace_id)


def _add_group(
    group: list[tuple[int, list[Any], str]],
    cols: _Columns,
    skipped: Counter[str],
    problems: list[Problem],
) -> None:
    """A group's rollouts as columns: all at once when they are uniform, else file by file
    (uniform files a column at a time, the others a rollout at a time)."""
    if len(group) > 1 and _read_uniform([(idx, rollouts) for idx, rollouts, _ in group], cols):
        return
    for idx, rollouts, path in group:
        if _read_uniform([(idx, rollouts)], cols):
            continue
        check = FieldCheck(path)
        _read_file(rollouts, idx, cols, check, skipped)
        problems += check.problems()
