"""Hostile Thought Anchors JSON ends in a Problem naming file, field and expectation.

Non-strict imports skip the bad value (or entry, or folder) with a warning; ``--strict``
turns the same problem into a ``BundleError``. Nothing escapes as another exception.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ta_builders import full_folder, web_folder, write_json

from afscope.bundle.validate import validate_bundle
from afscope.problems import BundleError, Problem
from afscope.readers import import_thought_anchors, open_source
from afscope.readers.json_files import HugeInt, load_json
from afscope.readers.thought_anchors.values import (
    INDEX,
    MAX_INDEX,
    FieldCheck,
    as_index,
    as_index_list,
    as_text,
    as_text_list,
    finite,
    labels,
)

BIG = "9" * 5000


def _labeled(folder: Path) -> list[dict]:
    return json.loads((folder / "chunks_labeled.json").read_text())


def _import(folder: Path, out: Path, strict: bool = False):
    return import_thought_anchors(folder, out, strict=strict)


def _one(problems: list[Problem], file: str, column: str | None) -> Problem:
    found = [p for p in problems if p.file.endswith(file) and p.column == column]
    assert len(found) == 1, problems
    return found[0]


@pytest.mark.parametrize("value", [2**63, 2**70, -1, True, "3", 1.5, None])
def test_out_of_range_chunk_idx_skips_that_entry(tmp_path, value):
    folder = web_folder(tmp_path / "problem_1")
    doc = _labeled(folder)
    doc[1]["chunk_idx"] = value
    write_json(folder / "chunks_labeled.json", doc)
    report = _import(folder, tmp_path / "out")
    problem = _one(report.problems, "chunks_labeled.json", "chunk_idx")
    assert problem.severity == "warning"
    assert f"1 entries left out: expected {INDEX}" in problem.message
    sentences = pl.read_parquet(report.path / "sentences.parquet")
    assert sentences["sentence_idx"].to_list() == [0, 3, 4]
    assert validate_bundle(report.path) == []
    with pytest.raises(BundleError, match="chunk_idx"):
        _import(folder, tmp_path / "strict", strict=True)


def test_five_thousand_digit_integers_name_their_field(tmp_path):
    folder = web_folder(tmp_path / "problem_1")
    text = (folder / "chunks_labeled.json").read_text()
    text = text.replace('"accuracy": 0.8', f'"accuracy": {BIG}', 1)
    text = text.replace('"chunk_idx": 4', f'"chunk_idx": {BIG}', 1)
    (folder / "chunks_labeled.json").write_text(text)
    report = _import(folder, tmp_path / "out")
    rate = _one(report.problems, "chunks_labeled.json", "accuracy")
    assert "expected a rate from 0 to 1, found an integer with 5000 digits" in rate.message
    idx = _one(report.problems, "chunks_labeled.json", "chunk_idx")
    assert "found an integer with 5000 digits" in idx.message
    rates = pl.read_parquet(report.path / "rates.parquet")
    assert rates.sort("sentence_idx")["rate"].to_list() == [0.2, 0.2]  # 3 lost its rate


def test_huge_integer_in_a_rollout_file(tmp_path):
    folder = full_folder(tmp_path / "problem_2")
    (folder / "chunk_1" / "solutions.json").write_text(
        f'[{{"answer": "7", "is_correct": true, "similarity": {BIG}}}, '
        '{"answer": "7", "is_correct": "yes"}]'
    )
    report = _import(folder, tmp_path / "out")
    sim = _one(report.problems, "chunk_1/solutions.json", "similarity")
    assert "expected a number from -1 to 1, found an integer with 5000 digits" in sim.message
    label = _one(report.problems, "chunk_1/solutions.json", "is_correct")
    assert "expected true or false, found text 'yes'" in label.message
    rates = pl.read_parquet(report.path / "rates.parquet").sort("sentence_idx")
    assert rates.select("sentence_idx", "n").rows() == [(0, 2), (1, 1), (2, 2)]


def test_all_chunk_idx_zero_makes_a_web_folder_unusable(tmp_path):
    folder = web_folder(tmp_path / "runs" / "problem_1")
    write_json(folder / "chunks_labeled.json", [{**e, "chunk_idx": 0} for e in _labeled(folder)])
    full_folder(tmp_path / "runs" / "problem_2")
    report = _import(tmp_path / "runs", tmp_path / "out")
    assert report.traces == 1
    repeated = _one(report.problems, "problem_1/chunks_labeled.json", "chunk_idx")
    assert "4 entries skipped: expected each chunk_idx once, found 0 more than once" in (
        repeated.message
    )
    assert any("no usable chunks" in p.message and p.severity == "error" for p in report.problems)
    assert any("trace skipped" in p.message for p in report.problems)
    with pytest.raises(BundleError, match="more than once"):
        _import(tmp_path / "runs", tmp_path / "strict", strict=True)


def test_repeated_chunk_idx_in_a_full_folder_drops_only_those_values(tmp_path):
    folder = full_folder(tmp_path / "problem_2", labeled=True)
    doc = _labeled(folder)
    doc[2]["chunk_idx"] = 1
    write_json(folder / "chunks_labeled.json", doc)
    bundle = open_source(folder).bundle
    carried = bundle.read("importance").filter(pl.col("metric") == "counterfactual")
    assert carried["sentence_idx"].to_list() == [0]  # 1 is ambiguous now, 2 is gone
    assert bundle.sentences("problem_2")["text"].to_list()[1] == "Then x + 4 = 7."


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("function_tags", "active", "expected a list of text, found text 'active'"),
        ("summary", 3, "expected text, found 3"),
        ("depends_on", [1, {"a": 1}], "expected a list of chunk indices, found a list"),
        ("overdeterminedness", "0.5", "expected a number, found text '0.5'"),
        ("counterfactual_importance_accuracy", [0.1], "expected a number, found a list"),
    ],
)
def test_wrong_types_in_labeled_fields(tmp_path, field, value, expected):
    folder = web_folder(tmp_path / "problem_1")
    doc = _labeled(folder)
    doc[0][field] = value
    write_json(folder / "chunks_labeled.json", doc)
    opened = open_source(folder)
    problem = _one(opened.problems, "chunks_labeled.json", field)
    assert expected in problem.message and problem.severity == "warning"
    assert validate_bundle(opened.bundle.root) == []


def test_null_and_missing_optional_fields_are_quiet(tmp_path):
    folder = web_folder(tmp_path / "problem_1")
    doc = _labeled(folder)
    doc[0].update(function_tags=None, summary=None, accuracy=None)
    del doc[1]["depends_on"]
    write_json(folder / "chunks_labeled.json", doc)
    opened = open_source(folder)
    assert opened.problems == []
    sentences = opened.bundle.sentences("problem_1")
    assert sentences["tags"][0] is None and sentences["depends_on"][1] is None


def test_chunk_folder_beyond_int64_is_skipped(tmp_path):
    folder = full_folder(tmp_path / "problem_2")
    write_json(folder / f"chunk_{2**70}" / "solutions.json", [{"answer": "7", "is_correct": True}])
    report = _import(folder, tmp_path / "out")
    problem = next(p for p in report.problems if f"chunk_{2**70}" in p.file)
    assert "folder skipped" in problem.message and INDEX in problem.message


def test_effects_with_bad_indices_and_repeats(tmp_path):
    folder = web_folder(tmp_path / "problem_1")
    write_json(
        folder / "step_importance.json",
        [
            {"source_chunk_idx": 2**70, "target_impacts": [{"target_chunk_idx": 3}]},
            {"source_chunk_idx": 1, "target_impacts": None},
            {
                "source_chunk_idx": 1,
                "target_impacts": [
                    {"target_chunk_idx": 3, "importance_score": 0.4},
                    {"target_chunk_idx": 3, "importance_score": 0.5},
                ],
            },
        ],
    )
    opened = open_source(folder)
    assert (
        "expected a whole number"
        in _one(opened.problems, "step_importance.json", "source_chunk_idx").message
    )
    assert (
        "expected a list" in _one(opened.problems, "step_importance.json", "target_impacts").message
    )
    assert (
        "1 repeated effects left out"
        in _one(opened.problems, "step_importance.json", "target_chunk_idx").message
    )
    effects = opened.bundle.read("effects")
    assert effects.select("source_idx", "target_idx", "score").rows() == [(1, 3, 0.4)]
    assert validate_bundle(opened.bundle.root) == []


# -- the field parsers, on any JSON value -----------------------------------------------
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**80), 2**80)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=5)
    | st.builds(HugeInt, st.just(BIG)),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner),
    max_leaves=6,
)


@given(json_values)
def test_parsers_accept_exactly_their_type(value):
    index = as_index(value)
    assert index is None or (type(value) is int and 0 <= index <= MAX_INDEX)
    assert as_text(value) == (value if isinstance(value, str) else None)
    texts = as_text_list(value)
    assert texts is None or all(isinstance(t, str) for t in texts)
    indices = as_index_list(value)
    assert indices is None or all(isinstance(t, str) for t in indices)
    number = finite(value)
    assert number is None or (isinstance(number, float) and abs(number) < float("inf"))


@settings(max_examples=200)
@given(st.dictionaries(st.sampled_from(["chunk_idx", "is_correct", "x"]), json_values))
def test_field_check_reports_every_rejected_value_by_name(record):
    check = FieldCheck("f.json")
    idx = check.get(record, "chunk_idx", as_index, INDEX, required=True)
    found = labels(record, check)
    problems = check.problems()
    assert all(p.file == "f.json" and p.severity == "warning" for p in problems)
    assert (idx is None) == any(p.column == "chunk_idx" for p in problems)
    wrong_label = record.get("is_correct") is not None and not isinstance(
        record.get("is_correct"), bool
    )
    assert wrong_label == any(p.column == "is_correct" for p in problems)
    assert set(found) <= {"correct"}


@settings(max_examples=40, deadline=None)
@given(json_values)
def test_any_value_in_a_labeled_field_ends_in_a_bundle_or_a_problem(tmp_path_factory, value):
    folder = web_folder(tmp_path_factory.mktemp("h") / "problem_1")
    doc = _labeled(folder)
    doc[1]["chunk_idx"] = value
    doc[2]["accuracy"] = value
    doc[3]["function_tags"] = value
    text = json.dumps(doc, default=lambda _huge: "__BIG__")  # a HugeInt goes in as digits
    (folder / "chunks_labeled.json").write_text(text.replace('"__BIG__"', BIG))
    try:
        opened = open_source(folder)
    except BundleError as exc:
        assert all("chunks_labeled.json" in p.file for p in exc.problems)
        return
    assert validate_bundle(opened.bundle.root) == []


def test_load_json_marks_huge_integers_instead_of_failing(tmp_path):
    path = tmp_path / "x.json"
    path.write_text(f'{{"a": {BIG}, "b": 7}}')
    problems: list[Problem] = []
    doc = load_json(path, dict, problems)
    assert problems == [] and doc["b"] == 7 and isinstance(doc["a"], HugeInt)
