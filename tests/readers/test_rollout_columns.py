"""``read_rollouts`` builds its columns without a dict per rollout: it must give exactly the
frame, problems and notes of the plain per-row definition below, whatever the labels."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from afscope.bundle.schema import outcome_column
from afscope.problems import Problem
from afscope.readers.thought_anchors.rollouts import _similarity, read_rollouts
from afscope.readers.thought_anchors.values import FieldCheck, labels


def reference(folder: Path, trace_id: str) -> tuple[pl.DataFrame, list[Problem], list[str]]:
    """One dict per rollout, as the reader was first written."""
    rows, problems, notes = [], [], []
    errors = no_answer = 0
    for chunk in sorted(folder.iterdir(), key=lambda p: int(p.name.split("_")[1])):
        path = chunk / "solutions.json"
        check = FieldCheck(str(path))
        for rollout_id, entry in enumerate(json.loads(path.read_text())):
            if not isinstance(entry, dict):
                check.note("", "a rollout object", entry)
                continue
            if "error" in entry:
                errors += 1
                continue
            if "answer" in entry and (
                entry["answer"] is None or str(entry["answer"]).strip() in ("", "None")
            ):
                no_answer += 1
                continue
            resampled = entry.get("chunk_resampled")
            if resampled is not None and not isinstance(resampled, str):
                check.note("chunk_resampled", "text", resampled)
                resampled = None
            similarity = entry.get("similarity")
            if similarity is not None:
                similarity = check.get(entry, "similarity", _similarity, "a number from -1 to 1")
            row: dict[str, Any] = {
                "trace_id": trace_id,
                "sentence_idx": int(chunk.name.split("_")[1]),
                "rollout_id": rollout_id,
                "resampled_sentence": resampled,
                "similarity": similarity,
            }
            row.update({outcome_column(o): v for o, v in labels(entry, check).items()})
            rows.append(row)
        problems += check.problems()
    if errors or no_answer:
        notes.append(
            f"skipped {errors} failed rollouts (error entries) and "
            f"{no_answer} rollouts without an answer"
        )
    if not rows:
        return pl.DataFrame(), problems, notes
    frame = pl.DataFrame(rows, infer_schema_length=None)
    return frame.with_columns(pl.col("similarity").cast(pl.Float64)), problems, notes


LABEL = st.sampled_from([True, False, None, "yes", 1])
ROLLOUT = st.one_of(
    st.fixed_dictionaries(
        {"chunk_resampled": st.sampled_from(["A.", "B.", None, 3])},
        optional={
            "is_correct": LABEL,
            "contains_blackmail": LABEL,
            "is_blackmail": LABEL,
            "is_other": LABEL,
            "answer": st.sampled_from(["7", "", "None", None, 7]),
            "similarity": st.sampled_from([0.5, -0.2, 2.0, "x", None]),
            "error": st.just("timeout"),
        },
    ),
    st.just("not a rollout"),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(ROLLOUT, max_size=6), min_size=1, max_size=4))
def test_columns_match_the_per_row_definition(files: list[list[Any]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for idx, solutions in enumerate(files):
            (folder / f"chunk_{idx}").mkdir()
            (folder / f"chunk_{idx}" / "solutions.json").write_text(json.dumps(solutions))
        problems: list[Problem] = []
        notes: list[str] = []
        frame = read_rollouts(folder, "t", problems, notes)
        want, want_problems, want_notes = reference(folder, "t")
    assert_frame_equal(frame, want)
    assert problems == want_problems
    assert notes == want_notes


VALUES = {
    "chunk_resampled": st.sampled_from(["A.", "B.", None, 3]),
    "is_correct": LABEL,
    "contains_blackmail": LABEL,
    "is_blackmail": LABEL,
    "is_other": st.sampled_from([True, False, None]),
    "answer": st.sampled_from(["7", "7", "", "None", None, 7]),
    "similarity": st.sampled_from([0.5, None]),
    "full_cot": st.just("..."),
}


KEYS = st.lists(st.sampled_from(sorted(VALUES)), unique=True, max_size=5)


@st.composite
def uniform_file(draw: st.DrawFn, keys: list[str] | None = None) -> list[Any]:
    """Rollouts sharing their field names (the common file, read a column at a time),
    mostly with good values, sometimes in another key order."""
    keys = draw(KEYS) if keys is None else keys
    good = draw(st.booleans())
    rollouts = []
    for _ in range(draw(st.integers(0, 6))):
        order = draw(st.permutations(keys))
        rollout = {}
        for key in order:
            strategy = VALUES[key]
            if good and key == "answer":
                strategy = st.just("7")
            elif good and key in ("chunk_resampled", "is_correct", "contains_blackmail"):
                strategy = st.sampled_from(
                    ["A.", None] if key == "chunk_resampled" else [True, False, None]
                )
            rollout[key] = draw(strategy)
        rollouts.append(rollout)
    return rollouts


@settings(max_examples=80, deadline=None)
@given(st.lists(uniform_file(), min_size=1, max_size=4))
def test_uniform_files_match_the_per_row_definition(files: list[list[Any]]) -> None:
    test_columns_match_the_per_row_definition.hypothesis.inner_test(files)  # type: ignore[attr-defined]


@st.composite
def uniform_folder(draw: st.DrawFn) -> list[list[Any]]:
    """Files that share their field names (a folder's files become columns together),
    now and then one with other names or values that need the per-rollout path."""
    keys = draw(KEYS)
    return draw(
        st.lists(
            st.one_of(uniform_file(keys), uniform_file(keys), uniform_file(), st.lists(ROLLOUT)),
            min_size=1,
            max_size=6,
        )
    )


@settings(max_examples=80, deadline=None)
@given(uniform_folder())
def test_uniform_folders_match_the_per_row_definition(files: list[list[Any]]) -> None:
    test_columns_match_the_per_row_definition.hypothesis.inner_test(files)  # type: ignore[attr-defined]


def test_a_group_of_files_keeps_problems_in_file_order(tmp_path: Path) -> None:
    """A broken file between uniform ones: the files before it become columns (and report
    their problems) first, so problems stay in file order."""
    files: list[Any] = [
        [{"chunk_resampled": 3, "is_correct": True}],
        [{"chunk_resampled": "A.", "is_correct": True}],
        "not json",
        [{"chunk_resampled": "B.", "is_correct": "yes"}],
    ]
    for idx, solutions in enumerate(files):
        (tmp_path / f"chunk_{idx}").mkdir()
        text = solutions if isinstance(solutions, str) else json.dumps(solutions)
        (tmp_path / f"chunk_{idx}" / "solutions.json").write_text(text)
    problems: list[Problem] = []
    frame = read_rollouts(tmp_path, "t", problems, [])
    assert [Path(p.file).parent.name for p in problems] == ["chunk_0", "chunk_2", "chunk_3"]
    assert "skipped" in problems[1].message
    assert frame["sentence_idx"].to_list() == [0, 1, 3]
    assert frame["outcome.correct"].to_list() == [True, True, None]
