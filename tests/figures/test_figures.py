"""Figures: their data (golden JSON and hand-checked numbers), the files, the output rules.

Pixels are never compared: the data a renderer draws is, and each format is checked to
be a valid file carrying afscope's mark.
"""

from __future__ import annotations

import os
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import polars as pl
import pytest
from support import tiny_manifest, tiny_tables

from afscope.analysis.categories import load_rules
from afscope.analysis.frame import check_choice, sentence_frame
from afscope.bundle import Bundle, BundleTables, OutcomeSpec, write_bundle
from afscope.cli.main import main
from afscope.figures.conditions import conditions_figure
from afscope.figures.model import figure_json
from afscope.figures.output import is_afscope_figure
from afscope.figures.rates import rates_figure
from afscope.figures.render import render
from afscope.figures.tags import tags_figure
from afscope.sample import sample_bundle_path, source_label

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
UPDATE = os.environ.get("AFSCOPE_UPDATE_GOLDEN") == "1"
CATEGORIES = (
    Path(__file__).resolve().parents[2] / "sample_data" / "alignment_faking_categories.toml"
)
MAGIC = {"png": b"\x89PNG\r\n\x1a\n", "pdf": b"%PDF-"}


@pytest.fixture(scope="module")
def sample() -> Bundle:
    return Bundle.open(sample_bundle_path())


def _check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"missing golden file {name}: run with AFSCOPE_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from its golden file"


# -- the data -----------------------------------------------------------------------------
def test_golden_rates_figure(sample):
    label = source_label(sample_bundle_path())
    figure = rates_figure(sample, "01-original-free", source=label)
    _check_golden("figure_rates_01.json", figure_json(figure))


def test_golden_conditions_figure(sample):
    figure = conditions_figure(sample, source=source_label(sample_bundle_path()))
    _check_golden("figure_conditions.json", figure_json(figure))


def test_golden_tags_figure(sample):
    choice = check_choice(sample, None, None)
    frame = sentence_frame(sample, choice, rules=load_rules(CATEGORIES))
    figure = tags_figure(
        frame,
        "categories",
        outcome=choice.outcome,
        metric=choice.metric,
        draws=300,
        source=source_label(sample_bundle_path()),
    )
    _check_golden("figure_tags_categories.json", figure_json(figure))


def test_rates_figure_holds_the_bundles_numbers(tiny_bundle):
    figure = rates_figure(Bundle.open(tiny_bundle), "t1", metric="resampling", top=1)
    assert figure.marks_outcome == "compliance" and figure.metric == "resampling"
    [series] = figure.series  # alignment_faking has no rates for t1
    assert (series.outcome, series.x, series.rate) == ("compliance", [0, 1, 2], [0.1, 0.5, 0.9])
    assert (series.low, series.high) == ([0.0, 0.2, 0.6], [0.4, 0.8, 1.0])
    marks = [(m.sentence_idx, m.direction, m.strength) for m in figure.marks]
    assert marks == [(0, "promotes", 1.0), (1, "suppresses", 1.0), (2, "unknown", 0.0)]
    [first] = figure.numbered  # top 1: ties go to the earlier sentence
    assert (first.sentence_idx, first.signed, first.text) == (0, 0.4, "First.")


def test_sentences_are_coloured_for_the_first_outcome_the_trace_has_values_for(tmp_path):
    manifest = tiny_manifest(
        outcomes=(OutcomeSpec(name="alignment_faking"), OutcomeSpec(name="compliance"))
    )
    bundle = Bundle.open(write_bundle(tmp_path / "b", manifest, tiny_tables()))
    figure = rates_figure(bundle, "t1", metric="resampling")
    assert figure.marks_outcome == "compliance"  # t1 has no alignment_faking values
    assert [m.direction for m in figure.marks] == ["promotes", "suppresses", "unknown"]
    chosen = rates_figure(bundle, "t1", outcomes=["alignment_faking"], metric="resampling")
    assert chosen.marks_outcome == "alignment_faking"  # asked for: kept, marks empty
    assert {m.direction for m in chosen.marks} == {"unknown"} and chosen.numbered == []


def test_rates_figure_numbers_the_top_sentences_by_importance(sample):
    figure = rates_figure(sample, "03-original-free", outcomes=["compliance"], top=4)
    assert figure.marks_outcome == "compliance"
    importance = sample.read("importance").filter(
        (pl.col("trace_id") == "03-original-free")
        & (pl.col("outcome") == "compliance")
        & (pl.col("metric") == "counterfactual")
        & pl.col("importance").is_not_null()
    )
    if "low_evidence" in importance.columns:
        importance = importance.filter(~pl.col("low_evidence").fill_null(False))
    expected = importance.sort(["importance", "sentence_idx"], descending=[True, False]).head(4)
    assert {n.sentence_idx for n in figure.numbered} == set(expected["sentence_idx"].to_list())
    for item in figure.numbered:
        assert item.direction == ("promotes" if item.signed > 0 else "suppresses")


def test_unknown_names_are_input_errors(sample, capsys):
    assert main(["figure", "--trace", "nope", "-o", "x.svg"]) == 2
    assert "unknown trace 'nope'" in capsys.readouterr().err
    code = main(["figure", "--trace", "01-original-free", "--outcome", "zz", "-o", "x.svg"])
    assert code == 2 and "unknown outcome 'zz'" in capsys.readouterr().err
    assert main(["figure", "--kind", "rates", "-o", "x.svg"]) == 2
    assert "needs --trace" in capsys.readouterr().err
    assert main(["figure", "--kind", "conditions", "-o", "x.gif"]) == 2
    assert ".svg, .png, .pdf" in capsys.readouterr().err


# -- the files ----------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["svg", "png", "pdf"])
@pytest.mark.parametrize("kind", ["rates", "conditions", "tags"])
def test_each_format_writes_a_valid_marked_file(tmp_path, kind, fmt):
    out = tmp_path / f"figure.{fmt}"
    args = ["figure", "--kind", kind, "--trace", "02-original-free", "-o", str(out)]
    assert main([*args, *(["--bootstrap", "50"] if kind == "tags" else [])]) == 0
    data = out.read_bytes()
    if fmt == "svg":
        root = ET.fromstring(data)
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
    else:
        assert data.startswith(MAGIC[fmt])
    assert is_afscope_figure(out)
    assert [p.name for p in tmp_path.iterdir()] == [out.name]  # no temporary file left


def test_force_replaces_only_an_earlier_figure(tmp_path, capsys):
    out = tmp_path / "c.png"
    args = ["figure", "--kind", "conditions", "-o", str(out)]
    assert main(args) == 0
    first = out.read_bytes()
    assert main(args) == 2 and "already exists" in capsys.readouterr().err
    assert main([*args, "--force"]) == 0 and out.read_bytes() == first
    mine = tmp_path / "mine.png"
    mine.write_bytes(MAGIC["png"] + b"a user's picture")
    assert main(["figure", "--kind", "conditions", "-o", str(mine), "--force"]) == 2
    assert "not an earlier afscope figure" in capsys.readouterr().err
    assert mine.read_bytes() == MAGIC["png"] + b"a user's picture"


def test_a_figure_is_never_written_into_the_input(tiny_bundle, capsys):
    out = tiny_bundle / "f.svg"
    assert main(["figure", str(tiny_bundle), "--kind", "conditions", "-o", str(out)]) == 2
    assert "outside the input" in capsys.readouterr().err and not out.exists()


def test_other_files_are_not_taken_for_figures(tmp_path):
    for name, data in {
        "a.svg": b'<?xml version="1.0"?><svg>afscope figure</svg>',
        "b.pdf": b"%PDF-1.4 afscope figure",
        "c.png": MAGIC["png"] + b"afscope figure",
        "d.txt": b"tEXtSoftware\x00afscope figure",
    }.items():
        (tmp_path / name).write_bytes(data)
        assert not is_afscope_figure(tmp_path / name), name


def test_missing_matplotlib_names_the_extra(monkeypatch, tmp_path, capsys):
    for name in list(sys.modules):
        if name == "matplotlib" or name.startswith("matplotlib."):
            monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import raises ImportError
    out = tmp_path / "f.png"
    assert main(["figure", "--kind", "conditions", "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "pip install 'afscope[figures]'" in err and "Traceback" not in err
    assert not out.exists()


def test_hostile_names_are_drawn_as_text(tmp_path):
    hostile = "$\\alpha$ <b>&amp;</b> \x1b[31mred\x07"
    base = tiny_tables()
    tables = BundleTables(
        *(
            frame.with_columns(pl.col("trace_id").replace("t1", hostile))
            if frame is not None and "trace_id" in frame.columns
            else frame
            for frame in (
                base.traces,
                base.sentences.with_columns(pl.lit("$x$ -- <!-- \x1b]0;t\x07").alias("text")),
                base.rates,
                base.importance,
                base.resamples,
                base.evaluations,
                base.effects,
            )
        )
    )
    bundle = Bundle.open(write_bundle(tmp_path / "b", tiny_manifest(), tables))
    figure = rates_figure(bundle, hostile, metric="resampling")
    assert "\x1b" not in figure_json(figure) and "\x07" not in figure_json(figure)
    assert figure.numbered[0].text.startswith("$x$ -- <!--")
    svg = render(figure, "svg")
    ET.fromstring(svg)  # still well-formed XML
    assert b"\x1b" not in svg
    assert render(figure, "png").startswith(MAGIC["png"])


def test_the_data_layer_and_the_commands_import_no_matplotlib():
    import subprocess

    code = (
        "import sys\n"
        "import afscope.figures.model, afscope.figures.rates, afscope.figures.conditions\n"
        "import afscope.figures.tags, afscope.figures.output, afscope.figures.render\n"
        "import afscope.cli.figure_cmd, afscope.cli.serve_cmd\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'matplotlib', 'textual_serve'}))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"


def test_colors_option_draws_the_colour_blind_palette(tmp_path):
    from afscope.palette import COLOUR_BLIND, DEFAULT

    default, blind = tmp_path / "d.svg", tmp_path / "b.svg"
    args = ["figure", "--trace", "01-original-free", "--top", "3"]
    assert main([*args, "-o", str(default)]) == 0
    assert main([*args, "--colors", "colorblind", "-o", str(blind)]) == 0
    drawn = {p: p.read_text().lower() for p in (default, blind)}
    for palette, path in ((DEFAULT, default), (COLOUR_BLIND, blind)):
        assert palette.suppresses.lower() in drawn[path]  # the strip's suppressing marks
        assert palette.outcomes[0].lower() in drawn[path]  # the first outcome's line
    assert DEFAULT.suppresses.lower() not in drawn[blind]
