"""Options and loading shared by ``afscope rank``, ``tags``, ``figure`` and ``publish``."""

from __future__ import annotations

import argparse
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from afscope.analysis.categories import CategoryRules, load_rules
from afscope.analysis.frame import Choice, check_choice, sentence_frame
from afscope.analysis.notes import Notes, default_notes_path, load_notes
from afscope.bundle.reader import Bundle
from afscope.cli.analysis_output import FORMATS
from afscope.cli.paths import add_path_argument, resolve_path, warn_problems
from afscope.explore.filters import Filter, FilterError, parse_filter
from afscope.export.files import ExportWriteError, write_output
from afscope.guard import check_outside_inputs
from afscope.problems import BundleError, Problem
from afscope.readers import open_source
from afscope.text import one_line


def add_common(parser: argparse.ArgumentParser) -> None:
    add_path_argument(parser)
    parser.add_argument("--outcome", help="outcome (default: the bundle's first)")
    parser.add_argument("--metric", help="metric (default: counterfactual when present)")
    parser.add_argument(
        "--where",
        action="append",
        default=[],
        metavar="FILTER",
        help="the trace browser's filter language: condition=free variant=original "
        "alignment_faking=yes tag=X category=X, or words (repeatable; all must match)",
    )
    parser.add_argument(
        "--include-low-evidence", action="store_true", help="keep values flagged low-evidence"
    )
    parser.add_argument(
        "--categories", metavar="FILE", help="TOML: category = [regular expressions]"
    )
    add_notes_argument(parser)
    parser.add_argument("--format", choices=FORMATS, default="table")
    parser.add_argument("-o", "--output", metavar="FILE", help="write here (default: stdout)")
    parser.add_argument(
        "--force", action="store_true", help="replace FILE if it is an earlier afscope output"
    )


@dataclass
class Loaded:
    path: Path
    bundle: Bundle
    choice: Choice
    where: Filter
    rules: CategoryRules | None
    notes: Notes | None
    frame: pl.DataFrame


def fail(command: str, message: str) -> BundleError:
    return BundleError([Problem(command, message)])


def load(args: argparse.Namespace, command: str, extra_filter: str = "") -> Loaded:
    """Open PATH, check names, rules, notes and filters, and build the sentence frame."""
    path = resolve_path(args.path)
    rules = load_rules(args.categories) if args.categories else None
    opened = open_source(path)
    warn_problems(opened.problems)
    bundle = opened.bundle
    choice = check_choice(bundle, args.outcome, args.metric)
    try:
        where = parse_filter([*args.where, extra_filter], bundle.outcomes, strict=True)
    except FilterError as exc:
        raise fail(command, f"--where: {exc}") from None
    notes = load_user_notes(args.notes, path)
    frame = sentence_frame(bundle, choice, rules=rules, notes=notes)
    return Loaded(path, bundle, choice, where, rules, notes, frame)


def add_colors_argument(parser: argparse.ArgumentParser) -> None:
    """``--colors``: a preset of ``afscope.palette`` (the config file's ``colors``)."""
    parser.add_argument(
        "--colors",
        choices=("default", "colorblind"),
        default="default",
        help="direction and outcome colours: the explorer's (orange / purple) or Okabe-Ito "
        "(orange / blue), as the config file's colors",
    )


def add_notes_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--notes",
        metavar="FILE",
        help="the explorer's notes file (default: the one kept for this PATH, if any)",
    )


def load_user_notes(given: str | None, path: Path) -> Notes | None:
    """The explorer's notes on ``path``: ``--notes FILE``, else the default file if any."""
    notes_path = Path(given) if given else default_notes_path(path)
    if not given and not notes_path.exists():
        return None
    notes = load_notes(notes_path, path)
    if notes.warning:
        print(f"warning: {one_line(notes.warning)}", file=sys.stderr)
    return notes


def terminal_width() -> int:
    return shutil.get_terminal_size((160, 24)).columns if sys.stdout.isatty() else 200


def write(args: argparse.Namespace, loaded: Loaded, text: str, command: str) -> None:
    target = args.output or "-"
    try:
        if target != "-":
            check_outside_inputs(Path(target), [loaded.path, loaded.bundle.root])
        written = write_output(target, text, force=args.force)
    except ExportWriteError as exc:
        raise fail(command, str(exc)) from None
    if target != "-":
        print(f"{one_line(written)}: written", file=sys.stderr)
