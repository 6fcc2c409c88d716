"""``afscope validate PATH``: check everything, report every problem, exit 0 or 2."""

from __future__ import annotations

import argparse
import sys

from afscope.bundle.validate import validate_bundle
from afscope.cli.paths import add_path_argument, print_problems, resolve_path
from afscope.problems import Problem
from afscope.readers import BUNDLE, detect, open_source


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("validate", help="check a bundle and report every problem")
    add_path_argument(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    path = resolve_path(args.path)
    kind = detect(path) if path.is_dir() else None
    if kind in (None, BUNDLE):
        problems = validate_bundle(path)
    else:
        opened = open_source(path)
        converted = [
            Problem(
                p.file.replace(str(opened.bundle.root), f"{path} (converted)"),
                p.message,
                p.column,
                p.where,
                p.severity,
            )
            for p in validate_bundle(opened.bundle.root)
        ]
        problems = opened.problems + converted
        print(f"{path}: {kind}, {opened.bundle.traces.height} traces read")
    if not problems:
        print(f"{path}: valid")
        return 0
    print_problems(problems)
    count = len(problems)
    print(f"{path}: invalid ({count} problem{'s' if count != 1 else ''})", file=sys.stderr)
    return 2
