"""Export: golden Markdown and JSON lines, escaping of hostile text, CLI errors, atomic writes."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support import REPO

from afscope.bundle import Bundle
from afscope.cli.main import main
from afscope.export.build import collect, render
from afscope.export.files import write_atomic
from afscope.export.markdown import md_escape
from afscope.export.records import with_context
from afscope.export.selection import SelectionError, SentenceFilter, parse_indices
from afscope.sample import sample_bundle_path

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("AFSCOPE_UPDATE_GOLDEN") == "1"
sys_path_tui = Path(__file__).parent / "tui"


def _hostile(tmp_path: Path) -> Bundle:
    import sys

    sys.path.insert(0, str(sys_path_tui))
    from builders import hostile_bundle

    return Bundle.open(hostile_bundle(tmp_path / "evil"))


def _check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"missing golden file {name}: run with AFSCOPE_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from its golden file"


def test_golden_sample_top_two_with_context():
    bundle = Bundle.open(sample_bundle_path())
    records = collect(
        bundle,
        SentenceFilter(top=2),
        outcome="alignment_faking",
        metric="counterfactual",
        trace_ids=["01-original-free"],
        context=1,
    )
    text = render(
        records,
        "markdown",
        source="sample",
        outcome="alignment_faking",
        metric="counterfactual",
        version="TEST",
    )
    _check_golden("sample_top2_context.md", text)
    assert "### Sentence 38: ▲ promotes alignment_faking (counterfactual 0.611)" in text
    assert "*Context, sentence 37:*" in text


def test_golden_selection_across_traces_jsonl():
    bundle = Bundle.open(sample_bundle_path())
    choice = {"02-original-free": [28], "01-original-free": [10, 38]}
    records = collect(bundle, choice, outcome="alignment_faking", metric="counterfactual")
    assert [r.trace_id for r in records] == ["01-original-free", "02-original-free"]
    text = render(
        records,
        "jsonl",
        source="sample",
        outcome="alignment_faking",
        metric="counterfactual",
        version="TEST",
    )
    _check_golden("sample_selection.jsonl", text)
    rows = [json.loads(line) for line in text.splitlines()]
    assert [(r["trace_id"], r["sentence_idx"]) for r in rows] == [
        ("01-original-free", 10),
        ("01-original-free", 38),
        ("02-original-free", 28),
    ]
    first = rows[1]
    assert {m["metric"] for m in first["metrics"]} == {"counterfactual", "resampling"}
    assert first["rates"][0]["n_before"] == 43 and len(first["rates"][0]["before_ci"]) == 2


def test_golden_hostile_text_markdown_and_jsonl(tmp_path):
    bundle = _hostile(tmp_path)
    records = collect(bundle, SentenceFilter(), outcome="x", metric="m")
    md = render(records, "markdown", source="evil", outcome="x", metric="m", version="TEST")
    _check_golden("hostile.md", md)
    assert "\x1b" not in md and "\x07" not in md and "\x00" not in md
    assert "\\<script>" in md and "<script>" not in md.replace("\\<script>", "")
    assert "\\[bold red]not bold\\[/bold red]" in md
    assert "\\`code\\`" in md and "\\| pipes \\|" in md
    jsonl = render(records, "jsonl", source="evil", outcome="x", metric="m", version="TEST")
    _check_golden("hostile.jsonl", jsonl)
    assert "\\u001b" not in jsonl and "\x1b" not in jsonl
    texts = [json.loads(line)["text"] for line in jsonl.splitlines()]
    assert texts[2] == "Markup [bold red]not bold[/bold red] and [link=http://x]link[/link]."


@given(st.text())
def test_md_escape_keeps_table_cells_and_links_closed(text):
    """The full property (renders as the original text) is in tests/export/test_escape.py."""
    out = md_escape(text)
    assert "\n" not in out
    assert not any(ord(c) < 32 for c in out)
    for i, char in enumerate(out):
        if char in "|`[":  # must be escaped: an odd run of backslashes before it
            run = len(out[:i]) - len(out[:i].rstrip("\\"))
            assert run % 2 == 1, (text, out)


def test_block_quote_lines_cannot_start_blocks():
    quoted = md_escape("1. list\n# heading\n> quote\n- item", newlines=True)
    assert quoted.split("\n") == ["1\\. list", "\\# heading", "\\> quote", "\\- item"]


def test_parse_indices():
    assert parse_indices("4,12-13") == [4, 12, 13]
    assert parse_indices(" 3 , 3,1") == [1, 3]
    for bad in ("x", "5-2", "-1", ""):
        with pytest.raises(SelectionError):
            parse_indices(bad)


def test_context_marks_neighbours_only():
    assert with_context([2, 3], [0, 1, 2, 3, 5], 1) == [
        (1, True),
        (2, False),
        (3, False),
        (5, True),
    ]
    assert with_context([0], [0, 1], 0) == [(0, False)]


def test_min_importance_filter():
    bundle = Bundle.open(sample_bundle_path())
    records = collect(
        bundle,
        SentenceFilter(min_importance=0.4),
        outcome="alignment_faking",
        metric="counterfactual",
        trace_ids=["01-original-free"],
    )
    assert [s.sentence_idx for s in records[0].sentences] == [38]


def test_cli_export_to_stdout_and_file(tmp_path, capsys):
    assert main(["export", "--trace", "01-original-free", "--sentences", "38"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# afscope export") and "Sentence 38" in out
    target = tmp_path / "notes.md"
    assert main(["export", "--top", "1", "--format", "jsonl", "-o", str(target)]) == 0
    lines = target.read_text().splitlines()
    assert len(lines) == 20  # one sentence from each of the 20 traces
    assert [p.name for p in tmp_path.iterdir()] == ["notes.md"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--trace", "nope"], "unknown trace id 'nope'"),
        (["--trace", "01-original-free", "--sentences", "999"], "has no sentence 999"),
        (["--select", "01-original-free"], "expected TRACE=INDICES"),
        (["--select", "01-original-free=x"], "--select: 'x' is not an index"),
        (["--select", "nope=1"], "unknown trace id 'nope'"),
        (["--select", "01-original-free=1", "--trace", "x"], "without --trace"),
        (["--format", "jsonl", "--style", "compact"], "--style: applies to"),
        (["--alternatives", "-1"], "--alternatives: expected"),
        (["--outcome", "bogus"], "unknown outcome 'bogus'"),
        (["--metric", "bogus"], "unknown metric 'bogus'"),
        (["--sentences", "3-1"], "expected 0 <= start <= end"),
        (["--top", "0"], "--top: expected"),
        (["--context", "-1"], "--context: expected"),
        (["-o", "/nonexistent-folder/x.md"], "cannot write here"),
    ],
)
def test_cli_export_errors_exit_2(args, message, capsys):
    assert main(["export", *args]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_cli_export_never_writes_into_the_bundle(tiny_bundle, capsys):
    before = sorted(p.name for p in tiny_bundle.iterdir())
    assert main(["export", str(tiny_bundle), "-o", str(tiny_bundle / "x.md")]) == 2
    assert "must be outside the input" in capsys.readouterr().err
    assert sorted(p.name for p in tiny_bundle.iterdir()) == before


def test_atomic_write_leaves_no_partial_file(tmp_path, monkeypatch):
    target = tmp_path / "out.md"
    target.write_text("old")

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="No space left"):
        write_atomic(target, "new text")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.md"]


def test_golden_files_are_committed():
    assert (REPO / "tests" / "golden" / "sample_top2_context.md").is_file()


@pytest.mark.parametrize("fmt", ["markdown", "jsonl"])
def test_cli_export_carries_the_explorers_notes(tiny_bundle, tmp_path, capsys, fmt):
    import json

    from afscope.analysis.notes import load_notes

    notes = load_notes(tmp_path / "notes.json", tiny_bundle)
    notes.toggle_category(("t1", 1), "monitoring")
    notes.set_note(("t1", 1), "[bold]watch\x1b]2;x\x07 this|")
    notes.save()
    args = ["export", str(tiny_bundle), "--trace", "t1", "--sentences", "0,1", "--format", fmt]
    assert main([*args, "--notes", str(tmp_path / "notes.json")]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
    if fmt == "markdown":
        assert "- categories: monitoring" in out
        assert "- note: \\[bold]watch this|" in out
        assert out.count("- note:") == 1
    else:
        rows = [json.loads(line) for line in out.splitlines()]
        assert rows[0]["categories"] == [] and rows[0]["note"] is None
        assert rows[1]["categories"] == ["monitoring"]
        assert rows[1]["note"] == "[bold]watch this|"


@pytest.mark.parametrize("style", ["detailed", "compact"])
def test_hostile_text_makes_no_markup_in_either_style(tmp_path, style):
    """Rendered by a CommonMark renderer (GitHub tables), the hostile bundle's export makes
    no link, image, HTML or code of its own; its provenance command is one code span."""
    from markdown_it import MarkdownIt

    from afscope.export.plan import ExportPlan
    from afscope.export.run import export_text

    bundle = _hostile(tmp_path)
    plan = ExportPlan(SentenceFilter(), "x", "m", style=style, alternatives=2, context=1)
    text = export_text(bundle, plan, source=tmp_path / "evil").text
    assert "\x1b" not in text and "\x07" not in text
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    seen = [c for t in tokens for c in (t.children or [])]
    kinds = {t.type for t in tokens} | {c.type for c in seen}
    assert not kinds & {"link_open", "image", "html_inline", "html_block"}
    assert [c.content for c in seen if c.type == "code_inline"] == [
        text.split("Reproduce: `", 1)[1].split("`", 1)[0]
    ]
