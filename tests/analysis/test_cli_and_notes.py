"""Golden outputs of ``afscope rank``/``afscope tags`` on the sample, category rules,
filters, and the notes file (persisted, reloaded, corrupt files set aside)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from afscope.analysis.categories import load_rules
from afscope.analysis.notes import default_notes_path, load_notes
from afscope.cli.main import main
from afscope.problems import BundleError
from afscope.sample import sample_bundle_path

GOLDEN = Path(__file__).parent.parent / "golden"
RULES = Path(__file__).parents[2] / "sample_data" / "alignment_faking_categories.toml"


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    sample = str(sample_bundle_path())
    return code, out.replace(sample, "SAMPLE"), err


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("sample_tags.md", ["tags", "--format", "markdown"]),
        (
            "sample_tags_categories.md",
            [
                "tags",
                "--by",
                "categories",
                "--categories",
                str(RULES),
                "--format",
                "markdown",
                "--compare",
                "condition=free,paid",
            ],
        ),
        ("sample_rank_top10.md", ["rank", "--top", "10", "--format", "markdown"]),
    ],
)
def test_golden(capsys: pytest.CaptureFixture[str], name: str, args: list[str]) -> None:
    code, out, _ = _run(capsys, *args)
    assert code == 0
    golden = GOLDEN / name
    if not golden.exists():  # first run writes it; review the diff
        golden.write_text(out, encoding="utf-8")
    assert out == golden.read_text(encoding="utf-8")


def test_categories_show_the_posts_finding(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(
        capsys, "tags", "--by", "categories", "--categories", str(RULES), "--format", "jsonl"
    )
    assert code == 0
    rows = {r["group"]: r for r in map(json.loads, out.splitlines())}
    for category in ("training_objective_restated", "monitoring_noticed", "rlhf_changing_values"):
        assert rows[category]["ci_low"] > 0, category  # promotes alignment faking


def test_rank_directions_and_filters(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = _run(
        capsys,
        "rank",
        "--direction",
        "suppresses",
        "--top",
        "3",
        "--format",
        "jsonl",
        "--where",
        "condition=paid",
        "--where",
        "alignment_faking=yes",
    )
    rows = [json.loads(line) for line in out.splitlines()]
    values = [r["value"] for r in rows]
    assert values == sorted(values) and values[0] < 0
    assert all(r["condition"] == "paid" for r in rows)
    code, _, err = _run(capsys, "rank", "--where", "nosuch=1")
    assert code == 2 and "unknown filter field 'nosuch'" in err


def test_bad_rules_exit_2_naming_file_category_pattern(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "rules.toml"
    bad.write_text('monitoring = ["being (monitored"]\n')
    code, _, err = _run(capsys, "tags", "--categories", str(bad))
    assert code == 2
    assert str(bad) in err and "'monitoring'" in err and "being (monitored" in err
    bad.write_text("monitoring = [\n")
    code, _, err = _run(capsys, "rank", "--categories", str(bad))
    assert code == 2 and "not valid TOML" in err
    with pytest.raises(BundleError):
        load_rules(tmp_path / "missing.toml")


def test_notes_roundtrip_and_by_notes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "notes.json"
    notes = load_notes(path)
    notes.toggle_category(("01-original-free", 4), "turning point")
    notes.set_note(("01-original-free", 4), "\x1b[2J restates [bold]monitoring")
    notes.selection = {("01-original-free", 4), ("02-original-free", 1)}
    notes.last = ("02-original-free", 1)
    notes.save((sample_bundle_path(),))
    again = load_notes(path)
    assert again.sentences == notes.sentences
    assert again.selection == notes.selection and again.last == notes.last
    code, out, _ = _run(capsys, "tags", "--by", "notes", "--notes", str(path), "--format", "jsonl")
    assert code == 0
    groups = [json.loads(line)["group"] for line in out.splitlines()]
    assert "turning point" in groups and "\x1b" not in out
    with pytest.raises(BundleError):  # never inside the bundle
        notes.path = sample_bundle_path() / "notes.json"
        notes.save((sample_bundle_path(),))


def test_corrupt_notes_are_set_aside(tmp_path: Path) -> None:
    path = tmp_path / "notes.json"
    path.write_text("{not json")
    notes = load_notes(path)
    assert notes.warning is not None and "kept as" in notes.warning
    aside = list(tmp_path.glob("notes.json.corrupt-*"))
    assert len(aside) == 1 and aside[0].read_text() == "{not json"
    assert not path.exists() and notes.sentences == {}
    path.write_text(json.dumps({"format": "afscope-notes", "sentences": [{"trace_id": 3}]}))
    assert load_notes(path).warning is not None


def test_default_notes_path_is_per_source(tmp_path: Path) -> None:
    env = {"XDG_DATA_HOME": str(tmp_path)}
    one = default_notes_path(tmp_path / "a", env)
    assert one.parent == tmp_path / "afscope" / "notes"
    assert one != default_notes_path(tmp_path / "b", env)
