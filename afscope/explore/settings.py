"""View settings that persist while the user moves between traces."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

Mode = Literal["threshold", "top_k"]

THRESHOLD_STEP = 0.05
DEFAULT_THRESHOLD = 0.2
DEFAULT_TOP_K = 5
DEFAULT_MODE: Mode = "top_k"
"""Highlight the strongest few by default: a fixed threshold marks nothing on traces whose
effects are all small (the published math traces peak below 0.2), so ``n`` found nothing.
``K`` switches to the threshold, which keeps its absolute meaning."""


@dataclass(frozen=True)
class ViewSettings:
    """Active outcome and metric, and what counts as "high importance"."""

    outcome: str
    metric: str
    threshold: float = DEFAULT_THRESHOLD
    mode: Mode = DEFAULT_MODE
    top_k: int = DEFAULT_TOP_K
    include_low_evidence: bool = False

    def cycle_outcome(self, outcomes: list[str]) -> ViewSettings:
        return replace(self, outcome=_next(outcomes, self.outcome))

    def cycle_metric(self, metrics: list[str]) -> ViewSettings:
        return replace(self, metric=_next(metrics, self.metric))

    def raised(self) -> ViewSettings:
        """Stricter: a higher threshold, or fewer sentences in top-k mode."""
        if self.mode == "top_k":
            return replace(self, top_k=max(1, self.top_k - 1))
        return replace(self, threshold=round(min(1.0, self.threshold + THRESHOLD_STEP), 4))

    def lowered(self) -> ViewSettings:
        if self.mode == "top_k":
            return replace(self, top_k=self.top_k + 1)
        return replace(self, threshold=round(max(0.0, self.threshold - THRESHOLD_STEP), 4))

    def toggled_mode(self) -> ViewSettings:
        return replace(self, mode="top_k" if self.mode == "threshold" else "threshold")

    def describe(self) -> str:
        if self.mode == "top_k":
            return f"top {self.top_k}"
        return f"|importance| >= {self.threshold:.2f}"


def _next(values: list[str], current: str) -> str:
    if not values:
        return current
    if current not in values:
        return values[0]
    return values[(values.index(current) + 1) % len(values)]


PREFERRED_METRICS = ("counterfactual", "resampling", "forced")
"""The most informative signed metrics first."""


def default_metric(metrics: Sequence[str]) -> str:
    """The most informative signed metric among ``metrics`` ("" when there is none)."""
    return next((m for m in PREFERRED_METRICS if m in metrics), metrics[0] if metrics else "")


def default_settings(outcomes: list[str], metrics: list[str]) -> ViewSettings:
    """Start on the first outcome and the most informative signed metric available."""
    return ViewSettings(outcome=outcomes[0] if outcomes else "", metric=default_metric(metrics))


@dataclass(frozen=True)
class Preferences:
    """The user's configured defaults (``afscope.config``): the outcome and metric to show
    where a trace has them, and how sentences are marked."""

    outcome: str | None = None
    metric: str | None = None
    mode: Mode = DEFAULT_MODE
    threshold: float = DEFAULT_THRESHOLD
    top_k: int = DEFAULT_TOP_K

    def apply(
        self, settings: ViewSettings, outcomes: list[str], metrics: list[str]
    ) -> ViewSettings:
        """``settings`` with these preferences (an outcome or metric the bundle lacks is
        left for the traces to settle)."""
        return replace(
            settings,
            outcome=self.outcome if self.outcome in outcomes else settings.outcome,
            metric=self.metric if self.metric in metrics else settings.metric,
            mode=self.mode,
            threshold=self.threshold,
            top_k=self.top_k,
        )
