"""The real published Thought Anchors folders (read from ../shared/data; skipped if absent)."""

import polars as pl
import pytest
from support import SHARED_DATA, tree_digest

from afscope.bundle import Bundle
from afscope.bundle.validate import validate_bundle
from afscope.cli.main import main
from afscope.readers import open_source

pytestmark = pytest.mark.skipif(not SHARED_DATA.is_dir(), reason="../shared/data not present")

SCENARIO = "deepseek-r1/no_base_solution/scenario_0"
MATH = "deepseek-r1-distill-qwen-14b/correct_base_solution/problem_330"


@pytest.fixture(scope="module")
def opened():
    before = tree_digest(SHARED_DATA)
    source = open_source(SHARED_DATA)
    assert tree_digest(SHARED_DATA) == before
    return source


def test_whole_tree_opens_with_both_traces(opened):
    bundle = opened.bundle
    assert opened.problems == []
    assert bundle.trace_ids() == [MATH, SCENARIO]
    counts = dict(bundle.traces.select("trace_id", "n_sentences").rows())
    assert counts == {MATH: 139, SCENARIO: 51}
    assert set(bundle.outcomes) == {"correct", "blackmail"}
    assert {"counterfactual", "resampling", "forced", "counterfactual_kl"} <= set(bundle.metrics)
    assert validate_bundle(bundle.root) == []


def test_scenario_signs_agree_with_the_rate_curve(opened):
    bundle = opened.bundle
    imp = bundle.for_trace("importance", SCENARIO).filter(pl.col("sentence_idx") == 17)
    by_metric = dict(imp.select("metric", "direction").rows())
    # the blackmail rate falls from 0.8 at sentence 17 to 0.5 at 18: it suppresses blackmail
    assert by_metric["resampling"] == pytest.approx(-0.3)
    assert by_metric["counterfactual"] == pytest.approx(-0.388889, abs=1e-5)
    rates = dict(bundle.for_trace("rates", SCENARIO).select("sentence_idx", "rate").rows())
    assert rates[18] - rates[17] == pytest.approx(by_metric["resampling"])


def test_math_trace_keeps_effects_and_resampled_alternatives(opened):
    bundle = opened.bundle
    effects = bundle.for_trace("effects", MATH)
    assert set(effects["kind"]) == {"step_importance", "step_importance_supp"}
    resamples = bundle.for_trace("resamples", MATH)
    assert resamples.group_by("sentence_idx").len()["len"].max() == 100
    assert bundle.traces.filter(pl.col("trace_id") == MATH)["task_gt_answer"][0] == "88572"


def test_single_web_folder_and_cli(tmp_path, capsys):
    assert main(["info", str(SHARED_DATA / SCENARIO)]) == 0
    assert "Thought Anchors folder" in capsys.readouterr().out
    assert main(["validate", str(SHARED_DATA)]) == 0
    out = tmp_path / "imported"
    assert main(["import", str(SHARED_DATA), str(out)]) == 0
    reopened = Bundle.open(out)
    assert reopened.traces.height == 2
    assert reopened.manifest.source["kind"] == "thought-anchors"
