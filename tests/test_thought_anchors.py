"""Opening and importing Thought Anchors results as they are on disk."""

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from support import tree_digest
from ta_builders import full_folder, scenario_folder, tree, web_folder, write_json

from afscope.bundle.validate import validate_bundle
from afscope.cli.main import main
from afscope.problems import BundleError
from afscope.readers import (
    BUNDLE,
    THOUGHT_ANCHORS,
    THOUGHT_ANCHORS_TREE,
    detect,
    import_thought_anchors,
    open_source,
)
from afscope.readers.thought_anchors.fields import resolve_metric
from afscope.readers.thought_anchors.separators import derive_separators


def _importance(bundle, trace_id, idx, metric, outcome):
    frame = bundle.read("importance").filter(
        pl.col("trace_id") == trace_id,
        pl.col("sentence_idx") == idx,
        pl.col("metric") == metric,
        pl.col("outcome") == outcome,
    )
    assert frame.height == 1, (trace_id, idx, metric, outcome)
    return frame.row(0, named=True)


def test_detection(tmp_path, tiny_bundle):
    assert detect(tiny_bundle) == BUNDLE
    assert detect(web_folder(tmp_path / "problem_1")) == THOUGHT_ANCHORS
    assert detect(tmp_path) == THOUGHT_ANCHORS_TREE
    (tmp_path / "empty").mkdir()
    assert detect(tmp_path / "empty") is None


def test_web_folder_signs_are_converted_to_afscope_direction(tmp_path):
    opened = open_source(web_folder(tmp_path / "problem_1"))
    bundle = opened.bundle
    assert bundle.outcomes == ["correct"]
    # sentence 1 promotes correctness: both metrics must say so (orange)
    for metric in ("resampling", "counterfactual"):
        assert _importance(bundle, "problem_1", 1, metric, "correct")["direction"] == 0.6
        assert _importance(bundle, "problem_1", 3, metric, "correct")["direction"] == -0.7
    kl = _importance(bundle, "problem_1", 1, "counterfactual_kl", "correct")
    assert (kl["importance"], kl["direction"]) == (1.2, None)
    assert bundle.manifest.metric("counterfactual_kl").signed is False
    assert validate_bundle(bundle.root) == []


def test_web_folder_sentences_gaps_tags_and_text(tmp_path):
    bundle = open_source(web_folder(tmp_path / "problem_1")).bundle
    sentences = bundle.sentences("problem_1")
    assert sentences["sentence_idx"].to_list() == [0, 1, 3, 4]
    assert sentences["tags"][0].to_list() == ["plan_generation"]
    assert sentences["summary"][1] == "step 1"
    rebuilt = "".join(t + s for t, s in zip(sentences["text"], sentences["separator"], strict=True))
    assert rebuilt == (
        "First I read the problem. The key step is to factor it. "
        "OK\n\nBut wait, maybe I should add instead. So the answer is 7."
    )
    trace = bundle.traces.row(0, named=True)
    assert trace["query"] == "What is 3 + 4?" and trace["outcome.correct"] is True
    assert trace["n_sentences"] == 4 and trace["task_nickname"] == "Tiny"
    rates = bundle.for_trace("rates", "problem_1").sort("sentence_idx")
    assert rates["rate"].to_list() == [0.2, 0.2, 0.8, 0.1]
    assert rates["n"].null_count() == 4
    resampled = bundle.for_trace("resamples", "problem_1")
    assert resampled.filter(pl.col("sentence_idx") == 3)["resampled_sentence"].to_list() == [
        "Add.",
        "Add.",
    ]
    effects = bundle.read("effects")
    assert effects.select("source_idx", "target_idx", "score").rows() == [(1, 3, 0.4)]
    assert any("effects name chunks that are not in the trace" in n for n in bundle.manifest.notes)


def test_full_folder_rates_and_counts_by_hand(tmp_path):
    bundle = open_source(full_folder(tmp_path / "problem_2")).bundle
    rates = bundle.for_trace("rates", "problem_2").sort("sentence_idx")
    assert rates.select("sentence_idx", "rate", "n").rows() == [
        (0, 0.5, 2),
        (1, 1.0, 3),
        (2, 0.0, 2),
    ]
    assert rates["ci_low"][1] > 0.4 and rates["ci_high"][1] == 1.0
    resamples = bundle.for_trace("resamples", "problem_2")
    assert resamples.height == 7
    assert sorted(resamples.filter(pl.col("sentence_idx") == 0)["resampled_sentence"]) == [
        "Let x equal 3.",
        "Suppose x is 5.",
    ]
    assert _importance(bundle, "problem_2", 0, "resampling", "correct")["direction"] == 0.5
    assert _importance(bundle, "problem_2", 1, "resampling", "correct")["direction"] == -1.0
    rebuilt = "".join(
        bundle.sentences("problem_2")["text"] + bundle.sentences("problem_2")["separator"]
    )
    assert rebuilt == "Let x be 3. Then x + 4 = 7.\nHmm, maybe 8."
    assert bundle.traces["outcome.correct"].to_list() == [False]
    assert any(
        "skipped 1 failed rollouts" in n and "2 rollouts without an answer" in n
        for n in bundle.manifest.notes
    )


def test_full_folder_keeps_labeled_metrics_unchanged_and_notes_unknown_fields(tmp_path):
    bundle = open_source(full_folder(tmp_path / "problem_2", labeled=True)).bundle
    # carried over from chunks_labeled.json, sign converted (source -0.5 -> promotes +0.5)
    assert _importance(bundle, "problem_2", 0, "counterfactual", "correct")["direction"] == 0.5
    # still computed from the rollouts: the labeled file has no resampling importance
    assert _importance(bundle, "problem_2", 0, "resampling", "correct")["direction"] == 0.5
    assert any("mystery_field" in n for n in bundle.manifest.notes)


def test_scenario_fork_and_unknown_metric_names(tmp_path, capsys):
    folder = scenario_folder(tmp_path / "scenario_3")
    bundle = open_source(folder).bundle
    assert set(bundle.outcomes) == {"blackmail", "novelty"}
    cf = _importance(bundle, "scenario_3", 0, "counterfactual", "blackmail")
    assert cf["direction"] == 0.5
    weird = _importance(bundle, "scenario_3", 1, "weird", "novelty")
    assert weird["direction"] == -0.1
    assert bundle.traces["outcome.blackmail"].to_list() == [True]
    assert main(["info", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "mystery" in out and "weird_importance_novelty" in out and "sign assumed" in out


def test_tree_metadata_forced_dirs_and_broken_files(tmp_path):
    root = tree(tmp_path / "runs")
    before = tree_digest(root)
    opened = open_source(root)
    bundle = opened.bundle
    ids = bundle.trace_ids()
    assert ids == [
        "model-x/temperature_0.6_top_p_0.95/correct_base_solution/problem_1",
        "model-x/temperature_0.6_top_p_0.95/correct_base_solution/problem_2",
        "model-y/yes_base_solution/scenario_3",
    ]
    row = bundle.traces.row(0, named=True)
    assert (row["model"], row["temperature"], row["top_p"], row["base_solution"]) == (
        "model-x",
        0.6,
        0.95,
        "correct",
    )
    assert bundle.traces.row(2, named=True)["model"] == "model-y"
    assert [p for p in opened.problems if "problem_3" in p.file and "unreadable JSON" in p.message]
    assert validate_bundle(bundle.root) == []
    assert tree_digest(root) == before


def test_strict_makes_a_broken_file_fatal(tmp_path):
    root = tree(tmp_path / "runs")
    with pytest.raises(BundleError) as exc:
        import_thought_anchors(root, tmp_path / "out", strict=True)
    assert "problem_3/chunks.json" in str(exc.value)
    assert not (tmp_path / "out").exists()


def test_broken_rollout_file_skips_only_that_position(tmp_path):
    folder = full_folder(tmp_path / "problem_2")
    (folder / "chunk_1" / "solutions.json").write_text('{"oops": 1}')
    opened = open_source(folder)
    rates = opened.bundle.for_trace("rates", "problem_2")
    assert sorted(rates["sentence_idx"]) == [0, 2]
    assert any(
        "chunk_1/solutions.json" in p.file and "expected a list" in p.message
        for p in opened.problems
    )


def test_streaming_batches_give_the_same_bundle(tmp_path):
    root = tree(tmp_path / "runs")
    one = import_thought_anchors(root, tmp_path / "b1", batch=1).path
    many = import_thought_anchors(root, tmp_path / "b200", batch=200).path
    for table in ("traces", "sentences", "rates", "importance", "resamples", "effects"):
        a = pl.read_parquet(one / f"{table}.parquet")
        b = pl.read_parquet(many / f"{table}.parquet")
        assert a.sort(a.columns[:2]).equals(b.sort(b.columns[:2])), table


def test_import_cli_and_its_errors(tmp_path, capsys):
    root = tree(tmp_path / "runs")
    out = tmp_path / "bundle"
    assert main(["import", str(root), str(out)]) == 0
    captured = capsys.readouterr()
    assert "wrote 3 traces" in captured.out and "(1 skipped)" in captured.out
    assert "warning:" in captured.err and "problem_3" in captured.err
    assert main(["validate", str(out)]) == 0
    assert main(["import", str(root), str(out)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert main(["import", str(root), str(root / "inside")]) == 2
    assert "must be outside the input" in capsys.readouterr().err
    (tmp_path / "nothing").mkdir()
    assert main(["import", str(tmp_path / "nothing"), str(tmp_path / "o2")]) == 2
    assert "no Thought Anchors data" in capsys.readouterr().err
    assert main(["import", str(root), str(tmp_path / "strict"), "--strict"]) == 2
    assert main(["import", str(tmp_path / "missing"), str(tmp_path / "o3")]) == 2


def test_validate_reports_broken_files_in_a_tree(tmp_path, capsys):
    root = tree(tmp_path / "runs")
    assert main(["validate", str(root)]) == 2
    err = capsys.readouterr().err
    assert "problem_3/chunks.json" in err and "unreadable JSON" in err
    assert "Traceback" not in err


def test_folder_with_nothing_usable_is_a_clear_error(tmp_path, capsys):
    folder = tmp_path / "problem_9"
    write_json(folder / "chunks_labeled.json", {"not": "a list"})
    assert main(["info", str(folder)]) == 2
    assert "expected a list" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("field", "metric", "outcome", "sign"),
    [
        ("counterfactual_importance_accuracy", "counterfactual", "correct", -1.0),
        ("resampling_importance_accuracy", "resampling", "correct", 1.0),
        ("forced_importance_accuracy", "forced", "correct", 1.0),
        ("counterfactual_importance_kl", "counterfactual_kl", "correct", None),
        ("counterfactual_importance_blackmail_rate", "counterfactual", "blackmail", -1.0),
        ("counterfactual_importance_whistleblowing_rate", "counterfactual", "whistleblowing", -1.0),
        ("counterfactual_bias_importance", "counterfactual", "biased", -1.0),
        ("resampling_bias_importance", "resampling", "biased", 1.0),
        ("counterfactual_bias_kl", "counterfactual_kl", "biased", None),
        ("novel_importance_thing", "novel", "thing", 1.0),
    ],
)
def test_field_names_map_to_metric_outcome_and_sign(field, metric, outcome, sign):
    resolved = resolve_metric(field, "correct")
    assert (resolved.metric, resolved.outcome, resolved.sign) == (metric, outcome, sign)


def test_non_metric_fields_are_not_metrics():
    assert resolve_metric("overdeterminedness", "correct") is None
    assert resolve_metric("mystery", "correct") is None


words = st.text(alphabet="abcXYZ.,$()=+1", min_size=1, max_size=8)
spaces = st.sampled_from([" ", "\n", "\n\n", "  ", " \n "])


@given(st.lists(st.tuples(words, spaces), min_size=1, max_size=15))
def test_separators_are_recovered_exactly(pieces):
    chunks = [w for w, _ in pieces]
    seps = [s for _, s in pieces]
    source = "".join(w + s for w, s in pieces)
    assert derive_separators(source, chunks) == seps


def test_missing_chunk_leaves_only_its_neighbours_unknown():
    assert derive_separators("A. B. C.", ["A.", "Z.", "C."]) == [None, None, ""]
