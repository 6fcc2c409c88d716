"""What opening a bundle and reading its first trace costs, asserted by what it does
(queries run, files read), never by time: the explorer's first paint waits on it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest

from afscope.bundle import Bundle
from afscope.bundle.normalize import is_sorted_by
from afscope.bundle.rules import row_problems, value_rules
from afscope.explore.trace_data import load_trace
from afscope.problems import BundleError


def _count_selects(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    select = pl.DataFrame.select

    def counted(self: pl.DataFrame, *args: object, **kwargs: object) -> pl.DataFrame:
        calls.append(1)
        return select(self, *args, **kwargs)

    monkeypatch.setattr(pl.DataFrame, "select", counted)
    return calls


def test_clean_rows_are_checked_in_one_query(tiny_bundle: Path, monkeypatch: pytest.MonkeyPatch):
    """A clean table's order and every value rule's cheap aggregate: one query, not one
    for the order and another for the values."""
    rows = Bundle.open(tiny_bundle).read("rates")
    assert rows is not None
    calls = _count_selects(monkeypatch)
    assert row_problems(rows, "rates", "rates.parquet") == []
    assert len(calls) == 1


def test_the_one_query_still_finds_duplicates_and_bad_values():
    rows = pl.DataFrame(
        {
            "trace_id": ["t1", "t1", "t1"],
            "sentence_idx": [0, 0, 1],
            "outcome": ["x", "x", "x"],
            "rate": [0.5, 0.5, 1.5],
            "n": [10, 10, 10],
        }
    )
    problems = row_problems(rows, "rates", "rates.parquet")
    assert sorted(p.message for p in problems) == [
        "duplicate rows for the same trace_id + sentence_idx + outcome",
        "out of range: expected a value in [0, 1]",
    ]


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        ([], True),
        ([1], True),
        ([None], True),  # one row: nothing to compare
        ([1, 2, 3], True),
        ([1, 1, 2], False),
        ([2, 1], False),
        ([1, None, 3], False),
    ],
)
def test_strict_order(keys: list[int | None], expected: bool):
    frame = pl.DataFrame({"k": keys}, schema={"k": pl.Int64})
    assert is_sorted_by(frame, ["k"], strict=True) is expected


def test_value_rules_are_built_once_per_table_and_columns():
    schema = pl.Schema({"trace_id": pl.String, "rate": pl.Float64, "n": pl.Int64})
    first, again = value_rules("rates", schema), value_rules("rates", schema)
    assert first == again and first is not again  # callers add to their own list
    assert all(a is b for a, b in zip(first, again, strict=True))


def test_reading_a_trace_checks_each_table_once(tiny_bundle: Path, monkeypatch: pytest.MonkeyPatch):
    bundle = Bundle.open(tiny_bundle)
    bundle.traces  # noqa: B018 - read before counting
    calls = _count_selects(monkeypatch)
    load_trace(bundle, "t1")
    # sentences, rates, importance (their order and values); resamples (values only);
    # effects: one query each
    tables = ("sentences", "resamples", "rates", "importance", "effects")
    assert len(calls) == len([t for t in tables if bundle.table_path(t) is not None])


def _count_footer_reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    collect_schema = pl.LazyFrame.collect_schema

    def counted(self: pl.LazyFrame) -> pl.Schema:
        calls.append(1)
        return collect_schema(self)

    monkeypatch.setattr(pl.LazyFrame, "collect_schema", counted)
    return calls


def test_the_first_trace_reads_each_footer_once(tiny_bundle: Path, monkeypatch: pytest.MonkeyPatch):
    """The first read of a trace's tables takes their schema from the rows it reads (the
    same file's columns), instead of reading every footer a second time first; the
    schema is then kept and checked as before."""
    bundle = Bundle.open(tiny_bundle)
    bundle.traces  # noqa: B018 - the trace list: its own schema read, as before
    calls = _count_footer_reads(monkeypatch)
    data = load_trace(bundle, "t1")
    assert calls == []
    for table in ("sentences", "rates", "importance"):
        assert bundle.schema(table) == pl.read_parquet_schema(tiny_bundle / f"{table}.parquet")
    assert data.sentences.height == 3


def _rewrite(bundle: Path, table: str, change: Callable[[pl.DataFrame], pl.DataFrame]) -> None:
    path = bundle / f"{table}.parquet"
    change(pl.read_parquet(path)).write_parquet(path)


def _broken(path: Path) -> None:
    path.unlink()
    path.mkdir()
    pl.DataFrame({"trace_id": ["t1"]}).write_parquet(path / "part.parquet")


DAMAGE: dict[str, Callable[[Path], None]] = {
    "a value column of the wrong type": lambda b: _rewrite(
        b, "rates", lambda f: f.with_columns(pl.col("rate").cast(pl.String))
    ),
    "numeric trace ids": lambda b: _rewrite(
        b, "rates", lambda f: f.with_columns(pl.Series("trace_id", [1, 1, 1]))
    ),
    "binary trace ids": lambda b: _rewrite(
        b, "sentences", lambda f: f.with_columns(pl.col("trace_id").cast(pl.Binary))
    ),
    "no trace ids": lambda b: _rewrite(b, "importance", lambda f: f.drop("trace_id")),
    "an undeclared outcome label": lambda b: _rewrite(
        b, "resamples", lambda f: f.with_columns(pl.lit(True).alias("outcome.other"))
    ),
    "a missing file": lambda b: (b / "rates.parquet").unlink(),
    "a folder in place of the file": lambda b: _broken(b / "importance.parquet"),
    "not Parquet": lambda b: (b / "sentences.parquet").write_bytes(b"not parquet" * 9),
}


@pytest.mark.parametrize("damage", DAMAGE, ids=list(DAMAGE))
def test_the_first_trace_reports_damage_as_a_checked_read_does(
    tiny_bundle: Path, damage: str
) -> None:
    """Reading a trace's tables before their schema is known names the same problems as
    checking each schema first (``for_trace`` does that, one table at a time)."""
    DAMAGE[damage](tiny_bundle)
    tables = ("sentences", "resamples", "rates", "importance", "effects")
    with pytest.raises(BundleError) as at_once:
        load_trace(Bundle.open(tiny_bundle), "t1")
    bundle = Bundle.open(tiny_bundle)
    with pytest.raises(BundleError) as checked:
        for table in tables:
            bundle.for_trace(table, "t1")
    assert at_once.value.problems == checked.value.problems
