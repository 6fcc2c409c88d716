"""Read a full pipeline folder's ``chunk_<i>/solutions.json`` files, one chunk at a time.

Each rollout is reduced to its position, id, first resampled sentence and outcome labels;
failed calls (``error``) and rollouts without an answer are skipped, as the pipeline does.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import polars as pl

from afscope.bundle.schema import outcome_column, polars_dtype
from afscope.problems import Problem
from afscope.readers.json_files import load_json
from afscope.readers.thought_anchors.values import (
    ENTRY,
    INDEX,
    TEXT,
    FieldCheck,
    as_index,
    finite,
    labels,
)

_CHUNK_DIR = re.compile(r"^chunk_(\d+)$")
SIMILARITY = "a number from -1 to 1"


def chunk_dirs(folder: Path, problems: list[Problem]) -> list[tuple[int, Path]]:
    """``chunk_<i>`` folders by position; an index beyond Int64 is reported and skipped."""
    found = []
    for child in folder.iterdir():
        match = _CHUNK_DIR.match(child.name)
        if not (match and child.is_dir()):
            continue
        digits = match[1].lstrip("0") or "0"
        idx = as_index(int(digits)) if len(digits) <= 19 else None
        if idx is None:
            problems.append(
                Problem(
                    str(child),
                    f"folder skipped: expected chunk_<i> with i {INDEX}, "
                    f"found {len(digits)} digits",
                    severity="warning",
                )
            )
            continue
        found.append((idx, child))
    return sorted(found)


def _similarity(value: Any) -> float | None:
    """A cosine similarity some forks store per rollout; anything else is unknown."""
    number = finite(value)
    return number if number is not None and -1.0 <= number <= 1.0 else None


def _has_no_answer(entry: dict[str, Any]) -> bool:
    if "answer" not in entry:
        return False  # agentic rollouts have no answer field; their labels decide
    answer = entry.get("answer")
    return answer is None or str(answer).strip() in ("", "None")


def read_rollouts(
    folder: Path, trace_id: str, problems: list[Problem], notes: list[str]
) -> pl.DataFrame:
    """One row per valid rollout of the folder (empty frame when there are none)."""
    rows: list[dict[str, Any]] = []
    skipped_error = skipped_answer = 0
    for idx, chunk_dir in chunk_dirs(folder, problems):
        path = chunk_dir / "solutions.json"
        if not path.is_file():
            continue
        solutions = load_json(path, list, problems)
        if solutions is None:
            last = problems[-1]
            problems[-1] = Problem(
                last.file,
                last.message + "; this position's rollouts were skipped",
                severity="warning",
            )
            continue
        check = FieldCheck(str(path))
        for rollout_id, entry in enumerate(solutions):
            if not isinstance(entry, dict):
                check.note(ENTRY, "a rollout object", entry)
                continue
            if "error" in entry:
                skipped_error += 1
                continue
            if _has_no_answer(entry):
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
            row: dict[str, Any] = {
                "trace_id": trace_id,
                "sentence_idx": idx,
                "rollout_id": rollout_id,
                "resampled_sentence": resampled,
                "similarity": similarity,
            }
            row.update({outcome_column(o): v for o, v in labels(entry, check).items()})
            rows.append(row)
        problems += check.problems()
    if skipped_error or skipped_answer:
        notes.append(
            f"skipped {skipped_error} failed rollouts (error entries) and "
            f"{skipped_answer} rollouts without an answer"
        )
    if not rows:
        return pl.DataFrame()
    frame = pl.DataFrame(rows, infer_schema_length=None)
    return frame.with_columns(pl.col("similarity").cast(polars_dtype("float")))
