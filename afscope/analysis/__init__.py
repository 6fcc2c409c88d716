"""Analyses across traces and conditions, headless (no Textual): used by the CLI and the TUI.

- ``conditions``: evaluation-level rates per prompt variant x condition with Wilson
  intervals, and the differences the alignment-faking argument rests on (free - paid,
  original - ablated) with Newcombe intervals (``afscope conditions``, the ``C`` screen).
- ``pairs``: which trace to show beside another (same query in the other tier, else the
  other prompt variant) for the explorer's compare view (``V``).
"""

from afscope.analysis.conditions import ConditionRates, condition_rates
from afscope.analysis.pairs import counterpart

__all__ = ["ConditionRates", "condition_rates", "counterpart"]
