"""The knobs every metric is computed with, and their defaults (one place for CLI and code)."""

from __future__ import annotations

from dataclasses import dataclass

from afscope.metrics.kl import DEFAULT_ALPHA

DEFAULT_SIMILARITY_THRESHOLD = 0.8
"""Cosine similarity below which a resampled sentence counts as different (the pipeline's)."""
MIN_EVIDENCE = 5
"""Fewer rollouts than this in either compared set flags a value as low evidence."""


@dataclass(frozen=True)
class MetricOptions:
    threshold: float = DEFAULT_SIMILARITY_THRESHOLD
    alpha: float = DEFAULT_ALPHA
    min_evidence: int = MIN_EVIDENCE
