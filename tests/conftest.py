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
