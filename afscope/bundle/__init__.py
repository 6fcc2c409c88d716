"""The afscope result bundle: manifest, tables, writer, lazy reader and validation."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from afscope.bundle.manifest import SCHEMA_VERSION, Manifest, MetricSpec, OutcomeSpec
from afscope.bundle.reader import Bundle
from afscope.bundle.schema import outcome_column
from afscope.bundle.tables import BundleTables

if TYPE_CHECKING:
    from afscope.bundle.writer import write_bundle

__all__ = [
    "SCHEMA_VERSION",
    "Bundle",
    "BundleTables",
    "Manifest",
    "MetricSpec",
    "OutcomeSpec",
    "outcome_column",
    "write_bundle",
]


def __getattr__(name: str) -> Any:
    """``write_bundle`` loads on first use: opening a bundle (the explorer's start) never
    writes one, nor needs the output-folder rules behind it (``target``)."""
    if name == "write_bundle":
        from afscope.bundle.writer import write_bundle

        return write_bundle
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
