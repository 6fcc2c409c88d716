"""Metrics computed from raw resamples: rates with Wilson intervals, signed importance."""

from afscope.metrics.resampling import compute_importance, compute_rates, long_labels
from afscope.metrics.wilson import wilson_interval

__all__ = ["compute_importance", "compute_rates", "long_labels", "wilson_interval"]
