"""What an export holds and how it looks: the one description the CLI and the explorer
hand to ``afscope.export.run`` (and that ``afscope.export.command`` spells as a command)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from afscope.export.records import Annotation, Key
from afscope.export.selection import SentenceFilter


@dataclass(frozen=True)
class ExportPlan:
    """What to export: which sentences, under which headline outcome and metric, how."""

    choice: SentenceFilter | Mapping[str, list[int]]
    outcome: str
    metric: str
    fmt: str = "markdown"
    context: int = 0
    trace_ids: list[str] | None = field(default=None)
    annotations: Mapping[Key, Annotation] | None = field(default=None)
    """The researcher's categories and notes, exported with their sentences."""
    style: str = "detailed"
    """Markdown only: ``detailed`` (a section per sentence) or ``compact`` (a table row)."""
    alternatives: int = 0
    """How many of the most frequent resampled alternatives to add per sentence."""
