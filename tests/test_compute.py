"""afscope compute: every metric against a plain per-rollout reference, intervals, CLI."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reference_metrics import reference_full, reference_stats
from support import tree_digest
from ta_builders import full_folder, write_json

from afscope.bundle import Bundle
from afscope.bundle.normalize import is_sorted_by
from afscope.bundle.validate import validate_bundle
from afscope.cli.main import main
from afscope.compute.run import compute_bundle
from afscope.compute.similarity import embeddings_available
from afscope.metrics import MetricOptions, compute_metrics
from afscope.metrics.bootstrap import bootstrap_intervals
from afscope.metrics.counts import position_counts
from afscope.metrics.intervals import newcombe_interval
from afscope.metrics.kl import bernoulli_kl
from afscope.metrics.sentence_stats import sentence_stats
from afscope.problems import BundleError
from afscope.sample import sample_bundle_path

SCHEMA = {
    "trace_id": pl.String,
    "sentence_idx": pl.Int64,
    "rollout_id": pl.Int64,
    "resampled_sentence": pl.String,
    "similarity": pl.Float64,
    "outcome.compliance": pl.Boolean,
}


def test_newcombe_matches_the_published_example():
    # Newcombe (1998), 56/70 vs 48/80: difference 0.2, method 10 interval 0.0524 to 0.3339
    frame = pl.DataFrame({"k1": [56], "n1": [70], "k2": [48], "n2": [80]})
    low, high = newcombe_interval(pl.col("k1"), pl.col("n1"), pl.col("k2"), pl.col("n2"))
    assert frame.select(low.alias("lo"), high.alias("hi")).row(0) == pytest.approx(
        (0.0524, 0.3339), abs=1e-4
    )


def test_kl_hand_checked():
    # P = (3+1)/(4+2) = 2/3, Q = (1+1)/(4+2) = 1/3: KL = 2/3 ln 2 + 1/3 ln(1/2) = ln(2)/3
    value = pl.select(bernoulli_kl(pl.lit(3), pl.lit(4), pl.lit(1), pl.lit(4), 1.0)).item()
    assert value == pytest.approx(0.231049, abs=1e-6)
    assert pl.select(bernoulli_kl(pl.lit(2), pl.lit(4), pl.lit(2), pl.lit(4), 1.0)).item() == 0


rollout = st.tuples(
    st.sampled_from(["a", "b"]),
    st.integers(0, 4),
    st.sampled_from(["x", "y", " x", None]),
    st.one_of(st.none(), st.floats(0, 1)),
    st.one_of(st.none(), st.booleans()),
)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(rollout, min_size=1, max_size=60),
    st.floats(0.05, 0.95),
    st.sampled_from([1e-9, 0.5, 1.0]),
    st.integers(1, 6),
)
def test_every_metric_equals_the_reference(items, threshold, alpha, min_evidence):
    rows = [
        {
            "trace_id": t,
            "sentence_idx": i,
            "rollout_id": n,
            "resampled_sentence": text,
            "similarity": s,
            "outcome.compliance": label,
        }
        for n, (t, i, text, s, label) in enumerate(items)
    ]
    options = MetricOptions(threshold, alpha, min_evidence)
    resamples = pl.DataFrame(rows, schema=SCHEMA).lazy()
    importance = compute_metrics(resamples, ["compliance"], options).importance
    stats = sentence_stats(resamples, options)
    got = {
        (r["trace_id"], r["sentence_idx"], r["metric"]): (
            r["importance"],
            r["direction"],
            r["ci_low"],
            r["ci_high"],
            r["low_evidence"],
        )
        for r in importance.collect().iter_rows(named=True)
    }
    want = reference_full(rows, "compliance", threshold, alpha, min_evidence)
    assert got.keys() == want.keys()
    for key, expected in want.items():
        for g, w in zip(got[key], expected, strict=True):
            assert (g is None) == (w is None), key
            if w is not None:
                assert g == pytest.approx(w, abs=1e-9), key
    got_stats = {
        (r["trace_id"], r["sentence_idx"]): (
            r["different_trajectories_fraction"],
            r["overdeterminedness"],
        )
        for r in stats.collect().iter_rows(named=True)
    }
    want_stats = reference_stats(rows, threshold)
    assert got_stats.keys() == want_stats.keys()
    for key, expected in want_stats.items():
        assert got_stats[key] == pytest.approx(expected, abs=1e-12), key


def test_signs_on_a_hand_made_case():
    # position 0: 10 rollouts, all dissimilar and false; position 1: 10 rollouts all true.
    rows = [
        {
            "trace_id": "t",
            "sentence_idx": i,
            "rollout_id": r,
            "resampled_sentence": "z",
            "similarity": 0.1,
            "outcome.compliance": bool(i),
        }
        for i in (0, 1)
        for r in range(10)
    ]
    importance = compute_metrics(
        pl.DataFrame(rows, schema=SCHEMA).lazy(), ["compliance"]
    ).importance
    by_metric = {r["metric"]: r for r in importance.collect().iter_rows(named=True)}
    assert by_metric["resampling"]["direction"] == 1.0  # sentence 0 promotes
    assert by_metric["counterfactual"]["direction"] == 1.0
    assert 0 < by_metric["counterfactual"]["ci_low"] < 1.0
    assert by_metric["resampling_kl"]["direction"] is None
    assert by_metric["resampling_kl"]["importance"] > 0
    assert not by_metric["resampling"]["low_evidence"]


def test_bootstrap_is_seeded_and_brackets_the_estimate():
    bundle = Bundle.open(sample_bundle_path())
    counts = position_counts(bundle.scan("resamples"), ["alignment_faking"], 0.8).collect()
    a = bootstrap_intervals(counts, 400, seed=7)
    b = bootstrap_intervals(counts, 400, seed=7)
    assert a.equals(b)
    assert not a.equals(bootstrap_intervals(counts, 400, seed=8))
    rs = a.filter(pl.col("metric") == "resampling").join(
        counts.filter(pl.col("n_next").is_not_null()).with_columns(
            (pl.col("k_next") / pl.col("n_next") - pl.col("k") / pl.col("n")).alias("d")
        ),
        on=["trace_id", "sentence_idx", "outcome"],
    )
    inside = ((rs["ci_low"] <= rs["d"] + 1e-9) & (rs["d"] <= rs["ci_high"] + 1e-9)).mean()
    assert inside > 0.95


def test_compute_sample_writes_a_valid_bundle_without_touching_the_input(tmp_path):
    src = sample_bundle_path()
    before = tree_digest(src)
    report = compute_bundle(src, tmp_path / "out")
    assert tree_digest(src) == before
    assert report.skipped == [] and report.similarity == "from the resamples"
    assert validate_bundle(report.path) == []
    out = Bundle.open(report.path)
    assert out.metrics == ["resampling", "counterfactual", "resampling_kl", "counterfactual_kl"]
    importance = out.read("importance")
    signed = importance.filter(pl.col("metric").is_in(["resampling", "counterfactual"]))
    assert signed["ci_low"].null_count() == 0
    assert (
        (signed["ci_low"] <= signed["direction"]) & (signed["direction"] <= signed["ci_high"])
    ).all()
    sentences = out.read("sentences")
    assert sentences["overdeterminedness"].null_count() == 0
    assert "Newcombe" in out.manifest.source["interval"]


def test_compute_only_some_outcomes(tmp_path):
    report = compute_bundle(sample_bundle_path(), tmp_path / "out", outcomes=["compliance"])
    rates = Bundle.open(report.path).read("rates")
    assert set(rates["outcome"]) == {"compliance"}


def test_full_folder_with_known_similarities(tmp_path):
    folder = full_folder(tmp_path / "problem_2")
    sims = {0: [0.95, 0.2, None, 0.3], 1: [0.9, 0.1, 0.85], 2: [0.5, 0.99, 0.3]}
    for idx, values in sims.items():
        path = folder / f"chunk_{idx}" / "solutions.json"
        import json

        entries = json.loads(path.read_text())
        for entry, sim in zip(entries, values, strict=True):
            if sim is not None and "error" not in entry:
                entry["similarity"] = sim
        write_json(path, entries)
    report = compute_bundle(folder, tmp_path / "out")
    out = Bundle.open(report.path)
    cf = out.read("importance").filter(
        pl.col("metric") == "counterfactual", pl.col("sentence_idx") == 0
    )
    # position 0 valid rollouts: (sim .95, correct) and (sim .2, wrong): D_0 = {wrong}
    # R_next = position 1, all correct -> counterfactual direction = 1 - 0 = +1 (promotes)
    assert cf["direction"].to_list() == [1.0]
    assert cf["low_evidence"].to_list() == [True]  # one dissimilar rollout is no evidence
    stats = out.read("sentences").filter(pl.col("sentence_idx") == 0)
    assert stats["different_trajectories_fraction"].to_list() == [0.5]


def test_without_similarities_the_skipped_metrics_are_named(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("afscope.compute.run.embeddings_available", lambda: False)
    folder = full_folder(tmp_path / "problem_2")
    assert main(["compute", str(folder), str(tmp_path / "out")]) == 0
    captured = capsys.readouterr()
    assert "metrics: resampling, resampling_kl" in captured.out
    assert "skipped (no similarities): counterfactual" in captured.err
    assert "pip install torch==2.13.0 'afscope[embed]'" in captured.err
    notes = Bundle.open(tmp_path / "out").manifest.notes
    assert any("not computed" in n for n in notes)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--outcome", "bogus"], "unknown outcome 'bogus'"),
        (["--threshold", "0"], "--threshold"),
        (["--alpha", "-1"], "--alpha"),
        (["--bootstrap", "-5"], "--bootstrap"),
    ],
)
def test_compute_cli_errors(tmp_path, capsys, args, message):
    assert main(["compute", str(sample_bundle_path()), str(tmp_path / "o"), *args]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_compute_refuses_existing_output_and_input_folder(tmp_path, tiny_bundle, capsys):
    (tmp_path / "exists").mkdir()
    assert main(["compute", str(sample_bundle_path()), str(tmp_path / "exists")]) == 2
    assert main(["compute", str(tiny_bundle), str(tiny_bundle / "inside")]) == 2
    no_resamples = tmp_path / "web"
    write_json(
        no_resamples / "chunks_labeled.json", [{"chunk": "A.", "chunk_idx": 0, "accuracy": 0.5}]
    )
    assert main(["compute", str(no_resamples), str(tmp_path / "o2")]) == 2
    assert "no raw resamples" in capsys.readouterr().err


@pytest.mark.embed
@pytest.mark.skipif(not embeddings_available(), reason="the embed extra is not installed")
def test_embeddings_fill_similarities(tmp_path):
    from afscope.compute.similarity import fill_similarity

    sentences = pl.DataFrame(
        {"trace_id": ["t"], "sentence_idx": [0], "text": ["I will comply with the request."]}
    )
    resamples = pl.DataFrame(
        {
            "trace_id": ["t"] * 3,
            "sentence_idx": [0] * 3,
            "rollout_id": [0, 1, 2],
            "resampled_sentence": [
                "I will comply with the request.",
                "I am going to comply with this request.",
                "The weather in Paris is mild in spring.",
            ],
        }
    )
    sims = fill_similarity(resamples, sentences)["similarity"].to_list()
    assert sims[0] == pytest.approx(1.0, abs=1e-4)
    assert sims[1] > 0.6 > sims[2]
    folder = full_folder(tmp_path / "problem_2")
    report = compute_bundle(folder, tmp_path / "out")
    assert report.skipped == [] and "MiniLM" in report.similarity
    assert "counterfactual" in report.metrics


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (pl.col("similarity").fill_null(float("nan")), "similarity"),
        (pl.col("similarity") * 3, "similarity"),
        (pl.col("sentence_idx") - 5, "sentence_idx"),
        (pl.lit(0).alias("rollout_id"), "duplicate rows"),
    ],
)
def test_compute_refuses_resamples_that_would_not_validate(tmp_path, capsys, change, message):
    """Whatever afscope writes must pass its own validate: bad rollouts are refused."""
    from support import tiny_manifest, tiny_tables

    tables = tiny_tables()
    resamples = tables.resamples.with_columns(change)
    bad = tmp_path / "bad"
    bad.mkdir()
    for name, frame in tables.present().items():
        frame = resamples if name == "resamples" else frame
        frame.write_parquet(bad / f"{name}.parquet")
    manifest = tiny_manifest()
    manifest = manifest.model_copy(
        update={"tables": {name: f"{name}.parquet" for name in tables.present()}}
    )
    (bad / "manifest.json").write_text(manifest.model_dump_json())
    assert main(["compute", str(bad), str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "resamples.parquet" in err and message in err
    assert not (tmp_path / "out").exists()


def test_compute_output_passes_validate(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["compute", str(sample_bundle_path()), str(out)]) == 0
    assert main(["validate", str(out)]) == 0


def _sample_with_resamples(tmp_path, resamples: pl.DataFrame):
    """A copy of the bundled sample whose resamples file holds ``resamples`` as given."""
    import shutil

    src = tmp_path / "src"
    shutil.copytree(sample_bundle_path(), src)
    resamples.write_parquet(src / "resamples.parquet")
    return src


def test_resamples_out_of_key_order_give_the_same_bundle(tmp_path):
    # a written bundle is in key order (one group-by over position runs); any other order
    # takes the general path, and both must write the same files
    resamples = pl.read_parquet(sample_bundle_path() / "resamples.parquet")
    shuffled = resamples.sample(fraction=1.0, shuffle=True, seed=3)
    src = _sample_with_resamples(tmp_path, shuffled)
    compute_bundle(sample_bundle_path(), tmp_path / "a")
    compute_bundle(src, tmp_path / "b")
    for name in ("importance", "rates", "resamples", "sentences", "traces"):
        file = f"{name}.parquet"
        assert (tmp_path / "a" / file).read_bytes() == (tmp_path / "b" / file).read_bytes()
    # with bootstrap intervals joined in, the importance rows are still in key order
    boot = Bundle.open(compute_bundle(src, tmp_path / "c", bootstrap=20).path)
    importance = boot.read("importance")
    assert is_sorted_by(importance, ["trace_id", "sentence_idx", "outcome", "metric"])


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("rollout_id", -1, "out of range: expected a value in [0, inf]"),
        ("similarity", 1.5, "out of range: expected a value in [-1, 1]"),
        ("similarity", float("nan"), "NaN or infinite value: expected a finite number"),
        ("sentence_idx", None, "empty value: expected a value"),
    ],
)
def test_a_bad_value_in_key_order_is_named_by_row(tmp_path, column, value, message):
    resamples = pl.read_parquet(sample_bundle_path() / "resamples.parquet")
    rows = [17, 4000] if column != "sentence_idx" else [resamples.height - 1]
    dtype = resamples.schema[column]
    bad = resamples.with_columns(
        pl.when(pl.int_range(pl.len()).is_in(rows))
        .then(pl.lit(value, dtype))
        .otherwise(pl.col(column))
        .alias(column)
    )
    src = _sample_with_resamples(tmp_path, bad)
    with pytest.raises(BundleError) as raised:
        compute_bundle(src, tmp_path / "out")
    problems = [p for p in raised.value.problems if p.column == column]
    assert [(p.message, p.where) for p in problems] == [
        (message, "row " + ", ".join(map(str, rows)))
    ]
    assert not (tmp_path / "out").exists()
