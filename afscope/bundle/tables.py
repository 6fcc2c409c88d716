"""In-memory bundle content: one Polars frame per table, as written and as read back."""

from __future__ import annotations

from dataclasses import dataclass, fields

import polars as pl

Frame = pl.DataFrame | pl.LazyFrame


@dataclass
class BundleTables:
    """The tables of a bundle. ``traces`` and ``sentences`` are required, the rest optional.

    Frames may be lazy: importers hand the writer scans of staged parts so large tables
    stream to disk without being collected in memory.
    """

    traces: Frame
    sentences: Frame
    rates: Frame | None = None
    importance: Frame | None = None
    resamples: Frame | None = None
    evaluations: Frame | None = None
    effects: Frame | None = None

    def present(self) -> dict[str, Frame]:
        """The tables that exist, by name."""
        out = {}
        for f in fields(self):
            frame = getattr(self, f.name)
            if frame is not None:
                out[f.name] = frame
        return out
