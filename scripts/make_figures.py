"""Remake docs/figure-*.png: one publication figure of each kind from the bundled sample.

    python scripts/make_figures.py

Runs ``afscope figure`` itself (needs the ``afscope[figures]`` extra); an earlier figure
is replaced (``--force`` replaces only afscope's own figures).
"""

from __future__ import annotations

import sys
from pathlib import Path

from afscope.cli.main import main

DOCS = Path(__file__).resolve().parent.parent / "docs"
CATEGORIES = (
    Path(__file__).resolve().parent.parent / "sample_data" / "alignment_faking_categories.toml"
)
RUNS = {
    "figure-rates.png": ["--kind", "rates", "--trace", "01-original-free"],
    "figure-conditions.png": ["--kind", "conditions"],
    "figure-tags.png": ["--kind", "tags", "--categories", str(CATEGORIES)],
}


def run() -> int:
    for name, args in RUNS.items():
        code = main(["figure", *args, "-o", str(DOCS / name), "--force"])
        if code:
            return code
    return 0


if __name__ == "__main__":
    sys.exit(run())
