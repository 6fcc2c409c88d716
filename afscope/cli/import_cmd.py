"""``afscope import SRC OUT``: parse Thought Anchors results once into a bundle."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from afscope.bundle.target import check_bundle_target
from afscope.cli.paths import resolve_path, source_kind, warn_problems
from afscope.cli.progress import terminal_progress
from afscope.guard import check_outside_inputs
from afscope.problems import BundleError, Problem
from afscope.readers import BUNDLE, import_thought_anchors
from afscope.readers.thought_anchors.workers import MAX_JOBS, default_jobs
from afscope.text import one_line


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "import", help="convert Thought Anchors results (a folder or a whole tree) to a bundle"
    )
    parser.add_argument("src", help="a Thought Anchors problem folder or any folder above many")
    parser.add_argument("out", help="the bundle folder to write (must not exist)")
    parser.add_argument(
        "--strict", action="store_true", help="fail on the first broken file instead of skipping it"
    )
    parser.add_argument(
        "--force", action="store_true", help="replace OUT if it holds an earlier afscope bundle"
    )
    parser.add_argument(
        "--jobs",
        "-j",
        type=_jobs,
        metavar="N",
        help="parse folders in N processes on a large tree (default: one per CPU, at most "
        f"{MAX_JOBS}; 1: all in this one)",
    )
    parser.set_defaults(run=run)


def _jobs(text: str) -> int:
    """argparse type for --jobs: its own error (exit 2) for anything but 1, 2, ..."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of 1 or more, got {text!r}")
    return value


def run(args: argparse.Namespace) -> int:
    src = resolve_path(args.src)
    out = Path(args.out)
    kind = source_kind(src)
    if kind == BUNDLE:
        raise BundleError([Problem(str(src), "already an afscope bundle; nothing to import")])
    check_outside_inputs(out, [src])
    check_bundle_target(out, force=args.force)
    with terminal_progress() as progress:
        report = import_thought_anchors(
            src,
            out,
            strict=args.strict,
            overwrite=args.force,
            progress=progress,
            jobs=args.jobs or default_jobs(),
        )
    warn_problems(report.problems)
    skipped = sum(1 for p in report.problems if p.message.startswith("trace skipped"))
    print(
        f"{one_line(str(out))}: wrote {report.traces} trace{'s' if report.traces != 1 else ''} "
        f"from {kind} {one_line(str(src))}" + (f" ({skipped} skipped)" if skipped else "")
    )
    if report.problems:
        print(
            f"{len(report.problems)} problem(s) reported above; rerun with --strict to make "
            "them fatal",
            file=sys.stderr,
        )
    return 0
