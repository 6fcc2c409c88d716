"""The bundle manifest: what a bundle holds, validated with Pydantic.

The manifest is the only file read eagerly when a bundle is opened, so everything a
first screen needs to lay itself out (outcome and metric names, which optional tables
exist) lives here rather than being discovered by scanning Parquet files.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from afscope.text import clean_text

SCHEMA_VERSION = "1.0"
"""Version written by this afscope. Readers accept any 1.x; a newer major is refused."""

MANIFEST_FILE = "manifest.json"

PREFIX_CONVENTION: Literal["before"] = "before"
"""The rate at sentence i is measured on rollouts that keep sentences 0..i-1 and resample
from i on: it does not include sentence i. The rate after sentence i is the rate at the
next position that has rollouts."""

_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_\-]*$")

TableName = Literal[
    "traces", "sentences", "rates", "importance", "resamples", "evaluations", "effects"
]
REQUIRED_TABLES: tuple[str, ...] = ("traces", "sentences")
OPTIONAL_TABLES: tuple[str, ...] = ("rates", "importance", "resamples", "evaluations", "effects")


def default_table_file(table: str) -> str:
    """File name a table gets when the manifest does not say otherwise."""
    return f"{table}.parquet"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class OutcomeSpec(_Strict):
    """A named binary outcome of a rollout, e.g. ``compliance`` or ``alignment_faking``."""

    name: str
    description: str = ""

    @field_validator("name")
    @classmethod
    def _plain_name(cls, value: str) -> str:
        if not _NAME.match(value):
            raise ValueError(
                "expected letters, digits, '_' or '-' (it becomes a column name suffix)"
            )
        return value


class MetricSpec(_Strict):
    """An importance metric. Names are data: any metric a pipeline produces can be carried."""

    name: str
    description: str = ""
    signed: bool = Field(
        default=True,
        description="True when the metric has a direction (positive = promotes the outcome).",
    )

    @field_validator("name")
    @classmethod
    def _plain_name(cls, value: str) -> str:
        if not _NAME.match(value):
            raise ValueError("expected letters, digits, '_' or '-'")
        return value


class SourceWarning(_Strict):
    """Something in the source data that does not add up, found by a reader's checks
    (``afscope/readers/thought_anchors/checks.py``). The data is still shown; the warning
    says where to distrust it. Kept in the manifest, so a bundle written by ``afscope
    import`` carries it to ``info``, ``validate`` and the explorer."""

    trace_id: str
    file: str
    """The source file, relative to the trace's folder (e.g. ``chunks_labeled.json``)."""
    kind: str
    """``index_gap``, ``misaligned_alternatives`` or ``contradicting_importance``."""
    sentences: tuple[int, ...] = ()
    """The sentence indices concerned (for a gap: the missing ones)."""
    message: str


class Manifest(_Strict):
    """Top-level description of a result bundle (``manifest.json``)."""

    schema_version: str = SCHEMA_VERSION
    title: str = ""
    description: str = ""
    synthetic: bool = False
    prefix_convention: Literal["before"] = PREFIX_CONVENTION
    outcomes: tuple[OutcomeSpec, ...] = Field(min_length=1)
    metrics: tuple[MetricSpec, ...] = ()
    tables: dict[TableName, str] = Field(default_factory=dict)
    source: dict[str, str] = Field(default_factory=dict)
    notes: tuple[str, ...] = ()
    """Things a reader should know (fields not mapped, files skipped on import ...)."""
    warnings: tuple[SourceWarning, ...] = ()
    """Where the source contradicts itself (index gaps, misaligned alternatives, published
    importance that the published rates contradict); written only when there are some."""

    @field_validator("schema_version")
    @classmethod
    def _supported_version(cls, value: str) -> str:
        major, _, minor = value.partition(".")
        if not (major.isdigit() and minor.isdigit() and len(major) <= 6 and len(minor) <= 6):
            raise ValueError(f"expected 'MAJOR.MINOR' such as {SCHEMA_VERSION!r}")
        supported = int(SCHEMA_VERSION.split(".")[0])
        if int(major) > supported:
            raise ValueError(
                f"bundle schema {value} is newer than this afscope understands "
                f"(up to {supported}.x); upgrade afscope to open it"
            )
        return value

    @field_validator("tables")
    @classmethod
    def _relative_files(cls, value: dict[str, str]) -> dict[str, str]:
        for table, file in value.items():
            plain = clean_text(file, keep_newlines=False) == file and "\n" not in file
            if "/" in file or "\\" in file or file.startswith(".") or not file or not plain:
                raise ValueError(
                    f"table {table!r}: expected a plain file name inside the bundle "
                    "(no folders, no control characters)"
                )
        by_file: dict[str, list[str]] = {}
        for table, file in value.items():
            by_file.setdefault(file, []).append(table)
        shared = {file: tables for file, tables in by_file.items() if len(tables) > 1}
        if shared:
            file, tables = next(iter(shared.items()))
            raise ValueError(
                f"tables {' and '.join(map(repr, tables))} both name {file!r}: "
                "expected one file per table"
            )
        return value

    @model_validator(mode="after")
    def _unique_names(self) -> Manifest:
        for kind, names in (
            ("outcome", [o.name for o in self.outcomes]),
            ("metric", [m.name for m in self.metrics]),
        ):
            seen = {n for n in names if names.count(n) > 1}
            if seen:
                raise ValueError(f"duplicate {kind} names: {sorted(seen)}")
        for table in REQUIRED_TABLES:
            if table not in self.tables:
                raise ValueError(f"tables: the required table {table!r} is not listed")
        return self

    @property
    def outcome_names(self) -> list[str]:
        return [o.name for o in self.outcomes]

    @property
    def metric_names(self) -> list[str]:
        return [m.name for m in self.metrics]

    def metric(self, name: str) -> MetricSpec | None:
        return next((m for m in self.metrics if m.name == name), None)
