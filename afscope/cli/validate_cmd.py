"""``afscope validate PATH``: check everything, report every problem, exit 0 or 2.

A bundle is validated in full. Thought Anchors data is converted, then the result is
validated. A whole tree (``afscope validate /data``) is walked once, with progress on
stderr when it is a terminal; folders that cannot be read are named and skipped, and
each trace folder is converted and checked on its own, so one malformed folder is
reported without stopping the others (``--strict`` stops at the first).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from afscope.bundle.manifest import MANIFEST_FILE, SourceWarning
from afscope.bundle.reader import Bundle
from afscope.bundle.validate import validate_bundle
from afscope.cli.paths import add_path_argument, print_problems, resolve_path, warn_problems
from afscope.cli.progress import TerminalProgress
from afscope.problems import BundleError, Problem
from afscope.readers import THOUGHT_ANCHORS, THOUGHT_ANCHORS_TREE, not_readable, open_source
from afscope.readers.thought_anchors.folder import is_trace_folder
from afscope.readers.thought_anchors.importer import import_thought_anchors
from afscope.readers.thought_anchors.tree import find_trace_folders
from afscope.text import one_line


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "validate",
        help="check results and report every problem",
    )
    add_path_argument(parser)
    parser.add_argument(
        "--strict",
        action="store_true",
        help="in a tree, stop at the first folder with a problem instead of skipping it",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    path = resolve_path(args.path)
    shown = one_line(str(path))
    warnings: list[tuple[Path, SourceWarning]] = []
    if path.is_dir() and (path / MANIFEST_FILE).is_file():
        problems = validate_bundle(path)
        # a bundle imported from Thought Anchors data: the source's folders are not here
        warnings = [(Path(w.trace_id), w) for w in _manifest_warnings(path)]
    elif is_trace_folder(path):
        problems = _validate_converted(path, path, warnings, strict=False)
        print(f"{shown}: {THOUGHT_ANCHORS}, converted and checked")
    elif path.is_dir():
        problems = _validate_tree(path, warnings, strict=args.strict)
    else:
        problems = not_readable(path).problems
    for folder, warning in warnings:
        where = one_line(str(folder / warning.file))
        print(f"warning: {where}: {one_line(warning.message)}", file=sys.stderr)
    noted = f" ({_count(len(warnings), 'source warning')})" if warnings else ""
    if not problems:
        print(f"{shown}: valid{noted}")
        return 0
    print_problems(problems)
    print(f"{shown}: invalid ({_count(len(problems), 'problem')}){noted}", file=sys.stderr)
    return 2


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' if n != 1 else ''}"


def _manifest_warnings(bundle_root: Path) -> list[SourceWarning]:
    """The source warnings a bundle carries (none when its manifest cannot be read: that
    is one of the problems ``validate_bundle`` reports)."""
    try:
        return list(Bundle.open(bundle_root).manifest.warnings)
    except BundleError:
        return []


def _validate_converted(
    folder: Path, root: Path, warnings: list[tuple[Path, SourceWarning]], *, strict: bool
) -> list[Problem]:
    """Problems of one Thought Anchors folder: reading it, then the bundle it becomes;
    its source warnings are added to ``warnings`` with the folder they are about."""
    if folder == root:
        opened = open_source(folder, strict=strict)
        bundle_root, found = opened.bundle.root, opened.problems
    else:
        with tempfile.TemporaryDirectory(prefix="afscope-validate-") as tmp:
            report = import_thought_anchors(folder, Path(tmp) / "bundle", strict=strict)
            warnings += [(folder, w) for w in _manifest_warnings(report.path)]
            return report.problems + _converted(validate_bundle(report.path), report.path, folder)
    warnings += [(folder, w) for w in _manifest_warnings(bundle_root)]
    return found + _converted(validate_bundle(bundle_root), bundle_root, folder)


def _converted(problems: list[Problem], bundle_root: Path, folder: Path) -> list[Problem]:
    """Problems of a converted bundle, named after the folder they came from."""
    return [
        Problem(
            p.file.replace(str(bundle_root), f"{folder} (converted)"),
            p.message,
            p.column,
            p.where,
            p.severity,
        )
        for p in problems
    ]


def _validate_tree(
    root: Path, warnings: list[tuple[Path, SourceWarning]], *, strict: bool
) -> list[Problem]:
    """Problems of every trace folder below ``root``; folders the walk had to skip are
    printed as warnings (they are not part of the data, so they do not make it invalid)."""
    problems: list[Problem] = []
    skipped: list[Problem] = []
    progress = TerminalProgress()
    progress.step("scanning folders")
    walked = folders = 0

    def folder_seen() -> None:
        nonlocal walked
        walked += 1
        progress.describe(f"scanned {walked} folders, {folders} trace folders")

    try:
        for folder in find_trace_folders(root, skipped.append, folder_seen):
            folders += 1
            progress.advance()
            problems += _check_folder(folder, root, warnings, strict=strict)
            if strict and problems:
                raise BundleError(problems)
    finally:
        progress.close()
        warn_problems(skipped)
    if folders == 0:
        return not_readable(root).problems
    print(f"{one_line(str(root))}: {THOUGHT_ANCHORS_TREE}, {folders} trace folders checked")
    return problems


def _check_folder(
    folder: Path, root: Path, warnings: list[tuple[Path, SourceWarning]], *, strict: bool
) -> list[Problem]:
    """One trace folder's problems; a folder the reader cannot handle is skipped, named."""
    try:
        return _validate_converted(folder, root, warnings, strict=strict)
    except BundleError as exc:
        return exc.problems
    except Exception as exc:
        detail = one_line(str(exc))[:200] or type(exc).__name__
        return [Problem(str(folder), f"skipped: could not be read ({detail})")]
