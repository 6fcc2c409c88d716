"""A stop asked for by a signal (SIGTERM), for the commands that write.

The CLI's handler raises ``Terminated`` wherever the program is, so staging folders and
temporary files unwind as after Ctrl-C. But Python prints and drops an exception raised
while it runs a destructor or a callback ("Exception ignored in ..."): the command then
went on and put its output in place as if nothing had been asked. So the request is
also remembered, and ``check`` raises it again before an output is put in place
(``bundle.target.swap_in``, ``export.files.write_atomic``) and between progress steps.
No Textual here: the CLI imports this module first.
"""

from __future__ import annotations

import threading
from typing import NoReturn


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the program is so that it unwinds like Ctrl-C."""


_asked = False


def ask() -> NoReturn:
    """Remember the stop and raise it here (the signal handler's body)."""
    global _asked
    _asked = True
    raise Terminated


def check() -> None:
    """Raise ``Terminated`` again if a stop was asked for (its first raise may have been
    dropped); nothing otherwise, and nothing in other threads (the main thread unwinds)."""
    if _asked and threading.current_thread() is threading.main_thread():
        raise Terminated


def forget() -> None:
    """No stop asked for (tests that ask for one in-process)."""
    global _asked
    _asked = False
