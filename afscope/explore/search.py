"""Find sentences of a trace by text (case-insensitive, literal: no regex surprises)."""

from __future__ import annotations

import polars as pl


def find_positions(sentences: pl.DataFrame, query: str) -> list[int]:
    """Row positions whose text contains ``query``, ignoring case."""
    if not query:
        return []
    hits = sentences.with_row_index("position").filter(
        pl.col("text").str.to_lowercase().str.contains(query.lower(), literal=True)
    )
    return hits["position"].to_list()


def next_match(matches: list[int], position: int, step: int) -> int | None:
    """The next match after (step 1) or before (step -1) ``position``, wrapping around."""
    if not matches:
        return None
    if step > 0:
        return next((m for m in matches if m > position), matches[0])
    return next((m for m in reversed(matches) if m < position), matches[-1])
