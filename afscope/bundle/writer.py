"""Write a result bundle: a small public API so pipelines can emit afscope bundles directly.

    from afscope.bundle import Manifest, BundleTables, write_bundle
    write_bundle("out/", manifest, BundleTables(traces=..., sentences=...))

The bundle is assembled in a staging folder beside the target and renamed into place, so
an interrupted write never leaves a half-written bundle behind; only an earlier afscope
bundle is ever replaced (``afscope.bundle.target``).
"""

from __future__ import annotations

import functools
import io
import json
import os
import shutil
import stat
import threading
from collections.abc import Collection
from pathlib import Path
from typing import BinaryIO

import polars as pl

from afscope.bundle.manifest import MANIFEST_FILE, Manifest, default_table_file
from afscope.bundle.normalize import already_in_order, normalize
from afscope.bundle.parquet_layout import Layout, read_layout
from afscope.bundle.tables import BundleTables
from afscope.bundle.target import check_bundle_target, staging_dir, swap_in
from afscope.problems import BundleError, Problem

DEFAULT_ROW_GROUP_ROWS = 8_192
"""Rows per Parquet row group. Tables are sorted by trace, and each group records its
first and last trace id: a per-trace read (the explorer's) skips every other group and
decodes only the one or two that hold its trace, so groups are kept small. A fixed size
also makes the file's bytes independent of how the frame happened to be chunked."""
ROW_GROUP_ROWS = {"resamples": 65_536, "importance": 16_384}
"""Resamples have tens of rows per sentence, and are mostly scanned whole. Importance has
a row per sentence, outcome and metric (numbers and short ids): in groups of 16,384 a
trace's rows are read as fast as in groups of 8,192 from tables of 0.1-0.7M rows and
faster from 1.9M (a footer of fewer groups), and the table, a computed bundle's
largest, is written 10% faster. Larger groups write faster still but read slower from
the smaller tables (65,536: 0.9-1.8 ms more per trace, a third to a half more)."""
COPY_CHUNK = 1 << 20
"""Bytes per read when a table file is copied in (``BundleStaging.adopt``)."""


def write_bundle(
    path: str | Path,
    manifest: Manifest,
    tables: BundleTables,
    *,
    overwrite: bool = False,
    presorted: Collection[str] = (),
) -> Path:
    """Write ``tables`` described by ``manifest`` to the folder ``path`` and return it.

    The manifest's ``tables`` mapping is filled in from the tables given. An existing
    folder is replaced only with ``overwrite=True`` and only when it holds nothing but an
    earlier afscope bundle; otherwise ``BundleError`` says why. Tables named in
    ``presorted`` are already sorted by their key (``normalize.in_table_order``), as are
    frames in memory that pass a check (a bundle read back): those are not sorted again.
    """
    with BundleStaging(path, overwrite=overwrite) as staging:
        return staging.write(manifest, tables, presorted=presorted)


class BundleStaging:
    """A bundle assembled in a staging folder beside its target, then renamed into place.

    ``adopt`` copies a table's file in as it is (``write`` keeps the copy when it would
    write the same file), ``write`` writes the other tables and the manifest and swaps the
    folder in. Leaving the ``with`` block any other way removes the staging folder: an
    interrupted or refused write leaves nothing behind.
    """

    def __init__(self, path: str | Path, *, overwrite: bool = False) -> None:
        self.target = Path(path)
        self.overwrite = overwrite
        self._folder: Path | None = None
        self.adopted: dict[str, _LayoutCheck] = {}

    def __enter__(self) -> BundleStaging:
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            for check in self.adopted.values():
                check.wait()
        finally:  # a stop during the wait still removes the folder
            if self._folder is not None:
                shutil.rmtree(self._folder, ignore_errors=True)
                self._folder = None

    def folder(self) -> Path:
        """The staging folder, made on first use, once the target is known to be one
        afscope may write (nothing is copied or computed into a folder for a target that
        ``write`` would refuse; ``write`` checks again, as the target may change)."""
        if self._folder is None:
            check_bundle_target(self.target, force=self.overwrite)
            try:
                self._folder = staging_dir(self.target)
                self._folder.chmod(0o755)  # mkdtemp makes it private; a bundle is shared
            except OSError as exc:
                raise _cannot_write(self.target, exc) from None
        return self._folder

    def adopt(self, name: str, source: Path) -> Path | None:
        """Copy the bytes of ``source`` in as table ``name``'s file when it is a regular
        file, and return the copy; else None (``write`` then writes the table). Read the
        table from the copy: what is checked is then exactly what is written, whatever
        happens to ``source``. ``write`` keeps the copy only when it is laid out as
        ``write`` lays out its own (``parquet_layout``; read from its footer in a thread
        while the caller reads the rows), and the caller must ``discard`` it unless
        ``write`` would write the same rows, columns and dtypes (``written_schema``)."""
        copy = self.folder() / default_table_file(name)
        try:
            fd = os.open(source, os.O_RDONLY | os.O_NONBLOCK)  # a FIFO must not block
            with os.fdopen(fd, "rb") as src:
                if not stat.S_ISREG(os.fstat(src.fileno()).st_mode):
                    return None
                with copy.open("xb") as dst:
                    shutil.copyfileobj(src, dst, COPY_CHUNK)
        except OSError:  # unreadable, or no room: writing the table says why
            copy.unlink(missing_ok=True)
            return None
        check = self.adopted[name] = _LayoutCheck(name, copy)
        try:
            check.start()
        except RuntimeError:  # no thread to be had: check it here
            check.run()
        return copy

    def keeps(self, name: str) -> bool:
        """Whether ``write`` will keep table ``name``'s adopted copy as it is (waits for
        the footer check): the caller need not hold the table's rows for it then."""
        check = self.adopted.get(name)
        return check is not None and check.own()

    def discard(self, name: str) -> None:
        """Drop an adopted table's copy: ``write`` writes the table."""
        check = self.adopted.pop(name, None)
        if check is not None:
            check.wait()
            (self.folder() / default_table_file(name)).unlink(missing_ok=True)

    def write(
        self, manifest: Manifest, tables: BundleTables, *, presorted: Collection[str] = ()
    ) -> Path:
        """``write_bundle`` into this staging folder (adopted tables are there already)."""
        check_bundle_target(self.target, force=self.overwrite)
        present = tables.present()
        for name in [n for n, check in self.adopted.items() if n not in present or not check.own()]:
            self.discard(name)
        manifest = manifest.model_copy(
            update={"tables": {name: default_table_file(name) for name in present}}
        )
        staging = self.folder()
        try:
            # frames in memory are encoded side by side; a lazy frame streams from its
            # source on its own, so its memory stays bounded
            together = []
            for name, frame in present.items():
                if name in self.adopted:
                    continue
                ordered = name in presorted or already_in_order(name, frame)
                table = normalize(name, frame.lazy(), manifest.outcome_names, presorted=ordered)
                sink = _sink(name, table, staging / default_table_file(name))
                if isinstance(frame, pl.DataFrame):
                    together.append(sink)
                else:
                    sink.collect()
            pl.collect_all(together)
            data = manifest.model_dump(
                mode="json", exclude={"warnings"} if not manifest.warnings else None
            )
            text = json.dumps(data, indent=2, sort_keys=False)
            (staging / MANIFEST_FILE).write_text(text + "\n", encoding="utf-8")
            swap_in(staging, self.target, overwrite=self.overwrite)
        except OSError as exc:
            raise _cannot_write(self.target, exc) from None
        self._folder = None  # it is the bundle now
        return self.target


def written_schema(name: str, schema: pl.Schema, outcomes: list[str]) -> pl.Schema:
    """The columns and dtypes ``write`` gives a frame of table ``name`` with ``schema``."""
    empty = pl.LazyFrame(schema=schema)
    return normalize(name, empty, outcomes, presorted=True).collect_schema()


def _sink(name: str, frame: pl.LazyFrame, file: Path | BinaryIO) -> pl.LazyFrame:
    """The one place a table's Parquet file is encoded: the query that writes it."""
    return frame.sink_parquet(
        file,
        statistics=True,
        row_group_size=ROW_GROUP_ROWS.get(name, DEFAULT_ROW_GROUP_ROWS),
        lazy=True,
    )


@functools.cache
def _polars_layout() -> Layout:
    """The layout ``_sink`` gives a file (the writer's version, codec and metadata)."""
    buffer = io.BytesIO()
    _sink("traces", pl.LazyFrame({"trace_id": ["t"]}), buffer).collect()
    layout = read_layout(buffer)
    assert layout is not None  # our own writer's footer
    return layout


class _LayoutCheck(threading.Thread):
    """Whether an adopted copy is laid out as ``_sink`` lays out table ``name``: its
    footer, decoded in Python (50 ms for a 12M-row resamples file), is read while the
    caller's Polars query reads the rows (which releases the GIL)."""

    def __init__(self, name: str, copy: Path) -> None:
        super().__init__(name=f"afscope layout check of {name}", daemon=True)
        self.table = name
        self.copy = copy
        self.result = False

    def run(self) -> None:
        try:
            with self.copy.open("rb") as written:
                layout = read_layout(written)
            self.result = layout is not None and _own_layout(self.table, layout)
        except (Exception, pl.exceptions.PanicException):  # a failure (a Polars panic is
            # no Exception) means: write the table instead; a thread must print nothing. A
            # stop (Ctrl-C while it runs in place) is no failure: it goes on up
            self.result = False

    def wait(self) -> None:
        if self.ident is not None:  # started (else it ran in place)
            self.join()

    def own(self) -> bool:
        self.wait()
        return self.result


def _own_layout(name: str, layout: Layout) -> bool:
    """Whether ``layout`` is the one ``_sink`` gives table ``name``: the same Polars,
    codec and metadata, statistics, and full row groups but the last."""
    own = _polars_layout()
    size = ROW_GROUP_ROWS.get(name, DEFAULT_ROW_GROUP_ROWS)
    groups = layout.group_rows
    return (
        (layout.created_by, layout.codecs, layout.metadata_keys)
        == (own.created_by, own.codecs, own.metadata_keys)
        and layout.statistics
        and bool(groups)
        and all(rows == size for rows in groups[:-1])
        and 0 < groups[-1] <= size
    )


def _cannot_write(target: Path, exc: OSError) -> BundleError:
    """A full disk or a read-only folder: say which folder, leave nothing behind."""
    folder = target.parent if str(target.parent) else Path(".")
    reason = exc.strerror or str(exc)
    return BundleError([Problem(str(target), f"cannot write the bundle in {folder}: {reason}")])
