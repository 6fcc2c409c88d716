"""Gap lines and flagged sentences: what the explorer marks where a source is doubtful."""

from __future__ import annotations

from dataclasses import replace

import polars as pl
from ta_builders import shifted_folder, web_folder

from afscope.explore.detail import sentence_detail
from afscope.explore.source_marks import sentence_notes, trace_marks
from afscope.explore.trace_data import load_trace
from afscope.readers import open_source


def _trace(folder):
    bundle = open_source(folder).bundle
    return load_trace(bundle, bundle.trace_ids()[0])


def test_a_gap_gets_a_line_before_the_sentence_after_it(tmp_path):
    data = _trace(web_folder(tmp_path / "problem_1"))
    marks = trace_marks(data)
    assert data.indices == [0, 1, 3, 4]
    assert marks.gaps == {2: "… sentence 2 missing in the source …"}
    assert marks.flagged == frozenset()  # a gap alone flags no sentence


def test_gaps_name_every_missing_index_also_before_the_first(tmp_path):
    data = _trace(web_folder(tmp_path / "problem_1"))
    sentences = data.sentences.filter(pl.col("sentence_idx") >= 3)
    shifted = replace(data, sentences=sentences, memo={})
    assert trace_marks(shifted).gaps == {0: "… sentences 0-2 missing in the source …"}


def test_sentences_named_by_warnings_are_flagged_with_notes(tmp_path):
    data = _trace(shifted_folder(tmp_path / "scenario_1", gap=3))
    marks = trace_marks(data)
    positions = {idx: p for p, idx in enumerate(data.indices)}
    assert marks.flagged == frozenset(positions[i] for i in range(4, 10))
    notes = sentence_notes(data, 5)
    assert notes == [
        "alternatives may be misaligned with this sentence (chunks_resampled.json)",
        "published importance contradicts the published rates (chunks_labeled.json)",
    ]
    assert sentence_notes(data, 9) == [notes[0]]
    assert sentence_notes(data, 0) == []


def test_the_sentence_before_a_gap_says_where_its_rate_after_is_measured(tmp_path):
    data = _trace(shifted_folder(tmp_path / "scenario_1", gap=3))
    detail = sentence_detail(data, data.indices.index(2), "blackmail")
    assert detail.source_notes == [
        "sentence 3 missing in the source: the rate after this sentence is the rate at 4"
    ]
    assert detail.rates[0].after == 0.5  # the rate at 4
