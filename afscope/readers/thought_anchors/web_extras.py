"""The web viewer's extra files: resampled first sentences and sentence-to-sentence effects."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from afscope.bundle.schema import outcome_column, polars_dtype, table_dtypes
from afscope.problems import Problem
from afscope.readers.json_files import load_json
from afscope.readers.thought_anchors.values import finite, trace_frame

EFFECT_FILES = (
    ("step_importance.json", "step_importance"),
    ("step_importance_supp.json", "step_importance_supp"),
)
RESAMPLE_DTYPES = table_dtypes("resamples", ["sentence_idx", "rollout_id", "resampled_sentence"])
EFFECT_DTYPES = table_dtypes("effects", ["source_idx", "target_idx", "score", "kind"])


def resampled_sentences(
    folder: Path, trace_id: str, known_idx: set[int], outcome: str, problems: list[Problem]
) -> pl.DataFrame | None:
    """``chunks_resampled.json`` as resample rows; the web data has no labels (null)."""
    path = folder / "chunks_resampled.json"
    doc = load_json(path, dict, problems) if path.is_file() else None
    rows = []
    for key, sentences in (doc or {}).items():
        if not (isinstance(key, str) and key.isdigit() and isinstance(sentences, list)):
            continue
        if int(key) in known_idx:
            rows += [
                (int(key), j, s if isinstance(s, str) else None) for j, s in enumerate(sentences)
            ]
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
    rows = []
    outside = 0
    for name, kind in EFFECT_FILES:
        path = folder / name
        doc = load_json(path, list, problems) if path.is_file() else None
        for entry in doc or []:
            if not isinstance(entry, dict):
                continue
            source = entry.get("source_chunk_idx")
            for impact in entry.get("target_impacts") or []:
                if not isinstance(impact, dict):
                    continue
                target = impact.get("target_chunk_idx")
                score = finite(impact.get("importance_score"))
                if not (isinstance(source, int) and isinstance(target, int)) or score is None:
                    continue
                if source not in known_idx or target not in known_idx:
                    outside += 1
                    continue
                rows.append((source, target, score, kind))
    if outside:
        notes.append(
            f"{outside} sentence-to-sentence effects name chunks that are "
            "not in the trace and were left out"
        )
    if not rows:
        return None
    return trace_frame(rows, EFFECT_DTYPES, trace_id)
