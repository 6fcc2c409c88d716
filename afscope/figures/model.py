"""What a figure shows, as plain data: the renderer draws exactly this and nothing else.

Golden tests compare these objects (as JSON), not pixels, so a change of numbers, marks
or labels shows up as a readable diff while matplotlib's drawing details can change.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any, Literal

Kind = Literal["rates", "conditions", "tags"]
KINDS: tuple[Kind, ...] = ("rates", "conditions", "tags")


@dataclass(frozen=True)
class RateSeries:
    """One outcome's rate at each prefix position, with its interval band."""

    outcome: str
    x: list[float]
    rate: list[float]
    low: list[float] | None
    high: list[float] | None
    """Wilson 95% band (as the bundle holds it); None when the bundle has no intervals."""


@dataclass(frozen=True)
class SentenceMark:
    """One sentence on the x axis, coloured by its direction for ``RatesFigure.marks_outcome``."""

    sentence_idx: int
    direction: str
    """A ``Direction`` value: promotes, suppresses, unsigned, negligible, unknown."""
    strength: float
    """|importance| relative to the trace's largest (0..1): the mark's opacity."""
    low_evidence: bool


@dataclass(frozen=True)
class NumberedSentence:
    """A highest-importance sentence, numbered on the plot and quoted below it."""

    sentence_idx: int
    direction: str
    signed: float
    """Signed importance (positive promotes the outcome)."""
    text: str
    """The sentence on one line, cleaned of control characters and shortened."""


@dataclass(frozen=True)
class RatesFigure:
    """The post's Figures 1-3: per-prefix rates, direction-coloured sentence marks."""

    title: str
    trace_id: str
    source: str
    marks_outcome: str
    metric: str
    series: list[RateSeries]
    marks: list[SentenceMark]
    numbered: list[NumberedSentence]
    kind: Kind = "rates"


@dataclass(frozen=True)
class Bar:
    """One cell of the conditions chart: an outcome's rate with its Wilson interval."""

    variant: str
    condition: str
    outcome: str
    k: int
    n: int
    rate: float
    low: float
    high: float


@dataclass(frozen=True)
class ConditionsFigure:
    """The post's Figure 4: rates per prompt variant x condition, grouped by variant."""

    title: str
    source: str
    basis: str
    note: str | None
    outcomes: list[str]
    variants: list[str]
    conditions: list[str]
    bars: list[Bar]
    kind: Kind = "conditions"


@dataclass(frozen=True)
class TagPoint:
    """A tag's mean signed importance with its cluster-bootstrap 95% interval."""

    group: str
    sentences: int
    traces: int
    mean: float
    low: float | None
    high: float | None


@dataclass(frozen=True)
class TagsFigure:
    """Mean signed importance per tag (rule category, note), largest first."""

    title: str
    source: str
    by: str
    outcome: str
    metric: str
    draws: int
    seed: int
    points: list[TagPoint]
    kind: Kind = "tags"


Figure = RatesFigure | ConditionsFigure | TagsFigure


def _rounded(value: Any, digits: int) -> Any:
    if isinstance(value, float):
        return round(value, digits)
    if isinstance(value, list):
        return [_rounded(v, digits) for v in value]
    if isinstance(value, dict):
        return {k: _rounded(v, digits) for k, v in value.items()}
    return value


def figure_json(figure: Figure, digits: int = 6) -> str:
    """The figure's data as JSON (floats rounded: goldens must not depend on the last bit)."""
    return json.dumps(_rounded(asdict(figure), digits), indent=2, ensure_ascii=False) + "\n"
