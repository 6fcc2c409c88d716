"""The trace browser's rows: filtering, sorting, peaks and cleaned labels."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from afscope.bundle import BundleTables, Manifest, MetricSpec, OutcomeSpec, write_bundle
from afscope.bundle.reader import Bundle
from afscope.explore.browser import SORTABLE, browser_rows, filter_rows, sort_rows
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
