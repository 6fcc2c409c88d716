"""The condition rates and differences as Rich tables: what ``afscope conditions`` prints
and what the explorer's conditions screen shows, from one place.

Names in the data (variants, conditions, outcomes) are untrusted: every cell is a
``rich.text.Text`` of the cleaned value, never a markup string.
"""

from __future__ import annotations

from typing import Any

from rich import box
from rich.table import Table
from rich.text import Text

from afscope import numbers
from afscope.analysis.conditions import ConditionRates
from afscope.numbers import MISSING, number
from afscope.text import one_line

MINUS = "-"


def percent(value: float | None) -> str:
    """A rate as a percentage with one decimal (the post's precision)."""
    return numbers.percent(value, 1)


def rate_cell(rate: float | None, low: float | None, high: float | None) -> str:
    """``5.0% [3.4, 7.3]``: the rate and its Wilson 95% interval, in percent."""
    if rate is None:
        return "-"
    if low is None or high is None:
        return percent(rate)
    return f"{percent(rate)} [{number(100 * low, 1)}, {number(100 * high, 1)}]"


def points(value: float | None) -> str:
    """A difference of rates in percentage points, signed (zero has no sign)."""
    return MISSING if value is None else number(100 * value, 1, sign=True)


def interval_points(low: float | None, high: float | None) -> str:
    return "-" if low is None or high is None else f"[{points(low)}, {points(high)}]"


def excludes_zero(low: float | None, high: float | None) -> str:
    """``yes`` when the interval lies wholly on one side of zero."""
    if low is None or high is None:
        return "-"
    return "yes" if low > 0 or high < 0 else "no"


def name(value: Any) -> str:
    """An untrusted name as one clean line."""
    return "-" if value is None else one_line(str(value), 60)


def _table(title: str) -> Table:
    return Table(
        title=title,
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        show_edge=False,
        expand=False,
    )


def rates_rows(result: ConditionRates) -> list[list[str]]:
    """One row per variant x condition: variant, condition, n, then each outcome's cell.

    ``n`` is the number of evaluations with a label; when outcomes differ in it, each
    cell also says its own ``n``.
    """
    rows = []
    for cell in result.rates.partition_by(
        "prompt_variant", "condition", maintain_order=True, as_dict=False
    ):
        by_outcome = {r["outcome"]: r for r in cell.iter_rows(named=True)}
        counts = {r["n"] for r in by_outcome.values()}
        first = cell.row(0, named=True)
        values = []
        for outcome in result.outcomes:
            r = by_outcome.get(outcome)
            if r is None:
                values.append("-")
                continue
            text = rate_cell(r["rate"], r["ci_low"], r["ci_high"])
            values.append(text if len(counts) == 1 else f"{text} (n={r['n']})")
        total = str(max(counts)) if counts else "0"
        rows.append([name(first["prompt_variant"]), name(first["condition"]), total, *values])
    return rows


def difference_label(row: dict[str, Any]) -> str:
    return f"{name(row['first'])} {MINUS} {name(row['second'])}"


def differences_rows(result: ConditionRates) -> list[list[str]]:
    """One row per difference: outcome, the pair, the group held fixed, estimate (pp),
    Newcombe 95% interval (pp) and whether it excludes zero."""
    return [
        [
            name(r["outcome"]),
            difference_label(r),
            name(r["within"]),
            points(r["difference"]),
            interval_points(r["ci_low"], r["ci_high"]),
            excludes_zero(r["ci_low"], r["ci_high"]),
        ]
        for r in result.differences.iter_rows(named=True)
    ]


RATES_HEADERS = ("prompt variant", "condition", "n")
DIFFERENCE_HEADERS = ("outcome", "difference", "within", "pp", "95% interval", "excl. 0")


def rates_table(result: ConditionRates) -> Table:
    """Rates per prompt variant x condition, % [Wilson 95%]."""
    table = _table("Rates by prompt variant and condition: % [Wilson 95% interval]")
    for header in RATES_HEADERS:
        table.add_column(header, justify="right" if header == "n" else "left")
    for outcome in result.outcomes:
        table.add_column(Text(name(outcome)), justify="right")
    for row in rates_rows(result):
        table.add_row(*(Text(cell) for cell in row))
    return table


def differences_table(result: ConditionRates) -> Table:
    """The differences, in percentage points, Newcombe 95% interval."""
    table = _table("Differences in percentage points [Newcombe 95% interval]")
    for header in DIFFERENCE_HEADERS:
        table.add_column(header, justify="right" if header in ("pp", "excl. 0") else "left")
    for row in differences_rows(result):
        table.add_row(*(Text(cell) for cell in row))
    if not result.differences.height:
        table.caption = "no two variants or conditions to compare"
        table.caption_justify = "left"
    return table


def basis_line(result: ConditionRates) -> str:
    """Where the counts came from, in one line (the note, when there is one)."""
    if result.note is not None:
        return result.note
    return f"from the evaluations table ({result.rows} rows){tier_note(result)}"


def tier_note(result: ConditionRates) -> str:
    """What the post's tiers mean, when the data has them."""
    if not {"free", "paid"} & set(result.conditions):
        return ""
    return "; free = monitored, paid = unmonitored"
