"""``afscope export``: compact style, selections across traces, skipped indices, provenance
that names the source as given and the command that reproduces the export."""

from __future__ import annotations

import shlex
from dataclasses import replace
from pathlib import Path

import polars as pl
import pytest
from support import tiny_manifest, tiny_tables

from afscope import __version__
from afscope.bundle import Bundle, write_bundle
from afscope.cli.main import main
from afscope.export.command import reproduce_command
from afscope.export.plan import ExportPlan
from afscope.export.run import export_text
from afscope.export.selection import (
    SelectionError,
    SentenceFilter,
    format_indices,
    parse_indices,
    parse_selections,
)
from afscope.sample import sample_bundle_path

GOLDEN = Path(__file__).parent.parent / "golden"
SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"
GAP_FOLDER = SHARED / "thought-anchors-web" / "deepseek-r1" / "no_base_solution" / "scenario_0"
SELECT = ["--select", "02-original-free=28", "--select", "01-original-free=10,38"]


def _golden(name: str, text: str) -> None:
    import os

    text = text.replace(f"afscope {__version__} ", "afscope TEST ")
    path = GOLDEN / name
    if os.environ.get("AFSCOPE_UPDATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from its golden file"


@pytest.fixture
def gap_bundle(tmp_path: Path) -> Path:
    """Trace t1 has sentences 0 and 2 but no 1 (as Thought Anchors folders can)."""
    tables = tiny_tables()
    sentences = tables.sentences
    assert isinstance(sentences, pl.DataFrame)
    gapped = sentences.filter(~((pl.col("trace_id") == "t1") & (pl.col("sentence_idx") == 1)))
    return write_bundle(tmp_path / "gap", tiny_manifest(), replace(tables, sentences=gapped))


def test_compact_selection_across_traces_golden(capsys):
    assert main(["export", *SELECT, "--style", "compact", "--alternatives", "2"]) == 0
    out = capsys.readouterr().out
    _golden("sample_compact_alternatives.md", out)
    rows = [line for line in out.splitlines() if line.startswith("| 0")]
    assert [row.split(" | ")[:2] for row in rows] == [
        ["| 01-original-free", "10"],
        ["| 01-original-free", "38"],
        ["| 02-original-free", "28"],
    ]
    assert "from bundled sample." in out and "site-packages" not in out
    assert "alignment_faking" in out and "alignment\\_faking" not in out


def test_detailed_selection_with_alternatives_golden(capsys):
    assert main(["export", *SELECT, "--alternatives", "2"]) == 0
    out = capsys.readouterr().out
    _golden("sample_selection_alternatives.md", out)
    assert out.count("- most frequent resampled alternatives (of ") == 3


def test_the_printed_command_reproduces_the_export(capsys):
    """The provenance's command line, run again, writes the very same document."""
    assert main(["export", *SELECT, "--style", "compact", "--context", "1"]) == 0
    first = capsys.readouterr().out
    command = first.split("Reproduce: `", 1)[1].split("`\n", 1)[0]
    args = shlex.split(command)
    assert args[:2] == ["afscope", "export"]
    assert main(args[1:]) == 0
    assert capsys.readouterr().out == first


def test_explorer_choice_prints_a_cli_command_that_reproduces_it(tiny_bundle):
    """The explorer hands a mapping trace -> indices; its command names each trace."""
    plan = ExportPlan({"t2": [0, 1], "t1": [1, 2]}, "compliance", "resampling", style="compact")
    text = export_text(Bundle.open(tiny_bundle), plan, source=tiny_bundle).text
    command = (
        f"afscope export {shlex.quote(str(tiny_bundle))} --select t2=0-1 --select t1=1-2 "
        "--outcome compliance --metric resampling --style compact"
    )
    assert f"Reproduce: `{command}`" in text
    assert reproduce_command(plan, sample_bundle_path()).startswith("afscope export --select")


def test_missing_indices_are_skipped_and_named(gap_bundle, capsys):
    assert main(["export", str(gap_bundle), "--trace", "t1", "--sentences", "0-2"]) == 0
    captured = capsys.readouterr()
    assert "warning: skipped: trace 't1' has no sentence 1" in captured.err
    assert "### Sentence 0" in captured.out and "### Sentence 2" in captured.out
    assert "Skipped, not in the source: trace t1: 1." in captured.out
    assert main(["export", str(gap_bundle), "--select", "t1=1", "--format", "jsonl"]) == 2
    err = capsys.readouterr().err
    assert "nothing to export: trace 't1' has no sentence 1" in err and "Traceback" not in err


def test_missing_indices_in_jsonl_provenance(gap_bundle, capsys):
    assert main(["export", str(gap_bundle), "--select", "t1=0-1", "--format", "jsonl"]) == 0
    out = capsys.readouterr().out
    assert '"skipped": {"t1": [1]}' in out and '"command": "afscope export ' in out


@pytest.mark.skipif(not GAP_FOLDER.is_dir(), reason="shared Thought Anchors data absent")
def test_thought_anchors_folder_with_an_index_gap(capsys):
    """The real case: scenario_0 has no chunk 22."""
    assert main(["export", str(GAP_FOLDER), "--sentences", "20-24", "--style", "compact"]) == 0
    captured = capsys.readouterr()
    assert "has no sentence 22" in captured.err
    rows = [line for line in captured.out.splitlines() if line.startswith("| scenario_0 |")]
    indices = [row.split(" | ")[1] for row in rows]
    assert indices == ["20", "21", "23", "24"]


def test_selection_syntax():
    assert parse_selections(["a=4,12-13", "b=3", "a=20"]) == {"a": [4, 12, 13, 20], "b": [3]}
    assert parse_selections(["x=y=1"]) == {"x=y": [1]}
    for bad in (["a"], ["=1"], ["a="], ["a=1-"]):
        with pytest.raises(SelectionError):
            parse_selections(bad)
    for indices in ([0], [4, 12, 13], [1, 2, 3, 7, 9, 10]):
        assert parse_indices(format_indices(indices)) == indices
    assert format_indices([13, 4, 12]) == "4,12-13"


def test_source_is_named_as_given(tiny_bundle, monkeypatch, capsys):
    monkeypatch.chdir(tiny_bundle.parent)
    assert main(["export", "tiny", "--select", "t1=0", "--style", "compact"]) == 0
    out = capsys.readouterr().out
    assert "from tiny." in out and "Reproduce: `afscope export tiny --select t1=0" in out
    plan = ExportPlan(SentenceFilter(top=1), "compliance", "resampling", trace_ids=["t1"])
    assert "--trace t1 --top 1" in reproduce_command(plan, "tiny")
