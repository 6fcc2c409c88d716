"""What the command line says: PATH help, the message for a folder no format reads (the
same from every command), and ``info`` written to a pipe (nothing cut, columns sized to
their content)."""

from __future__ import annotations

import json

import pytest
from ta_builders import web_folder, write_json

from afscope.cli.main import COMMANDS, main
from afscope.cli.table import format_table


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_path_help_says_thought_anchors_folders_work(command, capsys):
    with pytest.raises(SystemExit):
        main([command, "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "a result bundle folder" not in out
    if command == "import":
        assert "Thought Anchors problem folder or any folder above many" in out
    else:
        assert "Thought Anchors" in out, command


def test_top_level_help_says_what_path_is(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "PATH (or SRC) is a result bundle or Thought Anchors results" in out
    assert "bundle" not in out.split("COMMAND")[2].split("import")[0]  # open/validate/info


def _neither(tmp_path):
    folder = tmp_path / "notes"
    (folder / "drafts").mkdir(parents=True)
    (folder / "todo.txt").write_text("x", encoding="utf-8")
    return folder


@pytest.mark.parametrize("kind", ["folder", "file"])
def test_validate_explains_a_folder_that_is_neither_as_info_does(tmp_path, capsys, kind):
    path = _neither(tmp_path)
    if kind == "file":
        path = path / "todo.txt"
    assert main(["info", str(path)]) == 2
    info_err = capsys.readouterr().err
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert info_err.splitlines()[0] in err.splitlines()
    if kind == "folder":
        assert "no manifest.json" in err and "no chunks_labeled.json or chunks.json" in err
        assert "found 1 file (todo.txt) and 1 folder (drafts)" in err
    else:
        assert "not a folder (expected a result bundle or a Thought Anchors results folder)" in err
    assert err.rstrip().endswith("invalid (1 problem)")


def test_an_empty_folder_is_called_empty(tmp_path, capsys):
    assert main(["validate", str(tmp_path)]) == 2
    assert "the folder is empty" in capsys.readouterr().err


def test_info_into_a_pipe_cuts_nothing_and_sizes_columns_to_content(tmp_path, capsys):
    folder = web_folder(tmp_path / "problem_1")
    query = "What is 3 + 4? " + "Explain every step slowly and carefully. " * 6
    write_json(folder / "problem.json", {"problem": query})
    assert main(["info", str(folder)]) == 0  # capsys: stdout is not a terminal
    out = capsys.readouterr().out
    assert query.strip() in out
    assert "…" not in out
    lines = out.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("trace "))
    rule = lines[header + 1].split()
    assert len(rule[-1]) == len(query.strip())  # the query column's rule: its content


def test_info_json_is_unchanged_by_the_table_width(tmp_path, capsys):
    folder = web_folder(tmp_path / "problem_1")
    assert main(["info", "--json", str(folder)]) == 0
    assert json.loads(capsys.readouterr().out)["traces"][0]["query"] == "What is 3 + 4?"


def test_the_sample_interval_column_is_not_padded(capsys):
    assert main(["info"]) == 0
    lines = capsys.readouterr().out.splitlines()
    header = next(i for i, line in enumerate(lines) if line.endswith("95% interval"))
    assert lines[header + 1].split()[-1] == "-" * len("[0.008, 0.031]")


def test_a_terminal_width_still_cuts_the_last_column():
    lines = format_table(["id", "query"], [["t1", "a long query " * 10]], 30)
    assert all(len(line) <= 30 for line in lines)
    assert lines[2].endswith("…")
    assert lines[1] == "--  " + "-" * 26
    assert format_table(["id", "q"], [["t1", "short"]], 30)[1] == "--  -----"
