"""``afscope compute``: metrics with uncertainty from raw resamples, written as a bundle."""
