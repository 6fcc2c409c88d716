"""Bundles shared by the explore tests: the bundled sample, opened once."""

from __future__ import annotations

import pytest

from afscope.bundle.reader import Bundle
from afscope.explore.state import ExplorerState
from afscope.explore.trace_data import TraceData, load_trace
from afscope.sample import sample_bundle_path


@pytest.fixture(scope="session")
def sample() -> Bundle:
    return Bundle.open(sample_bundle_path())


@pytest.fixture
def state(sample: Bundle) -> ExplorerState:
    """A fresh state on the sample with its first trace open."""
    fresh = ExplorerState(sample)
    fresh.open_trace(fresh.trace_ids[0])
    return fresh


@pytest.fixture(scope="session")
def first_trace(sample: Bundle) -> TraceData:
    return load_trace(sample, sample.trace_ids()[0])
