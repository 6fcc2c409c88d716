"""View settings that persist while the user moves between traces."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

THRESHOLD_STEP = 0.05
DEFAULT_THRESHOLD = 0.2


@dataclass(frozen=True)
class ViewSettings:
    """Active outcome and metric, and what counts as "high importance"."""

    outcome: str
    metric: str
    threshold: float = DEFAULT_THRESHOLD
    mode: Literal["threshold", "top_k"] = "threshold"
    top_k: int = 5
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


def default_settings(outcomes: list[str], metrics: list[str]) -> ViewSettings:
    """Start on the first outcome and the most informative signed metric available."""
    preferred = ("counterfactual", "resampling", "forced")
    metric = next((m for m in preferred if m in metrics), metrics[0] if metrics else "")
    return ViewSettings(outcome=outcomes[0] if outcomes else "", metric=metric)
