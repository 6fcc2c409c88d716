"""``afscope [PATH]`` / ``afscope open [PATH]``: the explorer TUI.

Input problems that can be seen before a screen is drawn (missing path, unreadable
manifest, nothing afscope can read) exit with code 2 and a message; anything found later
shows on the app's error screen, and quitting from there also exits 2.
"""

from __future__ import annotations

import argparse

from afscope.cli.paths import add_path_argument, resolve_path, source_kind


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "open",
        help="explore results in the terminal (the default)",
    )
    add_path_argument(parser)
    parser.add_argument("--categories", metavar="FILE", help="TOML: category = [regexes]")
    parser.add_argument(
        "--notes", metavar="FILE", help="notes file (default: in the user's data folder)"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from afscope.tui import collector  # no Textual (the core imports the TUI only here)

    collector.pause()  # until the app's first frame (``afscope.tui.collector`` says why)
    try:
        return _explore(args)
    finally:
        collector.resume()


def _explore(args: argparse.Namespace) -> int:
    from afscope.bundle.reader import read_manifest  # Polars and Pydantic: after ``pause``
    from afscope.readers import BUNDLE

    path = resolve_path(args.path)
    kind = source_kind(path)
    opening = None
    if kind == BUNDLE:
        read_manifest(path)  # a broken manifest is a CLI error, before any screen
        from afscope.tui.opening import Opening  # no Textual: reads while it is imported

        opening = Opening(path)
    from pathlib import Path

    rules = None
    if args.categories:
        from afscope.analysis.categories import load_rules

        rules = load_rules(args.categories)
    from afscope.tui.app import AfscopeApp  # the core never imports Textual

    notes = Path(args.notes) if args.notes else None
    app = AfscopeApp(path, notes_path=notes, category_rules=rules, opening=opening)
    app.run()
    return app.return_code or 0
