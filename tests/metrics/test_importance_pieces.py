"""``importance_rows`` builds the table a few pieces at a time; any piece size gives the
rows one query over all the counts gives, in the table's order."""

from __future__ import annotations

import polars as pl
import pytest

from afscope.bundle.schema import label_columns
from afscope.metrics import importance
from afscope.metrics.counts import ORDER, complete_columns, long_counts, position_table
from afscope.metrics.options import MetricOptions
from afscope.sample import sample_bundle_path


@pytest.mark.parametrize("piece_rows", [1, 7, 10**9])
def test_any_piece_size_gives_the_same_table(monkeypatch, piece_rows):
    resamples = pl.read_parquet(sample_bundle_path() / "resamples.parquet")
    resamples = resamples.filter(
        pl.col("trace_id").is_in(resamples["trace_id"].unique().sort()[:2].to_list())
    )
    outcomes = ["compliance", "alignment_faking"]
    labels = label_columns(outcomes, resamples.columns)
    wide = position_table(resamples.lazy(), outcomes, 0.8, [], complete_columns(resamples))
    counts = long_counts(wide, labels)
    options = MetricOptions()
    whole = importance.importance_table(counts.lazy(), options).collect().sort(ORDER).drop(ORDER)
    monkeypatch.setattr(importance, "CHUNK_ROWS", piece_rows)
    pieces = importance.importance_rows(counts, options)
    assert counts.height > 7 * importance.PIECES_AT_ONCE  # several rounds of pieces
    assert pieces.equals(whole)
    assert pieces.height > counts.height  # every metric, for most positions
