"""``afscope export PATH``: chosen sentences as Markdown or JSON lines, headless."""

from __future__ import annotations

import argparse
import sys

from afscope.bundle.reader import Bundle
from afscope.cli.analysis_args import add_notes_argument, load_user_notes
from afscope.cli.paths import add_path_argument, resolve_path, warn_problems
from afscope.explore.settings import default_settings
from afscope.export.build import FORMATS
from afscope.export.files import ExportWriteError
from afscope.export.run import ExportPlan, export_to
from afscope.export.selection import (
    SelectionError,
    SentenceFilter,
    missing_indices,
    parse_indices,
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
    add_notes_argument(parser)
    parser.add_argument("--format", choices=FORMATS, default="markdown")
    parser.add_argument(
        "-o", "--output", metavar="FILE", help="write here (default or -: standard output)"
    )
    parser.add_argument(
        "--force", action="store_true", help="replace FILE if it is an earlier afscope export"
    )
    parser.set_defaults(run=run)


def _warn_missing(bundle: Bundle, indices: tuple[int, ...], trace_ids: list[str]) -> None:
    """Sentences a trace lacks (a gap in the source) are left out of the export, named."""
    for trace_id, missing in missing_indices(bundle, indices, trace_ids).items():
        listed = ", ".join(map(str, missing))
        print(
            f"warning: trace {one_line(trace_id)!r} has no sentence {listed}: exporting the others",
            file=sys.stderr,
        )


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
        if indices is not None:
            _warn_missing(bundle, indices, args.trace or bundle.trace_ids())
        notes = load_user_notes(args.notes, path)
        plan = ExportPlan(
            choice,
            outcome,
            metric,
            args.format,
            args.context,
            args.trace,
            annotations=notes.annotations() if notes is not None else None,
        )
        result = export_to(
            bundle,
            plan,
            args.output or "-",
            source=str(path),
            inputs=[path],
            force=args.force,
        )
    except (SelectionError, ExportWriteError) as exc:
        raise _fail(str(exc)) from None
    if args.output not in (None, "-"):
        print(
            f"{one_line(str(result.written_to))}: {result.sentences} "
            f"sentence{'s' if result.sentences != 1 else ''} from {result.traces} "
            f"trace{'s' if result.traces != 1 else ''}",
            file=sys.stderr,
        )
    return 0
