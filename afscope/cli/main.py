"""Parse arguments, dispatch to a command, turn input problems into exit code 2.

Any problem with the user's input is printed as one clear line per problem and exits 2;
an unexpected failure prints one line (and the traceback only with ``--debug``).

This module imports nothing heavy at the top: the console script imports it before any
``try`` can catch Ctrl-C, and only the chosen command's module is imported (so ``afscope
info`` never loads Textual and the explorer never loads the compute code).
"""

from __future__ import annotations

import argparse
import gc
import importlib
import signal
import sys
import traceback
from collections.abc import Sequence
from types import FrameType
from typing import NoReturn

from afscope import stopping
from afscope.stopping import Terminated

COMMANDS: dict[str, tuple[str, str]] = {
    "open": ("afscope.cli.explore_cmd", "explore results in the terminal (the default)"),
    "validate": ("afscope.cli.validate_cmd", "check results and report every problem"),
    "info": ("afscope.cli.info_cmd", "summarise results: traces, outcomes, metrics"),
    "import": (
        "afscope.cli.import_cmd",
        "convert Thought Anchors results (a folder or a whole tree) to a bundle",
    ),
    "export": ("afscope.cli.export_cmd", "write chosen sentences as Markdown or JSON lines"),
    "compute": ("afscope.cli.compute_cmd", "compute importance with intervals from resamples"),
    "conditions": (
        "afscope.cli.conditions_cmd",
        "rates per prompt variant and condition, and their differences, with intervals",
    ),
    "rank": ("afscope.cli.rank_cmd", "rank sentences across traces by signed importance"),
    "tags": ("afscope.cli.tags_cmd", "mean signed importance by tag, category or note"),
    "publish": (
        "afscope.cli.publish_cmd",
        "write a static HTML site (traces, charts, sentence detail) that opens from disk",
    ),
    "figure": (
        "afscope.cli.figure_cmd",
        "publication figures (SVG, PNG, PDF): rates of a trace, conditions, tags",
    ),
    "serve": ("afscope.cli.serve_cmd", "serve the explorer to a web browser (textual-serve)"),
}
"""Command name -> (module with ``register``, one-line help shown by ``afscope --help``)."""

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143


class _Parser(argparse.ArgumentParser):
    """argparse echoes the user's arguments in its errors: clean them like any input."""

    @property
    def version(self) -> str:
        """What ``--version`` prints (argparse's version action reads it from the parser
        when given none), looked up only then: reading the package metadata took a few
        ms of every start."""
        from afscope import __version__

        return f"afscope {__version__}"

    def error(self, message: str) -> NoReturn:
        from afscope.text import one_line

        self.print_usage(sys.stderr)
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {one_line(message)}\n")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser; only ``command``'s module is imported (the others get a help line)."""
    parser = _Parser(
        prog="afscope",
        description="Explore which sentences of a model's reasoning drive its outcomes.",
        epilog="PATH (or SRC) is a result bundle or Thought Anchors results as they are on "
        "disk: a web-viewer or pipeline folder, or any folder above many.",
    )
    parser.add_argument("--version", action="version")
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module, help_text) in COMMANDS.items():
        if name == command:
            importlib.import_module(module).register(sub)
        else:
            sub.add_parser(name, help=help_text)
    return parser


def _with_default_command(argv: list[str], commands: set[str]) -> list[str]:
    """``afscope`` and ``afscope PATH`` mean ``afscope open [PATH]``."""
    positional = [a for a in argv if not a.startswith("-")]
    if any(a in ("-h", "--help", "--version") for a in argv):
        return argv
    if not positional or positional[0] not in commands:
        return [*[a for a in argv if a.startswith("-")], "open", *positional]
    return argv


def _chosen(argv: list[str]) -> str | None:
    return next((a for a in argv if not a.startswith("-")), None)


def main(argv: Sequence[str] | None = None) -> int:
    raw = list(sys.argv[1:] if argv is None else argv)
    argv = _with_default_command(raw, set(COMMANDS))
    debug = "--debug" in raw
    try:
        args = build_parser(_chosen(argv)).parse_args(argv)
        debug = args.debug
        if args.command != "open":  # the explorer keeps Textual's own signal handling
            signal.signal(signal.SIGTERM, _terminated)
        code = _run(args)
        stopping.check()  # a stop whose first raise was dropped still exits 143
        return code
    except Terminated:
        _remove_own_staging()
        return EXIT_TERMINATED
    except KeyboardInterrupt:
        _remove_own_staging()
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # e.g. `afscope info | head`: the reader left, not an error
        _silence_stdout()
        return EXIT_OK
    except (SystemExit, GeneratorExit):
        raise
    except BaseException as exc:  # also Rust panics from Polars (a BaseException)
        from afscope.text import one_line

        if debug:
            traceback.print_exc()
        print(
            f"afscope: unexpected error: {type(exc).__name__}: {one_line(str(exc))}",
            file=sys.stderr,
        )
        print("afscope: run again with --debug for the traceback", file=sys.stderr)
        return EXIT_FAILURE


def _run(args: argparse.Namespace) -> int:
    from afscope.cli.paths import print_problems
    from afscope.problems import BundleError

    try:
        return int(args.run(args))
    except BundleError as exc:
        print_problems(exc.problems)
        return EXIT_BAD_INPUT


def _terminated(signum: int, frame: FrameType | None) -> None:
    """SIGTERM unwinds like Ctrl-C, so staging folders and temporary files are removed
    (remembered too: ``afscope.stopping``)."""
    stopping.ask(frame)


def _remove_own_staging() -> None:
    """Staging folders a stop left behind (made, not yet in their owner's cleanup)."""
    target = sys.modules.get("afscope.bundle.target")  # not loaded: none made
    if target is not None:
        target.remove_own_staging()


def _silence_stdout() -> None:
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def entry() -> None:
    """Console script: Ctrl-C at any moment exits 130 quietly, never with a traceback.

    After ``main`` returns, a Ctrl-C while Python shuts down (waiting for worker threads
    in ``threading._shutdown``, running exit handlers) ends the process the default way
    instead of printing "Exception ignored in ...".
    """
    code = EXIT_INTERRUPTED
    try:
        try:
            code = main()
        finally:
            signal.signal(signal.SIGINT, signal.SIG_DFL)
    except KeyboardInterrupt:  # arrived outside main's own handler, or while restoring
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        code = EXIT_INTERRUPTED
    # Python's last garbage collection at exit walked every object of Polars, pydantic
    # and the rest (0.1-0.4 s, a tenth of a compute); frozen, they are freed as modules
    # are cleared, without that walk. Exit handlers and finalizers run as before.
    gc.freeze()
    sys.exit(code)
