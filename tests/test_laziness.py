"""Opening a bundle reads the manifest and trace list, never the raw resamples."""

from pathlib import Path

import pytest

from afscope.bundle import Bundle
from afscope.problems import BundleError
from afscope.summary import summarize


def _poison(path: Path) -> None:
    path.write_bytes(b"this is not parquet" * 10)


def test_open_and_first_screen_do_not_touch_resamples(tiny_bundle: Path):
    _poison(tiny_bundle / "resamples.parquet")
    bundle = Bundle.open(tiny_bundle)
    assert bundle.trace_ids() == ["t1", "t2"]
    assert bundle.sentences("t1").height == 3
    assert bundle.for_trace("rates", "t1").height == 3
    assert bundle.for_trace("importance", "t1").height == 2
    with pytest.raises(BundleError) as exc:
        bundle.read("resamples")
    assert "resamples.parquet" in str(exc.value)
    assert "unreadable Parquet" in str(exc.value)


def test_opening_does_not_read_the_sentence_table(tiny_bundle: Path):
    _poison(tiny_bundle / "sentences.parquet")
    bundle = Bundle.open(tiny_bundle)
    assert bundle.traces.height == 2


def test_summary_without_resamples_falls_back_to_rate_counts(tiny_bundle: Path):
    (tiny_bundle / "resamples.parquet").unlink()
    manifest = (tiny_bundle / "manifest.json").read_text()
    (tiny_bundle / "manifest.json").write_text(
        manifest.replace('"resamples": "resamples.parquet",', "")
    )
    summary = summarize(Bundle.open(tiny_bundle))
    assert {t["trace_id"]: t["rollouts"] for t in summary["traces"]} == {"t1": 30, "t2": None}


def test_a_table_swapped_after_opening_is_named(tiny_bundle):
    """A file replaced by another valid table after its schema was checked is refused by
    name, not read with the old schema (the explorer shows this as its error screen)."""
    import shutil

    import pytest

    from afscope.explore.trace_data import load_trace
    from afscope.problems import BundleError

    bundle = Bundle.open(tiny_bundle)
    load_trace(bundle, "t1")  # every table's schema is checked and remembered
    shutil.copyfile(tiny_bundle / "traces.parquet", tiny_bundle / "sentences.parquet")
    with pytest.raises(BundleError, match="changed on disk since afscope opened it") as caught:
        load_trace(bundle, "t1")
    assert caught.value.problems[0].file.endswith("sentences.parquet")


def test_the_explorer_start_loads_no_other_screen_export_or_analysis():
    """What the first screen does not need is imported on first use (first paint)."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "import afscope.cli.main, afscope.cli.explore_cmd, afscope.tui.app\n"
        "print(' '.join(sorted(sys.modules)))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(run.stdout.split())
    assert "afscope.tui.screens.explorer" in loaded
    not_at_start = {
        "afscope.tui.screens.browser",
        "afscope.tui.screens.compare",
        "afscope.tui.screens.conditions",
        "afscope.tui.screens.rank",
        "afscope.tui.screens.tag_stats",
        "afscope.tui.screens.help",
        "afscope.tui.screens.export_dialog",
        "afscope.tui.screens.annotate",
        "afscope.tui.exporting",
        "afscope.export.run",
        "afscope.analysis.conditions",
        "afscope.analysis.compare",
        "afscope.analysis.rank",
        "afscope.analysis.tags",
        "afscope.metrics",
        "afscope.figures",
        "afscope.publish",
        "afscope.readers.thought_anchors.tree",
        "afscope.readers.thought_anchors.folder",
        "afscope.bundle.writer",
        "afscope.bundle.target",
        "afscope.tui.screens.error",
        "afscope.export.records",
        "tomllib",
        "numpy",
    }
    assert sorted(not_at_start & loaded) == []


def test_the_parser_reads_the_version_only_for_version(capsys):
    """Reading the package metadata cost every start a few ms; ``--version`` still says it."""
    import afscope
    from afscope.cli.main import build_parser

    afscope._version.cache_clear()
    parser = build_parser("open")
    assert afscope._version.cache_info().misses == 0
    with pytest.raises(SystemExit):
        parser.parse_args(["--version"])
    assert capsys.readouterr().out.strip() == f"afscope {afscope.__version__}"
