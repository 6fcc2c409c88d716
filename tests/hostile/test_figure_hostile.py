"""``afscope figure`` on every hostile or broken input: exit 0 with a valid figure or 2
naming the problem; never a traceback, an escape byte on the terminal or a changed input."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hostile_cases import CASES, Case
from test_hostile_inputs import assert_clean, snapshot

from afscope.cli.main import main
from afscope.problems import BundleError
from afscope.readers import open_source

pytest.importorskip("matplotlib")


def _first_trace(path: Path) -> str:
    try:
        ids = open_source(path).bundle.trace_ids()
    except BundleError:
        return "t"
    return ids[0] if ids else "t"


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_figure_on_hostile_input(case: Case, tmp_path: Path, capsys) -> None:
    inputs = tmp_path / "in"
    path = case.build(inputs)
    before = snapshot(inputs)
    trace = _first_trace(path)
    for kind in ("rates", "conditions", "tags"):
        out = tmp_path / f"{kind}.svg"
        extra = ["--bootstrap", "20"] if kind == "tags" else []
        code = main(["figure", str(path), "--kind", kind, "--trace", trace, "-o", str(out), *extra])
        stdout, err = capsys.readouterr()
        assert code in (0, 2), f"{kind}: exit {code}: {err}"
        assert_clean(stdout)
        assert_clean(err)
        if code == 0:
            ET.fromstring(out.read_bytes())
        else:
            assert not out.exists()
    assert snapshot(inputs) == before, "a figure must never write to the input"
