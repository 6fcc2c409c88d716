"""In-memory bundle content: one Polars frame per table, as written and as read back."""

from __future__ import annotations

from dataclasses import dataclass, fields

import polars as pl


@dataclass
class BundleTables:
    """The tables of a bundle. ``traces`` and ``sentences`` are required, the rest optional."""

    traces: pl.DataFrame
    sentences: pl.DataFrame
    rates: pl.DataFrame | None = None
    importance: pl.DataFrame | None = None
    resamples: pl.DataFrame | None = None
    evaluations: pl.DataFrame | None = None
    effects: pl.DataFrame | None = None

    def present(self) -> dict[str, pl.DataFrame]:
        """The tables that exist, by name."""
        out = {}
        for f in fields(self):
            frame = getattr(self, f.name)
            if frame is not None:
                out[f.name] = frame
        return out
