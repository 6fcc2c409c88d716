"""Shared fixtures."""

from __future__ import annotations

import os
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
    """The explorer keeps notes under $XDG_DATA_HOME and reads its config from
    $XDG_CONFIG_HOME and $XDG_STATE_HOME: never the user's own during tests, and no
    ``AFSCOPE_*`` setting of the developer's shell."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("xdg-data")))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("xdg-config")))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path_factory.mktemp("xdg-state")))
    for name in list(os.environ):
        if name.startswith("AFSCOPE_") and name != "AFSCOPE_CI_VENV":
            monkeypatch.delenv(name)
