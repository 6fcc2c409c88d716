"""``afscope export PATH``: chosen sentences as Markdown or JSON lines, headless.

Sentences are chosen per trace with ``--select TRACE=INDICES`` (repeatable: a selection
spanning traces, as the explorer's provenance prints it), or by one rule for every
``--trace``: ``--sentences``, ``--top`` or ``--min-importance``.
"""

from __future__ import annotations

import argparse
import sys

from afscope.cli.analysis_args import add_notes_argument, load_user_notes
from afscope.cli.paths import add_path_argument, resolve_path, warn_problems
from afscope.explore.settings import default_settings
from afscope.export.build import FORMATS, STYLES
from afscope.export.files import ExportWriteError
from afscope.export.plan import ExportPlan
from afscope.export.run import export_to, missing_message
from afscope.export.selection import (
    SelectionError,
    SentenceFilter,
    parse_indices,
    parse_selections,
)
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
    which.add_argument(
        "--sentences",
        metavar="LIST",
        help="indices such as 4,12-13 (of every --trace; indices a trace lacks are skipped)",
    )
    which.add_argument(
        "--select",
        action="append",
        metavar="TRACE=LIST",
        help="sentences of one trace, such as 01-original-free=4,12-13 (repeatable: a "
        "selection across traces)",
    )
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
    add_notes_argument(parser)
    parser.add_argument(
        "--alternatives",
        type=int,
        default=0,
        metavar="K",
        help="add each sentence's K most frequent resampled alternatives and their rates",
    )
    parser.add_argument("--format", choices=FORMATS, default="markdown")
    parser.add_argument(
        "--style",
        choices=STYLES,
        default=None,
        help="Markdown: detailed (default: a section per sentence) or compact (one table "
        "row per sentence, for a paper or a post)",
    )
    parser.add_argument(
        "-o", "--output", metavar="FILE", help="write here (default or -: standard output)"
    )
    parser.add_argument(
        "--force", action="store_true", help="replace FILE if it is an earlier afscope export"
    )
    parser.set_defaults(run=run)


def _fail(message: str) -> BundleError:
    return BundleError([Problem("export", message)])


def run(args: argparse.Namespace) -> int:
    if args.top is not None and args.top < 1:
        raise _fail("--top: expected a whole number of at least 1")
    if args.context < 0:
        raise _fail("--context: expected 0 or more")
    if args.alternatives < 0:
        raise _fail("--alternatives: expected 0 or more")
    if args.style is not None and args.format != "markdown":
        raise _fail("--style: applies to --format markdown only")
    if args.select and args.trace:
        raise _fail("--select names its traces: use it without --trace")
    path = resolve_path(args.path)
    opened = open_source(path)
    warn_problems(opened.problems)
    bundle = opened.bundle
    defaults = default_settings(bundle.outcomes, bundle.metrics)
    outcome = args.outcome or defaults.outcome
    metric = args.metric or defaults.metric
    try:
        choice: SentenceFilter | dict[str, list[int]]
        if args.select:
            choice = parse_selections(args.select)
        else:
            indices = tuple(parse_indices(args.sentences)) if args.sentences else None
            choice = SentenceFilter(
                indices=indices, top=args.top, min_importance=args.min_importance
            )
        notes = load_user_notes(args.notes, path)
        plan = ExportPlan(
            choice,
            outcome,
            metric,
            args.format,
            args.context,
            args.trace,
            annotations=notes.annotations() if notes is not None else None,
            style=args.style or "detailed",
            alternatives=args.alternatives,
        )
        result = export_to(
            bundle,
            plan,
            args.output or "-",
            source=path if args.path is None else args.path,
            inputs=[path],
            force=args.force,
        )
    except (SelectionError, ExportWriteError) as exc:
        raise _fail(str(exc)) from None
    if result.missing:
        print(f"warning: skipped: {one_line(missing_message(result.missing))}", file=sys.stderr)
    if args.output not in (None, "-"):
        print(
            f"{one_line(str(result.written_to))}: {result.sentences} "
            f"sentence{'s' if result.sentences != 1 else ''} from {result.traces} "
            f"trace{'s' if result.traces != 1 else ''}",
            file=sys.stderr,
        )
    return 0
