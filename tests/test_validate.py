"""Every class of bad input is reported with file, column, place and what was expected."""

import json
from pathlib import Path

import polars as pl
import pytest
from support import tree_digest

from afscope.bundle.validate import validate_bundle


def _rewrite(bundle: Path, table: str, change) -> None:
    path = bundle / f"{table}.parquet"
    frame = pl.read_parquet(path)
    change(frame).write_parquet(path)


def _messages(bundle: Path) -> list[str]:
    return [str(p) for p in validate_bundle(bundle)]


def _one(bundle: Path, *needles: str) -> str:
    hits = [m for m in _messages(bundle) if all(n in m for n in needles)]
    assert hits, f"no problem mentions {needles}: {_messages(bundle)}"
    return hits[0]


def test_valid_bundle_has_no_problems(tiny_bundle):
    assert validate_bundle(tiny_bundle) == []


def test_missing_manifest(tmp_path):
    (tmp_path / "b").mkdir()
    [msg] = _messages(tmp_path / "b")
    assert "manifest.json" in msg and "missing" in msg


def test_not_a_folder(tmp_path):
    file = tmp_path / "x.txt"
    file.write_text("hi")
    [msg] = _messages(file)
    assert "not a folder" in msg


def test_unreadable_manifest_json(tiny_bundle):
    (tiny_bundle / "manifest.json").write_text("{not json")
    [msg] = _messages(tiny_bundle)
    assert "manifest.json" in msg and "unreadable JSON" in msg


def test_manifest_field_errors_name_the_field(tiny_bundle):
    raw = json.loads((tiny_bundle / "manifest.json").read_text())
    raw["schema_version"] = "9.0"
    del raw["outcomes"]
    (tiny_bundle / "manifest.json").write_text(json.dumps(raw))
    messages = _messages(tiny_bundle)
    assert any("field schema_version" in m and "newer" in m for m in messages)
    assert any("field outcomes" in m and "required" in m for m in messages)


def test_missing_table_file(tiny_bundle):
    (tiny_bundle / "rates.parquet").unlink()
    assert "does not exist" in _one(tiny_bundle, "rates.parquet", "missing")


def test_unreadable_parquet(tiny_bundle):
    (tiny_bundle / "importance.parquet").write_bytes(b"garbage")
    _one(tiny_bundle, "importance.parquet", "unreadable Parquet")


def test_missing_column(tiny_bundle):
    _rewrite(tiny_bundle, "sentences", lambda f: f.drop("text"))
    msg = _one(tiny_bundle, "sentences.parquet", "'text'")
    assert "missing: expected text" in msg


def test_mistyped_column(tiny_bundle):
    _rewrite(tiny_bundle, "rates", lambda f: f.with_columns(pl.col("rate").cast(pl.String)))
    msg = _one(tiny_bundle, "rates.parquet", "'rate'")
    assert "wrong type" in msg and "expected a number" in msg


def test_rate_outside_unit_interval_names_the_rows(tiny_bundle):
    _rewrite(
        tiny_bundle,
        "rates",
        lambda f: f.with_columns(
            pl.when(pl.col("sentence_idx") == 1).then(1.5).otherwise(pl.col("rate")).alias("rate")
        ),
    )
    msg = _one(tiny_bundle, "rates.parquet", "'rate'", "out of range")
    assert "row 1" in msg and "[0, 1]" in msg


def test_nan_and_inf(tiny_bundle):
    _rewrite(
        tiny_bundle,
        "importance",
        lambda f: f.with_columns(pl.Series("importance", [float("nan"), float("inf")])),
    )
    msg = _one(tiny_bundle, "importance.parquet", "'importance'", "NaN or infinite")
    assert "row 0, 1" in msg


def test_duplicate_sentence_indices(tiny_bundle):
    _rewrite(
        tiny_bundle,
        "sentences",
        lambda f: f.with_columns(
            pl.when(pl.col("sentence_idx") == 2)
            .then(1)
            .otherwise(pl.col("sentence_idx"))
            .alias("sentence_idx")
        ),
    )
    msg = _one(tiny_bundle, "sentences.parquet", "duplicate")
    assert "trace_id='t1', sentence_idx=1" in msg


def test_negative_and_unknown_sentence_indices(tiny_bundle):
    _rewrite(
        tiny_bundle, "importance", lambda f: f.with_columns(pl.Series("sentence_idx", [-1, 7]))
    )
    _one(tiny_bundle, "importance.parquet", "'sentence_idx'", "out of range")
    msg = _one(tiny_bundle, "importance.parquet", "'sentence_idx'", "not found")
    assert "row 0, 1" in msg


def test_effect_targets_must_exist(tiny_bundle):
    _rewrite(tiny_bundle, "effects", lambda f: f.with_columns(pl.lit(40).alias("target_idx")))
    _one(tiny_bundle, "effects.parquet", "'target_idx'", "not found")


def test_ids_that_do_not_join(tiny_bundle):
    _rewrite(tiny_bundle, "rates", lambda f: f.with_columns(pl.lit("ghost").alias("trace_id")))
    msg = _one(tiny_bundle, "rates.parquet", "'trace_id'", "not found in traces")
    assert "row 0, 1, 2" in msg


def test_undeclared_outcome_and_metric_names(tiny_bundle):
    _rewrite(
        tiny_bundle,
        "importance",
        lambda f: f.with_columns(
            pl.lit("blackmail").alias("outcome"), pl.lit("kl").alias("metric")
        ),
    )
    assert "declared: compliance, alignment_faking" in _one(
        tiny_bundle, "importance.parquet", "'outcome'"
    )
    _one(tiny_bundle, "importance.parquet", "'metric'", "not declared")


def test_label_column_for_undeclared_outcome(tiny_bundle):
    _rewrite(tiny_bundle, "resamples", lambda f: f.rename({"outcome.compliance": "outcome.x"}))
    _one(tiny_bundle, "resamples.parquet", "'outcome.x'", "not declared")


def test_sentence_count_mismatch(tiny_bundle):
    _rewrite(tiny_bundle, "traces", lambda f: f.with_columns(pl.Series("n_sentences", [3, 5])))
    msg = _one(tiny_bundle, "traces.parquet", "'n_sentences'")
    assert "row 1" in msg


def test_direction_must_match_importance(tiny_bundle):
    _rewrite(tiny_bundle, "importance", lambda f: f.with_columns(pl.lit(0.1).alias("direction")))
    _one(tiny_bundle, "importance.parquet", "'direction'", "disagree")


def test_reversed_interval(tiny_bundle):
    _rewrite(
        tiny_bundle,
        "rates",
        lambda f: f.with_columns(pl.lit(0.9).alias("ci_low"), pl.lit(0.1).alias("ci_high")),
    )
    _one(tiny_bundle, "rates.parquet", "reversed")


def test_empty_required_values(tiny_bundle):
    _rewrite(
        tiny_bundle,
        "sentences",
        lambda f: f.with_columns(
            pl.when(pl.col("sentence_idx") == 0).then(None).otherwise(pl.col("text")).alias("text")
        ),
    )
    _one(tiny_bundle, "sentences.parquet", "'text'", "empty value")


def test_many_problems_are_all_reported_and_nothing_is_written(tiny_bundle):
    _rewrite(tiny_bundle, "rates", lambda f: f.with_columns(pl.lit(2.0).alias("rate")))
    _rewrite(tiny_bundle, "sentences", lambda f: f.drop("text"))
    (tiny_bundle / "effects.parquet").write_bytes(b"nope")
    before = tree_digest(tiny_bundle)
    messages = _messages(tiny_bundle)
    assert len(messages) >= 3
    assert any("rates.parquet" in m for m in messages)
    assert any("sentences.parquet" in m for m in messages)
    assert any("effects.parquet" in m for m in messages)
    assert tree_digest(tiny_bundle) == before


@pytest.mark.parametrize("table", ["resamples", "evaluations"])
def test_tables_of_labels_need_at_least_one_label(tiny_bundle, table):
    _rewrite(
        tiny_bundle, table, lambda f: f.drop([c for c in f.columns if c.startswith("outcome.")])
    )
    _one(tiny_bundle, f"{table}.parquet", "no outcome label column")


def test_deeply_nested_manifest_is_a_clear_error(tiny_bundle):
    (tiny_bundle / "manifest.json").write_text("[" * 100_000 + "]" * 100_000)
    [msg] = _messages(tiny_bundle)
    assert "manifest.json" in msg and "unreadable JSON" in msg


def test_a_rate_from_zero_rollouts_is_reported(tiny_bundle):
    _rewrite(tiny_bundle, "rates", lambda f: f.with_columns(pl.Series("n", [10, 0, 10])))
    assert "expected n >= 1" in _one(tiny_bundle, "rates.parquet", "'n'", "row 1")


def test_integers_too_large_for_int64_are_reported(tiny_bundle):
    values = pl.Series("sentence_idx", [0, 2**64 - 1, 2, 0, 1], dtype=pl.UInt64)
    _rewrite(tiny_bundle, "sentences", lambda f: f.with_columns(values))
    assert "fits in 64 bits" in _one(tiny_bundle, "sentences.parquet", "row 1")


def test_categorical_ids_and_text_are_valid(tiny_bundle):
    for table in ("sentences", "rates", "importance"):
        _rewrite(
            tiny_bundle, table, lambda f: f.with_columns(pl.col("trace_id").cast(pl.Categorical))
        )
    _rewrite(
        tiny_bundle, "sentences", lambda f: f.with_columns(pl.col("text").cast(pl.Categorical))
    )
    assert validate_bundle(tiny_bundle) == []


def test_a_damaged_page_is_reported_not_raised(tiny_bundle):
    path = tiny_bundle / "importance.parquet"
    data = bytearray(path.read_bytes())
    data[int(len(data) * 0.5)] ^= 0x80
    path.write_bytes(bytes(data))
    assert "importance.parquet" in _one(tiny_bundle, "unreadable Parquet")


# -- the open path: the same rules, on what a command reads ------------------------------


def _open_error(bundle: Path, read) -> str:
    from afscope.bundle import Bundle
    from afscope.problems import BundleError

    with pytest.raises(BundleError) as exc:
        read(Bundle.open(bundle))
    return str(exc.value)


def test_opening_refuses_a_mistyped_column_like_validate(tiny_bundle):
    _rewrite(tiny_bundle, "rates", lambda f: f.with_columns(pl.col("rate").cast(pl.String)))
    message = _open_error(tiny_bundle, lambda b: b.for_trace("rates", "t1"))
    assert message == _one(tiny_bundle, "rates.parquet", "'rate'")
    assert "wrong type String: expected a number (Float)" in message


def test_opening_refuses_wrong_values_in_the_rows_it_reads(tiny_bundle):
    _rewrite(
        tiny_bundle, "rates", lambda f: f.with_columns(pl.Series("rate", [0.1, float("nan"), 2.0]))
    )
    message = _open_error(tiny_bundle, lambda b: b.for_trace("rates", "t1"))
    assert "rates.parquet: column 'rate': row 1: NaN or infinite value" in message
    assert (
        "rates.parquet: column 'rate': row 2: out of range: expected a value in [0, 1]" in message
    )


def test_opening_reports_rows_by_their_number_in_the_file(tiny_bundle):
    _rewrite(
        tiny_bundle,
        "sentences",
        lambda f: f.with_columns(pl.Series("text", ["a", "b", "c", None, "e"])),
    )
    assert "row 3: empty value" in _open_error(tiny_bundle, lambda b: b.sentences("t2"))
    from afscope.bundle import Bundle

    assert Bundle.open(tiny_bundle).sentences("t1").height == 3  # other traces still open


def test_opening_refuses_bad_traces_before_any_screen(tiny_bundle):
    _rewrite(tiny_bundle, "traces", lambda f: f.with_columns(pl.Series("trace_id", ["t1", None])))
    assert "traces.parquet: column 'trace_id': row 1: empty value" in _open_error(
        tiny_bundle, lambda b: b.traces
    )


def test_opening_normalises_categorical_and_narrow_columns(tiny_bundle):
    from afscope.bundle import Bundle

    _rewrite(
        tiny_bundle,
        "sentences",
        lambda f: f.with_columns(
            pl.col("text").cast(pl.Categorical),
            pl.col("trace_id").cast(pl.Categorical),
            pl.col("sentence_idx").cast(pl.UInt16),
        ),
    )
    bundle = Bundle.open(tiny_bundle)
    frame = bundle.sentences("t1")
    assert frame.schema["text"] == pl.String and frame.schema["sentence_idx"] == pl.Int64
    assert frame["text"].to_list() == ["First.", "I am monitored.", "I comply."]
    assert bundle.scan("sentences").collect_schema()["trace_id"] == pl.String


def test_scans_name_the_file_when_a_page_is_damaged(tiny_bundle):
    from afscope.bundle import Bundle
    from afscope.problems import BundleError

    path = tiny_bundle / "resamples.parquet"
    data = bytearray(path.read_bytes())
    data[int(len(data) * 0.5)] ^= 0x80
    path.write_bytes(bytes(data))
    bundle = Bundle.open(tiny_bundle)
    with pytest.raises(BundleError, match=r"resamples\.parquet: unreadable Parquet"):
        bundle.scan("resamples").filter(pl.col("rollout_id") >= 0).collect()  # type: ignore


def test_aggregations_on_a_scan_stay_guarded(tiny_bundle):
    from afscope.bundle import Bundle
    from afscope.bundle.reader import GuardedScan

    scan = Bundle.open(tiny_bundle).scan("importance")
    assert scan is not None
    query = scan.filter(pl.col("importance") > 0).group_by("trace_id").agg(pl.len())
    assert isinstance(query, GuardedScan) and query.file.endswith("importance.parquet")
    assert isinstance(scan.join(scan, on="trace_id"), GuardedScan)
    assert query.collect()["len"].to_list() == [2]
