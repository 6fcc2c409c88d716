"""``afscope compute SRC OUT``: metrics with intervals from raw resamples, as a new bundle."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from afscope.bundle.target import check_bundle_target
from afscope.cli.paths import resolve_path, source_kind, warn_problems
from afscope.cli.progress import terminal_progress
from afscope.compute.run import compute_bundle
from afscope.guard import check_outside_inputs
from afscope.metrics.kl import DEFAULT_ALPHA
from afscope.metrics.options import DEFAULT_SIMILARITY_THRESHOLD, MIN_EVIDENCE, MetricOptions
from afscope.problems import BundleError, Problem
from afscope.text import one_line


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("compute", help="compute importance with intervals from resamples")
    parser.add_argument("src", help="a bundle with resamples, or Thought Anchors folders")
    parser.add_argument("out", help="the bundle folder to write")
    parser.add_argument(
        "--outcome",
        action="append",
        metavar="NAME",
        help="compute only this outcome (repeatable; default: all labelled)",
    )
    parser.add_argument(
        "--threshold",
        type=float,
        default=DEFAULT_SIMILARITY_THRESHOLD,
        help="similarity below which a resampled sentence counts as different",
    )
    parser.add_argument(
        "--alpha", type=float, default=DEFAULT_ALPHA, help="additive smoothing for the KL metrics"
    )
    parser.add_argument(
        "--min-evidence",
        type=int,
        default=MIN_EVIDENCE,
        metavar="N",
        help="flag values whose compared sets have fewer rollouts than this",
    )
    parser.add_argument(
        "--bootstrap",
        type=int,
        default=0,
        metavar="N",
        help="percentile bootstrap with N draws instead of analytic intervals",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed for --bootstrap")
    parser.add_argument(
        "--no-embed", action="store_true", help="never compute similarities with embeddings"
    )
    parser.add_argument(
        "--force", action="store_true", help="replace OUT if it holds an earlier afscope bundle"
    )
    parser.set_defaults(run=run)


def _check(ok: bool, message: str) -> None:
    if not ok:
        raise BundleError([Problem("compute", message)])


def run(args: argparse.Namespace) -> int:
    _check(0.0 < args.threshold <= 1.0, "--threshold: expected a number in (0, 1]")
    _check(args.alpha >= 0.0, "--alpha: expected 0 or more")
    _check(args.bootstrap >= 0, "--bootstrap: expected 0 or more draws")
    _check(args.min_evidence >= 1, "--min-evidence: expected 1 or more")
    src = resolve_path(args.src)
    source_kind(src)
    out = Path(args.out)
    check_outside_inputs(out, [src])
    check_bundle_target(out, force=args.force)
    options = MetricOptions(args.threshold, args.alpha, args.min_evidence)
    with terminal_progress() as progress:
        report = compute_bundle(
            src,
            out,
            outcomes=args.outcome,
            options=options,
            bootstrap=args.bootstrap,
            seed=args.seed,
            use_embeddings=not args.no_embed,
            overwrite=args.force,
            progress=progress,
        )
    warn_problems(report.problems)
    print(
        f"{one_line(str(report.path))}: {report.traces} traces, {report.rollouts} rollouts; "
        f"metrics: {', '.join(report.metrics)}; similarity: {report.similarity}"
    )
    if report.skipped:
        from afscope.compute.similarity import INSTALL_HINT

        print(
            f"skipped (no similarities): {', '.join(report.skipped)}. To compute them, "
            f"install the embed extra: {INSTALL_HINT}",
            file=sys.stderr,
        )
    return 0
