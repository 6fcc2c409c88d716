"""Column schema of every bundle table, shared by the writer, the reader and validation.

Outcome labels are wide Boolean columns named ``outcome.<name>`` (one per outcome in the
manifest) so tens of millions of rollouts stay one row each; everything keyed by outcome
or metric name (rates, importance) is long, so names stay data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

import polars as pl

OUTCOME_PREFIX = "outcome."

Kind = Literal["str", "int", "float", "bool", "list[str]"]


def outcome_column(outcome: str) -> str:
    """Name of the Boolean column holding labels for ``outcome``."""
    return f"{OUTCOME_PREFIX}{outcome}"


def outcome_of(column: str) -> str | None:
    """The outcome a label column holds (None: ``column`` is not a label column)."""
    return column.removeprefix(OUTCOME_PREFIX) if column.startswith(OUTCOME_PREFIX) else None


def label_columns(outcomes: Iterable[str], names: Iterable[str]) -> list[str]:
    """The label columns of ``outcomes`` (in that order) that are among ``names``."""
    present = set(names)
    return [outcome_column(o) for o in outcomes if outcome_column(o) in present]


def labels_of(row: Mapping[str, object]) -> dict[str, object]:
    """A row's labels by outcome name: every ``outcome.<name>`` entry, prefix removed."""
    return {name: v for c, v in row.items() if (name := outcome_of(c)) is not None}


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    required: bool = True
    nullable: bool = False
    minimum: float | None = None
    maximum: float | None = None


@dataclass(frozen=True)
class TableSchema:
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    """Columns that identify a row; duplicates of the key are an error."""
    outcome_columns: bool = False
    """True when the table carries one ``outcome.<name>`` Boolean column per outcome."""

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)


_TRACE = Column("trace_id", "str")
_IDX = Column("sentence_idx", "int", minimum=0)

SCHEMAS: dict[str, TableSchema] = {
    "traces": TableSchema(
        "traces",
        (
            _TRACE,
            Column("n_sentences", "int", minimum=0),
            Column("model", "str", required=False, nullable=True),
            Column("prompt_variant", "str", required=False, nullable=True),
            Column("condition", "str", required=False, nullable=True),
            Column("query", "str", required=False, nullable=True),
        ),
        key=("trace_id",),
        outcome_columns=True,
    ),
    "sentences": TableSchema(
        "sentences",
        (
            _TRACE,
            _IDX,
            Column("text", "str"),
            Column("separator", "str", required=False, nullable=True),
            Column("tags", "list[str]", required=False, nullable=True),
        ),
        key=("trace_id", "sentence_idx"),
    ),
    "rates": TableSchema(
        "rates",
        (
            _TRACE,
            _IDX,
            Column("outcome", "str"),
            Column("rate", "float", minimum=0.0, maximum=1.0),
            Column("n", "int", required=False, nullable=True, minimum=0),
            Column("ci_low", "float", required=False, nullable=True, minimum=0.0, maximum=1.0),
            Column("ci_high", "float", required=False, nullable=True, minimum=0.0, maximum=1.0),
        ),
        key=("trace_id", "sentence_idx", "outcome"),
    ),
    "importance": TableSchema(
        "importance",
        (
            _TRACE,
            _IDX,
            Column("outcome", "str"),
            Column("metric", "str"),
            Column("importance", "float", minimum=0.0),
            Column("direction", "float", required=False, nullable=True),
            Column("ci_low", "float", required=False, nullable=True),
            Column("ci_high", "float", required=False, nullable=True),
            Column("low_evidence", "bool", required=False, nullable=True),
        ),
        key=("trace_id", "sentence_idx", "outcome", "metric"),
    ),
    "resamples": TableSchema(
        "resamples",
        (
            _TRACE,
            _IDX,
            Column("rollout_id", "int", minimum=0),
            Column("resampled_sentence", "str", required=False, nullable=True),
            Column("similarity", "float", required=False, nullable=True, minimum=-1.0, maximum=1.0),
        ),
        key=("trace_id", "sentence_idx", "rollout_id"),
        outcome_columns=True,
    ),
    "evaluations": TableSchema(
        "evaluations",
        (
            Column("query_id", "str"),
            Column("prompt_variant", "str", required=False, nullable=True),
            Column("condition", "str", required=False, nullable=True),
            Column("query", "str", required=False, nullable=True),
        ),
        key=("query_id", "prompt_variant", "condition"),
        outcome_columns=True,
    ),
    "effects": TableSchema(
        "effects",
        (
            _TRACE,
            Column("source_idx", "int", minimum=0),
            Column("target_idx", "int", minimum=0),
            Column("score", "float"),
            Column("kind", "str", required=False, nullable=True),
        ),
        key=("trace_id", "source_idx", "target_idx", "kind"),
    ),
}

_POLARS_KIND: dict[Kind, pl.DataType] = {
    "str": pl.String(),
    "int": pl.Int64(),
    "float": pl.Float64(),
    "bool": pl.Boolean(),
    "list[str]": pl.List(pl.String()),
}


def polars_dtype(kind: Kind) -> pl.DataType:
    """The dtype the writer normalises a column of ``kind`` to."""
    return _POLARS_KIND[kind]


def table_dtypes(
    table: str, columns: Iterable[str] | None = None, extra: Mapping[str, Kind] | None = None
) -> dict[str, pl.DataType]:
    """Polars dtypes for ``columns`` of ``table`` (all of them when None), in that order,
    then ``extra`` columns the schema does not list: readers build frames in the dtypes
    the writer normalises to instead of keeping their own copy of the map."""
    schema = SCHEMAS[table]
    names = [c.name for c in schema.columns] if columns is None else list(columns)
    out: dict[str, pl.DataType] = {}
    for name in names:
        column = schema.column(name)
        if column is None:
            raise KeyError(f"{table} has no column {name!r}")
        out[name] = polars_dtype(column.kind)
    out.update({name: polars_dtype(kind) for name, kind in (extra or {}).items()})
    return out


def kind_of(dtype: pl.DataType) -> Kind | None:
    """Which schema kind a Parquet column's dtype satisfies (ints of any width are ints)."""
    if dtype == pl.String or dtype == pl.Categorical or isinstance(dtype, pl.Enum):
        return "str"
    if dtype.is_integer():
        return "int"
    if dtype.is_float():
        return "float"
    if dtype == pl.Boolean:
        return "bool"
    if isinstance(dtype, pl.List) and isinstance(dtype.inner, pl.DataType):
        return "list[str]" if kind_of(dtype.inner) == "str" else None
    if dtype == pl.Null:
        return None
    return None


def describe_kind(kind: Kind) -> str:
    return {
        "str": "text (String)",
        "int": "an integer",
        "float": "a number (Float)",
        "bool": "a Boolean",
        "list[str]": "a list of text",
    }[kind]
