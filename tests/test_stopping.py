"""A SIGTERM whose first raise Python dropped (raised inside a destructor or callback:
"Exception ignored in ...") still stops a command before its output is put in place."""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path

import pytest
from ta_builders import full_folder

from afscope import stopping
from afscope.bundle.target import STAGING_PREFIX, swap_in
from afscope.cli.main import EXIT_TERMINATED, main
from afscope.export.files import write_atomic


@pytest.fixture
def dropped_stop():
    """A stop asked for whose raise was swallowed, as by a destructor."""
    with contextlib.suppress(stopping.Terminated):
        stopping.ask()
    yield
    stopping.forget()


def test_nothing_is_asked_by_default():
    stopping.check()  # does not raise


def test_a_stop_inside_polars_is_raised_at_the_next_check_not_there():
    """Raised in Polars' Python code called from its Rust code, it became a Rust panic."""
    import inspect

    import polars as pl

    caught: list[BaseException] = []

    def key(value: int) -> int:  # called by Polars: its frames lie below this one
        try:
            stopping.ask(inspect.currentframe())
        except BaseException as exc:
            caught.append(exc)
        return value

    try:
        pl.Series([1, 2]).map_elements(key, return_dtype=pl.Int64)
        assert caught == []
        with pytest.raises(stopping.Terminated):
            stopping.check()
    finally:
        stopping.forget()
    with pytest.raises(stopping.Terminated):
        stopping.ask(inspect.currentframe())  # outside Polars: raised where it is
    stopping.forget()


def test_a_dropped_stop_keeps_the_output_out_of_place(dropped_stop, tmp_path: Path):
    staging = tmp_path / "staging"
    staging.mkdir()
    (staging / "manifest.json").write_text("{}")
    with pytest.raises(stopping.Terminated):
        swap_in(staging, tmp_path / "bundle", overwrite=False)
    assert not (tmp_path / "bundle").exists()
    with pytest.raises(stopping.Terminated):
        write_atomic(tmp_path / "export.md", "# afscope export\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["staging"]  # no temporary file


def test_import_after_a_dropped_stop_exits_143_and_leaves_nothing(dropped_stop, tmp_path):
    src = full_folder(tmp_path / "tree" / "problem_1")
    out = tmp_path / "out" / "b"
    assert main(["import", str(src), str(out)]) == EXIT_TERMINATED
    assert not out.exists()
    assert not [p for p in out.parent.iterdir() if p.name.startswith(STAGING_PREFIX)]


def test_other_threads_are_not_stopped(dropped_stop):
    raised: list[BaseException] = []

    def work() -> None:
        try:
            stopping.check()
        except BaseException as exc:
            raised.append(exc)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert raised == []
    with pytest.raises(stopping.Terminated):
        stopping.check()  # the main thread is


def test_a_stop_while_held_is_raised_at_the_end_of_the_block():
    reached = []
    try:
        with pytest.raises(stopping.Terminated), stopping.held():
            stopping.ask()  # not raised here
            reached.append("end of block")
    finally:
        stopping.forget()
    assert reached == ["end of block"]


def test_staging_a_stop_left_behind_is_removed(tmp_path: Path):
    """A stop between a staging folder being made and its owner's cleanup."""
    from afscope.bundle.target import remove_own_staging, staging_dir

    made = staging_dir(tmp_path / "out" / "b", "import")
    assert made.is_dir()
    remove_own_staging()
    assert list((tmp_path / "out").iterdir()) == []
