"""An afscope command never deletes or replaces what it did not write (issue #10, data loss).

Each case first builds what a user might have on disk, runs the real CLI, and checks the
exit code, the message and that every byte the user owned is still there.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from support import tiny_manifest, tiny_tables, tree_digest
from ta_builders import full_folder

from afscope.bundle import Bundle, write_bundle
from afscope.bundle.target import OLD_PREFIX, STAGING_PREFIX, sweep_stale
from afscope.cli.main import main
from afscope.export.files import is_afscope_export
from afscope.problems import BundleError


def _snapshot(root: Path) -> dict[str, object]:
    """Every entry below ``root`` with its kind and content (links and dirs included)."""
    out: dict[str, object] = {}
    for path in sorted(root.rglob("*")):
        key = str(path.relative_to(root))
        if path.is_symlink():
            out[key] = ("link", os.readlink(path))
        elif path.is_dir():
            out[key] = "dir"
        elif not path.is_file():
            out[key] = ("special", path.stat().st_mode)
        else:
            out[key] = ("file", path.read_bytes())
    return out


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A user's folder: a bundle, a Thought Anchors folder and unrelated notes."""
    root = tmp_path / "work"
    root.mkdir()
    write_bundle(root / "bundle", tiny_manifest(), tiny_tables())
    full_folder(root / "problem_1")
    (root / "notes.txt").write_text("my notes")
    return root


@pytest.mark.parametrize("command", ["compute", "import"])
def test_force_onto_the_folder_holding_the_input_refuses(workspace, capsys, command):
    src = workspace / ("bundle" if command == "compute" else "problem_1")
    before = _snapshot(workspace)
    assert main([command, str(src), str(workspace), "--force"]) == 2
    err = capsys.readouterr().err
    assert "holds the input" in err and "Traceback" not in err
    assert _snapshot(workspace) == before


@pytest.mark.parametrize("command", ["compute", "import"])
def test_force_onto_the_input_itself_or_inside_it_refuses(workspace, capsys, command):
    src = workspace / ("bundle" if command == "compute" else "problem_1")
    before = _snapshot(workspace)
    assert main([command, str(src), str(src), "--force"]) == 2
    assert main([command, str(src), str(src / "sub"), "--force"]) == 2
    assert capsys.readouterr().err.count("must be outside the input") == 2
    assert _snapshot(workspace) == before


def _out_cases(root: Path) -> dict[str, tuple[Path, str]]:
    """Things at OUT that ``--force`` must never replace, with the reason it gives."""
    file = root / "a-file"
    file.write_text("data")
    folder = root / "a-folder"
    folder.mkdir()
    (folder / "thesis.tex").write_text("years of work")
    mixed = write_bundle(root / "bundle-plus-notes", tiny_manifest(), tiny_tables())
    (mixed / "notes.md").write_text("my notes on this bundle")
    link = root / "a-link"
    link.symlink_to(write_bundle(root / "linked-bundle", tiny_manifest(), tiny_tables()))
    fifo = root / "a-fifo"
    os.mkfifo(fifo)
    return {
        "file": (file, "is not a folder"),
        "folder with user files": (folder, "not an afscope bundle"),
        "bundle with user files": (mixed, "holds files afscope did not write (notes.md)"),
        "symlink to a bundle": (link, "is a symbolic link"),
        "fifo": (fifo, "is not a folder"),
    }


@pytest.mark.parametrize(
    "case",
    ["file", "folder with user files", "bundle with user files", "symlink to a bundle", "fifo"],
)
@pytest.mark.parametrize("command", ["compute", "import"])
def test_force_replaces_only_an_earlier_afscope_bundle(tmp_path, capsys, case, command):
    src = full_folder(tmp_path / "problem_1")
    targets = tmp_path / "targets"
    targets.mkdir()
    out, reason = _out_cases(targets)[case]
    before = _snapshot(targets)
    assert main([command, str(src), str(out), "--force"]) == 2
    err = capsys.readouterr().err
    assert reason in err and str(out) in err and "Traceback" not in err
    assert _snapshot(targets) == before


@pytest.mark.parametrize("command", ["compute", "import"])
def test_force_replaces_an_earlier_output_and_leaves_no_debris(tmp_path, capsys, command):
    src = full_folder(tmp_path / "problem_1")
    out = tmp_path / "out"
    assert main([command, str(src), str(out)]) == 0
    assert main([command, str(src), str(out)]) == 2
    assert "already exists (use --force" in capsys.readouterr().err
    assert main([command, str(src), str(out), "--force"]) == 0
    assert Bundle.open(out).trace_ids()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "problem_1"]


def test_stale_staging_from_a_killed_run_is_swept(tmp_path):
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    pid = int(dead.stdout)
    stale = tmp_path / f"{STAGING_PREFIX}{pid}-out.abc"
    stale.mkdir()
    (stale / "traces.parquet").write_bytes(b"half")
    old = tmp_path / f"{OLD_PREFIX}{pid}-out"
    old.mkdir()
    live = tmp_path / f"{STAGING_PREFIX}{os.getppid()}-out.def"  # our parent is alive
    live.mkdir()
    user = tmp_path / ".afscope-staging-notes"  # no pid: not ours
    user.mkdir()
    write_bundle(tmp_path / "out", tiny_manifest(), tiny_tables())
    assert not stale.exists() and not old.exists()
    assert live.exists() and user.exists()
    assert sweep_stale(tmp_path) == []


def test_full_disk_names_the_folder_and_leaves_nothing(tmp_path, monkeypatch, capsys):
    import afscope.bundle.writer as writer

    def no_space(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(writer, "normalize", no_space)
    src = full_folder(tmp_path / "problem_1")
    assert main(["import", str(src), str(tmp_path / "out" / "b")]) == 2
    err = capsys.readouterr().err
    assert f"cannot write the bundle in {tmp_path / 'out'}: No space left on device" in err
    assert [p.name for p in (tmp_path / "out").iterdir()] == []


def test_write_bundle_api_refuses_a_user_folder(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "data.csv").write_text("1,2")
    with pytest.raises(BundleError, match="not an afscope bundle"):
        write_bundle(folder, tiny_manifest(), tiny_tables(), overwrite=True)
    assert (folder / "data.csv").read_text() == "1,2"


# -- export targets -------------------------------------------------------------------


def test_export_to_a_symlink_writes_its_target_and_keeps_the_link(tiny_bundle, tmp_path, capsys):
    real = tmp_path / "real.md"
    assert main(["export", str(tiny_bundle), "--trace", "t1", "-o", str(real)]) == 0
    link = tmp_path / "link.md"
    link.symlink_to(real)
    assert main(["export", str(tiny_bundle), "--trace", "t2", "-o", str(link)]) == 2
    assert "already exists (use --force" in capsys.readouterr().err
    assert main(["export", str(tiny_bundle), "--trace", "t2", "-o", str(link), "--force"]) == 0
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert "## Trace t2" in real.read_text() and "## Trace t1" not in real.read_text()


def test_export_never_overwrites_a_file_it_did_not_write(tiny_bundle, tmp_path, capsys):
    mine = tmp_path / "paper.md"
    mine.write_text("# my paper\n")
    link = tmp_path / "link.md"
    link.symlink_to(mine)
    for target in (mine, link):
        assert main(["export", str(tiny_bundle), "-o", str(target), "--force"]) == 2
        assert "not an earlier afscope export" in capsys.readouterr().err
    assert mine.read_text() == "# my paper\n" and link.is_symlink()


@pytest.mark.parametrize("fmt", ["markdown", "jsonl"])
def test_earlier_exports_are_recognised(tiny_bundle, tmp_path, fmt):
    out = tmp_path / "x"
    assert main(["export", str(tiny_bundle), "--format", fmt, "-o", str(out)]) == 0
    assert is_afscope_export(out)
    assert main(["export", str(tiny_bundle), "--format", fmt, "-o", str(out), "--force"]) == 0


def test_export_refuses_folders_dangling_links_and_sockets(tiny_bundle, tmp_path, capsys):
    import socket

    dangling = tmp_path / "dangling.md"
    dangling.symlink_to(tmp_path / "missing.md")
    sock_path = tmp_path / "s.sock"
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(sock_path))
    try:
        for target, reason in (
            (tmp_path, "holds the input"),
            (tiny_bundle.parent / "elsewhere", None),
            (dangling, "link to a missing file"),
            (sock_path, "is a special file"),
        ):
            if reason is None:  # a plain folder away from the input
                target.mkdir()
                reason = "is a folder"
            assert main(["export", str(tiny_bundle), "-o", str(target), "--force"]) == 2
            assert reason in capsys.readouterr().err
        assert dangling.is_symlink() and not (tmp_path / "missing.md").exists()
        assert sock_path.is_socket()
    finally:
        sock.close()


def test_export_to_a_fifo_streams_and_keeps_the_fifo(tiny_bundle, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # the export fits the pipe buffer
    try:
        assert main(["export", str(tiny_bundle), "--trace", "t1", "-o", str(fifo)]) == 0
        received = os.read(reader, 1 << 16)
    finally:
        os.close(reader)
    assert fifo.is_fifo()
    assert received.startswith(b"# afscope export") and b"## Trace t1" in received


def test_export_to_a_fifo_without_reader_fails_fast(tiny_bundle, tmp_path, capsys):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    assert main(["export", str(tiny_bundle), "-o", str(fifo)]) == 2
    assert "no process is reading this FIFO" in capsys.readouterr().err
    assert fifo.is_fifo()


@pytest.mark.parametrize("target", ["/dev/stdout", "-"])
def test_export_to_stdout_device_streams(tiny_bundle, target):
    run = subprocess.run(
        [sys.executable, "-m", "afscope", "export", str(tiny_bundle), "-o", target],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("# afscope export") and "## Trace t1" in run.stdout
    assert Path("/dev/stdout").is_symlink()


def test_export_into_the_input_through_a_link_is_refused(tiny_bundle, tmp_path, capsys):
    link = tmp_path / "into-bundle"
    link.symlink_to(tiny_bundle)
    before = tree_digest(tiny_bundle)
    assert main(["export", str(tiny_bundle), "-o", str(link / "x.md")]) == 2
    assert "must be outside the input" in capsys.readouterr().err
    assert tree_digest(tiny_bundle) == before


def _start_import(tmp_path: Path) -> tuple[subprocess.Popen[bytes], Path]:
    """A slow import in a child process, returned once its staging folder exists."""
    import time

    for n in range(150):
        full_folder(tmp_path / "tree" / f"problem_{n}")
    out = tmp_path / "out" / "b"
    (tmp_path / "out").mkdir()
    proc = subprocess.Popen(
        [sys.executable, "-m", "afscope", "import", str(tmp_path / "tree"), str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while not any(p.name.startswith(STAGING_PREFIX) for p in (tmp_path / "out").iterdir()):
        assert proc.poll() is None, "the import ended before it could be interrupted"
        assert time.monotonic() < deadline
        time.sleep(0.01)
    return proc, out


def test_sigterm_during_import_exits_143_and_cleans_up(tmp_path):
    import signal

    proc, out = _start_import(tmp_path)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143, err
    assert b"Traceback" not in err
    assert list(out.parent.iterdir()) == []


def test_sigkill_leftovers_are_swept_by_the_next_run(tmp_path, capsys):
    import signal

    proc, out = _start_import(tmp_path)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    assert [p for p in out.parent.iterdir() if p.name.startswith(STAGING_PREFIX)]
    src = full_folder(tmp_path / "one")
    assert main(["import", str(src), str(out)]) == 0
    assert [p.name for p in out.parent.iterdir()] == ["b"]
