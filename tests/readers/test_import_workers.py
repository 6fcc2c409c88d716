"""Worker processes stage a large tree's folders: the bundle, its problems and notes are
those of one process, a stop or an error leaves nothing behind, and a worker that dies
is reported, not hung on."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import TypeVar

import pytest
from ta_builders import full_folder, tree, write_json

from afscope.bundle.target import STAGING_PREFIX
from afscope.problems import BundleError
from afscope.progress import Progress
from afscope.readers import import_thought_anchors
from afscope.readers.thought_anchors import workers

T = TypeVar("T")


class CountingPool(workers.ProcessPoolExecutor):
    """The real pool, counting the runs handed to its workers."""

    submitted = 0

    def submit(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        CountingPool.submitted += 1
        return super().submit(*args, **kwargs)


def _from_the_second_run(monkeypatch: pytest.MonkeyPatch, pool_class: T) -> T:
    """``pool_class`` as the importer's pool, used from the second run on."""
    monkeypatch.setattr(workers, "SERIAL_SECONDS", 0.0)
    monkeypatch.setattr(workers, "ProcessPoolExecutor", pool_class)
    return pool_class


@pytest.fixture
def pool(monkeypatch: pytest.MonkeyPatch) -> type[CountingPool]:
    """Workers from the second run on, counted."""
    CountingPool.submitted = 0
    return _from_the_second_run(monkeypatch, CountingPool)


def _mixed_tree(root: Path) -> Path:
    """Four copies of ``ta_builders.tree`` (web, full, scenario and unreadable folders, a
    forced-answer twin), a broken link the walk reports and a bad value in one rollout."""
    for k in range(4):
        tree(root / f"set_{k}")
    (root / "set_1" / "dangling.json").symlink_to(root / "nowhere")
    solutions = (
        (root / "set_2" / "model-x" / "temperature_0.6_top_p_0.95" / "correct_base_solution")
        / "problem_2"
        / "chunk_1"
        / "solutions.json"
    )
    write_json(solutions, [{"chunk_resampled": "x", "answer": "7", "is_correct": "maybe"}])
    return root


class Steps(Progress):
    """Records what the import reports as it reads folders."""

    def __init__(self) -> None:
        self.advanced: list[int] = []

    def advance(self, amount: int = 1) -> None:
        self.advanced.append(amount)


def _files(bundle: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(bundle.iterdir())}


def test_workers_give_the_bundle_problems_and_notes_of_one_process(
    tmp_path: Path, pool: type[CountingPool]
) -> None:
    root = _mixed_tree(tmp_path / "runs")
    steps = {1: Steps(), 3: Steps()}
    alone = import_thought_anchors(root, tmp_path / "alone", batch=2, jobs=1, progress=steps[1])
    assert pool.submitted == 0
    shared = import_thought_anchors(root, tmp_path / "shared", batch=2, jobs=3, progress=steps[3])
    assert pool.submitted >= 2  # 16 folders in runs of 2: the first here, most in workers
    assert steps[1].advanced == [1] * 16  # every folder counted once, skipped ones too
    assert sum(steps[3].advanced) == 16 and 2 in steps[3].advanced  # a worker's run: 2
    assert shared.traces == alone.traces == 12
    assert [str(p) for p in shared.problems] == [str(p) for p in alone.problems]
    messages = " ".join(str(p) for p in alone.problems)
    assert "broken symbolic link" in messages and "trace skipped" in messages
    assert "is_correct" in messages
    assert shared.notes == alone.notes
    assert _files(shared.path) == _files(alone.path)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(STAGING_PREFIX)] == []


def test_strict_with_workers_fails_as_one_process_does_and_leaves_nothing(
    tmp_path: Path, pool: type[CountingPool]
) -> None:
    root = _mixed_tree(tmp_path / "runs")
    out = tmp_path / "out"
    out.mkdir()
    failures = []
    for jobs in (1, 2):
        with pytest.raises(BundleError) as caught:
            import_thought_anchors(root, out / f"b{jobs}", batch=1, jobs=jobs, strict=True)
        failures.append([str(p) for p in caught.value.problems])
    assert pool.submitted >= 1
    assert failures[0] == failures[1]
    assert "problem_3" in failures[0][-1]  # the first set's unreadable chunks.json
    assert list(out.iterdir()) == []


def test_a_worker_that_dies_is_reported_with_what_to_do() -> None:
    future: Future[object] = Future()
    future.set_exception(BrokenProcessPool("a child process terminated abruptly"))
    with pytest.raises(BundleError) as caught:
        workers._taken([], future)  # type: ignore[arg-type]
    (problem,) = caught.value.problems
    assert "ended unexpectedly" in problem.message and "--jobs 1" in problem.message


CHILD = """
import sys
from afscope.readers.thought_anchors import importer, workers
workers.SERIAL_SECONDS = 0.0
importer.import_thought_anchors.__kwdefaults__["batch"] = 5
from afscope.cli.main import main
sys.exit(main(["import", "--jobs", "3", sys.argv[1], sys.argv[2]]))
"""


def _children(pid: int) -> list[int]:
    found = []
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                found += [int(p) for p in handle.read().split()]
        except OSError:  # a thread that ended meanwhile
            continue
    return found


def _workers_of(pid: int) -> list[int]:
    """The pool's worker processes (not its resource tracker)."""
    workers_found = []
    for child in _children(pid):
        try:
            with open(f"/proc/{child}/cmdline", "rb") as handle:
                command = handle.read()
        except OSError:
            continue
        if b"spawn_main" in command and b"resource_tracker" not in command:
            workers_found.append(child)
    return workers_found


@pytest.mark.skipif(
    not Path(f"/proc/self/task/{os.getpid()}/children").exists(),
    reason="needs Linux /proc/PID/task/TID/children",
)
@pytest.mark.parametrize(
    ("sent", "group", "code"),
    [
        (signal.SIGTERM, False, 143),
        (signal.SIGINT, False, 130),
        (signal.SIGINT, True, 130),  # Ctrl-C at a terminal: the whole process group
    ],
)
def test_a_stop_while_workers_run_ends_them_and_leaves_nothing(
    tmp_path: Path, sent: signal.Signals, group: bool, code: int
) -> None:
    for n in range(400):
        full_folder(tmp_path / "tree" / f"problem_{n:03d}")
    out = tmp_path / "out"
    out.mkdir()
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(tmp_path / "tree"), str(out / "b")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=group,
    )
    deadline = time.monotonic() + 60
    while not (running := _workers_of(proc.pid)):
        assert proc.poll() is None, "the import ended before its workers started"
        assert time.monotonic() < deadline
        time.sleep(0.005)
    if group:
        os.killpg(proc.pid, sent)
    else:
        proc.send_signal(sent)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == code, err
    assert b"Traceback" not in err
    assert list(out.iterdir()) == []
    for worker in running:  # joined by the importer before it exited
        assert not Path(f"/proc/{worker}").exists()


def test_where_workers_cannot_start_this_process_parses_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_processes(*args: object, **kwargs: object) -> None:
        raise OSError("bad value(s) in fds_to_keep")

    monkeypatch.setattr(workers, "SERIAL_SECONDS", 0.0)
    monkeypatch.setattr(workers, "ProcessPoolExecutor", no_processes)
    root = _mixed_tree(tmp_path / "runs")
    alone = import_thought_anchors(root, tmp_path / "alone", batch=2, jobs=1)
    fallen = import_thought_anchors(root, tmp_path / "fallen", batch=2, jobs=2)
    assert [str(p) for p in fallen.problems] == [str(p) for p in alone.problems]
    assert _files(fallen.path) == _files(alone.path)


class NoStart:
    """A pool whose workers cannot start (``fail_after`` submits succeed first, their
    runs never coming back)."""

    fail_after = 0

    def __init__(self, *args: object, **kwargs: object) -> None:
        self.submits = 0

    def submit(self, *args: object) -> Future[object]:
        self.submits += 1
        if self.submits > NoStart.fail_after:
            raise OSError("cannot allocate memory")
        return Future()

    def shutdown(self, *args: object, **kwargs: object) -> None:
        pass


@pytest.fixture
def no_start(monkeypatch: pytest.MonkeyPatch) -> type[NoStart]:
    """Workers from the second run on, none of which can start."""
    NoStart.fail_after = 0
    return _from_the_second_run(monkeypatch, NoStart)


def test_when_no_worker_can_start_this_process_parses_everything(
    tmp_path: Path, no_start: type[NoStart]
) -> None:
    root = _mixed_tree(tmp_path / "runs")
    alone = import_thought_anchors(root, tmp_path / "alone", batch=2, jobs=1)
    fallen = import_thought_anchors(root, tmp_path / "fallen", batch=2, jobs=2)
    assert [str(p) for p in fallen.problems] == [str(p) for p in alone.problems]
    assert _files(fallen.path) == _files(alone.path)


def test_a_worker_that_cannot_start_after_others_did_is_reported(
    tmp_path: Path, no_start: type[NoStart]
) -> None:
    no_start.fail_after = 1
    root = _mixed_tree(tmp_path / "runs")
    (tmp_path / "out").mkdir()
    with pytest.raises(BundleError) as caught:
        import_thought_anchors(root, tmp_path / "out" / "b", batch=2, jobs=3)
    (problem,) = caught.value.problems
    assert "could not start (cannot allocate memory)" in problem.message
    assert "--jobs 1" in problem.message
    assert list((tmp_path / "out").iterdir()) == []


def test_the_library_parses_in_one_process_unless_asked(
    tmp_path: Path, pool: type[CountingPool]
) -> None:
    root = _mixed_tree(tmp_path / "runs")
    import_thought_anchors(root, tmp_path / "b", batch=2)
    assert pool.submitted == 0  # a script without a __main__ guard is not run again
