"""``afscope publish [PATH] OUT``: a self-contained static site to share what was found."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from afscope.cli.analysis_args import add_colors_argument
from afscope.cli.paths import add_path_argument, resolve_path, warn_problems
from afscope.problems import BundleError, Problem
from afscope.readers import open_source
from afscope.sample import source_label
from afscope.text import one_line

HELP = "write a static HTML site (traces, charts, sentence detail) that opens from disk"


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("publish", help=HELP, description=HELP)
    add_path_argument(parser)
    parser.add_argument("out", metavar="OUT", help="the folder to write (a new or empty one)")
    parser.add_argument(
        "--trace",
        action="append",
        default=[],
        metavar="ID",
        help="a trace to publish (repeatable; default: every trace)",
    )
    parser.add_argument(
        "--where",
        action="append",
        default=[],
        metavar="FILTER",
        help="the trace browser's filter language: condition=free variant=original "
        "alignment_faking=yes tag=X (a sentence tagged X), or words (repeatable; all must match)",
    )
    parser.add_argument("--title", metavar="TEXT", help="the site's title (default: the bundle's)")
    parser.add_argument("--outcome", help="outcome that colours the sentences (default: first)")
    parser.add_argument(
        "--metric", help="metric that colours the sentences (default: counterfactual)"
    )
    add_colors_argument(parser)
    parser.add_argument(
        "--force", action="store_true", help="replace OUT if it is an earlier afscope publish site"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from afscope.palette import PRESETS
    from afscope.publish.site import PublishPlan, publish

    if args.path is not None and args.out is not None and args.path == args.out:
        raise BundleError([Problem(args.out, "OUT must differ from PATH")])
    path = resolve_path(args.path)
    out = Path(args.out)
    opened = open_source(path)
    warn_problems(opened.problems)
    plan = PublishPlan(
        trace_ids=tuple(args.trace),
        where=tuple(args.where),
        title=args.title,
        outcome=args.outcome,
        metric=args.metric,
        palette=PRESETS[args.colors],
    )
    result = publish(
        opened.bundle,
        plan,
        out,
        source=source_label(path),
        inputs=[path, opened.bundle.root],
        force=args.force,
    )
    print(
        f"{one_line(str(result.out))}: {result.traces} trace{'s' if result.traces != 1 else ''}, "
        f"{len(result.files)} files, {result.size / 1e6:.2f} MB; open "
        f"{one_line(str(result.out / 'index.html'))} in a browser",
        file=sys.stderr,
    )
    return 0
