"""Source checks on Thought Anchors folders: index gaps, misaligned alternatives and
published importance that the published rates contradict, reported as warnings that
survive ``afscope import`` and never change an exit code."""

from __future__ import annotations

import json

import pytest
from support import SHARED_DATA
from ta_builders import full_folder, shifted_folder, web_folder, write_json

from afscope.bundle.manifest import MANIFEST_FILE
from afscope.bundle.reader import Bundle
from afscope.cli.main import main
from afscope.compute.run import compute_bundle
from afscope.readers import import_thought_anchors, open_source
from afscope.readers.thought_anchors.checks import (
    CONTRADICTS,
    INDEX_GAP,
    MISALIGNED,
    spans,
)

SCENARIO_0 = SHARED_DATA / "deepseek-r1" / "no_base_solution" / "scenario_0"
needs_shared = pytest.mark.skipif(not SCENARIO_0.is_dir(), reason="../shared/data not present")


def _warnings(folder):
    return {w.kind: w for w in open_source(folder).bundle.manifest.warnings}


def test_spans_reads_indices_as_ranges():
    assert spans([22]) == "22"
    assert spans([25, 23, 24, 30, 4]) == "4, 23-25, 30"
    assert spans([]) == ""


def test_a_gap_in_the_labeled_indices_is_a_warning(tmp_path):
    warnings = _warnings(web_folder(tmp_path / "problem_1"))
    assert set(warnings) == {INDEX_GAP}  # its numbers agree with each other
    gap = warnings[INDEX_GAP]
    assert gap.sentences == (2,) and gap.file == "chunks_labeled.json"
    assert gap.message.startswith("sentence 2 missing")
    assert "chunks_resampled.json has alternatives" not in gap.message  # none for 2 there


def test_alternatives_for_the_missing_sentence_say_the_pipeline_had_one(tmp_path):
    warnings = _warnings(shifted_folder(tmp_path / "scenario_1", gap=3))
    assert warnings[INDEX_GAP].sentences == (3,)
    assert "chunks_resampled.json has alternatives for 3" in warnings[INDEX_GAP].message


def test_importance_shifted_by_the_gap_contradicts_the_rates(tmp_path):
    warning = _warnings(shifted_folder(tmp_path / "scenario_1", gap=3))[CONTRADICTS]
    # 4 -> 5 ... 8 -> 9 are checked; 2 (next is missing) and 9 (last) cannot be
    assert warning.sentences == (4, 5, 6, 7, 8)
    assert "blackmail" in warning.message
    assert "sentence 4: rate 0.50 -> 0.20 gives -0.300, published +0.200" in warning.message
    assert "at sentences 5-8 the published value is the change one sentence earlier" in (
        warning.message
    )


def test_a_shifted_overdeterminedness_marks_the_alternatives_as_misaligned(tmp_path):
    warning = _warnings(shifted_folder(tmp_path / "scenario_1", gap=3))[MISALIGNED]
    assert warning.file == "chunks_resampled.json"
    # 4's own value came from 3, whose alternatives name no sentence: no evidence there
    assert warning.sentences == (5, 6, 7, 8, 9)
    assert "sentence before" in warning.message


def test_agreeing_values_and_small_rounding_give_no_warning(tmp_path):
    folder = shifted_folder(tmp_path / "scenario_1", gap=3)
    labeled = json.loads((folder / "chunks_labeled.json").read_text())
    rates = {e["chunk_idx"]: e["accuracy"] for e in labeled}
    for entry in labeled:  # the right values, rounded to two decimals (within 0.01)
        i = entry["chunk_idx"]
        nxt = rates.get(i + 1, rates[i])
        entry["resampling_importance_accuracy"] = round(nxt - rates[i] + 0.004, 2)
        entry["overdeterminedness"] = 1 - (i + 1) / 10
    write_json(folder / "chunks_labeled.json", labeled)
    assert set(_warnings(folder)) == {INDEX_GAP}


def test_a_flipped_sign_is_reported_at_that_sentence_only(tmp_path):
    folder = web_folder(tmp_path / "problem_1")
    labeled = json.loads((folder / "chunks_labeled.json").read_text())
    labeled[3]["accuracy"] = 0.1
    labeled[2]["resampling_importance_accuracy"] = 0.7  # 3: 0.8 -> 0.1 is -0.7
    write_json(folder / "chunks_labeled.json", labeled)
    warning = _warnings(folder)[CONTRADICTS]
    assert warning.sentences == (3,)
    assert "offset by one" not in warning.message


def test_alternatives_keyed_after_the_last_sentence_are_misaligned(tmp_path):
    folder = web_folder(tmp_path / "problem_1")
    resampled = json.loads((folder / "chunks_resampled.json").read_text())
    resampled["7"] = ["Later."]
    write_json(folder / "chunks_resampled.json", resampled)
    warning = _warnings(folder)[MISALIGNED]
    assert warning.file == "chunks_resampled.json" and "sentence 7" in warning.message


def test_a_full_pipeline_folder_that_agrees_has_no_warnings(tmp_path):
    assert _warnings(full_folder(tmp_path / "problem_2", labeled=True)) == {}


def test_import_keeps_the_warnings_and_a_clean_bundle_has_no_warnings_key(tmp_path):
    report = import_thought_anchors(shifted_folder(tmp_path / "scenario_1"), tmp_path / "b")
    kinds = [w.kind for w in Bundle.open(report.path).manifest.warnings]
    assert kinds == [INDEX_GAP, MISALIGNED, CONTRADICTS]
    clean = import_thought_anchors(full_folder(tmp_path / "problem_2"), tmp_path / "c")
    assert "warnings" not in json.loads((clean.path / MANIFEST_FILE).read_text())


def test_info_and_validate_report_warnings_without_changing_the_exit_code(tmp_path, capsys):
    folder = shifted_folder(tmp_path / "scenario_1")
    assert main(["info", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "  warning: scenario_1/chunks_labeled.json: sentence 3 missing" in out
    assert main(["info", "--json", str(folder)]) == 0
    listed = json.loads(capsys.readouterr().out)["warnings"]
    assert [(w["kind"], w["sentences"]) for w in listed] == [
        (INDEX_GAP, [3]),
        (MISALIGNED, [5, 6, 7, 8, 9]),
        (CONTRADICTS, [4, 5, 6, 7, 8]),
    ]
    assert main(["validate", str(folder)]) == 0
    out, err = capsys.readouterr()
    assert out.endswith(": valid (3 source warnings)\n")
    assert f"warning: {folder / 'chunks_labeled.json'}: sentence 3 missing" in err
    bundle = tmp_path / "bundle"
    assert main(["import", str(folder), str(bundle)]) == 0
    capsys.readouterr()
    assert main(["validate", str(bundle)]) == 0  # the imported bundle still says so
    out, err = capsys.readouterr()
    assert "valid (3 source warnings)" in out
    assert "warning: scenario_1/chunks_resampled.json: alternatives may be misaligned" in err


@needs_shared
def test_the_published_blackmail_scenario_is_flagged():
    warnings = _warnings(SCENARIO_0)
    assert warnings[INDEX_GAP].sentences == (22,)
    assert "sentence 22 missing" in warnings[INDEX_GAP].message
    assert "chunks_resampled.json has alternatives for 22" in warnings[INDEX_GAP].message
    contradicting = warnings[CONTRADICTS]
    assert contradicting.sentences == tuple(range(23, 39))
    assert "sentences 23-38" in contradicting.message
    assert "at sentences 24-38 the published value is the change one sentence earlier" in (
        contradicting.message
    )
    assert warnings[MISALIGNED].sentences == tuple(range(24, 52))


@needs_shared
def test_the_other_published_folders_agree_with_themselves():
    math = SHARED_DATA.parent / "thought-anchors-math"
    report = open_source(SHARED_DATA)
    assert {w.trace_id for w in report.bundle.manifest.warnings} == {
        "deepseek-r1/no_base_solution/scenario_0"
    }
    if math.is_dir():
        assert open_source(math).bundle.manifest.warnings == ()


@needs_shared
def test_validate_names_sentence_22_and_the_contradicting_sentences(capsys):
    assert main(["validate", str(SCENARIO_0)]) == 0
    out, err = capsys.readouterr()
    assert "valid (3 source warnings)" in out
    assert "sentence 22 missing" in err
    assert "contradicts the published rates at sentences 23-38" in err


def test_compute_keeps_the_source_warnings_except_the_replaced_importance(tmp_path):
    report = import_thought_anchors(full_folder(tmp_path / "problem_2"), tmp_path / "b")
    manifest = json.loads((report.path / MANIFEST_FILE).read_text())
    manifest["warnings"] = [
        {"trace_id": "problem_2", "file": "f.json", "kind": kind, "sentences": [1], "message": "m"}
        for kind in (MISALIGNED, CONTRADICTS)
    ]
    (report.path / MANIFEST_FILE).write_text(json.dumps(manifest))
    out = compute_bundle(report.path, tmp_path / "computed")
    assert [w.kind for w in Bundle.open(out.path).manifest.warnings] == [MISALIGNED]


def test_warning_text_from_a_manifest_is_cleaned_before_the_terminal(tmp_path, capsys):
    report = import_thought_anchors(full_folder(tmp_path / "problem_2"), tmp_path / "b")
    manifest = json.loads((report.path / MANIFEST_FILE).read_text())
    manifest["warnings"] = [
        {
            "trace_id": "problem_2\x1b]0;title\x07",
            "file": "f\x1b[2J.json",
            "kind": CONTRADICTS,
            "sentences": [1],
            "message": "\x1b[31mred\x1b[0m\nsecond line",
        }
    ]
    (report.path / MANIFEST_FILE).write_text(json.dumps(manifest))
    assert main(["info", str(report.path)]) == 0
    assert main(["validate", str(report.path)]) == 0
    out, err = capsys.readouterr()
    assert "\x1b" not in out + err and "\x07" not in out + err
    assert "red" in out and "red" in err


def test_export_of_a_range_over_a_gap_exports_the_others_and_names_the_missing(tmp_path, capsys):
    folder = shifted_folder(tmp_path / "scenario_1", gap=3)
    assert main(["export", str(folder), "--sentences", "2-4", "--format", "jsonl"]) == 0
    out, err = capsys.readouterr()
    exported = [json.loads(line) for line in out.splitlines()]
    assert [r["sentence_idx"] for r in exported if "sentence_idx" in r] == [2, 4]
    assert "warning: skipped: trace 'scenario_1' has no sentence 3" in err
    assert main(["export", str(folder), "--sentences", "3"]) == 2  # nothing to export
    assert "has no sentence 3" in capsys.readouterr().err


@needs_shared
def test_export_sentences_20_to_24_of_the_published_scenario(capsys):
    assert main(["export", str(SCENARIO_0), "--sentences", "20-24"]) == 0
    out, err = capsys.readouterr()
    assert "### Sentence 21:" in out and "### Sentence 23:" in out
    assert "### Sentence 22:" not in out
    assert "has no sentence 22" in err and "Skipped, not in the source" in out


def test_a_gap_to_a_huge_index_is_summarised_not_enumerated():
    """A chunk_idx of 10**12 must neither hang the check nor fill the manifest."""
    from afscope.readers.thought_anchors.checks import MAX_LISTED, index_gaps

    (gap,) = index_gaps("t", [0, 3, 10**12])
    assert gap.kind == "index_gap"
    assert "sentences 1-2, 4-999999999999 missing" in gap.message
    assert gap.sentences[:3] == (1, 2, 4) and len(gap.sentences) == MAX_LISTED
