"""Where ``afscope publish`` may write: never over the user's files, never into its input."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from support import tree_digest

from afscope.cli.main import main
from afscope.publish.site import MARKER, site_files


def publish(source: Path, out: Path, *extra: str) -> int:
    return main(["publish", str(source), str(out), *extra])


def leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.startswith(".afscope-")]


def test_new_and_empty_folders_are_written(tmp_path: Path, tiny_bundle: Path) -> None:
    assert publish(tiny_bundle, tmp_path / "deep" / "new") == 0
    assert (tmp_path / "deep" / "new" / "index.html").is_file()
    empty = tmp_path / "empty"
    empty.mkdir()
    assert publish(tiny_bundle, empty) == 0
    assert (empty / "index.html").is_file() and (empty / MARKER).is_file()
    assert leftovers(tmp_path) == []


def test_an_earlier_site_is_replaced_only_with_force(
    tmp_path: Path, tiny_bundle: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "site"
    assert publish(tiny_bundle, out) == 0
    assert publish(tiny_bundle, out, "--trace", "t1") == 2
    assert "use --force" in capsys.readouterr().err
    assert (out / "trace-0002.html").exists()
    assert publish(tiny_bundle, out, "--trace", "t1", "--force") == 0
    assert not (out / "trace-0002.html").exists()  # the old site's pages went with it
    assert sorted(site_files(out) or ()) == sorted(p.name for p in out.iterdir())
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("force", [False, True])
def test_a_users_folder_is_never_replaced(
    tmp_path: Path, tiny_bundle: Path, capsys: pytest.CaptureFixture[str], force: bool
) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    before = tree_digest(out)
    assert publish(tiny_bundle, out, *(["--force"] if force else [])) == 2
    assert "mine" in capsys.readouterr().err
    assert tree_digest(out) == before
    assert leftovers(tmp_path) == []


def test_a_site_with_a_users_file_added_is_refused(
    tmp_path: Path, tiny_bundle: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "site"
    assert publish(tiny_bundle, out) == 0
    (out / "my-notes.md").write_text("keep")
    before = tree_digest(out)
    assert publish(tiny_bundle, out, "--force") == 2
    assert "my-notes.md" in capsys.readouterr().err
    assert tree_digest(out) == before


@pytest.mark.parametrize(
    "files",
    [["../outside.txt"], ["/etc/passwd"], ["a/b"], "index.html", [1], ["..", "index.html"]],
)
def test_a_forged_marker_is_not_ours(tmp_path: Path, tiny_bundle: Path, files: object) -> None:
    out = tmp_path / "site"
    assert publish(tiny_bundle, out) == 0
    (out / MARKER).write_text(json.dumps({"written_by": "afscope publish", "files": files}))
    assert site_files(out) is None
    outside = tmp_path / "outside.txt"
    outside.write_text("keep")
    assert publish(tiny_bundle, out, "--force") == 2
    assert outside.read_text() == "keep" and (out / "index.html").exists()


def test_files_links_and_special_files_are_refused(tmp_path: Path, tiny_bundle: Path) -> None:
    file = tmp_path / "file.html"
    file.write_text("mine")
    assert publish(tiny_bundle, file, "--force") == 2
    assert file.read_text() == "mine"
    site = tmp_path / "site"
    assert publish(tiny_bundle, site) == 0
    link = tmp_path / "link"
    link.symlink_to(site, target_is_directory=True)
    assert publish(tiny_bundle, link, "--force") == 2
    assert link.is_symlink()
    (site / "inner").symlink_to(tmp_path)  # a link inside an earlier site: not ours
    assert publish(tiny_bundle, site, "--force") == 2
    assert (site / "inner").is_symlink()
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    assert publish(tiny_bundle, fifo, "--force") == 2
    assert fifo.exists()


def test_out_inside_or_holding_the_input_is_refused(
    tmp_path: Path, tiny_bundle: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = tree_digest(tiny_bundle)
    assert publish(tiny_bundle, tiny_bundle / "site") == 2
    assert "outside the input" in capsys.readouterr().err
    assert publish(tiny_bundle, tiny_bundle.parent, "--force") == 2
    assert publish(tiny_bundle, tiny_bundle, "--force") == 2
    assert tree_digest(tiny_bundle) == before
