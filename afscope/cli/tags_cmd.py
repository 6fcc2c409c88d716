"""``afscope tags [PATH]``: signed importance by tag, rule category or note, with
cluster-bootstrap intervals over traces and an optional two-group comparison."""

from __future__ import annotations

import argparse

from afscope.analysis.tags import GROUPINGS, Comparison, tag_statistics
from afscope.cli.analysis_args import add_common, fail, load, write
from afscope.cli.analysis_output import render_tags


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "tags", help="mean signed importance by tag, category or note, with bootstrap intervals"
    )
    add_common(parser)
    parser.add_argument("--by", choices=GROUPINGS, default="tags")
    parser.add_argument(
        "--compare",
        metavar="FIELD=A,B",
        help="difference between two groups of traces per tag, e.g. condition=free,paid",
    )
    parser.add_argument(
        "--bootstrap", type=int, default=2000, metavar="N", help="cluster-bootstrap draws"
    )
    parser.add_argument("--seed", type=int, default=0, metavar="S")
    parser.set_defaults(run=run)


def parse_compare(spec: str | None) -> Comparison | None:
    if spec is None:
        return None
    field, _, values = spec.partition("=")
    parts = [v.strip() for v in values.split(",") if v.strip()]
    if not field.strip() or len(parts) != 2:
        raise fail(
            "tags", f"--compare: expected FIELD=A,B such as condition=free,paid, got {spec!r}"
        )
    return Comparison(field.strip(), parts[0], parts[1])


def run(args: argparse.Namespace) -> int:
    if args.bootstrap < 0:
        raise fail("tags", "--bootstrap: expected 0 or more draws")
    compare = parse_compare(args.compare)
    if compare is not None:
        from afscope.explore.filters import FilterError, parse_filter

        try:
            parse_filter(f"{compare.field}={compare.a}", strict=True)
        except FilterError as exc:
            raise fail("tags", f"--compare: {exc}") from None
    if args.by == "categories" and not args.categories and not args.notes:
        raise fail("tags", "--by categories needs --categories FILE (or notes with categories)")
    loaded = load(args, "tags")
    stats = tag_statistics(
        loaded.frame,
        args.by,
        where=loaded.where,
        include_low_evidence=args.include_low_evidence,
        draws=args.bootstrap,
        seed=args.seed,
        compare=compare,
    )
    names = (
        None
        if compare is None
        else (f"{compare.field}={compare.a}", f"{compare.field}={compare.b}")
    )
    text = render_tags(
        stats,
        args.format,
        by=args.by,
        source=str(loaded.path),
        outcome=loaded.choice.outcome,
        metric=loaded.choice.metric,
        draws=args.bootstrap,
        seed=args.seed,
        compare_names=names,
    )
    write(args, loaded, text, "tags")
    return 0
