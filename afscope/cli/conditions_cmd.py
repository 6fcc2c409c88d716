"""``afscope conditions [PATH]``: rates per prompt variant x condition and their differences.

The numbers behind the post's Figure 4 (compliance and alignment-faking rates by prompt
and tier with Wilson intervals) and the differences its argument rests on (free - paid,
original - ablated) with Newcombe intervals; written by the export core's file rules.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from afscope.analysis.conditions import condition_rates
from afscope.cli.conditions_output import FORMATS, render
from afscope.cli.paths import add_path_argument, resolve_path, warn_problems
from afscope.export.files import ExportWriteError, write_output
from afscope.guard import check_outside_inputs
from afscope.problems import BundleError, Problem
from afscope.readers import open_source
from afscope.text import one_line

HELP = "rates per prompt variant and condition, and their differences, with intervals"


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("conditions", help=HELP, description=HELP)
    add_path_argument(parser)
    parser.add_argument(
        "--outcome",
        action="append",
        metavar="NAME",
        help="an outcome to show (repeatable; default: every outcome with labels)",
    )
    parser.add_argument("--format", choices=FORMATS, default="table")
    parser.add_argument(
        "-o", "--output", metavar="FILE", help="write here (default or -: standard output)"
    )
    parser.add_argument(
        "--force", action="store_true", help="replace FILE if it is an earlier afscope output"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    path = resolve_path(args.path)
    opened = open_source(path)
    warn_problems(opened.problems)
    result = condition_rates(opened.bundle, args.outcome)
    target = args.output or "-"
    to_terminal = target == "-" and sys.stdout.isatty()
    width = shutil.get_terminal_size((100, 24)).columns if to_terminal else 100
    text = render(result, args.format, source=str(path), width=width)
    try:
        if target != "-":
            check_outside_inputs(Path(target), [path, opened.bundle.root])
        written = write_output(target, text, force=args.force)
    except ExportWriteError as exc:
        raise BundleError([Problem("conditions", str(exc))]) from None
    if result.note is not None and args.format != "table":
        print(f"note: {one_line(result.note)}", file=sys.stderr)
    if target != "-":
        print(f"{one_line(written)}: {args.format}", file=sys.stderr)
    return 0
