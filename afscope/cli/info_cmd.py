"""``afscope info [--json] PATH``: what a bundle holds, as a table or as JSON for scripts."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from typing import Any, TextIO

from afscope.cli.paths import add_path_argument, resolve_path, warn_problems
from afscope.cli.table import format_table
from afscope.readers import open_source
from afscope.summary import summarize, warning_text
from afscope.text import one_line


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "info",
        help="summarise results: traces, outcomes, metrics",
    )
    add_path_argument(parser)
    parser.add_argument("--json", action="store_true", help="print JSON for scripts")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    opened = open_source(resolve_path(args.path))
    warn_problems(opened.problems)
    summary = summarize(opened.bundle, source_kind=opened.kind, source_path=opened.path)
    if args.json:
        # ensure_ascii: escapes, C1 and bidi characters in data reach the terminal as \uXXXX
        json.dump(summary, sys.stdout, indent=2, default=str, ensure_ascii=True)
        sys.stdout.write("\n")
    else:
        # a terminal gets tables cut to its width; a pipe or a file (`| less`) everything
        width = shutil.get_terminal_size((100, 24)).columns if sys.stdout.isatty() else None
        render(summary, sys.stdout, width)
    return 0


def _s(value: Any) -> str:
    """Untrusted data as one clean line."""
    return "-" if value is None else one_line(str(value))


def _flag(value: Any) -> str:
    return {True: "yes", False: "no", None: "-"}.get(value, _s(value))


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _rate(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def render(summary: dict[str, Any], out: TextIO, width: int | None = 100) -> None:
    """The human-readable summary: header lines, the trace table, condition-level rates
    (``width``: the terminal's, or None for no cutting)."""
    lines = [
        f"afscope: {_s(summary['path'])}",
        f"  {_s(summary['title'] or '(untitled)')}",
    ]
    if summary["synthetic"]:
        lines.append("  SYNTHETIC data: illustrative, not real model output")
    lines += [f"  note: {_s(n)}" for n in summary["notes"]]
    lines += [f"  warning: {_s(warning_text(w))}" for w in summary["warnings"]]
    rollouts = summary["rollout_count"]
    lines += [
        f"  source: {_s(summary['source_kind'])}, schema {_s(summary['schema_version'])}",
        f"  {_count(summary['trace_count'], 'trace')}, "
        f"{_count(summary['sentence_count'], 'sentence')}, "
        f"{'-' if rollouts is None else _count(rollouts, 'rollout')}",
        "  outcomes: " + (", ".join(_s(o["name"]) for o in summary["outcomes"]) or "-"),
        "  metrics:  " + (", ".join(_s(m["name"]) for m in summary["metrics"]) or "-"),
        "  tables:   " + ", ".join(f"{_s(t)} ({n})" for t, n in summary["tables"].items()),
        "  rate at sentence i = rollouts that keep sentences 0..i-1 (sentence i resampled)",
        "",
        "traces (final label per outcome):",
    ]
    outcome_names = [o["name"] for o in summary["outcomes"]]
    headers = ["trace", "variant", "condition", "sentences", "rollouts", *outcome_names, "query"]
    rows = [
        [
            _s(t["trace_id"]),
            _s(t["prompt_variant"]),
            _s(t["condition"]),
            _s(t["n_sentences"]),
            _s(t["rollouts"]),
            *(_flag(t["labels"].get(name)) for name in outcome_names),
            _s(t["query"]),
        ]
        for t in summary["traces"]
    ]
    lines += format_table([_s(h) for h in headers], rows, width)
    if summary["condition_rates"]:
        lines += ["", "evaluation-level rates (Wilson 95% interval):"]
        lines += format_table(
            ["variant", "condition", "outcome", "n", "rate", "95% interval"],
            [
                [
                    _s(r.get("prompt_variant")),
                    _s(r.get("condition")),
                    _s(r["outcome"]),
                    str(r["n"]),
                    _rate(r["rate"]),
                    f"[{_rate(r['ci_low'])}, {_rate(r['ci_high'])}]",
                ]
                for r in summary["condition_rates"]
            ],
            width,
        )
    out.write("\n".join(lines) + "\n")
