"""Low-evidence values are marked and not "high importance" unless the user asks (L)."""

from __future__ import annotations

from dataclasses import replace

import polars as pl
from support import tiny_manifest, tiny_tables

from afscope.bundle import Bundle, write_bundle
from afscope.explore.scores import next_highlight, score_sentences
from afscope.explore.settings import default_settings
from afscope.explore.trace_data import load_trace


def _bundle(tmp_path):
    tables = tiny_tables()
    tables.importance = pl.DataFrame(
        {
            "trace_id": ["t1"] * 3,
            "sentence_idx": [0, 1, 2],
            "outcome": ["compliance"] * 3,
            "metric": ["counterfactual"] * 3,
            "importance": [0.9, 0.3, 0.25],
            "direction": [0.9, -0.3, 0.25],
            "ci_low": [-0.2, -0.5, 0.1],
            "ci_high": [1.0, -0.1, 0.4],
            "low_evidence": [True, False, False],
        }
    )
    return Bundle.open(write_bundle(tmp_path / "b", tiny_manifest(), tables))


def test_low_evidence_is_not_high_importance_unless_asked(tmp_path):
    bundle = _bundle(tmp_path)
    data = load_trace(bundle, "t1")
    settings = default_settings(bundle.outcomes, bundle.metrics)
    assert settings.metric == "counterfactual"
    scores = score_sentences(data, settings)
    assert scores.low_evidence == [True, False, False]
    assert scores.highlighted == [False, True, True]
    assert next_highlight(scores, -1, 1) == 1
    loose = score_sentences(data, replace(settings, include_low_evidence=True))
    assert loose.highlighted == [True, True, True]
    top1 = score_sentences(data, replace(settings, mode="top_k", top_k=1))
    assert top1.highlighted == [False, True, False]


async def test_tui_marks_low_evidence_and_l_counts_it(tmp_path):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent / "tui"))
    from pilot import settle

    from afscope.tui.app import AfscopeApp
    from afscope.tui.widgets.trace_lines import TraceLines

    app = AfscopeApp(_bundle(tmp_path).root)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        lines = app.query_one(TraceLines)
        first = "".join(s.text for s in lines._render(lines.first_line_of(0)))
        assert "?" in first  # the low-evidence mark in the gutter
        await pilot.press("g", "n")
        assert app.position == 1
        await pilot.press("L", "g")
        assert app.settings.include_low_evidence
        assert app.scores.highlighted[0]
        await settle(pilot)
        detail = app.query_one("#detail").text.plain
        assert "LOW EVIDENCE" in detail and "[-0.20, +1.00]" in detail
