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
from afscope.cli import import_cmd, info_cmd, validate_cmd
from afscope.cli.paths import print_problems
from afscope.problems import BundleError

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
    validate_cmd.register(sub)
    info_cmd.register(sub)
    import_cmd.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_OK
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
