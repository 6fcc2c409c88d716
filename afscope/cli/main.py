"""Parse arguments, dispatch to a command, turn input problems into exit code 2.

Any problem with the user's input is printed as one clear line per problem and exits 2;
an unexpected failure prints one line (and the traceback only with ``--debug``).
"""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Sequence

from afscope import __version__
from afscope.cli import (
    compute_cmd,
    explore_cmd,
    export_cmd,
    import_cmd,
    info_cmd,
    validate_cmd,
)
from afscope.cli.paths import print_problems
from afscope.problems import BundleError

COMMANDS = ("open", "validate", "info", "import", "export", "compute")
EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_BAD_INPUT = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="afscope",
        description="Explore which sentences of a model's reasoning drive its outcomes.",
    )
    parser.add_argument("--version", action="version", version=f"afscope {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    explore_cmd.register(sub)
    validate_cmd.register(sub)
    info_cmd.register(sub)
    import_cmd.register(sub)
    export_cmd.register(sub)
    compute_cmd.register(sub)
    return parser


def _with_default_command(argv: list[str], commands: set[str]) -> list[str]:
    """``afscope`` and ``afscope PATH`` mean ``afscope open [PATH]``."""
    positional = [a for a in argv if not a.startswith("-")]
    if any(a in ("-h", "--help", "--version") for a in argv):
        return argv
    if not positional or positional[0] not in commands:
        return [*[a for a in argv if a.startswith("-")], "open", *positional]
    return argv


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    raw = list(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(_with_default_command(raw, set(COMMANDS)))
    try:
        return int(args.run(args))
    except BundleError as exc:
        print_problems(exc.problems)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # e.g. `afscope info | head`: the reader left, not an error
        _silence_stdout()
        return EXIT_OK
    except Exception as exc:
        if args.debug:
            traceback.print_exc()
        print(f"afscope: unexpected error: {type(exc).__name__}: {exc}", file=sys.stderr)
        print("afscope: run again with --debug for the traceback", file=sys.stderr)
        return EXIT_FAILURE


def _silence_stdout() -> None:
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def entry() -> None:
    sys.exit(main())
