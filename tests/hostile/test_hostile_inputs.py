"""Every hostile or broken input: exit 0 with correct, clean output or exit 2 naming the file.

Never a traceback, never an escape or C1 byte on the terminal, never a write to the input,
and the explorer's load path raises nothing but ``BundleError``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hostile_cases import CASES, Case

from afscope.cli.main import main
from afscope.problems import BundleError

COMMANDS = (["info"], ["info", "--json"], ["validate"], ["export"], ["compute"], ["publish"])
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
"""Bytes a terminal must never receive from data: C0 (but tab/newline), DEL, C1, bidi."""


def snapshot(root: Path) -> dict[str, tuple[str, int]]:
    """Content hash and mtime of every file and folder below ``root``."""
    out: dict[str, tuple[str, int]] = {}
    for current, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(current) / name
            stat = path.lstat()
            digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""
            out[os.fsencode(path).hex()] = (digest, stat.st_mtime_ns)
    return out


def assert_clean(text: str) -> None:
    assert "Traceback" not in text
    assert "unexpected error" not in text
    bad = UNSAFE.search(text)
    assert bad is None, f"unsafe character {bad.group()!r} in output: {text[:300]!r}"


def mentioned(case: Case, err: str) -> bool:
    return case.file is None or case.file in err


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_cli_on_hostile_input(case: Case, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    inputs = tmp_path / "in"
    path = case.build(inputs)
    before = snapshot(inputs)
    codes = {}
    for i, command in enumerate(COMMANDS):
        output = [str(tmp_path / f"out{i}")] if command in (["compute"], ["publish"]) else []
        code = main([*command, str(path), *output])
        out, err = capsys.readouterr()
        name = " ".join(command)
        codes[name] = code
        assert code in (0, 2), f"{name}: exit {code}: {err}"
        assert_clean(out)
        assert_clean(err)
        if code == 2 and name == "compute" and case.name.startswith("ta-"):
            assert "no outcome labels" in err  # web-viewer folders hold no rollout labels
            codes.pop(name)
        elif code == 2:
            assert not case.valid, f"{name} refused a valid input: {err}"
            assert mentioned(case, err), f"{name}: the message does not name {case.file}: {err}"
            assert out == "" or name in ("validate", "compute")
        elif command == ["info", "--json"]:
            data = json.loads(out)
            assert data["trace_count"] == case.traces
        elif command == ["info"]:
            assert f"{case.traces} trace" in out
        elif command == ["publish"]:  # every page free of escape and control characters
            for page in (tmp_path / f"out{i}").glob("*.html"):
                assert_clean(page.read_text(encoding="utf-8").replace("\t", " "))
    if case.valid:
        assert set(codes.values()) == {0}
    elif not case.maybe_valid:
        assert codes["validate"] == 2, "validate must report every broken input"
    assert snapshot(inputs) == before, "reading must never write to the input"


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_explorer_load_raises_only_bundle_errors(case: Case, tmp_path: Path) -> None:
    from afscope.explore.browser import browser_rows
    from afscope.explore.detail import sentence_detail
    from afscope.explore.plot_data import rate_curves
    from afscope.explore.scores import most_important, score_sentences
    from afscope.explore.settings import default_settings
    from afscope.explore.trace_data import load_trace
    from afscope.readers import open_source

    path = case.build(tmp_path)
    try:
        opened = open_source(path)
        bundle = opened.bundle
        settings = default_settings(bundle.outcomes, bundle.metrics)
        for trace_id in bundle.trace_ids():
            data = load_trace(bundle, trace_id)
            scores = score_sentences(data, settings)
            rate_curves(data, 60)
            if data.sentences.height:
                sentence_detail(data, most_important(scores), settings.outcome)
        browser_rows(bundle, settings.outcome, settings.metric)
    except BundleError as exc:
        assert not case.valid, f"a valid input was refused: {exc}"
        assert mentioned(case, str(exc))


SUBPROCESS_CASES = [
    c
    for c in CASES
    if c.id in {"names-escape-in-folder", "corrupt-bitflip-rates-0.5", "manifest-5000-digits"}
]


@pytest.mark.parametrize("case", SUBPROCESS_CASES, ids=[c.id for c in SUBPROCESS_CASES])
def test_console_on_hostile_input(case: Case, tmp_path: Path) -> None:
    path = case.build(tmp_path)
    for command in (["info"], ["validate"]):
        run = subprocess.run(
            [sys.executable, "-m", "afscope", *command, str(path)],
            capture_output=True,
            check=False,
        )
        assert run.returncode in (0, 2)
        assert (run.returncode == 0) == case.valid
        for stream in (run.stdout, run.stderr):
            text = stream.decode("utf-8", "surrogateescape")
            assert_clean(text)
