"""Benchmark: time to first paint in a real terminal, against a floor app, in one run.

    python scripts/bench_first_paint.py [--repeat 9] [--bundle PATH] [--before SRC]

Each run starts a process in a pseudo-terminal (120x36) and times it from the start until
a marker text of its first screen has been written to the terminal, then ends it:

- the floor: a minimal Textual app that imports Polars and textual-plotext and draws 12
  lines and a 100-point plot (marker: its last line);
- ``afscope open`` on the bundled sample (marker: ``trace 1/20`` in the status line, drawn
  with the first trace's sentences once they are loaded);
- with ``--before SRC``, the same from another afscope source folder (e.g. a ``git
  archive`` of an earlier commit), imported ahead of this checkout.

Every program runs with empty temporary XDG folders (config, state, data) and no
``AFSCOPE_*`` variables, so a theme, key map or notes of the user running the benchmark
do not change what is timed. Compiled bytecode is cached in the same temporary folder
(``PYTHONPYCACHEPREFIX``; ``PYTHONDONTWRITEBYTECODE`` is dropped) and each program runs
once untimed first, as an installed afscope runs from its ``.pyc`` files: with
``PYTHONDONTWRITEBYTECODE=1`` set, every run compiled afscope's start modules (100-150
ms) while the floor's libraries came compiled from their install. No source folder is
written to (``--before``'s neither). Runs are interleaved; prints medians and the ratio
to the floor. Numbers go in docs and notes, never in tests. The machine's load moves
every figure: compare within one run.
"""

from __future__ import annotations

import argparse
import os
import pty
import re
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "sample_data" / "alignment_faking_sample"
AFSCOPE_MARKER = "trace 1/20"
FLOOR_MARKER = "floor line 12 of 12"
FLOOR = """
import polars as pl
from textual.app import App, ComposeResult
from textual.widgets import Static
from textual_plotext import PlotextPlot

frame = pl.DataFrame({"x": range(100)}).with_columns((pl.col("x") * 7 % 37).alias("y"))


class Floor(App):
    def compose(self) -> ComposeResult:
        for i in range(1, 13):
            yield Static(f"floor line {i} of 12: a sentence of a trace, as long as a line.")
        yield PlotextPlot()

    def on_mount(self) -> None:
        plt = self.query_one(PlotextPlot).plt
        plt.plot(frame["x"].to_list(), frame["y"].to_list())


Floor().run()
"""
ANSI = re.compile(rb"\x1b(\[[0-9;?<>=$]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-Z\\-_])")


def first_paint(
    argv: list[str], marker: str, env: dict[str, str], timeout: float = 30.0
) -> tuple[float, float]:
    """Seconds from start until ``marker`` is on the terminal (escape codes removed), and
    the CPU seconds (user + system) the program had used when it was stopped there."""
    main, child = pty.openpty()
    import fcntl
    import termios

    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 36, 120, 0, 0))
    started = time.perf_counter()
    proc = subprocess.Popen(
        argv,
        stdin=child,
        stdout=child,
        stderr=child,
        env=env,
        cwd=tempfile.gettempdir(),  # keep this checkout off sys.path unless asked for
        start_new_session=True,
    )
    os.close(child)
    seen = b""
    wanted = marker.encode()
    try:
        while time.perf_counter() - started < timeout:
            ready, _, _ = select.select([main], [], [], 0.5)
            if not ready:
                if proc.poll() is not None:
                    break
                continue
            try:
                seen += os.read(main, 65536)
            except OSError:
                break
            if wanted in ANSI.sub(b"", seen):
                wall = time.perf_counter() - started
                os.killpg(proc.pid, signal.SIGKILL)
                _, _, usage = os.wait4(proc.pid, 0)
                proc.returncode = -signal.SIGKILL
                return wall, usage.ru_utime + usage.ru_stime
        raise SystemExit(f"{argv[-1]}: marker not seen; last output {ANSI.sub(b'', seen)[-300:]!r}")
    finally:
        if proc.returncode is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        os.close(main)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--bundle", type=Path, default=SAMPLE)
    parser.add_argument("--marker", default=AFSCOPE_MARKER, help="text of the first screen")
    parser.add_argument("--before", help="also time this afscope source folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="afscope-bench-") as home:  # XDG and bytecode
        bench(args, Path(home))


def bench(args: argparse.Namespace, home: Path) -> None:
    """Time every variant, interleaved, with ``home`` for its XDG folders and bytecode."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AFSCOPE_")}
    env |= {"TERM": "xterm-256color", "COLUMNS": "120", "LINES": "36"}
    env |= {f"XDG_{kind}_HOME": str(home / kind.lower()) for kind in ("CONFIG", "STATE", "DATA")}
    env.pop("PYTHONPATH", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(home / "pycache")
    afscope = [sys.executable, "-m", "afscope", "open", str(args.bundle.resolve())]
    variants = {
        "floor (Textual + Polars + plot)": ([sys.executable, "-c", FLOOR], FLOOR_MARKER, env),
        "afscope open": (afscope, args.marker, env),
    }
    if args.before:
        variants["afscope open (before)"] = (
            afscope,
            args.marker,
            env | {"PYTHONPATH": args.before},
        )
    for variant in variants.values():  # warm the file cache and compile the bytecode
        first_paint(*variant)
    runs: dict[str, list[float]] = {name: [] for name in variants}
    cpu: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(args.repeat):
        for name, (argv, marker, run_env) in variants.items():
            wall, used = first_paint(argv, marker, run_env)
            runs[name].append(wall)
            cpu[name].append(used)
    floor = statistics.median(runs["floor (Textual + Polars + plot)"])
    floor_cpu = statistics.median(cpu["floor (Textual + Polars + plot)"])
    print(f"first paint at 120x36, {args.bundle.name}, medians of {args.repeat} interleaved runs")
    for name, values in runs.items():
        median = statistics.median(values)
        used = statistics.median(cpu[name])
        print(
            f"{name:<34} {median * 1000:7.0f} ms  x{median / floor:.2f}  "
            f"(min {min(values) * 1000:.0f}, max {max(values) * 1000:.0f})  "
            f"CPU {used * 1000:.0f} ms x{used / floor_cpu:.2f}"
        )


if __name__ == "__main__":
    main()
