"""``afscope rank [PATH]``: sentences of every trace, ranked by signed importance."""

from __future__ import annotations

import argparse

from afscope.analysis.rank import DIRECTIONS, rank_sentences
from afscope.cli.analysis_args import add_common, fail, load, terminal_width, write
from afscope.cli.analysis_output import render_rank


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "rank", help="rank sentences across traces by signed importance (what causes an outcome)"
    )
    add_common(parser)
    parser.add_argument(
        "--direction",
        choices=DIRECTIONS,
        default="promotes",
        help="promotes: most positive first; suppresses: most negative; both: largest |value|",
    )
    parser.add_argument("--top", type=int, metavar="K", help="only the first K rows")
    parser.add_argument(
        "--tag",
        action="append",
        default=[],
        metavar="TAG",
        help="only sentences with this tag or category (repeatable: any)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.top is not None and args.top < 1:
        raise fail("rank", "--top: expected a whole number of at least 1")
    tags = ",".join(t for t in args.tag if t)
    loaded = load(args, "rank")
    frame = loaded.frame
    if tags:
        from afscope.analysis.frame import apply_filter
        from afscope.explore.filters import parse_filter

        by_tag = apply_filter(frame, parse_filter(f"tag={tags}"))
        by_category = apply_filter(frame, parse_filter(f"category={tags}"))
        import polars as pl

        frame = pl.concat([by_tag, by_category]).unique(
            ["raw_id", "sentence_idx"], maintain_order=True
        )
    rows = rank_sentences(
        frame,
        args.direction,
        where=loaded.where,
        include_low_evidence=args.include_low_evidence,
        top=args.top,
    )
    text = render_rank(
        rows,
        args.format,
        source=str(loaded.path),
        outcome=loaded.choice.outcome,
        metric=loaded.choice.metric,
        width=terminal_width(),
    )
    write(args, loaded, text, "rank")
    return 0
