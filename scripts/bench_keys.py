"""Benchmark keys in the explorer: from a key to the updated screen, in a real terminal.

    python scripts/bench_keys.py [--rounds 3] [--before SRC] [--only next]

Each program runs in a pseudo-terminal (120x36) that answers Textual's query for
synchronized output, so every frame arrives between ``ESC[?2026h`` and ``ESC[?2026l``. A
key's time runs from writing its bytes to the terminal until the end of the first frame
after it that shows what the key asked for (escape codes removed):

- ``j``: the first frame after the key (the cursor moved); "j -> detail and plot" is the
  last frame before the screen goes quiet (it includes the 60 ms debounce that lets a held
  key scroll without redrawing the panels);
- ``]`` / ``[``: the frame whose header says ``trace I/N`` for the new trace;
- ``t``: the frame showing the trace browser (its status line); escape closes it again.
  The first ``t`` of a process (a browser never drawn) and the later ones (reopened)
  are also printed apart.

The floor, timed in the same run, is a minimal Textual app whose ``j`` repaints one line
(no layout): the terminal, the key parser, one binding and one frame. Runs are interleaved (floor,
after, before, floor, ...), each a fresh process with empty XDG folders (no notes file
restores a place, no user config); between keys the screen is left to go
quiet. Prints medians, p95 and the median's ratio to the floor's, and CPU per key (the
child's user + system time over all the keys of that kind, quiet time included).
Bundles: the bundled sample; 20 traces of 2,000 sentences; 100 and 10,000 traces of 30.
``--before SRC`` also times another afscope source folder (e.g. a ``git archive`` of an
earlier commit), imported ahead of this checkout. ``--only`` times only some keys (``j``,
``next`` for ``]`` / ``[``, ``t``; repeatable), the floor always. Numbers go in docs and
notes, never in tests. The machine's load moves every figure: compare within one run.
"""

from __future__ import annotations

import argparse
import fcntl
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
import termios
import time
from collections.abc import Callable
from pathlib import Path

from bench_tui import make_bundle  # type: ignore[import-not-found]

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "sample_data" / "alignment_faking_sample"
ROWS, COLS = 36, 120
SYNC_QUERY = b"\x1b[?2026$p"
SYNC_REPLY = b"\x1b[?2026;2$y"
FRAME_END = b"\x1b[?2026l"
ANSI = re.compile(rb"\x1b(\[[0-9;?<>=$]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-Z\\-_])")
BROWSER_MARKER = "traces · sorted by"  # the browser's status line
QUIET = 0.25
ONLY = {"j": "j", "next": "]", "t": "t"}
"""``--only`` names: the keys each times."""
FLOOR = """
from textual.app import App, ComposeResult
from textual.widget import Widget
from textual.widgets import Static


class Line(Widget):
    DEFAULT_CSS = "Line { height: 1; }"
    count = 0

    def render(self):
        return f"moves {self.count}"


class Floor(App):
    BINDINGS = [("j", "move", "move")]

    def compose(self) -> ComposeResult:
        yield Line()
        for i in range(1, 34):
            yield Static(f"floor line {i}: a sentence of a trace, about as long as a line.")

    def action_move(self):
        line = self.query_one(Line)
        line.count += 1
        line.refresh()  # a repaint of one line, no layout


Floor().run()
"""


class Terminal:
    """A program in a pseudo-terminal, read frame by frame."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.home = tempfile.TemporaryDirectory()  # no notes, state or config of the user's
        env = env | {
            f"XDG_{kind}_HOME": str(Path(self.home.name) / kind.lower())
            for kind in ("DATA", "STATE", "CONFIG", "CACHE")
        }
        self.fd, child = pty.openpty()
        fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        self.proc = subprocess.Popen(
            argv,
            stdin=child,
            stdout=child,
            stderr=child,
            env=env,
            cwd=tempfile.gettempdir(),  # keep this checkout off sys.path unless asked for
            start_new_session=True,
        )
        os.close(child)
        self.buffer = b""
        self.frames: list[tuple[float, str]] = []
        self.last_output = time.perf_counter()

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return False
        try:
            data = os.read(self.fd, 1 << 20)
        except OSError:
            raise SystemExit(f"the program ended: {self.text()[-300:]!r}") from None
        now = time.perf_counter()
        self.last_output = now
        if SYNC_QUERY in self.buffer[-16:] + data:
            os.write(self.fd, SYNC_REPLY)
        self.buffer += data
        while (end := self.buffer.find(FRAME_END)) >= 0:
            frame, self.buffer = self.buffer[:end], self.buffer[end + len(FRAME_END) :]
            self.frames.append((now, ANSI.sub(b"", frame).decode("utf-8", "replace")))
        return True

    def text(self) -> str:
        return " ".join(text for _, text in self.frames[-3:])

    def wait_for(self, shown: Callable[[str], bool], since: float, timeout: float = 30.0) -> float:
        """Seconds from ``since`` to the end of the first frame after it that ``shown``."""
        checked = len(self.frames)
        while time.perf_counter() - since < timeout:
            self._read(0.5)
            for at, text in self.frames[checked:]:
                if at >= since and shown(text):
                    return at - since
            checked = len(self.frames)
        raise SystemExit(f"not shown in {timeout} s; last frames {self.text()[-400:]!r}")

    def quiet(self, since: float) -> float:
        """Wait until nothing is drawn for QUIET seconds; the last frame's time after since."""
        while time.perf_counter() - self.last_output < QUIET:
            self._read(QUIET)
        ends = [at for at, _ in self.frames if at >= since]
        return (ends[-1] - since) if ends else 0.0

    def press(self, key: str, shown: Callable[[str], bool] = lambda _text: True) -> float:
        started = time.perf_counter()
        os.write(self.fd, key.encode())
        return self.wait_for(shown, started)

    def cpu(self) -> float:
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def close(self) -> None:
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        os.close(self.fd)
        self.home.cleanup()


def has(marker: str) -> Callable[[str], bool]:
    return lambda text: marker in text


class Results:
    def __init__(self) -> None:
        self.times: dict[str, list[float]] = {}
        self.cpu: dict[str, list[float]] = {}

    def add(self, name: str, values: list[float], cpu: float | None = None) -> None:
        """``cpu``: the child's CPU seconds over these keys (None: a split of a row that
        has it)."""
        self.times.setdefault(name, []).extend(values)
        per_key = self.cpu.setdefault(name, [])
        if cpu is not None:
            per_key.append(cpu / max(1, len(values)))


def run_floor(env: dict[str, str], results: Results, moves: int) -> None:
    term = Terminal([sys.executable, "-c", FLOOR], env)
    try:
        term.wait_for(has("moves 0"), time.perf_counter())
        term.quiet(time.perf_counter())
        times = []
        cpu = term.cpu()
        for n in range(1, moves + 1):
            times.append(term.press("j", has(f"moves {n}")))
            term.quiet(time.perf_counter())
        results.add("floor: minimal app, j -> one line", times, term.cpu() - cpu)
    finally:
        term.close()


def run_explorer(
    name: str,
    bundle: Path,
    traces: int,
    keys: dict[str, int],
    env: dict[str, str],
    results: Results,
) -> None:
    argv = [sys.executable, "-m", "afscope", "open", str(bundle)]
    term = Terminal(argv, env)
    try:
        term.wait_for(has(f"trace 1/{traces}"), time.perf_counter(), timeout=120)
        term.quiet(time.perf_counter())
        if keys.get("j"):
            moves, panels = [], []
            cpu = term.cpu()
            for _ in range(keys["j"]):
                started = time.perf_counter()
                moves.append(term.press("j"))
                panels.append(term.quiet(started))
            cpu = term.cpu() - cpu
            results.add(f"{name}: j -> cursor moved", moves, cpu)
            results.add(f"{name}: j -> detail and plot (60 ms debounce)", panels, cpu)
        if keys.get("]"):
            times = []
            cpu = term.cpu()
            for n in range(keys["]"]):
                key, index = ("]", 2) if n % 2 == 0 else ("[", 1)
                times.append(term.press(key, has(f"trace {index}/{traces}")))
                term.quiet(time.perf_counter())
            results.add(f"{name}: ] / [ -> next trace shown", times, term.cpu() - cpu)
        if keys.get("t"):
            times = []
            cpu = term.cpu()
            for _ in range(keys["t"]):
                times.append(term.press("t", has(BROWSER_MARKER)))
                term.quiet(time.perf_counter())
                term.press("\x1b", has(f"trace 1/{traces}"))
                term.quiet(time.perf_counter())
            results.add(f"{name}: t -> trace browser shown", times, term.cpu() - cpu)
            # the first t of a process shows a browser never drawn; later ones reopen it
            results.add(f"{name}: t -> browser, first of a process", times[:1])
            results.add(f"{name}: t -> browser, later ones", times[1:])
    finally:
        term.close()


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--moves", type=int, default=20, help="j presses per process")
    parser.add_argument("--traces", type=int, default=8, help="] / [ presses per process")
    parser.add_argument("--browsers", type=int, default=5, help="t presses per process")
    parser.add_argument("--before", help="also time this afscope source folder")
    parser.add_argument(
        "--only", action="append", choices=sorted(ONLY), help="time only these keys"
    )
    args = parser.parse_args()
    env = dict(os.environ, TERM="xterm-256color", COLUMNS=str(COLS), LINES=str(ROWS))
    env.pop("PYTHONPATH", None)
    env.pop("NO_COLOR", None)
    variants = {"after": env}
    if args.before:
        variants["before"] = env | {"PYTHONPATH": str(Path(args.before).resolve())}
    j, nxt, t = args.moves, args.traces, args.browsers
    wanted = {ONLY[name] for name in args.only or ONLY}
    with tempfile.TemporaryDirectory() as tmp:
        made: list[tuple[str, Path | tuple[int, int], int, dict[str, int]]] = [
            ("sample", SAMPLE, 20, {"j": j, "]": nxt, "t": t}),
            ("2,000 sentences", (20, 2000), 20, {"j": j, "]": nxt}),
            ("100 traces", (100, 30), 100, {"t": t}),
            ("10,000 traces", (10_000, 30), 10_000, {"t": t}),
        ]
        bundles = []
        for label, source, traces, all_keys in made:
            keys = {key: n for key, n in all_keys.items() if key in wanted}
            if keys:  # a generated bundle is made only when one of its keys is timed
                if isinstance(source, Path):
                    path = source
                else:
                    path = make_bundle(Path(tmp) / label, *source)
                bundles.append((label, path, traces, keys))
        results = {name: Results() for name in variants}
        floor = Results()
        for round_ in range(args.rounds):
            print(f"round {round_ + 1} of {args.rounds}", file=sys.stderr, flush=True)
            run_floor(env, floor, j)
            for label, path, traces, keys in bundles:
                for variant, run_env in variants.items():
                    run_explorer(label, path, traces, keys, run_env, results[variant])
    floor_ms = [v * 1e3 for v in next(iter(floor.times.values()))]
    floor_median = statistics.median(floor_ms)
    print(
        f"keys at {COLS}x{ROWS} in a pseudo-terminal, {args.rounds} interleaved rounds; "
        "wall-clock ms from key to frame; CPU ms per key"
    )
    floor_cpu = statistics.median(next(iter(floor.cpu.values()))) * 1e3
    print(
        f"{'floor: minimal app, j -> one line':<52} median {floor_median:6.1f}  "
        f"p95 {p95(floor_ms):6.1f}  CPU {floor_cpu:5.1f}"
    )
    for name in results["after"].times:
        for variant, res in results.items():
            ms = [v * 1e3 for v in res.times[name]]
            if not ms:  # a split with nothing in it (one t per process)
                continue
            median = statistics.median(ms)
            cpu = f"{statistics.median(res.cpu[name]) * 1e3:5.1f}" if res.cpu[name] else "    -"
            print(
                f"{name + ' (' + variant + ')':<52} median {median:6.1f}  p95 {p95(ms):6.1f}  "
                f"x floor {median / floor_median:4.1f}  CPU {cpu}  (n={len(ms)})"
            )


if __name__ == "__main__":
    main()
