"""compute copies a resamples file the writer would write the same instead of encoding it
again (``BundleStaging.adopt``); any other file is written as before, and both give the
same bundle."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import polars as pl
import pytest

from afscope.bundle import Bundle, writer
from afscope.bundle.target import STAGING_PREFIX
from afscope.bundle.writer import BundleStaging
from afscope.compute.run import compute_bundle
from afscope.problems import BundleError
from afscope.sample import sample_bundle_path


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _no_debris(folder: Path) -> None:
    assert not [p for p in folder.iterdir() if p.name.startswith(STAGING_PREFIX)]


@pytest.fixture
def source(tmp_path: Path) -> Path:
    """A bundle written by this afscope (and this Polars), as ``afscope import`` writes."""
    return compute_bundle(sample_bundle_path(), tmp_path / "source").path


@pytest.fixture
def rewritten(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """``compute`` with the copy turned off: every table encoded by the writer."""

    def compute(src: Path, name: str) -> Path:
        with monkeypatch.context() as patch:
            patch.setattr(BundleStaging, "adopt", lambda self, table, file: None)
            return compute_bundle(src, tmp_path / name).path

    return compute


def _adopted(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """The tables ``compute`` copied in ("copied") and those ``write`` kept as copied
    ("kept"), filled as it runs."""
    seen: dict[str, list[str]] = {"copied": [], "kept": []}
    adopt, write = BundleStaging.adopt, BundleStaging.write

    def spy_adopt(self, name, file):
        copy = adopt(self, name, file)
        seen["copied"] += [name] if copy is not None else []
        return copy

    def spy_write(self, *args, **kwargs):
        path = write(self, *args, **kwargs)
        seen["kept"] += sorted(self.adopted)
        return path

    monkeypatch.setattr(BundleStaging, "adopt", spy_adopt)
    monkeypatch.setattr(BundleStaging, "write", spy_write)
    return seen


@pytest.mark.parametrize("group_rows", [65_536, 1_000])
def test_copied_resamples_give_the_bundle_the_writer_gives(
    tmp_path, monkeypatch, rewritten, group_rows
):
    # 1,000 rows a group: a file of many row groups, copied and checked the same way
    monkeypatch.setitem(writer.ROW_GROUP_ROWS, "resamples", group_rows)
    src = compute_bundle(sample_bundle_path(), tmp_path / "src").path
    adopted = _adopted(monkeypatch)
    copied = compute_bundle(src, tmp_path / "copied").path
    assert adopted == {"copied": ["resamples"], "kept": ["resamples"]}
    assert (copied / "resamples.parquet").read_bytes() == (src / "resamples.parquet").read_bytes()
    assert _files(copied) == _files(rewritten(src, "written"))
    _no_debris(tmp_path)


def _sample_resamples() -> pl.DataFrame:
    return pl.read_parquet(sample_bundle_path() / "resamples.parquet")


LAID_OUT_OTHERWISE = {  # the footer says so: copied, then dropped
    "snappy": lambda frame, path: frame.write_parquet(path, compression="snappy"),
    "no statistics": lambda frame, path: frame.write_parquet(path, statistics=False),
    "small row groups": lambda frame, path: frame.write_parquet(path, row_group_size=1_000),
    "extra metadata": lambda frame, path: frame.write_parquet(path, metadata={"by": "me"}),
}
WRITTEN_OTHERWISE = {  # the rows read say so: copied, then dropped
    "columns reordered": lambda frame, path: frame.select(reversed(frame.columns)).write_parquet(
        path
    ),
    "narrower integers": lambda frame, path: frame.with_columns(
        pl.col("rollout_id").cast(pl.Int32)
    ).write_parquet(path),
    "rows shuffled": lambda frame, path: frame.sample(
        fraction=1.0, shuffle=True, seed=1
    ).write_parquet(path),
}
FOREIGN = LAID_OUT_OTHERWISE | WRITTEN_OTHERWISE


@pytest.mark.parametrize("layout", list(FOREIGN))
def test_a_file_the_writer_would_write_differently_is_written(
    tmp_path, monkeypatch, source, rewritten, layout
):
    src = tmp_path / "src"
    shutil.copytree(source, src)
    FOREIGN[layout](_sample_resamples(), src / "resamples.parquet")
    adopted = _adopted(monkeypatch)
    out = compute_bundle(src, tmp_path / "out").path
    assert adopted == {"copied": ["resamples"], "kept": []}
    assert (out / "resamples.parquet").read_bytes() != (src / "resamples.parquet").read_bytes()
    assert _files(out) == _files(rewritten(source, "written")) | {
        "manifest.json": (out / "manifest.json").read_bytes()  # names its source
    }
    _no_debris(tmp_path)


def test_a_linked_resamples_file_is_copied_as_a_file(tmp_path, source, rewritten):
    src = tmp_path / "src"
    shutil.copytree(source, src)
    elsewhere = tmp_path / "shared.parquet"
    (src / "resamples.parquet").rename(elsewhere)
    (src / "resamples.parquet").symlink_to(elsewhere)
    data = elsewhere.read_bytes()
    out = compute_bundle(src, tmp_path / "out").path
    assert not (out / "resamples.parquet").is_symlink()
    assert (out / "resamples.parquet").read_bytes() == data == elsewhere.read_bytes()
    assert os.readlink(src / "resamples.parquet") == str(elsewhere)


@pytest.mark.parametrize("kind", ["fifo", "folder", "link to a fifo"])
def test_a_resamples_entry_that_is_not_a_file_is_refused_without_blocking(tmp_path, source, kind):
    src = tmp_path / "src"
    shutil.copytree(source, src)
    entry = src / "resamples.parquet"
    entry.unlink()
    if kind == "folder":
        entry.mkdir()
    elif kind == "fifo":
        os.mkfifo(entry)
    else:
        os.mkfifo(tmp_path / "pipe")
        entry.symlink_to(tmp_path / "pipe")
    with pytest.raises(BundleError) as raised:
        compute_bundle(src, tmp_path / "out")
    assert "not a file" in raised.value.problems[0].message
    assert raised.value.problems[0].file == str(entry)
    assert not (tmp_path / "out").exists()
    _no_debris(tmp_path)


def test_what_is_checked_and_written_is_the_copy(tmp_path, monkeypatch, source):
    # the source changes after the copy: compute neither reads nor writes the change
    src = tmp_path / "src"
    shutil.copytree(source, src)
    original = (src / "resamples.parquet").read_bytes()
    read_from = Bundle.read_from

    def then_change(self, table, copy):
        (src / "resamples.parquet").write_bytes(b"not parquet any more")
        read_from(self, table, copy)

    monkeypatch.setattr(Bundle, "read_from", then_change)
    out = compute_bundle(src, tmp_path / "out").path
    assert (out / "resamples.parquet").read_bytes() == original


def test_a_bad_value_in_a_copied_file_names_the_source_and_leaves_nothing(
    tmp_path, monkeypatch, source
):
    src = tmp_path / "src"
    shutil.copytree(source, src)
    bad = _sample_resamples().with_columns(
        pl.when(pl.int_range(pl.len()) == 7).then(2.0).otherwise("similarity").alias("similarity")
    )
    bad.write_parquet(src / "resamples.parquet")  # one row group, as the writer's: copied
    adopted = _adopted(monkeypatch)
    with pytest.raises(BundleError) as raised:
        compute_bundle(src, tmp_path / "out")
    problem = raised.value.problems[0]
    assert (problem.file, problem.column, problem.where) == (
        str(src / "resamples.parquet"),
        "similarity",
        "row 7",
    )
    assert adopted == {"copied": ["resamples"], "kept": []}  # refused before writing
    assert not (tmp_path / "out").exists()
    _no_debris(tmp_path)


def test_resamples_with_filled_in_similarities_are_written_not_copied(
    tmp_path, monkeypatch, source
):
    # a bundle without similarities, laid out as the writer's: copied, then the embedding
    # fill changes the rows, so the copy is dropped and the filled table written
    src = tmp_path / "src"
    shutil.copytree(source, src)
    frame = pl.read_parquet(src / "resamples.parquet")
    unfilled = frame.with_columns(pl.lit(None, pl.Float64).alias("similarity"))
    unfilled.write_parquet(src / "resamples.parquet")  # one row group, as the writer's
    monkeypatch.setattr("afscope.compute.run.embeddings_available", lambda: True)
    monkeypatch.setattr(
        "afscope.compute.run.fill_similarity",
        lambda rows, sentences: rows.with_columns(pl.lit(0.5).alias("similarity")),
    )
    adopted = _adopted(monkeypatch)
    out = compute_bundle(src, tmp_path / "out").path
    assert adopted == {"copied": ["resamples"], "kept": []}
    written = pl.read_parquet(out / "resamples.parquet")
    assert written["similarity"].unique().to_list() == [0.5]
    assert written.drop("similarity").equals(frame.drop("similarity"))


def test_a_target_the_writer_would_refuse_is_refused_before_anything_is_copied(
    tmp_path, monkeypatch, source
):
    """A user's own file at the target: refused before the resamples are copied or any
    metric is computed, as ``write_bundle`` refuses before it stages anything."""
    mine = tmp_path / "mine"
    mine.write_bytes(b"my notes")
    adopted = _adopted(monkeypatch)
    with pytest.raises(BundleError):
        compute_bundle(source, mine, overwrite=True)
    assert adopted == {"copied": [], "kept": []}
    assert mine.read_bytes() == b"my notes"
    _no_debris(tmp_path)


@pytest.mark.filterwarnings("error::pytest.PytestUnhandledThreadExceptionWarning")
def test_a_footer_check_that_fails_writes_the_table_without_a_traceback(
    tmp_path, monkeypatch, capfd, source, rewritten
):
    # the layout is checked in a thread: its failure must not print a thread's traceback
    def broken(file):
        raise RuntimeError("footer reader broke")

    monkeypatch.setattr(writer, "read_layout", broken)
    adopted = _adopted(monkeypatch)
    out = compute_bundle(source, tmp_path / "out").path
    assert adopted == {"copied": ["resamples"], "kept": []}
    assert _files(out) == _files(rewritten(source, "written")) | {
        "manifest.json": (out / "manifest.json").read_bytes()
    }
    assert capfd.readouterr().err == ""
    _no_debris(tmp_path)


def test_without_a_thread_for_the_footer_check_it_runs_in_place(tmp_path, monkeypatch, source):
    def no_thread(self):
        raise RuntimeError("can't start new thread")

    monkeypatch.setattr(writer._LayoutCheck, "start", no_thread)
    adopted = _adopted(monkeypatch)
    out = compute_bundle(source, tmp_path / "out").path
    assert adopted == {"copied": ["resamples"], "kept": ["resamples"]}
    assert (out / "resamples.parquet").read_bytes() == (source / "resamples.parquet").read_bytes()
    _no_debris(tmp_path)


def test_a_stop_during_an_in_place_footer_check_stops_compute(tmp_path, monkeypatch, source):
    # run in place (no thread), the check is on the main thread: Ctrl-C there must stop
    # compute, not count as a failed check (which would write the table and go on)
    def no_thread(self):
        raise RuntimeError("can't start new thread")

    def stopped(file):
        raise KeyboardInterrupt

    monkeypatch.setattr(writer._LayoutCheck, "start", no_thread)
    monkeypatch.setattr(writer, "read_layout", stopped)
    with pytest.raises(KeyboardInterrupt):
        compute_bundle(source, tmp_path / "out")
    assert not (tmp_path / "out").exists()
    _no_debris(tmp_path)
