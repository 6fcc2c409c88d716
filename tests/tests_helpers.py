"""Small builders shared by tests (importable because pytest puts tests/ on sys.path)."""

from __future__ import annotations

from typing import Any


def manifest_dict(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "schema_version": "1.0",
        "outcomes": [{"name": "compliance"}],
        "metrics": [{"name": "resampling"}],
        "tables": {"traces": "traces.parquet", "sentences": "sentences.parquet"},
    }
    base.update(changes)
    return base
