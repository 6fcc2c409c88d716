"""``afscope validate PATH``: check everything, report every problem, exit 0 or 2."""

from __future__ import annotations

import argparse
import sys

from afscope.bundle.validate import validate_bundle
from afscope.cli.paths import add_path_argument, print_problems, resolve_path


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("validate", help="check a bundle and report every problem")
    add_path_argument(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    path = resolve_path(args.path)
    problems = validate_bundle(path)
    if not problems:
        print(f"{path}: valid")
        return 0
    print_problems(problems)
    count = len(problems)
    print(f"{path}: invalid ({count} problem{'s' if count != 1 else ''})", file=sys.stderr)
    return 2
