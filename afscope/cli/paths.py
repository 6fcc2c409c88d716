"""Resolve the PATH argument shared by every command (default: the bundled sample)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from pathlib import Path

from afscope.problems import BundleError, Problem
from afscope.sample import sample_bundle_path
from afscope.text import one_line

PATH_HELP = (
    "a result bundle, or Thought Anchors results: one web-viewer or pipeline folder, or "
    "any folder above many (default: the bundled synthetic sample)"
)


def add_path_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "path",
        nargs="?",
        default=None,
        help=PATH_HELP,
    )


def resolve_path(value: str | None) -> Path:
    """The PATH argument as a path that exists (the bundled sample when omitted)."""
    if value is None:
        try:
            return sample_bundle_path()
        except FileNotFoundError as exc:
            raise BundleError([Problem("(sample)", str(exc))]) from None
    path = Path(value)
    if not path.exists():
        raise BundleError(
            [
                Problem(
                    str(path),
                    "does not exist (expected a result bundle or a Thought Anchors results folder)",
                )
            ]
        )
    return path


def print_problems(problems: Iterable[Problem]) -> None:
    """One line per problem on stderr; file and column names are cleaned (they are input)."""
    for problem in problems:
        print(f"error: {one_line(str(problem))}", file=sys.stderr)


def warn_problems(problems: Iterable[Problem]) -> None:
    """Problems that did not stop the command (files skipped), one line each on stderr."""
    for problem in problems:
        print(f"warning: {one_line(str(problem))}", file=sys.stderr)


def source_kind(path: Path) -> str:
    """What ``path`` holds (bundle or Thought Anchors data); a clear error when neither."""
    from afscope.readers import detect, not_readable  # lazily: importing readers loads Polars

    kind = detect(path) if path.is_dir() else None
    if kind is None:
        raise not_readable(path)
    return kind
