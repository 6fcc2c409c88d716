"""The CLI: exit codes, readable output, JSON for scripts, no tracebacks."""

import importlib
import json
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest
from support import tree_digest
from ta_builders import full_folder

from afscope.cli.main import main
from afscope.readers import import_thought_anchors


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


# -- hostile paths, interrupts, lazy imports, tree walks --------------------------------

OSC = "\x1b]2;PWNED\x07"
UNSAFE = ("\x1b", "\x07", "\x9b", "\u202e")


def _clean(*texts: str) -> bool:
    return not any(c in t for t in texts for c in UNSAFE)


def test_every_command_cleans_hostile_folder_names(tiny_bundle, tmp_path, capsys):
    from ta_builders import web_folder

    src = tiny_bundle.rename(tmp_path / f"in{OSC}\u202e")
    ta = tmp_path / f"ta{OSC}"
    web_folder(ta)
    runs = [
        ["validate", str(src)],
        ["info", str(src)],
        ["import", str(ta), str(tmp_path / f"imported{OSC}")],
        ["compute", str(src), str(tmp_path / f"computed{OSC}\x9b2J")],
        ["export", str(src), "--top", "1", "-o", str(tmp_path / f"out{OSC}.md")],
        ["info", str(tmp_path / f"missing{OSC}")],
    ]
    for args in runs:
        code = main(args)
        out, err = capsys.readouterr()
        assert code == (2 if "missing" in args[-1] else 0), (args, err)
        assert _clean(out, err), (args, out, err)
        assert tmp_path.name in out + err  # the path is shown, only its escapes are gone


def test_argument_errors_echo_the_arguments_cleaned(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["info", f"--bogus{OSC}"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "--bogus" in err and _clean(err)


def test_unexpected_errors_are_one_clean_line(monkeypatch, tiny_bundle, capsys):
    import afscope.cli.info_cmd as info_cmd

    def boom(*args, **kwargs):
        raise RuntimeError(f"bad {OSC} thing")

    monkeypatch.setattr(info_cmd, "summarize", boom)
    assert main(["info", str(tiny_bundle)]) == 1
    err = capsys.readouterr().err
    assert "unexpected error: RuntimeError: bad thing" in err and _clean(err)


def test_only_the_chosen_command_is_imported(tiny_bundle):
    code = (
        "import sys\n"
        "from afscope.cli.main import main\n"
        "assert 'polars' not in sys.modules, 'the entry point loads Polars'\n"
        f"main(['info', {str(tiny_bundle)!r}])\n"
        "heavy = [m for m in ('textual', 'afscope.compute.run', 'afscope.export.build',"
        " 'afscope.cli.validate_cmd') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr


@pytest.mark.parametrize("delay", [0.4, 0.8])
def test_ctrl_c_at_any_moment_exits_130_without_a_traceback(delay):
    import signal

    from afscope.sample import sample_bundle_path

    proc = subprocess.Popen(
        [sys.executable, "-m", "afscope", "validate", str(sample_bundle_path())],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(delay)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert "Traceback" not in err and "Exception ignored" not in err, err
    assert proc.returncode in (0, 130, -signal.SIGINT)


def test_entry_exits_130_and_restores_default_ctrl_c(monkeypatch):
    import signal

    cli = importlib.import_module("afscope.cli.main")  # the package exports a function `main`

    def interrupted(argv=None):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "main", interrupted)
    previous = signal.getsignal(signal.SIGINT)
    try:
        with pytest.raises(SystemExit) as exc:
            cli.entry()
        assert exc.value.code == 130
        assert signal.getsignal(signal.SIGINT) == signal.SIG_DFL
    finally:
        signal.signal(signal.SIGINT, previous)


def test_entry_leaves_nothing_for_the_last_collection_at_exit(monkeypatch):
    import gc

    cli = importlib.import_module("afscope.cli.main")
    monkeypatch.setattr(cli, "main", lambda argv=None: 0)
    gc.unfreeze()
    try:
        with pytest.raises(SystemExit) as exc:
            cli.entry()
        assert exc.value.code == 0
        assert gc.get_freeze_count() > 0  # the objects of this process, frozen
    finally:
        gc.unfreeze()


def _tree_with_one_broken_folder(root: Path) -> Path:
    from ta_builders import web_folder

    web_folder(root / "a" / "problem_1")
    web_folder(root / "b" / "problem_2")
    web_folder(root / "c" / "problem_3")
    (root / "b" / "problem_2" / "chunks_labeled.json").write_text("{ not json")
    (root / "a" / "dangling").symlink_to(root / "nowhere")
    (root / "a" / "loop").symlink_to(root)
    return root


def test_validate_tree_reports_a_broken_folder_and_checks_the_others(tmp_path, capsys):
    root = _tree_with_one_broken_folder(tmp_path / "tree")
    before = tree_digest(root)
    assert main(["validate", str(root)]) == 2
    out, err = capsys.readouterr()
    assert "3 trace folders checked" in out
    assert "problem_2" in err and "chunks_labeled.json" in err
    assert "dangling: warning: skipped: broken symbolic link" in err
    errors = "\n".join(line for line in err.splitlines() if line.startswith("error:"))
    assert "problem_1" not in errors and "problem_3" not in errors  # only their gap warnings
    assert "Traceback" not in err
    assert tree_digest(root) == before


def test_validate_tree_strict_stops_at_the_first_broken_folder(tmp_path, capsys, monkeypatch):
    root = _tree_with_one_broken_folder(tmp_path / "tree")
    import afscope.cli.validate_cmd as validate_cmd

    seen = []
    real = validate_cmd._check_folder
    monkeypatch.setattr(
        validate_cmd,
        "_check_folder",
        lambda f, r, w, strict: seen.append(f.name) or real(f, r, w, strict=strict),
    )
    assert main(["validate", "--strict", str(root)]) == 2
    assert seen == ["problem_1", "problem_2"]
    assert "problem_2" in capsys.readouterr().err


def test_validate_tree_names_and_skips_unreadable_folders(tmp_path, capsys, monkeypatch):
    import afscope.readers.thought_anchors.tree as tree

    root = _tree_with_one_broken_folder(tmp_path / "tree")
    (root / "b" / "problem_2" / "chunks_labeled.json").unlink()
    real = tree.is_trace_folder

    def locked(folder: Path) -> bool:
        if folder.name == "problem_2":
            raise PermissionError(13, "Permission denied", str(folder))
        return real(folder)

    monkeypatch.setattr(tree, "is_trace_folder", locked)
    assert main(["validate", str(root)]) == 0
    out, err = capsys.readouterr()
    assert "2 trace folders checked" in out and "valid" in out
    assert "problem_2: warning: skipped: folder cannot be read (Permission denied)" in err


def test_validate_tree_shows_progress_only_on_a_terminal(tmp_path):
    import io

    from afscope.cli.progress import TerminalProgress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    for stream, shown in ((Terminal(), True), (io.StringIO(), False)):
        progress = TerminalProgress(stream, delay=0.0)
        progress.step("scanning folders")
        progress.describe("scanned 1 folders, 1 trace folders")
        progress.advance()
        if progress.enabled:  # the bar is made and drawn by a timer thread
            progress.timer.join()
        progress.close()
        text = stream.getvalue()
        assert progress.shown == shown
        assert ("scanned 1 folders, 1 trace folders" in text) == shown
        assert "\x1b[" in text if shown else text == ""  # drawn then erased; or nothing


def test_progress_kept_until_the_bar_shows_then_drawn_from_there():
    import io

    from afscope.cli.progress import TerminalProgress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Terminal()
    progress = TerminalProgress(stream, delay=60.0)  # not shown during the test
    progress.step("parsing", total=10)
    progress.advance(3)
    assert not progress.shown and stream.getvalue() == ""
    progress.timer.cancel()
    progress._show()  # what the timer does when the delay is over
    assert progress.bar is not None and progress.task is not None
    task = progress.bar.tasks[0]
    assert (task.description, task.total, task.completed) == ("parsing", 10, 3)
    assert task.start_time == progress.started  # elapsed time counts from the step
    progress.advance(2)
    progress.step("writing")
    assert [(t.description, t.completed) for t in progress.bar.tasks] == [("writing", 0)]
    progress.close()


def test_commands_off_a_terminal_never_import_rich(tmp_path):
    from afscope.sample import sample_bundle_path

    code = (
        "import sys\n"
        "from afscope.cli.main import entry\n"
        f"sys.argv = ['afscope', 'compute', {str(sample_bundle_path())!r}, "
        f"{str(tmp_path / 'out')!r}, '--no-embed']\n"
        "try:\n    entry()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('rich')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert (tmp_path / "out" / "manifest.json").is_file(), done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"


@pytest.mark.parametrize("jobs", ["0", "-1", "two"])
def test_import_jobs_must_be_one_or_more(tmp_path, capsys, jobs):
    src = full_folder(tmp_path / "problem_0")
    with pytest.raises(SystemExit) as exc:
        main(["import", "--jobs", jobs, str(src), str(tmp_path / "out")])
    assert exc.value.code == 2
    assert f"--jobs/-j: expected a whole number of 1 or more, got '{jobs}'" in (
        capsys.readouterr().err
    )
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("given", "expected"), [(["-j", "2"], 2), (["--jobs", "1"], 1), ([], None)]
)
def test_import_passes_jobs_on_one_per_cpu_by_default(
    tmp_path, capsys, monkeypatch, given, expected
):
    import afscope.cli.import_cmd as import_cmd
    from afscope.readers.thought_anchors.workers import default_jobs

    seen = []

    def recorded(*args, **kwargs):
        seen.append(kwargs["jobs"])
        return import_thought_anchors(*args, **kwargs)

    monkeypatch.setattr(import_cmd, "import_thought_anchors", recorded)
    src = full_folder(tmp_path / "problem_0")
    assert main(["import", *given, str(src), str(tmp_path / "out")]) == 0
    assert seen == [expected or default_jobs()]
    assert "wrote 1 trace from" in capsys.readouterr().out
    assert (tmp_path / "out" / "resamples.parquet").is_file()
