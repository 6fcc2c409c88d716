"""``afscope figure [PATH] -o FILE.svg|.png|.pdf``: publication figures in the post's style.

``rates`` (one trace's per-prefix rates with Wilson bands and direction-coloured
sentences, the most important numbered), ``conditions`` (Figure 4's bars) and ``tags``
(mean signed importance per tag with bootstrap intervals). matplotlib is the optional
``afscope[figures]`` extra: without it the command exits 2 saying what to install,
before reading anything.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from afscope.analysis.tags import GROUPINGS, GroupBy
from afscope.cli.analysis_args import add_colors_argument, add_notes_argument, fail, load
from afscope.cli.paths import add_path_argument, resolve_path, warn_problems
from afscope.export.files import ExportWriteError
from afscope.figures.model import KINDS, Figure
from afscope.figures.output import SUFFIXES, figure_format, write_figure
from afscope.guard import check_outside_inputs
from afscope.sample import source_label
from afscope.text import one_line

HELP = "publication figures (SVG, PNG, PDF): rates of a trace, conditions, tags"


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("figure", help=HELP, description=HELP)
    add_path_argument(parser)
    parser.add_argument("--kind", choices=KINDS, default="rates")
    parser.add_argument("--trace", metavar="ID", help="the trace to draw (required for rates)")
    parser.add_argument(
        "--outcome",
        action="append",
        metavar="NAME",
        help="an outcome to draw (repeatable; default: all). rates: the first colours the "
        "sentences; tags: the outcome whose importance is averaged",
    )
    parser.add_argument("--metric", help="metric (default: counterfactual when present)")
    parser.add_argument(
        "--top", type=int, default=5, metavar="K", help="rates: number the K most important"
    )
    parser.add_argument(
        "--by",
        choices=GROUPINGS,
        help="tags: group by (default: tags, or categories with --categories)",
    )
    parser.add_argument(
        "--categories", metavar="FILE", help="TOML: category = [regular expressions]"
    )
    add_notes_argument(parser)
    parser.add_argument(
        "--where",
        action="append",
        default=[],
        metavar="FILTER",
        help="tags: only traces matching the browser's filter language (repeatable)",
    )
    parser.add_argument(
        "--bootstrap", type=int, default=2000, metavar="N", help="tags: cluster-bootstrap draws"
    )
    parser.add_argument("--seed", type=int, default=0, metavar="S")
    parser.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="FILE",
        help="FILE.svg, FILE.png or FILE.pdf (the suffix chooses the format)",
    )
    add_colors_argument(parser)
    parser.add_argument(
        "--force", action="store_true", help="replace FILE if it is an earlier afscope figure"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from afscope.figures.render import FiguresUnavailable, render, require_matplotlib
    from afscope.palette import PRESETS

    target = Path(args.output)
    fmt = figure_format(target)
    if fmt is None:
        raise fail(
            "figure",
            f"-o {one_line(args.output)}: expected a file name ending {', '.join(SUFFIXES)}",
        )
    if args.kind == "rates" and not args.trace:
        raise fail("figure", "--kind rates needs --trace ID (afscope info lists the traces)")
    if args.top < 0 or args.bootstrap < 0:
        raise fail("figure", "--top and --bootstrap: expected 0 or more")
    try:
        require_matplotlib()
    except FiguresUnavailable as exc:
        raise fail("figure", str(exc)) from None
    figure, inputs = _figure(args)
    try:
        check_outside_inputs(target, inputs)
        drawn = render(figure, fmt, PRESETS[args.colors])
        written = write_figure(target, drawn, force=args.force)
    except ExportWriteError as exc:
        raise fail("figure", str(exc)) from None
    print(f"{one_line(written)}: {args.kind} figure ({fmt})", file=sys.stderr)
    return 0


def _figure(args: argparse.Namespace) -> tuple[Figure, list[Path]]:
    """The figure's data and the inputs the output must stay outside of."""
    if args.kind == "tags":
        from afscope.figures.tags import tags_figure

        by: GroupBy = args.by or ("categories" if args.categories else "tags")
        if by == "categories" and not args.categories and not args.notes:
            raise fail("figure", "--by categories needs --categories FILE (or notes)")
        args.outcome = args.outcome[0] if args.outcome else None
        loaded = load(args, "figure")
        figure: Figure = tags_figure(
            loaded.frame,
            by,
            outcome=loaded.choice.outcome,
            metric=loaded.choice.metric,
            where=loaded.where,
            draws=args.bootstrap,
            seed=args.seed,
            source=source_label(loaded.path),
        )
        return figure, [loaded.path, loaded.bundle.root]
    from afscope.readers import open_source

    path = resolve_path(args.path)
    opened = open_source(path)
    warn_problems(opened.problems)
    label = source_label(path)
    if args.kind == "conditions":
        from afscope.figures.conditions import conditions_figure

        figure = conditions_figure(opened.bundle, args.outcome, source=label)
    else:
        from afscope.figures.rates import rates_figure

        figure = rates_figure(
            opened.bundle,
            args.trace,
            outcomes=args.outcome,
            metric=args.metric,
            top=args.top,
            source=label,
        )
    return figure, [path, opened.bundle.root]
