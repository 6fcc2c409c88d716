"""A stop asked for by a signal (SIGTERM), for the commands that write.

The CLI's handler raises ``Terminated`` where the program is, so staging folders and
temporary files unwind as after Ctrl-C. But Python prints and drops an exception raised
while it runs a destructor or a callback ("Exception ignored in ..."), and one raised
inside Polars' Python code called from its Rust code became a Rust panic: so the
request is also remembered (and not raised inside Polars), and ``check`` raises it
before an output is put in place (``bundle.target.swap_in``,
``export.files.write_atomic``), between progress steps and when the command ends.
No Textual here: the CLI imports this module first.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the program is so that it unwinds like Ctrl-C."""


_asked = False
_held = 0


def ask(frame: FrameType | None = None) -> None:
    """Remember the stop and raise it here (the signal handler's body, ``frame`` the
    one it interrupted), unless Polars' Python code is running: raised there, inside a
    call from its Rust code, it surfaced as a Rust panic with a backtrace on stderr; the
    next ``check`` raises it instead (Rust code runs to its end either way)."""
    global _asked
    _asked = True
    if not _held and not _inside_polars(frame):
        raise Terminated


@contextmanager
def held() -> Iterator[None]:
    """A stop asked for inside the block is raised at its end, not in the middle (e.g.
    between making a staging folder and recording it for removal)."""
    global _held
    _held += 1
    try:
        yield
    finally:
        _held -= 1
    check()


def _inside_polars(frame: FrameType | None) -> bool:
    while frame is not None:
        if str(frame.f_globals.get("__name__", "")).partition(".")[0] == "polars":
            return True
        frame = frame.f_back
    return False


def check() -> None:
    """Raise ``Terminated`` again if a stop was asked for (its first raise may have been
    dropped); nothing otherwise, and nothing in other threads (the main thread unwinds)."""
    if _asked and threading.current_thread() is threading.main_thread():
        raise Terminated


def forget() -> None:
    """No stop asked for (tests that ask for one in-process)."""
    global _asked
    _asked = False
