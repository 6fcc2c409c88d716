"""``afscope export PATH``: chosen sentences as Markdown or JSON lines, headless."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from afscope.cli.paths import add_path_argument, resolve_path, warn_problems
from afscope.explore.settings import default_settings
from afscope.export.build import FORMATS, collect, render
from afscope.export.files import ExportWriteError, refuse_inside, write_atomic
from afscope.export.selection import SelectionError, SentenceFilter, parse_indices
from afscope.problems import BundleError, Problem
from afscope.readers import open_source
from afscope.text import one_line


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("export", help="write chosen sentences as Markdown or JSON lines")
    add_path_argument(parser)
    parser.add_argument(
        "--trace",
        action="append",
        metavar="ID",
        help="a trace to export (repeatable; default: every trace)",
    )
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--sentences", metavar="LIST", help="indices such as 4,12-13")
    which.add_argument(
        "--top", type=int, metavar="K", help="the K most important sentences of each trace"
    )
    which.add_argument(
        "--min-importance", type=float, metavar="X", help="sentences with importance >= X"
    )
    parser.add_argument("--outcome", help="outcome for --top/--min-importance and headings")
    parser.add_argument("--metric", help="metric for --top/--min-importance and headings")
    parser.add_argument(
        "--context",
        type=int,
        default=0,
        metavar="N",
        help="also show N neighbouring sentences on each side, marked as context",
    )
    parser.add_argument("--format", choices=FORMATS, default="markdown")
    parser.add_argument("-o", "--output", metavar="FILE", help="write here (default: stdout)")
    parser.set_defaults(run=run)


def _fail(message: str) -> BundleError:
    return BundleError([Problem("export", message)])


def run(args: argparse.Namespace) -> int:
    if args.top is not None and args.top < 1:
        raise _fail("--top: expected a whole number of at least 1")
    if args.context < 0:
        raise _fail("--context: expected 0 or more")
    path = resolve_path(args.path)
    opened = open_source(path)
    warn_problems(opened.problems)
    bundle = opened.bundle
    defaults = default_settings(bundle.outcomes, bundle.metrics)
    outcome = args.outcome or defaults.outcome
    metric = args.metric or defaults.metric
    try:
        indices = tuple(parse_indices(args.sentences)) if args.sentences else None
        choice = SentenceFilter(indices=indices, top=args.top, min_importance=args.min_importance)
        records = collect(
            bundle,
            choice,
            outcome=outcome,
            metric=metric,
            trace_ids=args.trace,
            context=args.context,
        )
    except SelectionError as exc:
        raise _fail(str(exc)) from None
    text = render(records, args.format, source=str(path), outcome=outcome, metric=metric)
    if args.output is None:
        sys.stdout.write(text)
        return 0
    target = Path(args.output)
    try:
        refuse_inside(target, path)
        write_atomic(target, text)
    except ExportWriteError as exc:
        raise _fail(str(exc)) from None
    count = sum(len([s for s in r.sentences if not s.context]) for r in records)
    print(
        f"{one_line(str(target))}: {count} sentence{'s' if count != 1 else ''} from {len(records)} "
        f"trace{'s' if len(records) != 1 else ''}",
        file=sys.stderr,
    )
    return 0
