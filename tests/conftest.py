"""Shared fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import tiny_manifest, tiny_tables

from afscope.bundle import write_bundle


@pytest.fixture
def tiny_bundle(tmp_path: Path) -> Path:
    """A valid bundle with two traces and every optional table."""
    return write_bundle(tmp_path / "tiny", tiny_manifest(), tiny_tables())


@pytest.fixture(autouse=True)
def _private_notes(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The explorer keeps notes under $XDG_DATA_HOME: never the user's own during tests."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("xdg-data")))
