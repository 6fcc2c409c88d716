"""What the child-process benchmarks share: timing one ``python -c`` child and summing up
its runs. One copy, so that every script times its floor and afscope the same way."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

Run = tuple[float, float, float]
"""(wall seconds, CPU seconds, peak RSS in MB) of one child."""


def compiled_bytecode(folder: Path) -> None:
    """Let every child from now on cache its compiled bytecode in ``folder``, as an
    installed afscope runs from its ``.pyc`` files: with ``PYTHONDONTWRITEBYTECODE=1`` set
    (as here), each child compiled afscope's modules again (50-150 ms) while the floor's
    libraries came compiled from their install. Run each variant once untimed after it."""
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["PYTHONPYCACHEPREFIX"] = str(folder)


def run_child(args: list[str], source: str | None = None) -> Run:
    """Time one child process running ``python -c``. CPU time (the child's own user +
    system, from ``os.wait4``) is steadier than wall time on a busy machine. ``source``:
    another afscope checkout, put ahead of the installed one."""
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
    err = child.stderr.read().decode(errors="replace")  # read before waiting: no full pipe
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"child failed ({args[1:]}):\n{err}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def summary(runs: Iterable[Run]) -> Run:
    """Median wall and CPU seconds of the runs, and the largest peak RSS."""
    done = list(runs)
    return (
        statistics.median(w for w, _, _ in done),
        statistics.median(c for _, c, _ in done),
        max(m for _, _, m in done),
    )
