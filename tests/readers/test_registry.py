"""The readers' seam: formats are found, opened and imported through one registry."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from support import tiny_manifest, tiny_tables
from ta_builders import web_folder

from afscope.bundle import Bundle, write_bundle
from afscope.problems import BundleError
from afscope.readers import (
    BUNDLE,
    THOUGHT_ANCHORS,
    ImportReport,
    OpenedSource,
    SourceFormat,
    detect,
    formats,
    import_source,
    open_source,
    register_format,
    registry,
)

TOY = "toy results file"


def _toy_import(src: Path, out: Path, strict: bool, overwrite: bool) -> ImportReport:
    """A second format: one text file, each line a sentence of one trace."""
    lines = src.read_text(encoding="utf-8").splitlines()
    tables = tiny_tables()
    tables.traces = tables.traces.head(1).with_columns(n_sentences=pl.lit(len(lines)))
    tables.sentences = pl.DataFrame(
        {"trace_id": ["t1"] * len(lines), "sentence_idx": range(len(lines)), "text": lines}
    )
    tables.rates = tables.importance = tables.resamples = tables.effects = None
    tables.evaluations = None
    write_bundle(out, tiny_manifest(), tables, overwrite=overwrite)
    return ImportReport(out, 1)


def _toy_open(path: Path, kind: str, strict: bool) -> OpenedSource:
    out = registry.temporary_bundle_dir()
    return OpenedSource(Bundle.open(_toy_import(path, out, strict, False).path), kind, path)


TOY_FORMAT = SourceFormat(
    name="toy",
    noun="a toy file",
    detect=lambda p: TOY if p.suffix == ".toy" and p.is_file() else None,
    open=_toy_open,
    missing="no toy file",
    import_bundle=_toy_import,
)


@pytest.fixture
def with_toy(monkeypatch):
    monkeypatch.setattr(registry, "_FORMATS", list(registry.formats()))
    register_format(TOY_FORMAT)


def test_built_in_formats_in_order():
    assert [f.name for f in formats()] == ["bundle", "thought-anchors"]


def test_a_second_format_is_detected_opened_and_imported(tmp_path, with_toy):
    src = tmp_path / "run.toy"
    src.write_text("First.\nSecond.\n", encoding="utf-8")
    assert detect(src) == TOY
    opened = open_source(src)
    assert opened.kind == TOY
    assert opened.bundle.sentences("t1")["text"].to_list() == ["First.", "Second."]
    report = import_source(src, tmp_path / "out")
    assert Bundle.open(report.path).traces["n_sentences"].to_list() == [2]
    # the built-in formats still win for their own inputs
    assert detect(web_folder(tmp_path / "problem_1")) == THOUGHT_ANCHORS


def test_registering_the_same_name_replaces_it(with_toy):
    register_format(TOY_FORMAT)
    assert [f.name for f in formats()] == ["bundle", "thought-anchors", "toy"]


def test_unreadable_paths_name_every_format(tmp_path, with_toy, tiny_bundle):
    (tmp_path / "empty").mkdir()
    with pytest.raises(BundleError) as exc:
        open_source(tmp_path / "empty")
    message = str(exc.value)
    assert "no manifest.json" in message and "no chunks_labeled.json" in message
    assert "no toy file" in message
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(BundleError, match="not a folder"):
        open_source(tmp_path / "notes.txt")
    with pytest.raises(BundleError, match="does not exist"):
        open_source(tmp_path / "missing")
    assert detect(tiny_bundle) == BUNDLE
    with pytest.raises(BundleError, match="already a result bundle; nothing to import"):
        import_source(tiny_bundle, tmp_path / "o")
