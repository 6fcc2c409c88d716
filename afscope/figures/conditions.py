"""The conditions figure's data: ``analysis.conditions`` (Figure 4) as bars."""

from __future__ import annotations

from collections.abc import Sequence

from afscope.analysis.conditions import ConditionRates, condition_rates
from afscope.bundle.reader import Bundle
from afscope.figures.model import Bar, ConditionsFigure
from afscope.text import one_line


def bars_of(result: ConditionRates) -> list[Bar]:
    """One bar per variant x condition x outcome, in the analysis's order."""
    return [
        Bar(
            variant=one_line(row["prompt_variant"], 40),
            condition=one_line(row["condition"], 40),
            outcome=row["outcome"],
            k=row["k"],
            n=row["n"],
            rate=row["rate"],
            low=row["ci_low"],
            high=row["ci_high"],
        )
        for row in result.rates.iter_rows(named=True)
    ]


def conditions_figure(
    bundle: Bundle, outcomes: Sequence[str] | None = None, *, source: str = ""
) -> ConditionsFigure:
    """Rates per prompt variant x condition with Wilson 95% intervals (raises
    ``BundleError`` as ``condition_rates`` does)."""
    result = condition_rates(bundle, outcomes)
    return ConditionsFigure(
        title="Rates by prompt and condition (Wilson 95% intervals)",
        source=source,
        basis=result.basis,
        note=result.note,
        outcomes=list(result.outcomes),
        variants=[one_line(v, 40) for v in result.variants],
        conditions=[one_line(c, 40) for c in result.conditions],
        bars=bars_of(result),
    )
