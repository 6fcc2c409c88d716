"""Where afscope may write: never over, inside, or above anything it reads.

Every command that writes (``import``, ``compute``, ``export``, the explorer's export)
asks this one check before it writes, so "afscope never writes into its input" and
"afscope never replaces a folder that holds its input" hold in one place.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from afscope.problems import BundleError, Problem


def resolved(path: Path) -> Path:
    """``path`` with links and ``..`` resolved as far as they exist (never raises)."""
    try:
        return Path(os.path.realpath(path))
    except (OSError, ValueError):
        return path.absolute()


def check_outside_inputs(target: Path, inputs: Iterable[Path | None]) -> None:
    """Raise ``BundleError`` when ``target`` is an input, lies inside one, or holds one."""
    where = resolved(target)
    for source in inputs:
        if source is None:
            continue
        root = resolved(source)
        if where == root or root in where.parents:
            raise BundleError(
                [
                    Problem(
                        str(target),
                        f"must be outside the input {source} (afscope never writes into its input)",
                    )
                ]
            )
        if where in root.parents:
            raise BundleError(
                [
                    Problem(
                        str(target),
                        f"holds the input {source}; afscope never replaces a folder that holds "
                        "its input",
                    )
                ]
            )
