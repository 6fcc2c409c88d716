"""The import stages sorted parts and streams them into the bundle when they follow one
another in trace order; otherwise the writer sorts. Either way the bundle is the same,
byte for byte, as one written from a single part."""

from __future__ import annotations

from pathlib import Path

import pytest
from ta_builders import rollout_folder

from afscope.readers import import_thought_anchors

ROLLOUTS = [[(True, 0.9), (False, 0.2), (None, None)], [(True, 0.5), (True, 0.95)]]


@pytest.mark.parametrize(
    "names",
    [
        ("a", "b", "c"),  # walk order is trace-id order: parts are streamed
        ("a", "a-b", "a.b"),  # "a/..." is walked first but sorts after "a-b/...": a sort
    ],
)
def test_parts_give_the_bundle_of_one_part(tmp_path: Path, names: tuple[str, ...]) -> None:
    root = tmp_path / "runs"
    for n, name in enumerate(names):
        rollout_folder(root / name / f"problem_{n}", ROLLOUTS)
    one = import_thought_anchors(root, tmp_path / "one", batch=1000).path
    parts = import_thought_anchors(root, tmp_path / "parts", batch=1).path
    files = sorted(p.name for p in one.iterdir())
    assert files == sorted(p.name for p in parts.iterdir())
    assert "resamples.parquet" in files
    for name in files:
        assert (one / name).read_bytes() == (parts / name).read_bytes(), name
