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
