"""Read a full pipeline folder's ``chunk_<i>/solutions.json`` files, one chunk at a time.

Each rollout is reduced to its position, id, first resampled sentence and outcome labels;
failed calls (``error``) and rollouts without an answer are skipped, as the pipeline does.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import polars as pl

from afscope.bundle.schema import OUTCOME_PREFIX
from afscope.problems import Problem
from afscope.readers.json_files import load_json
from afscope.readers.thought_anchors.values import labels

_CHUNK_DIR = re.compile(r"^chunk_(\d+)$")


def chunk_dirs(folder: Path) -> list[tuple[int, Path]]:
    found = []
    for child in folder.iterdir():
        match = _CHUNK_DIR.match(child.name)
        if match and child.is_dir():
            found.append((int(match[1]), child))
    return sorted(found)


def _similarity(value: Any) -> float | None:
    """A cosine similarity some forks store per rollout; anything else is unknown."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    value = float(value)
    return value if -1.0 <= value <= 1.0 else None


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
    for idx, chunk_dir in chunk_dirs(folder):
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
        for rollout_id, entry in enumerate(solutions):
            if not isinstance(entry, dict) or "error" in entry:
                skipped_error += 1
                continue
            if _has_no_answer(entry):
                skipped_answer += 1
                continue
            resampled = entry.get("chunk_resampled")
            row: dict[str, Any] = {
                "trace_id": trace_id,
                "sentence_idx": idx,
                "rollout_id": rollout_id,
                "resampled_sentence": resampled if isinstance(resampled, str) else None,
                "similarity": _similarity(entry.get("similarity")),
            }
            row.update({f"{OUTCOME_PREFIX}{o}": v for o, v in labels(entry).items()})
            rows.append(row)
    if skipped_error or skipped_answer:
        notes.append(
            f"skipped {skipped_error} failed rollouts (error entries) and "
            f"{skipped_answer} rollouts without an answer"
        )
    if not rows:
        return pl.DataFrame()
    frame = pl.DataFrame(rows, infer_schema_length=None)
    return frame.with_columns(pl.col("similarity").cast(pl.Float64))
