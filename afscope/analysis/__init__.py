"""Questions across traces and conditions, headless (no Textual): the CLI and the TUI
call the same functions.

- ``conditions``: evaluation-level rates per prompt variant x condition with Wilson
  intervals, and the differences the alignment-faking argument rests on (free - paid,
  original - ablated) with Newcombe intervals (``afscope conditions``, the ``C`` screen).
- ``pairs``: which trace to show beside another (same query in the other tier, else the
  other prompt variant) for the explorer's compare view (``V``).
- ``frame.sentence_frame`` reads the importance, rates and sentences tables once into one
  frame; ``rank`` sorts it (``afscope rank``, ``R``), ``tags`` summarises it by tag, rule
  category or note (``afscope tags``, ``S``); ``categories`` assigns categories from
  regular expressions; ``notes`` keeps the researcher's own categories, notes and place
  outside the bundle.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from afscope.analysis.conditions import ConditionRates, condition_rates
    from afscope.analysis.pairs import counterpart

__all__ = ["ConditionRates", "condition_rates", "counterpart"]
_LAZY = {"ConditionRates": "conditions", "condition_rates": "conditions", "counterpart": "pairs"}


def __getattr__(name: str) -> Any:
    """The re-exports load on first use: the explorer imports ``notes`` at start and
    needs neither the conditions nor the metric code behind them."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f"afscope.analysis.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
