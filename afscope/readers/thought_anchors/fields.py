"""How Thought Anchors field names map to afscope outcomes and metrics.

Each pipeline (math, blackmail, whistleblowing, bias forks) names its outcome and metrics
differently, and signs them differently. This module is the one place that knows: it
turns a field name into (metric, outcome, sign) so every importer converts the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class OutcomeFamily:
    """A known outcome: its afscope name and the source fields that carry it."""

    name: str
    rollout_field: str
    rate_fields: tuple[str, ...]
    suffixes: tuple[str, ...]


FAMILIES: tuple[OutcomeFamily, ...] = (
    OutcomeFamily("correct", "is_correct", ("accuracy",), ("accuracy",)),
    OutcomeFamily(
        "blackmail", "contains_blackmail", ("blackmail_rate",), ("blackmail_rate", "blackmail")
    ),
    OutcomeFamily(
        "whistleblowing",
        "contains_whistleblowing",
        ("whistleblowing_rate",),
        ("whistleblowing_rate", "whistleblowing"),
    ),
    OutcomeFamily("biased", "is_biased", ("p_biased",), ("p_biased", "bias", "biased")),
)

ROLLOUT_FIELDS = {f.rollout_field: f.name for f in FAMILIES}
RATE_FIELDS = {r: f.name for f in FAMILIES for r in f.rate_fields if r != "accuracy"}

# The pipeline's sign per metric kind, relative to afscope's (positive = promotes).
# counterfactual = rate(D_i) - rate(R_next): the opposite of afscope's direction.
SIGN = {"counterfactual": -1.0, "resampling": 1.0, "forced": 1.0}

# Per-sentence fields that are not importance: kept as sentence attributes.
SENTENCE_FIELDS = {
    "chunk",
    "chunk_idx",
    "function_tags",
    "depends_on",
    "summary",
    "different_trajectories_fraction",
    "overdeterminedness",
}

_STANDARD = re.compile(r"^(?P<kind>[a-z]+)_importance_(?P<suffix>[A-Za-z0-9_]+)$")
_FORK = re.compile(r"^(?P<kind>[a-z]+)_(?P<suffix>[a-z]+)_(?P<what>importance|kl)$")


@dataclass(frozen=True)
class MetricField:
    """A source importance field, resolved."""

    field: str
    metric: str
    outcome: str
    sign: float | None
    """Multiply the source value by this to get afscope's direction; None = unsigned."""
    known: bool


def accuracy_outcome(task_kind: str, base_fields: set[str]) -> str:
    """What ``accuracy`` measures: correctness for problems, the scenario's outcome else.

    The web viewer's blackmail scenarios store the blackmail rate as ``accuracy``; a
    scenario whose base solution is labelled for whistleblowing measures that instead.
    """
    if task_kind == "problem":
        return "correct"
    for family in FAMILIES:
        if family.rollout_field in base_fields and family.name != "correct":
            return family.name
    return "blackmail" if task_kind == "scenario" else "correct"


def _outcome_for_suffix(suffix: str, main_outcome: str) -> str:
    if suffix == "accuracy":
        return main_outcome
    for family in FAMILIES:
        if suffix in family.suffixes:
            return family.name
    return suffix


def resolve_metric(field: str, main_outcome: str) -> MetricField | None:
    """(metric, outcome, sign) for an importance field, or None if it is not one."""
    if field in SENTENCE_FIELDS:
        return None
    match = _STANDARD.match(field)
    if match:
        kind, suffix = match["kind"], match["suffix"]
        if suffix == "kl":
            return MetricField(field, f"{kind}_kl", main_outcome, None, kind in SIGN)
        return MetricField(
            field,
            kind,
            _outcome_for_suffix(suffix, main_outcome),
            SIGN.get(kind, 1.0),
            kind in SIGN,
        )
    match = _FORK.match(field)
    if match and match["kind"] in SIGN:
        outcome = _outcome_for_suffix(match["suffix"], main_outcome)
        if match["what"] == "kl":
            return MetricField(field, f"{match['kind']}_kl", outcome, None, True)
        return MetricField(field, match["kind"], outcome, SIGN[match["kind"]], True)
    return None


def rate_outcome(field: str, main_outcome: str) -> str | None:
    """Which outcome a per-chunk rate field measures, or None if it is not a rate."""
    if field == "accuracy":
        return main_outcome
    return RATE_FIELDS.get(field)
