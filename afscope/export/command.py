"""The ``afscope export`` command line that reproduces an export, for its provenance.

An explorer selection can span traces; the command names it with one ``--select
TRACE=INDICES`` per trace, so pasting the line into a shell writes the same document.
The bundled sample is named by leaving PATH out (its install path differs between
machines); any other source is the path as the user gave it.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from pathlib import Path

from afscope.export.plan import ExportPlan
from afscope.export.selection import format_indices
from afscope.sample import source_label

SAMPLE_LABEL = "bundled sample"


def path_argument(source: str | Path) -> str | None:
    """PATH for the command line: None for the bundled sample (the default PATH)."""
    label = source_label(source)
    return None if label == SAMPLE_LABEL else str(source)


def reproduce_command(plan: ExportPlan, source: str | Path) -> str:
    """The shell-quoted command line that exports ``plan`` from ``source`` again."""
    args = ["afscope", "export"]
    path = path_argument(source)
    if path is not None:
        args.append(path)
    choice = plan.choice
    if isinstance(choice, Mapping):
        for trace_id, indices in choice.items():
            if indices:
                args += ["--select", f"{trace_id}={format_indices(list(indices))}"]
    else:
        for trace_id in plan.trace_ids or ():
            args += ["--trace", trace_id]
        if choice.indices is not None:
            args += ["--sentences", format_indices(list(choice.indices))]
        elif choice.top is not None:
            args += ["--top", str(choice.top)]
        elif choice.min_importance is not None:
            args += ["--min-importance", repr(choice.min_importance)]
    args += ["--outcome", plan.outcome, "--metric", plan.metric]
    if plan.context:
        args += ["--context", str(plan.context)]
    if plan.fmt != "markdown":
        args += ["--format", plan.fmt]
    elif plan.style != "detailed":
        args += ["--style", plan.style]
    if plan.alternatives:
        args += ["--alternatives", str(plan.alternatives)]
    return shlex.join(args)
