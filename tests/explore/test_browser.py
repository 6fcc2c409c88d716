"""The trace browser's rows: filtering, sorting, peaks and cleaned labels."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from afscope.bundle import BundleTables, Manifest, MetricSpec, OutcomeSpec, write_bundle
from afscope.bundle.reader import Bundle
from afscope.explore.browser import (
    SORTABLE,
    STRONGEST_FIRST,
    browser_rows,
    filter_rows,
    sort_rows,
)
from afscope.problems import BundleError

HOSTILE_LABEL = "outcome.x\x1b]2;PWNED\x07\x1b[31m\x9b31mred"


def test_one_row_per_trace_with_its_peak(sample: Bundle) -> None:
    rows = browser_rows(sample, "alignment_faking", "counterfactual")
    assert rows.height == 20
    assert rows["raw_id"].to_list() == sample.trace_ids()
    importance = pl.read_parquet(sample.root / "importance.parquet").filter(
        (pl.col("outcome") == "alignment_faking") & (pl.col("metric") == "counterfactual")
    )
    first = rows["raw_id"][0]
    expected = importance.filter(pl.col("trace_id") == first)["importance"].max()
    assert rows["peak"][0] == expected
    assert "alignment_faking=yes" in rows["labels"][0]


def test_filter_needs_every_word(sample: Bundle) -> None:
    rows = browser_rows(sample, "alignment_faking", "counterfactual")
    assert filter_rows(rows, "orig paid")["raw_id"].to_list() == [
        "08-original-paid",
        "09-original-paid",
        "10-original-paid",
    ]
    assert filter_rows(rows, "ORIGINAL")["raw_id"].len() == 10
    assert filter_rows(rows, "").height == 20
    assert filter_rows(rows, "[no.such*").height == 0  # literal, not a pattern


def test_sort_by_any_column_with_ties_by_id(sample: Bundle) -> None:
    rows = browser_rows(sample, "alignment_faking", "counterfactual")
    by_peak = sort_rows(rows, "peak", descending=True)["peak"].to_list()
    assert by_peak == sorted(by_peak, reverse=True)
    by_sentences = sort_rows(rows, "n_sentences", descending=False)
    counts = by_sentences["n_sentences"].to_list()
    assert counts == sorted(counts)
    for _n, group in by_sentences.group_by("n_sentences", maintain_order=True):
        assert group["trace_id"].to_list() == sorted(group["trace_id"].to_list())
    assert set(SORTABLE) <= set(rows.columns)


def test_escape_laden_label_names_never_reach_the_browser(tmp_path: Path) -> None:
    """An undeclared label column is refused by the open path, escapes and all."""
    tables = BundleTables(
        traces=pl.DataFrame({"trace_id": ["t"], "n_sentences": [1], HOSTILE_LABEL: [True]}),
        sentences=pl.DataFrame({"trace_id": ["t"], "sentence_idx": [0], "text": ["a"]}),
    )
    manifest = Manifest(
        outcomes=(OutcomeSpec(name="x"),),
        metrics=(MetricSpec(name="m"),),
        tables={"traces": "t", "sentences": "s"},
    )
    bundle = Bundle.open(write_bundle(tmp_path / "b", manifest, tables))
    with pytest.raises(BundleError, match=r"is not declared in manifest\.json") as caught:
        browser_rows(bundle, "x", "m")
    assert caught.value.problems[0].file.endswith("traces.parquet")


def test_rollouts_and_signed_peaks_match_a_plain_reference(sample: Bundle) -> None:
    rows = browser_rows(sample, "compliance", "resampling")
    importance = pl.read_parquet(sample.root / "importance.parquet").filter(
        (pl.col("outcome") == "compliance") & (pl.col("metric") == "resampling")
    )
    resamples = pl.read_parquet(sample.root / "resamples.parquet", columns=["trace_id"])
    for row in rows.iter_rows(named=True):
        values = importance.filter(pl.col("trace_id") == row["raw_id"])["direction"].to_list()
        promoting = [v for v in values if v is not None and v > 0]
        suppressing = [v for v in values if v is not None and v < 0]
        assert row["peak_promotes"] == (max(promoting) if promoting else None)
        assert row["peak_suppresses"] == (min(suppressing) if suppressing else None)
        assert row["rollouts"] == resamples["trace_id"].to_list().count(row["raw_id"])
    assert rows["peak_promotes"].min() > 0 and rows["peak_suppresses"].max() < 0


def test_sorts_by_rollouts_and_each_signed_peak_strongest_first(sample: Bundle) -> None:
    rows = browser_rows(sample, "alignment_faking", "counterfactual")
    for column in ("rollouts", "peak_promotes", "peak_suppresses"):
        assert column in SORTABLE
        ordered = sort_rows(rows, column, STRONGEST_FIRST[column])[column].to_list()
        present = [v for v in ordered if v is not None]  # traces without a value go last
        assert ordered == present + [None] * (len(ordered) - len(present))
        assert present == sorted(present, reverse=STRONGEST_FIRST[column])
    weakest_suppressing = sort_rows(rows, "peak_suppresses", True)["peak_suppresses"][0]
    assert weakest_suppressing == rows["peak_suppresses"].max()


def test_unsigned_metrics_and_sources_without_counts(tmp_path: Path) -> None:
    """Thought Anchors web folders: no resamples' counts beyond the few kept, KL unsigned."""
    from ta_builders import web_folder

    from afscope.readers import open_source

    bundle = open_source(web_folder(tmp_path / "problem_1")).bundle
    kl = browser_rows(bundle, "correct", "counterfactual_kl")
    assert kl["peak_promotes"].to_list() == [None] and kl["peak_suppresses"].to_list() == [None]
    assert kl["peak"][0] > 0
    signed = browser_rows(bundle, "correct", "counterfactual")
    assert signed["peak_promotes"][0] > 0 and signed["peak_suppresses"][0] < 0
