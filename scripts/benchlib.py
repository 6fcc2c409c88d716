"""What the child-process benchmarks share: timing one ``python -c`` child and summing up
its runs. One copy, so that every script times its floor and afscope the same way."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple


class Run(NamedTuple):
    """One child's wall and CPU seconds (CPU includes the processes it started and
    waited for), its own peak RSS in MB, and the peak of the memory of it and every
    process below it together (MB of PSS, shared pages split between the processes that
    map them; sampled every ``SAMPLE_SECONDS``)."""

    wall: float
    cpu: float
    rss: float
    tree: float


SAMPLE_SECONDS = 0.02


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as handle:
                    todo += [int(p) for p in handle.read().split()]
        except OSError:  # ended meanwhile
            continue
    return found


def _pss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class _TreeMemory(threading.Thread):
    """Samples the summed PSS of a process and its descendants until ``stop``."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = 0.0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(SAMPLE_SECONDS):
            total = sum(_pss_mb(p) for p in _descendants(self.pid))
            self.peak = max(self.peak, total)


def compiled_bytecode(folder: Path) -> None:
    """Let every child from now on cache its compiled bytecode in ``folder``, as an
    installed afscope runs from its ``.pyc`` files: with ``PYTHONDONTWRITEBYTECODE=1`` set
    (as here), each child compiled afscope's modules again (50-150 ms) while the floor's
    libraries came compiled from their install. Run each variant once untimed after it."""
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["PYTHONPYCACHEPREFIX"] = str(folder)


def run_child(args: list[str], source: str | None = None, *, tree: bool = False) -> Run:
    """Time one child process running ``python -c``. CPU time (the child's own user +
    system, from ``os.wait4``) is steadier than wall time on a busy machine. ``source``:
    another afscope checkout, put ahead of the installed one. ``tree``: also sample the
    memory of the child and its workers (``Run.tree``; 0 otherwise). Never in a timed
    run: reading ``smaps_rollup`` every 20 ms walks the child's page tables under its
    memory lock, and added 0.4 s to a 1.7 s compute and to its floor alike."""
    env = dict(os.environ)
    if source is not None:
        env["PYTHONPATH"] = source
    started = time.perf_counter()
    child = subprocess.Popen(  # cwd: with -c the current folder comes first on sys.path
        [sys.executable, "-c", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=tempfile.gettempdir(),
    )
    assert child.stderr is not None
    memory = _TreeMemory(child.pid)
    if tree:
        memory.start()
    err = child.stderr.read().decode(errors="replace")  # read before waiting: no full pipe
    if tree:  # stderr closes as the child exits: its /proc entry may still be read
        memory.done.set()
        memory.join()
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"child failed ({args[1:]}):\n{err}")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, memory.peak)


def rotated(names: list[str], round_: int) -> list[str]:
    """``names`` in the order of round ``round_``: each starts a round in turn, so no
    variant always follows the same one (a run after a large process's exit was up to
    10% faster than after a small one: a fixed order skewed one ratio every round)."""
    at = round_ % len(names) if names else 0
    return names[at:] + names[:at]


def summary(runs: Iterable[Run]) -> Run:
    """Median wall and CPU seconds of the runs, and the largest peaks."""
    done = list(runs)
    return Run(
        statistics.median(r.wall for r in done),
        statistics.median(r.cpu for r in done),
        max(r.rss for r in done),
        max(r.tree for r in done),
    )
