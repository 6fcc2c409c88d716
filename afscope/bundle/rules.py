"""The rules a bundle table must follow, written once for ``validate`` and for opening.

``afscope validate`` runs every rule over every row of every table (lazy full scans).
Opening a bundle runs the same rules on what it reads anyway: the column rules on the
Parquet schema (file metadata only) before a table is first used, and the value rules on
the rows a command or screen actually loads. So every command refuses broken input the
way ``validate`` reports it, without ``validate``'s cost.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import polars as pl

from afscope.bundle.normalize import (
    aggregate_engine,
    is_sorted_by,
    same_as_previous,
    sorted_by,
)
from afscope.bundle.schema import (
    OUTCOME_PREFIX,
    SCHEMAS,
    Column,
    TableSchema,
    describe_kind,
    kind_of,
    polars_dtype,
)
from afscope.problems import Problem

MAX_EXAMPLES = 3
INT64_MAX = 2**63 - 1
ROW = "__row"
"""Row number in the file, added by the reader so a problem can name its rows."""

_READ_ERRORS: tuple[type[BaseException], ...] = (
    pl.exceptions.PolarsError,
    pl.exceptions.PanicException,  # a Rust panic on corrupt pages: a BaseException
    OSError,
    ValueError,
)
READ_ERRORS = _READ_ERRORS
"""What reading a damaged Parquet file can raise (Polars errors, panics, I/O errors)."""


def read_error_detail(exc: BaseException) -> str:
    """The first line of a read error: enough to tell truncation from a wrong type."""
    text = str(exc).strip()
    return text.splitlines()[0][:200] if text else type(exc).__name__


@dataclass(frozen=True)
class ValueRule:
    """Rows where ``bad`` holds are wrong; ``message`` says what was expected."""

    column: str | None
    bad: pl.Expr
    message: str
    maybe: pl.Expr | None = None
    """An aggregate that is true whenever some row may break the rule (cheap: a null
    count, a minimum); ``bad.any()`` when None. Only a hit reads the rows' numbers."""

    def suspect(self) -> pl.Expr:
        return self.bad.fill_null(False).any() if self.maybe is None else self.maybe


def column_problems(table: str, schema: pl.Schema, outcomes: list[str], file: str) -> list[Problem]:
    """Missing or mistyped columns and undeclared outcome labels: metadata only."""
    spec = SCHEMAS[table]
    problems = []
    for column in spec.columns:
        dtype = schema.get(column.name)
        if dtype is None:
            if column.required:
                problems.append(
                    Problem(file, f"missing: expected {describe_kind(column.kind)}", column.name)
                )
            continue
        if kind_of(dtype) != column.kind and not (column.nullable and dtype == pl.Null):
            problems.append(
                Problem(
                    file,
                    f"wrong type {dtype}: expected {describe_kind(column.kind)}",
                    column.name,
                )
            )
    return problems + _label_problems(table, spec, schema, outcomes, file)


def _label_problems(
    table: str, spec: TableSchema, schema: pl.Schema, outcomes: list[str], file: str
) -> list[Problem]:
    problems = []
    declared = set(outcomes)
    labels = [n for n in schema.names() if n.startswith(OUTCOME_PREFIX)]
    if spec.outcome_columns:
        for name in labels:
            outcome = name.removeprefix(OUTCOME_PREFIX)
            if outcome not in declared:
                problems.append(
                    Problem(
                        file,
                        f"outcome {outcome!r} is not declared in manifest.json outcomes "
                        f"(declared: {', '.join(sorted(declared))})",
                        name,
                    )
                )
            elif kind_of(schema[name]) != "bool" and schema[name] != pl.Null:
                problems.append(
                    Problem(file, f"wrong type {schema[name]}: expected a Boolean label", name)
                )
    if table in ("resamples", "evaluations") and not any(
        n.removeprefix(OUTCOME_PREFIX) in declared for n in labels
    ):
        problems.append(
            Problem(
                file,
                "no outcome label column: expected at least one 'outcome.<name>' Boolean "
                f"column for a declared outcome ({', '.join(outcomes)})",
            )
        )
    return problems


def value_rules(table: str, schema: pl.Schema) -> list[ValueRule]:
    """Per-row rules for a table whose columns passed ``column_problems`` (a new list:
    callers add to it)."""
    return list(_value_rules(table, tuple(schema.items())))


@lru_cache(maxsize=64)
def _value_rules(table: str, columns: tuple[tuple[str, pl.DataType], ...]) -> tuple[ValueRule, ...]:
    """``value_rules``, built once per table and columns: every trace a screen reads
    checks the same few tables, and building the expressions cost about as much as
    running them."""
    schema = dict(columns)
    names = list(schema)
    rules: list[ValueRule] = []
    for column in SCHEMAS[table].columns:
        if column.name in names:
            rules += _column_rules(column, schema[column.name])
    if table in ("rates", "importance") and {"ci_low", "ci_high"} <= set(names):
        rules.append(
            ValueRule(
                "ci_low",
                pl.col("ci_low") > pl.col("ci_high"),
                "interval is reversed: expected ci_low <= ci_high",
            )
        )
    if table == "rates" and "n" in names:
        rules.append(
            ValueRule(
                "n",
                pl.col("n") == 0,
                "no rollouts behind this rate: expected n >= 1 (or n empty when unknown)",
            )
        )
    if table == "importance" and "direction" in names:
        rules.append(
            ValueRule(
                "direction",
                (pl.col("direction").abs() - pl.col("importance")).abs() > 1e-9,
                "direction and importance disagree: expected |direction| == importance",
            )
        )
    return tuple(rules)


def _column_rules(column: Column, dtype: pl.DataType) -> list[ValueRule]:
    col = pl.col(column.name)
    rules = []
    if not column.nullable:
        rules.append(
            ValueRule(
                column.name, col.is_null(), "empty value: expected a value", col.null_count() > 0
            )
        )
    if column.kind == "float" and dtype.is_float():
        rules.append(
            ValueRule(
                column.name,
                col.is_nan() | col.is_infinite(),
                "NaN or infinite value: expected a finite number",
            )
        )
    if column.kind == "int" and dtype.is_integer() and not _fits_int64(dtype):
        rules.append(
            ValueRule(
                column.name,
                col > INT64_MAX,
                "too large: expected an integer that fits in 64 bits",
            )
        )
    if (column.minimum is not None or column.maximum is not None) and dtype.is_numeric():
        lo = -float("inf") if column.minimum is None else column.minimum
        hi = float("inf") if column.maximum is None else column.maximum
        finite = col.is_finite() if dtype.is_float() else pl.lit(True)
        rules.append(
            ValueRule(
                column.name,
                finite & ((col < lo) | (col > hi)),
                f"out of range: expected a value in [{_num(lo)}, {_num(hi)}]",
                # NaN sorts above every number: a NaN maximum is a suspect too
                ((col.min() < lo) | (col.max() > hi)).fill_null(False),
            )
        )
    return rules


def _fits_int64(dtype: pl.DataType) -> bool:
    return dtype in (pl.Int8, pl.Int16, pl.Int32, pl.Int64, pl.UInt8, pl.UInt16, pl.UInt32)


def _num(value: float) -> str:
    if value in (float("inf"), -float("inf")):
        return "inf" if value > 0 else "-inf"
    return f"{value:g}"


def where(rows: list[int], count: int) -> str:
    """``row 3, 5, 9 and 4 more``: the first rows (0-based, in the file) and a count."""
    shown = ", ".join(str(r) for r in rows)
    more = f" and {count - MAX_EXAMPLES} more" if count > MAX_EXAMPLES else ""
    return f"row {shown}{more}"


def row_problems(
    frame: pl.DataFrame,
    table: str,
    file: str,
    key_unique: bool = True,
    *,
    in_order: bool | None = None,
) -> list[Problem]:
    """Every rule broken by the rows of ``frame`` (in memory).

    ``frame`` carries ``__row`` (its rows' numbers in the file), or is the whole file in
    file order (its rows' places are their numbers). Duplicate keys are checked
    too when ``key_unique`` (the rows read are then all rows that could share a key);
    ``in_order``: the caller knows whether ``frame`` is strictly sorted by its key. One
    pass of cheap aggregates clears a clean frame; only a suspect rule reads row numbers.
    """
    rules = value_rules(table, frame.schema)
    key = [k for k in SCHEMAS[table].key if k in frame.columns]
    if frame.height == 0:
        return []
    if in_order is None and not (key_unique and key):
        in_order = True
    if in_order is not False:
        # one query: each rule's cheap aggregate and, unless the caller knows it, the order
        order = [sorted_by(key, strict=True)] if in_order is None else []
        flags = _aggregates(frame, [rule.suspect() for rule in rules] + order)
        if in_order is None:
            in_order = flags.pop()
        if in_order and not any(flags):
            return []
    # a written bundle is sorted by its key: strictly (no duplicates) unless keys repeat,
    # and then the duplicates are neighbours; anything else is hashed
    if key_unique and key and not in_order:
        if is_sorted_by(frame, key):
            same = same_as_previous(key)
            duplicated = same | same.shift(-1).fill_null(False)
        else:
            duplicated = pl.struct(key).is_duplicated()
        rules.append(ValueRule(None, duplicated, f"duplicate rows for the same {' + '.join(key)}"))
    if not rules or frame.height == 0:
        return []
    if ROW not in frame.columns:
        frame = frame.with_row_index(ROW)
    hits = frame.select(
        pl.struct(
            rule.bad.fill_null(False).sum().alias("count"),
            pl.col(ROW)
            .filter(rule.bad.fill_null(False))
            .head(MAX_EXAMPLES)
            .implode()
            .alias("rows"),
        ).alias(str(i))
        for i, rule in enumerate(rules)
    ).row(0)
    problems = []
    for rule, hit in zip(rules, hits, strict=True):
        if hit["count"]:
            problems.append(
                Problem(file, rule.message, rule.column, where(hit["rows"], hit["count"]))
            )
    return problems


def _aggregates(frame: pl.DataFrame, checks: list[pl.Expr]) -> list[bool]:
    """The value of each aggregate in ``checks`` over ``frame``, in one query."""
    if not checks:
        return []
    named = [c.alias(str(i)) for i, c in enumerate(checks)]
    if aggregate_engine(frame.height) == "streaming":
        values = frame.lazy().select(named).collect(engine="streaming").row(0)
    else:  # a frame's own select: no query plan to build for a trace's few rows
        values = frame.select(named).row(0)
    return [bool(v) for v in values]


def canonical_casts(table: str, schema: pl.Schema, *, strict: bool = True) -> list[pl.Expr]:
    """Casts that bring a read table to the writer's dtypes (Categorical text to String,
    any integer width to Int64, Float32 to Float64, all-null columns to their type)."""
    spec = SCHEMAS[table]
    casts = []
    for name, dtype in schema.items():
        column = spec.column(name)
        target: pl.DataType | None = None
        if column is not None:
            target = polars_dtype(column.kind)
        elif spec.outcome_columns and name.startswith(OUTCOME_PREFIX):
            target = pl.Boolean()
        elif dtype == pl.Categorical or isinstance(dtype, pl.Enum):
            target = pl.String()
        if target is not None and dtype != target:
            casts.append(pl.col(name).cast(target, strict=strict))
    return casts
