"""Rates per prompt variant x condition, and the differences between them (Figure 4).

The post's argument rests on differences, not on the bars themselves: free tier above
paid tier (the compliance gap) and the original prompt above the ablated one. So beside
each cell's rate (Wilson 95%) this computes, per outcome, every pair of conditions within
a variant and every pair of variants within a condition, each with Newcombe's hybrid score
95% interval (the same expressions ``afscope compute`` uses for importance).

Counts come from the bundle's evaluations table (one row per query x variant x
condition). A bundle without one (a Thought Anchors folder) falls back to the traces'
final labels, which are few: ``ConditionRates.note`` says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from afscope.bundle.reader import Bundle
from afscope.bundle.schema import OUTCOME_PREFIX, outcome_column
from afscope.metrics.intervals import newcombe_interval
from afscope.metrics.wilson import wilson_interval
from afscope.problems import BundleError, Problem

GROUPS = ("prompt_variant", "condition")
KNOWN_ORDER = {"prompt_variant": ("original", "ablated"), "condition": ("free", "paid")}
"""Values that come first, in this order: a difference is always earlier - later, so
free - paid and original - ablated; other values follow alphabetically."""
MISSING = "(none)"
"""Shown for a row without a variant or condition (or a table without the column)."""
TIER_NOTES = {"free": "monitored", "paid": "unmonitored"}
EVALUATIONS = "evaluations"
FINAL_LABELS = "final labels"

RATE_COLUMNS = ("prompt_variant", "condition", "outcome", "k", "n", "rate", "ci_low", "ci_high")
DIFFERENCE_COLUMNS = (
    "outcome",
    "compare",
    "within",
    "first",
    "second",
    "k_first",
    "n_first",
    "rate_first",
    "k_second",
    "n_second",
    "rate_second",
    "difference",
    "ci_low",
    "ci_high",
)


@dataclass(frozen=True)
class ConditionRates:
    """Rates per cell and the differences that matter, with where they came from."""

    basis: str
    """``evaluations`` or ``final labels``."""
    file: str
    """The table the counts came from (for messages and provenance)."""
    rows: int
    """Rows counted: evaluations, or traces for the final-labels fallback."""
    outcomes: list[str]
    variants: list[str]
    conditions: list[str]
    rates: pl.DataFrame
    """One row per variant x condition x outcome: ``RATE_COLUMNS``."""
    differences: pl.DataFrame
    """``compare`` is the column that differs (``condition``: free - paid within the
    variant ``within``; ``prompt_variant``: original - ablated within the condition
    ``within``); ``difference`` = ``rate_first`` - ``rate_second``."""

    @property
    def note(self) -> str | None:
        """What a reader must know about the counts (None for an evaluations table)."""
        if self.basis == EVALUATIONS:
            return None
        counts: list[int] = self.rates["n"].to_list()
        smallest, largest = (min(counts), max(counts)) if counts else (0, 0)
        per_cell = str(smallest) if smallest == largest else f"{smallest}-{largest}"
        return (
            f"no evaluations table: rates from the final labels of {self.rows} "
            f"trace{'s' if self.rows != 1 else ''} ({per_cell} per cell), "
            "far fewer than an evaluation run; the intervals show how little they say"
        )


def _order(values: Sequence[str], known: Sequence[str]) -> list[str]:
    first = [v for v in known if v in values]
    rest = sorted(v for v in set(values) if v not in known and v != MISSING)
    return first + rest + ([MISSING] if MISSING in values else [])


def _source(bundle: Bundle) -> tuple[str, str, pl.DataFrame]:
    """(basis, file, frame): the evaluations table when there is one, else the traces."""
    evaluations = bundle.read(EVALUATIONS)
    if evaluations is not None:
        return EVALUATIONS, str(bundle.table_path(EVALUATIONS)), evaluations
    return FINAL_LABELS, str(bundle.table_path("traces")), bundle.traces


def _chosen_outcomes(
    bundle: Bundle, frame: pl.DataFrame, file: str, requested: Sequence[str] | None
) -> list[str]:
    known = bundle.outcomes
    if requested:
        unknown = [o for o in requested if o not in known]
        if unknown:
            raise BundleError(
                [
                    Problem(
                        "--outcome",
                        f"unknown outcome {o!r}; this bundle has: {', '.join(known) or 'none'}",
                    )
                    for o in unknown
                ]
            )
        missing = [o for o in requested if outcome_column(o) not in frame.columns]
        if missing:
            raise BundleError(
                [
                    Problem(file, "no label column for this outcome", column=outcome_column(o))
                    for o in missing
                ]
            )
        return list(dict.fromkeys(requested))
    chosen = [o for o in known if outcome_column(o) in frame.columns]
    if not chosen:
        raise BundleError(
            [
                Problem(
                    file,
                    f"no label columns ({OUTCOME_PREFIX}<name>) for the bundle's outcomes "
                    f"({', '.join(known) or 'none'}): nothing to count",
                )
            ]
        )
    return chosen


def cell_rates(frame: pl.DataFrame, outcomes: Sequence[str]) -> pl.DataFrame:
    """k, n, rate and Wilson 95% per variant x condition x outcome (labels that are null
    are not counted); cells ordered as the differences are."""
    groups = [
        pl.col(g).cast(pl.String).fill_null(MISSING) if g in frame.columns else pl.lit(MISSING)
        for g in GROUPS
    ]
    long = (
        frame.lazy()
        .select(
            *(g.alias(name) for g, name in zip(groups, GROUPS, strict=True)),
            *(pl.col(outcome_column(o)).cast(pl.Boolean).alias(o) for o in outcomes),
        )
        .unpivot(index=list(GROUPS), on=list(outcomes), variable_name="outcome", value_name="y")
        .drop_nulls("y")
    )
    low, high = wilson_interval(pl.col("k"), pl.col("n"))
    rates = (
        long.group_by(*GROUPS, "outcome")
        .agg(pl.col("y").sum().cast(pl.Int64).alias("k"), pl.len().cast(pl.Int64).alias("n"))
        .with_columns(
            (pl.col("k") / pl.col("n")).alias("rate"), low.alias("ci_low"), high.alias("ci_high")
        )
        .collect()
    )
    return _sorted(rates, outcomes).select(RATE_COLUMNS)


def _rank(column: str, order: Sequence[str]) -> pl.Expr:
    return pl.col(column).replace_strict(list(order), list(range(len(order))), default=len(order))


def _sorted(rates: pl.DataFrame, outcomes: Sequence[str]) -> pl.DataFrame:
    variants = _order(rates["prompt_variant"].unique().to_list(), KNOWN_ORDER["prompt_variant"])
    conditions = _order(rates["condition"].unique().to_list(), KNOWN_ORDER["condition"])
    return rates.sort(
        _rank("prompt_variant", variants),
        _rank("condition", conditions),
        _rank("outcome", list(outcomes)),
    )


def pair_differences(rates: pl.DataFrame, outcomes: Sequence[str]) -> pl.DataFrame:
    """Every earlier - later pair of conditions within a variant, then of variants within
    a condition, per outcome, with Newcombe 95% intervals."""
    parts = []
    for compare, within in (("condition", "prompt_variant"), ("prompt_variant", "condition")):
        order = _order(rates[compare].unique().to_list(), KNOWN_ORDER[compare])
        held = _order(rates[within].unique().to_list(), KNOWN_ORDER[within])
        ranked = rates.with_columns(_rank(compare, order).alias("rank"))
        pairs = ranked.join(ranked, on=[within, "outcome"], suffix="_second").filter(
            pl.col("rank") < pl.col("rank_second")
        )
        low, high = newcombe_interval(
            pl.col("k"), pl.col("n"), pl.col("k_second"), pl.col("n_second")
        )
        parts.append(
            pairs.sort(
                _rank("outcome", list(outcomes)),
                _rank(within, held),
                "rank",
                "rank_second",
            ).select(
                pl.col("outcome"),
                pl.lit(compare).alias("compare"),
                pl.col(within).alias("within"),
                pl.col(compare).alias("first"),
                pl.col(f"{compare}_second").alias("second"),
                pl.col("k").alias("k_first"),
                pl.col("n").alias("n_first"),
                pl.col("rate").alias("rate_first"),
                pl.col("k_second"),
                pl.col("n_second"),
                pl.col("rate_second"),
                (pl.col("rate") - pl.col("rate_second")).alias("difference"),
                low.alias("ci_low"),
                high.alias("ci_high"),
            )
        )
    return pl.concat(parts).select(DIFFERENCE_COLUMNS)


def condition_rates(bundle: Bundle, outcomes: Sequence[str] | None = None) -> ConditionRates:
    """The whole analysis for ``bundle`` (all outcomes with labels, or ``outcomes``).

    Raises ``BundleError`` naming the file or argument for unknown outcomes, missing label
    columns and unreadable tables.
    """
    basis, file, frame = _source(bundle)
    chosen = _chosen_outcomes(bundle, frame, file, outcomes)
    rates = cell_rates(frame, chosen)
    return ConditionRates(
        basis=basis,
        file=file,
        rows=frame.height,
        outcomes=chosen,
        variants=_order(rates["prompt_variant"].unique().to_list(), KNOWN_ORDER["prompt_variant"]),
        conditions=_order(rates["condition"].unique().to_list(), KNOWN_ORDER["condition"]),
        rates=rates,
        differences=pair_differences(rates, chosen),
    )
