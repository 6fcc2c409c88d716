"""The CLI: exit codes, readable output, JSON for scripts, no tracebacks."""

import json
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from support import tree_digest

from afscope.cli.main import main


def test_validate_valid_bundle_exits_0(tiny_bundle, capsys):
    assert main(["validate", str(tiny_bundle)]) == 0
    assert "valid" in capsys.readouterr().out


def test_validate_invalid_bundle_exits_2_with_one_line_per_problem(tiny_bundle, capsys):
    frame = pl.read_parquet(tiny_bundle / "rates.parquet").with_columns(pl.lit(-1.0).alias("rate"))
    frame.write_parquet(tiny_bundle / "rates.parquet")
    (tiny_bundle / "effects.parquet").write_bytes(b"junk")
    before = tree_digest(tiny_bundle)
    assert main(["validate", str(tiny_bundle)]) == 2
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.startswith("error: ")]
    assert len(lines) == 2
    assert "rates.parquet: column 'rate'" in err and "out of range" in err
    assert "effects.parquet" in err and "unreadable Parquet" in err
    assert "invalid (2 problems)" in err
    assert "Traceback" not in err
    assert tree_digest(tiny_bundle) == before


def test_missing_path_exits_2(tmp_path, capsys):
    assert main(["info", str(tmp_path / "nope")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_info_on_broken_manifest_exits_2(tiny_bundle, capsys):
    (tiny_bundle / "manifest.json").write_text("[]")
    assert main(["info", str(tiny_bundle)]) == 2
    err = capsys.readouterr().err
    assert "manifest.json" in err and "Traceback" not in err


def test_info_table_lists_traces_labels_and_conditions(tiny_bundle, capsys):
    assert main(["info", str(tiny_bundle)]) == 0
    out = capsys.readouterr().out
    assert "2 traces, 5 sentences, 4 rollouts" in out
    assert "outcomes: compliance, alignment_faking" in out
    assert "metrics:  resampling, counterfactual" in out
    t1 = next(line for line in out.splitlines() if line.startswith("t1 "))
    assert t1.split()[:7] == ["t1", "original", "free", "3", "4", "yes", "yes"]
    assert "evaluation-level rates" in out


def test_info_json_has_the_same_content(tiny_bundle, capsys):
    assert main(["info", "--json", str(tiny_bundle)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["trace_count"] == 2
    assert [t["trace_id"] for t in data["traces"]] == ["t1", "t2"]
    assert data["traces"][1]["labels"] == {"compliance": False, "alignment_faking": None}
    assert data["traces"][0]["rollouts"] == 4
    free = next(
        r
        for r in data["condition_rates"]
        if r["condition"] == "free" and r["outcome"] == "compliance"
    )
    assert (free["n"], free["rate"]) == (2, 0.5)
    assert data["tables"]["resamples"] == 4


def test_info_strips_escape_sequences_from_data(tmp_path, capsys):
    from support import tiny_manifest, tiny_tables

    from afscope.bundle import write_bundle

    tables = tiny_tables()
    tables.traces = tables.traces.with_columns(
        pl.Series("query", ["evil \x1b]2;PWNED\x07 [bold]x[/bold]", "ok\x1b[2J"])
    )
    root = write_bundle(tmp_path / "b", tiny_manifest(), tables)
    assert main(["info", str(root)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
    assert "evil [bold]x[/bold]" in out


def test_console_script_runs_on_the_bundled_sample():
    run = subprocess.run(
        [sys.executable, "-m", "afscope", "info"],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).parent,
    )
    assert run.returncode == 0, run.stderr
    assert "20 traces" in run.stdout and "SYNTHETIC" in run.stdout


def test_help_lists_the_commands(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert all(name in out for name in ("open", "validate", "info", "import"))


def test_default_command_is_open():
    from afscope.cli.main import COMMANDS, _with_default_command

    assert _with_default_command([], set(COMMANDS)) == ["open"]
    assert _with_default_command(["some/path"], set(COMMANDS)) == ["open", "some/path"]
    assert _with_default_command(["--debug", "x"], set(COMMANDS)) == ["--debug", "open", "x"]
    assert _with_default_command(["info", "x"], set(COMMANDS)) == ["info", "x"]


def test_open_refuses_bad_input_before_drawing(tmp_path, capsys):
    assert main([str(tmp_path / "missing")]) == 2
    (tmp_path / "empty").mkdir()
    assert main([str(tmp_path / "empty")]) == 2
    assert "no Thought Anchors data" in capsys.readouterr().err
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "manifest.json").write_text('{"schema_version": "7.0"}')
    assert main([str(bad)]) == 2
    assert "newer than this afscope" in capsys.readouterr().err
