"""Stage a tree's trace folders in runs, here and then in worker processes, in walk order.

Parsing is Python work that holds one core, and a tree has thousands of folders. The
walk is cut into runs (``staging.FolderRun``) of ``batch`` folders. Runs are staged in
this process until that has taken ``SERIAL_SECONDS`` (so a tree of one run never starts a
worker); the rest go to ``jobs - 1`` worker processes, this one staging a run itself
whenever the oldest is not back. Each worker writes its runs' parts and sends back only
their paths and the folders' problems and notes. Results are taken in walk order, at
most ``AHEAD`` runs per worker ahead, so the bundle and its problems do not depend on
``jobs``, and memory does not grow with the tree. A stop or an error ends the workers at
once (their half-written parts are in the staging folder the importer then removes).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Generator, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from itertools import count, islice
from pathlib import Path

from afscope import stopping
from afscope.problems import BundleError, Problem
from afscope.readers.thought_anchors.staging import FolderRun, StagedRun, stage_run
from afscope.readers.thought_anchors.tree import find_trace_folders, trace_id_for

SERIAL_SECONDS = 1.0
"""Stage runs in this process for this long before starting workers: each costs about
half a second of CPU to start (Python, Polars and the parser imported afresh)."""
AHEAD = 2
"""Runs queued per worker: one being staged, one waiting."""
MAX_JOBS = 8

Report = Callable[[Problem], None]
Parsed = Callable[[int], None]


def default_jobs() -> int:
    """One worker per CPU this process may use, at most ``MAX_JOBS``."""
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        usable = os.cpu_count() or 1
    return max(1, min(usable, MAX_JOBS))


def stage_tree(
    root: Path, staging: Path, batch: int, jobs: int, walked: Report, parsed: Parsed
) -> Generator[tuple[list[list[Problem]], StagedRun], None, None]:
    """Each run of folders below ``root`` staged, in walk order, with the problems the walk
    found before each of its folders (unreadable folders, broken links); those found after
    the last folder go to ``walked`` at the end. ``jobs``: processes that parse, this one
    included (1: this one alone). ``parsed(n)``: n more folders parsed (progress: one at
    a time here, a run at a time from a worker)."""
    walk = _Walk(root, staging, batch)
    runs = iter(walk)
    started = time.monotonic()
    for before, run in runs:
        yield before, stage_run(run, parsed)
        if jobs > 1 and time.monotonic() - started >= SERIAL_SECONDS:
            yield from _in_workers(runs, jobs, parsed)
            break
    for problem in walk.found:
        walked(problem)


class _Walk:
    """The walk cut into runs of ``batch`` folders, each folder with the walk's problems
    found before it. After the last run, ``found`` holds those found after the last
    folder. (A run is one batch, staged as one part: smaller runs would add parts, and
    rates whose interval bounds differ in the last bit from those of a batch of other
    traces.)"""

    def __init__(self, root: Path, staging: Path, batch: int) -> None:
        self.root = root
        self.staging = staging
        self.batch = batch
        self.found: list[Problem] = []

    def __iter__(self) -> Iterator[tuple[list[list[Problem]], FolderRun]]:
        folders = find_trace_folders(self.root, self.found.append)
        for number in count():
            before: list[list[Problem]] = []
            run: list[tuple[Path, str]] = []
            for folder in islice(folders, self.batch):
                before.append(self.found[:])
                self.found.clear()
                run.append((folder, trace_id_for(folder, self.root)))
            if not run:
                return
            yield before, FolderRun(number, tuple(run), self.staging)


def _in_workers(
    runs: Iterator[tuple[list[list[Problem]], FolderRun]], jobs: int, parsed: Parsed
) -> Iterator[tuple[list[list[Problem]], StagedRun]]:
    """The remaining runs staged by ``jobs - 1`` worker processes and this one, taken in
    order: while the oldest run is not back (workers starting, or busy), this process
    stages the next run itself rather than wait."""
    workers = jobs - 1
    try:
        with _spawning():  # the pool starts multiprocessing's resource tracker
            pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
    except (OSError, ValueError):  # no processes here: parse on in this one
        yield from _here(runs, parsed)
        return
    queued: deque[tuple[list[list[Problem]], Future[StagedRun] | StagedRun]] = deque()
    busy = 0  # runs handed to workers and not yet taken
    finished = False
    try:
        while True:
            while busy < workers * AHEAD and (run := next(runs, None)) is not None:
                try:
                    with _spawning():  # a submit may start a worker
                        future = pool.submit(stage_run, run[1])
                except BrokenProcessPool:
                    raise _broken() from None
                except (OSError, ValueError) as exc:  # a worker could not start
                    if busy:  # a started worker may still take this run: no second copy here
                        raise _no_start(exc) from None
                    queued.append((run[0], stage_run(run[1], parsed)))  # none ever did
                    for before, done in queued:
                        assert not isinstance(done, Future)
                        yield before, done
                    yield from _here(runs, parsed)
                    finished = True
                    return
                queued.append((run[0], future))
                busy += 1
            if not queued:
                finished = True
                return
            before, head = queued[0]
            if isinstance(head, Future) and not head.done() and (run := next(runs, None)):
                queued.append((run[0], stage_run(run[1], parsed)))
                continue
            queued.popleft()
            if isinstance(head, Future):
                busy -= 1
                taken = _taken(before, head)
                parsed(len(taken[1].folders))
                yield taken
            else:
                yield before, head
    finally:
        if not finished:  # a stop, an error or --strict: now, not after the current runs
            _end_workers(pool)
        pool.shutdown(wait=True, cancel_futures=True)


def _here(
    runs: Iterator[tuple[list[list[Problem]], FolderRun]], parsed: Parsed
) -> Iterator[tuple[list[list[Problem]], StagedRun]]:
    for before, run in runs:
        yield before, stage_run(run, parsed)


def _end_workers(pool: ProcessPoolExecutor) -> None:
    """Terminate the workers: a run of 200 folders can take seconds (9 s at 10M rollouts),
    and a stop should not wait for it. Python 3.14 has ``terminate_workers``; before it,
    the pool's process table is the only way to them."""
    terminate = getattr(pool, "terminate_workers", None)
    if terminate is not None:
        terminate()
        return
    for process in list(getattr(pool, "_processes", {}).values()):
        process.terminate()


def _taken(
    before: list[list[Problem]], future: Future[StagedRun]
) -> tuple[list[list[Problem]], StagedRun]:
    """A worker's run, with the walk's problems found before its folders."""
    try:
        return before, future.result()
    except BrokenProcessPool:
        raise _broken() from None


def _broken() -> BundleError:
    stopping.check()  # killed along with this process (a signal to its group): stop
    return _one_process_advice(
        "a worker process staging folders ended unexpectedly (killed, or out of memory)"
    )


def _no_start(exc: Exception) -> BundleError:
    return _one_process_advice(f"a worker process could not start ({exc})")


def _one_process_advice(what: str) -> BundleError:
    """A worker failure, with the way around it."""
    return BundleError(
        [
            Problem(
                "afscope import",
                f"{what}; rerun with --jobs 1 to parse every folder in one process",
            )
        ]
    )


@contextmanager
def _spawning() -> Iterator[None]:
    """Ctrl-C and SIGTERM wait while a worker may be starting. Raised while this process
    sends a new worker its start-up data, they left the worker to die with a traceback
    (EOFError). SIGINT is also blocked in the starting worker, which keeps that mask: a
    Ctrl-C at the terminal reaches the whole process group, and only this process, which
    stops the workers, should act on it. A Python handler is swapped for a recorder and
    the signal raised again after; an ignored or default SIGINT is left as it is."""
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    main = threading.current_thread() is threading.main_thread()
    previous = signal.getsignal(signal.SIGINT) if main else None
    swapped = callable(previous)
    asked: list[int] = []
    if swapped:
        signal.signal(signal.SIGINT, lambda *_: asked.append(1))
    try:
        with stopping.held():
            yield
    finally:
        if swapped:
            signal.signal(signal.SIGINT, previous)
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
    if asked:
        signal.raise_signal(signal.SIGINT)
