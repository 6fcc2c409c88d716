"""The bundled synthetic sample: valid, shaped like the post's study, rebuilt byte for byte."""

import math
import runpy
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from support import REPO

from afscope.bundle import Bundle
from afscope.bundle.validate import validate_bundle
from afscope.metrics import compute_importance, compute_rates
from afscope.sample import sample_bundle_path

SOURCE_SAMPLE = REPO / "sample_data" / "alignment_faking_sample"
GENERATOR = REPO / "scripts" / "make_sample_bundle.py"


@pytest.fixture(scope="module")
def sample() -> Bundle:
    return Bundle.open(sample_bundle_path())


def test_sample_is_found_and_valid(sample):
    assert validate_bundle(sample.root) == []
    assert sample.manifest.synthetic is True
    assert "SYNTHETIC" in sample.manifest.description


def test_sample_shape_matches_the_study(sample):
    traces = sample.traces
    assert traces.height == 20
    assert traces.group_by("prompt_variant").len().sort("prompt_variant").rows() == [
        ("ablated", 10),
        ("original", 10),
    ]
    assert set(traces["condition"]) == {"free", "paid"}
    assert traces["n_sentences"].min() >= 30 and traces["n_sentences"].max() <= 90
    assert sample.outcomes == ["alignment_faking", "compliance"]
    per_position = sample.read("resamples").group_by("trace_id", "sentence_idx").len()
    assert per_position["len"].min() >= 20 and per_position["len"].max() <= 50


def test_sample_numbers_are_derived_from_its_resamples(sample):
    resamples = sample.scan("resamples")
    rates = compute_rates(resamples, sample.outcomes).collect()
    assert_frame_equal(rates, sample.read("rates"), check_dtypes=False)
    importance = compute_importance(resamples, sample.outcomes).collect()
    stored = sample.read("importance").select(importance.columns)
    assert_frame_equal(importance, stored)


def test_sample_condition_rates_are_near_the_post(sample):
    ev = sample.read("evaluations")
    rates = ev.group_by("prompt_variant", "condition").agg(
        pl.len(), pl.col("outcome.compliance").mean(), pl.col("outcome.alignment_faking").mean()
    )
    by = {(r[0], r[1]): r[2:] for r in rates.rows()}
    assert {n for n, *_ in by.values()} == {500}
    assert by[("original", "free")][1] == pytest.approx(0.05)
    assert by[("ablated", "free")][1] == pytest.approx(0.026)
    for _n, comply, fake in by.values():
        assert fake < comply
    assert by[("original", "free")][1] > by[("original", "paid")][1]


def test_sample_is_small():
    size = sum(p.stat().st_size for p in SOURCE_SAMPLE.rglob("*") if p.is_file())
    assert size < 5 * 1024 * 1024


@pytest.mark.skipif(not GENERATOR.is_file(), reason="needs the source tree")
def test_generator_rebuilds_the_sample(tmp_path):
    module = runpy.run_path(str(GENERATOR))
    out = module["build"](tmp_path / "again")
    files = sorted(p.name for p in SOURCE_SAMPLE.iterdir())
    assert sorted(p.name for p in out.iterdir()) == files
    if pl.__version__ == module["BUILT_WITH_POLARS"]:
        for name in files:
            assert (out / name).read_bytes() == (SOURCE_SAMPLE / name).read_bytes(), name
    else:  # Parquet names the writer's version; the content must still be identical
        assert (out / "manifest.json").read_bytes() == (
            SOURCE_SAMPLE / "manifest.json"
        ).read_bytes()
        for name in files:
            if name.endswith(".parquet"):
                assert_frame_equal(
                    pl.read_parquet(out / name), pl.read_parquet(SOURCE_SAMPLE / name)
                )


def test_installed_sample_path_points_at_a_bundle():
    path = sample_bundle_path()
    assert isinstance(path, Path) and (path / "manifest.json").is_file()


def test_sample_labels_agree_with_the_rates_at_the_end(sample):
    """A trace's own outcome is the one its rates settle on after its last sentence."""
    last = (
        sample.read("rates")
        .sort("sentence_idx")
        .group_by("trace_id", "outcome")
        .agg(pl.col("rate").last())
    )
    labels = sample.traces.unpivot(
        index="trace_id",
        on=["outcome.compliance", "outcome.alignment_faking"],
        variable_name="outcome",
        value_name="label",
    ).with_columns(pl.col("outcome").str.strip_prefix("outcome."))
    joined = last.join(labels, on=["trace_id", "outcome"])
    assert joined.height == 40
    disagree = joined.filter(pl.col("label") != (pl.col("rate") >= 0.5))
    assert disagree.is_empty(), disagree
    honest = joined.filter(~pl.col("label"))
    assert sorted(honest["trace_id"]) == ["10-original-paid", "20-ablated-paid"]


def test_sample_alternatives_that_repeat_the_sentence_land_on_the_rate_after_it(sample):
    """Resampling a sentence and getting it back is a rollout from the next position, so the
    outcomes of such rollouts estimate the rate after the sentence (binomial noise aside)."""
    sentences = sample.read("sentences").select("trace_id", "sentence_idx", "text")
    repeats = (
        sample.read("resamples")
        .join(sentences, on=["trace_id", "sentence_idx"])
        .filter(pl.col("resampled_sentence") == pl.col("text"))
        .group_by("trace_id", "sentence_idx")
        .agg(pl.len().alias("k"), pl.col("outcome.compliance").sum().alias("hits"))
    )
    after = (
        sample.read("rates")
        .filter(pl.col("outcome") == "compliance")
        .select("trace_id", (pl.col("sentence_idx") - 1).alias("sentence_idx"), "rate")
    )
    rows = repeats.join(after, on=["trace_id", "sentence_idx"]).rows(named=True)
    assert len(rows) > 500
    pooled_gap = sum(r["hits"] - r["k"] * r["rate"] for r in rows) / sum(r["k"] for r in rows)
    assert abs(pooled_gap) < 0.02
    outside = 0
    for r in rows:  # Wilson 95% interval of each group, in plain Python
        n, p, z = r["k"], r["hits"] / r["k"], 1.96
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
        outside += not centre - half <= r["rate"] <= centre + half
    assert outside / len(rows) < 0.10
