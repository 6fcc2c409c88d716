"""The afscope result bundle: manifest, tables, writer, lazy reader and validation."""

from afscope.bundle.manifest import SCHEMA_VERSION, Manifest, MetricSpec, OutcomeSpec
from afscope.bundle.reader import Bundle
from afscope.bundle.schema import outcome_column
from afscope.bundle.tables import BundleTables
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
