"""``afscope conditions`` output in four formats, all the same numbers.

- ``table``: the two Rich tables (``afscope.analysis.tables``) as plain text.
- ``markdown``: tables to paste into a post; untrusted names escaped (``md_escape``).
- ``json``: every number at full precision (rates and bounds as fractions), for plotting.
- ``csv``: one tidy table (``table`` = rate or difference) for a data-frame library.

Every format carries provenance that ``afscope.export.files.is_afscope_export``
recognises, so ``--force`` may replace an earlier output and nothing else.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import polars as pl
from rich.console import Console

from afscope import __version__
from afscope.analysis.conditions import ConditionRates
from afscope.analysis.tables import (
    DIFFERENCE_HEADERS,
    RATES_HEADERS,
    basis_line,
    differences_rows,
    differences_table,
    rates_rows,
    rates_table,
)
from afscope.export.files import CSV_MARK, JSON_MARK, TABLE_MARK
from afscope.export.markdown import md_escape
from afscope.text import clean_text_expr, one_line

FORMATS = ("table", "markdown", "json", "csv")
GENERATOR = "afscope conditions"
METHODS = {
    "rates": "Wilson score 95% interval",
    "differences": "Newcombe hybrid score 95% interval (method 10, Newcombe 1998)",
}

EXPLAINED = (
    f"Rates: {METHODS['rates']}. Differences: first - second in percentage "
    f"points (pp), {METHODS['differences']}; excl. 0 = yes when the interval excludes zero."
)


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def render(
    result: ConditionRates, fmt: str, *, source: str, version: str = __version__, width: int = 100
) -> str:
    """``result`` in ``fmt`` (one of ``FORMATS``)."""
    if fmt == "markdown":
        return render_markdown(result, source=source, version=version)
    if fmt == "json":
        return render_json(result, source=source, version=version)
    if fmt == "csv":
        return render_csv(result, version=version)
    return render_table(result, source=source, version=version, width=width)


def render_table(result: ConditionRates, *, source: str, version: str, width: int) -> str:
    buffer = io.StringIO()
    console = Console(
        file=buffer, width=max(60, width), color_system=None, force_terminal=False, highlight=False
    )
    console.print(rates_table(result))
    console.print()
    console.print(differences_table(result))
    console.print()
    console.print(one_line(basis_line(result)), markup=False, highlight=False)
    console.print(
        f"{TABLE_MARK} {one_line(version)} from {one_line(source)}. {EXPLAINED}",
        markup=False,
        highlight=False,
    )
    return "\n".join(line.rstrip() for line in buffer.getvalue().splitlines()) + "\n"


def _md_row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def render_markdown(result: ConditionRates, *, source: str, version: str) -> str:
    outcomes = [md_escape(o) for o in result.outcomes]
    rate_headers = [*RATES_HEADERS, *(f"{o} % [95% CI]" for o in outcomes)]
    lines = [
        "## Rates by prompt variant and condition",
        "",
        _md_row(rate_headers),
        "|"
        + "|".join("---:" if h == "n" or h in rate_headers[3:] else "---" for h in rate_headers)
        + "|",
    ]
    for row in rates_rows(result):
        lines.append(_md_row([md_escape(c) for c in row]))
    lines += [
        "",
        "## Differences (percentage points)",
        "",
        _md_row(list(DIFFERENCE_HEADERS)),
        "|---|---|---|---:|---|---:|",
    ]
    for row in differences_rows(result):
        lines.append(_md_row([md_escape(c) for c in row]))
    lines += [
        "",
        f"{_sentence(md_escape(basis_line(result)))}. {md_escape(EXPLAINED)}",
        "",
        "---",
        "",
        f"Exported by afscope {md_escape(version)} (`afscope conditions`) from "
        f"{md_escape(source)}.",
        "",
    ]
    return "\n".join(lines)


def render_json(result: ConditionRates, *, source: str, version: str) -> str:
    document = {
        "generator": GENERATOR,
        "afscope_version": version,
        "source": source,
        "basis": result.basis,
        "table": Path(result.file).name,
        "rows": result.rows,
        "note": result.note,
        "methods": METHODS,
        "outcomes": result.outcomes,
        "prompt_variants": result.variants,
        "conditions": result.conditions,
        "rates": result.rates.to_dicts(),
        "differences": result.differences.to_dicts(),
    }
    # ensure_ascii: escapes, C1 and bidi characters in names reach a terminal as \uXXXX
    text = json.dumps(document, indent=2, ensure_ascii=True)
    assert text.startswith("{\n  " + JSON_MARK)
    return text + "\n"


CSV_COLUMNS = (
    "table",
    "outcome",
    "prompt_variant",
    "condition",
    "k",
    "n",
    "vs_prompt_variant",
    "vs_condition",
    "vs_k",
    "vs_n",
    "estimate",
    "ci_low",
    "ci_high",
    CSV_MARK,
)


def render_csv(result: ConditionRates, *, version: str) -> str:
    """Rates and differences in one tidy table; a difference row names both groups
    (``prompt_variant``/``condition`` minus ``vs_prompt_variant``/``vs_condition``)."""
    rates = result.rates.select(
        pl.lit("rate").alias("table"),
        "outcome",
        "prompt_variant",
        "condition",
        "k",
        "n",
        pl.lit(None, pl.String).alias("vs_prompt_variant"),
        pl.lit(None, pl.String).alias("vs_condition"),
        pl.lit(None, pl.Int64).alias("vs_k"),
        pl.lit(None, pl.Int64).alias("vs_n"),
        pl.col("rate").alias("estimate"),
        "ci_low",
        "ci_high",
    )
    diffs = result.differences
    by_condition = pl.col("compare") == "condition"
    differences = diffs.select(
        pl.lit("difference").alias("table"),
        "outcome",
        pl.when(by_condition).then("within").otherwise("first").alias("prompt_variant"),
        pl.when(by_condition).then("first").otherwise("within").alias("condition"),
        pl.col("k_first").alias("k"),
        pl.col("n_first").alias("n"),
        pl.when(by_condition).then("within").otherwise("second").alias("vs_prompt_variant"),
        pl.when(by_condition).then("second").otherwise("within").alias("vs_condition"),
        pl.col("k_second").alias("vs_k"),
        pl.col("n_second").alias("vs_n"),
        pl.col("difference").alias("estimate"),
        "ci_low",
        "ci_high",
    )
    names = ("outcome", "prompt_variant", "condition", "vs_prompt_variant", "vs_condition")
    frame = pl.concat([rates, differences]).with_columns(
        *(clean_text_expr(pl.col(c), keep_newlines=False) for c in names),
        pl.lit(version).alias(CSV_MARK),
    )
    return frame.select(CSV_COLUMNS).write_csv()
