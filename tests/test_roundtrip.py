from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal
from support import tiny_manifest, tiny_tables, tree_digest

from afscope.bundle import Bundle, BundleTables, write_bundle
from afscope.bundle.normalize import normalize
from afscope.bundle.validate import validate_bundle
from afscope.problems import BundleError


def _assert_tables_equal(written: BundleTables, read: BundleTables, outcomes: list[str]) -> None:
    for name, frame in written.present().items():
        got = getattr(read, name)
        assert got is not None, name
        assert_frame_equal(got, normalize(name, frame, outcomes))


def test_write_then_read_gives_the_same_tables(tiny_bundle: Path):
    bundle = Bundle.open(tiny_bundle)
    _assert_tables_equal(tiny_tables(), bundle.load(), bundle.outcomes)
    assert bundle.manifest.tables["resamples"] == "resamples.parquet"
    assert validate_bundle(tiny_bundle) == []


def test_missing_optional_tables_read_as_none(tmp_path: Path):
    tables = tiny_tables()
    only = BundleTables(traces=tables.traces, sentences=tables.sentences)
    bundle = Bundle.open(write_bundle(tmp_path / "b", tiny_manifest(), only))
    assert bundle.read("resamples") is None
    assert bundle.scan("rates") is None
    assert sorted(p.name for p in (tmp_path / "b").iterdir()) == [
        "manifest.json",
        "sentences.parquet",
        "traces.parquet",
    ]


def test_existing_target_is_not_overwritten_unless_asked(tiny_bundle: Path):
    before = tree_digest(tiny_bundle)
    with pytest.raises(BundleError, match="already exists"):
        write_bundle(tiny_bundle, tiny_manifest(), tiny_tables())
    assert tree_digest(tiny_bundle) == before
    write_bundle(tiny_bundle, tiny_manifest(title="again"), tiny_tables(), overwrite=True)
    assert Bundle.open(tiny_bundle).manifest.title == "again"
    assert not [p for p in tiny_bundle.parent.iterdir() if p.name.startswith(".")]


def test_sentences_of_one_trace_come_back_in_order(tiny_bundle: Path):
    frame = Bundle.open(tiny_bundle).sentences("t1")
    assert frame["sentence_idx"].to_list() == [0, 1, 2]
    rebuilt = "".join(t + s for t, s in zip(frame["text"], frame["separator"], strict=True))
    assert rebuilt == "First. I am monitored. I comply."


texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    sentences=st.lists(
        st.tuples(texts, texts, st.lists(texts, max_size=3)), min_size=1, max_size=12
    ),
    label=st.sampled_from([True, False, None]),
)
def test_round_trip_preserves_arbitrary_text(tmp_path_factory, sentences, label):
    root = tmp_path_factory.mktemp("rt") / "b"
    tables = BundleTables(
        traces=pl.DataFrame(
            {
                "trace_id": ["x"],
                "n_sentences": [len(sentences)],
                "outcome.compliance": pl.Series([label], dtype=pl.Boolean),
            }
        ),
        sentences=pl.DataFrame(
            {
                "trace_id": ["x"] * len(sentences),
                "sentence_idx": list(range(len(sentences))),
                "text": [s[0] for s in sentences],
                "separator": [s[1] for s in sentences],
                "tags": [s[2] for s in sentences],
            },
            schema_overrides={"tags": pl.List(pl.String)},
        ),
    )
    manifest = tiny_manifest()
    write_bundle(root, manifest, tables)
    read = Bundle.open(root).load()
    _assert_tables_equal(tables, read, manifest.outcome_names)
    assert validate_bundle(root) == []
