"""``afscope import`` and ``afscope compute`` read rollouts through one metrics engine."""

from __future__ import annotations

import random

import polars as pl
import pytest
from ta_builders import rollout_folder, web_folder

from afscope.bundle import Bundle
from afscope.bundle.validate import validate_bundle
from afscope.compute.run import compute_bundle
from afscope.readers import import_thought_anchors

RATE_KEY = ["trace_id", "sentence_idx", "outcome"]
IMP_KEY = [*RATE_KEY, "metric"]
IMP_VALUES = ["importance", "direction", "ci_low", "ci_high", "low_evidence"]
BASE = "m/temperature_0.6_top_p_0.95/correct_base_solution"


def _positions(seed: int, sizes: list[int]) -> list[list[tuple[bool | None, float | None]]]:
    rng = random.Random(seed)
    return [
        [
            (
                None if rng.random() < 0.1 else rng.random() < (i + 1) / (len(sizes) + 1),
                None if rng.random() < 0.2 else round(rng.random(), 3),
            )
            for _ in range(size)
        ]
        for i, size in enumerate(sizes)
    ]


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    root = tmp_path_factory.mktemp("tree") / "runs"
    rollout_folder(root / BASE / "problem_1", _positions(1, [12, 3, 20, 8, 15]))
    # the labeled file carries counterfactual importance (pipeline sign) for problem_2
    rollout_folder(
        root / BASE / "problem_2",
        _positions(2, [10, 10, 4, 10]),
        labeled={0: {"counterfactual_importance_accuracy": -0.5}, 2: {"accuracy": 0.25}},
    )
    web_folder(root / BASE / "problem_3")  # no rollouts: carried values only
    out = tmp_path_factory.mktemp("out")
    imported = Bundle.open(import_thought_anchors(root, out / "imported").path)
    computed = Bundle.open(compute_bundle(root, out / "computed").path)
    return imported, computed


def test_both_bundles_are_valid_and_declare_the_same_computed_metrics(pair):
    imported, computed = pair
    assert validate_bundle(imported.root) == []
    assert validate_bundle(computed.root) == []
    assert computed.metrics == [
        "resampling",
        "counterfactual",
        "resampling_kl",
        "counterfactual_kl",
    ]
    for spec in computed.manifest.metrics:
        assert imported.manifest.metric(spec.name).signed == spec.signed
    source = imported.manifest.source
    assert (source["interval"], source["min_evidence"]) == ("Newcombe hybrid score (analytic)", "5")


def test_rates_agree_exactly(pair):
    imported, computed = pair
    want = computed.read("rates")
    got = imported.read("rates").join(want.select(RATE_KEY), on=RATE_KEY, how="semi")
    assert got.height == want.height > 0
    assert got.sort(RATE_KEY).select(want.columns).equals(want.sort(RATE_KEY))


def test_importance_intervals_and_flags_agree_except_carried_values(pair):
    imported, computed = pair
    carried = pl.col("trace_id").str.ends_with("problem_2") & (pl.col("metric") == "counterfactual")
    want = computed.read("importance").filter(~carried).sort(IMP_KEY)
    got = imported.read("importance").join(want.select(IMP_KEY), on=IMP_KEY, how="semi")
    assert got.height == want.height > 0
    assert got.sort(IMP_KEY).select(want.columns).equals(want)
    assert want.filter(pl.col("metric") == "resampling")["ci_low"].null_count() == 0
    assert set(want["low_evidence"]) == {True, False}


def test_carried_values_stay_as_they_are(pair):
    imported, _ = pair
    rows = imported.read("importance").filter(
        pl.col("trace_id") == f"{BASE}/problem_2", pl.col("metric") == "counterfactual"
    )
    assert rows.select("sentence_idx", "direction", "ci_low", "low_evidence").rows() == [
        (0, 0.5, None, None)
    ]
    web = imported.read("rates").filter(pl.col("trace_id") == f"{BASE}/problem_3")
    assert web.sort("sentence_idx")["rate"].to_list() == [0.2, 0.2, 0.8, 0.1]
    # the computed rate (it knows n) replaces the carried one
    labeled_rate = imported.read("rates").filter(
        pl.col("trace_id") == f"{BASE}/problem_2", pl.col("sentence_idx") == 2
    )
    assert labeled_rate["n"].to_list() != [None]
