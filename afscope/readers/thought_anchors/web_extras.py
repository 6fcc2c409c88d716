"""The web viewer's extra files: resampled first sentences and sentence-to-sentence effects."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from afscope.bundle.schema import outcome_column, polars_dtype, table_dtypes
from afscope.problems import Problem
from afscope.readers.json_files import load_json
from afscope.readers.thought_anchors.values import (
    ENTRY,
    INDEX,
    NUMBER,
    TEXT,
    FieldCheck,
    as_index,
    as_text,
    finite,
    is_number,
    trace_frame,
)

EFFECT_FILES = (
    ("step_importance.json", "step_importance"),
    ("step_importance_supp.json", "step_importance_supp"),
)
RESAMPLE_DTYPES = table_dtypes("resamples", ["sentence_idx", "rollout_id", "resampled_sentence"])
EFFECT_DTYPES = table_dtypes("effects", ["source_idx", "target_idx", "score", "kind"])


def resampled_sentences(
    folder: Path,
    trace_id: str,
    known_idx: set[int],
    outcome: str,
    problems: list[Problem],
    outside: list[int] | None = None,
) -> pl.DataFrame | None:
    """``chunks_resampled.json`` as resample rows; the web data has no labels (null).
    Keys that are no known sentence are left out and added to ``outside`` (for checks)."""
    path = folder / "chunks_resampled.json"
    doc = load_json(path, dict, problems) if path.is_file() else None
    check = FieldCheck(str(path))
    rows = []
    for key, sentences in (doc or {}).items():
        idx = _key_index(key)
        if idx is None:
            check.note(key[:40], f"a chunk index ({INDEX}) as the key", key)
            continue
        if not isinstance(sentences, list):
            check.note(key, "a list of resampled sentences", sentences)
            continue
        if idx not in known_idx:
            if outside is not None:
                outside.append(idx)
        else:
            texts = [check.get({key: s}, key, as_text, TEXT) for s in sentences]
            rows += [(idx, j, text) for j, text in enumerate(texts)]
    problems += check.problems()
    if not rows:
        return None
    return trace_frame(
        rows,
        RESAMPLE_DTYPES,
        trace_id,
        similarity=(None, polars_dtype("float")),
        **{outcome_column(outcome): (None, polars_dtype("bool"))},
    )


def effects(
    folder: Path, trace_id: str, known_idx: set[int], problems: list[Problem], notes: list[str]
) -> pl.DataFrame | None:
    """``step_importance.json`` (and ``_supp``) as effect rows between known sentences."""
    rows: dict[tuple[int, int, str], float] = {}
    outside = 0
    for name, kind in EFFECT_FILES:
        path = folder / name
        doc = load_json(path, list, problems) if path.is_file() else None
        check = FieldCheck(str(path))
        repeated = 0
        for entry in doc or []:
            if not isinstance(entry, dict):
                check.note(ENTRY, "an object per source chunk", entry)
                continue
            source = check.get(entry, "source_chunk_idx", as_index, INDEX, required=True)
            impacts = check.get(entry, "target_impacts", _list, "a list", required=True)
            for impact in impacts or []:
                if not isinstance(impact, dict):
                    check.note("target_impacts", "a list of objects", impact)
                    continue
                target = check.get(impact, "target_chunk_idx", as_index, INDEX, required=True)
                score = finite(check.get(impact, "importance_score", _number, NUMBER))
                if source is None or target is None or score is None:
                    continue
                if source not in known_idx or target not in known_idx:
                    outside += 1
                    continue
                if (source, target, kind) in rows:
                    repeated += 1
                    continue
                rows[(source, target, kind)] = score
        problems += check.problems()
        if repeated:
            problems.append(
                Problem(
                    str(path),
                    f"{repeated} repeated effects left out: expected each source and target "
                    "chunk pair once (the first is kept)",
                    column="target_chunk_idx",
                    severity="warning",
                )
            )
    if outside:
        notes.append(
            f"{outside} sentence-to-sentence effects name chunks that are "
            "not in the trace and were left out"
        )
    if not rows:
        return None
    return trace_frame(
        [(s, t, score, kind) for (s, t, kind), score in rows.items()], EFFECT_DTYPES, trace_id
    )


def _key_index(key: str) -> int | None:
    """A JSON object key that is a chunk index (ASCII digits, within Int64)."""
    if not (key.isascii() and key.isdigit()) or len(key.lstrip("0")) > 19:
        return None
    return as_index(int(key))


def _list(value: Any) -> list | None:
    return value if isinstance(value, list) else None


def _number(value: Any) -> Any:
    return value if is_number(value) else None
