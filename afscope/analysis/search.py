"""Search sentence text across all traces, optionally in the resampled alternatives too."""

from __future__ import annotations

import polars as pl

from afscope.bundle.reader import Bundle
from afscope.text import clean_text_expr


def search_expr(query: str, alternative_keys: pl.DataFrame | None = None) -> pl.Expr:
    """Rows whose text contains ``query`` (ignoring case, literal), or whose position has
    a resampled alternative that does (``alternative_keys``: raw_id, sentence_idx)."""
    hit = pl.col("text").str.to_lowercase().str.contains(query.lower(), literal=True)
    if alternative_keys is not None and alternative_keys.height:
        keys = alternative_keys.select(
            pl.concat_str(
                [pl.col("raw_id"), pl.col("sentence_idx").cast(pl.String)], separator="\x1f"
            )
        ).to_series()
        row_key = pl.concat_str(
            [pl.col("raw_id"), pl.col("sentence_idx").cast(pl.String)], separator="\x1f"
        )
        hit = hit | row_key.is_in(keys.implode())
    return hit


def alternative_hits(bundle: Bundle, query: str) -> pl.DataFrame:
    """(raw_id, sentence_idx) of positions with a resampled sentence containing ``query``:
    one scan of the resamples table (empty when the bundle has none)."""
    schema = {"raw_id": pl.String, "sentence_idx": pl.Int64}
    scan = bundle.scan("resamples")
    if scan is None or "resampled_sentence" not in scan.collect_schema().names():
        return pl.DataFrame(schema=schema)
    text = clean_text_expr(pl.col("resampled_sentence"), keep_newlines=False).str.to_lowercase()
    return (
        scan.filter(text.str.contains(query.lower(), literal=True))
        .select(pl.col("trace_id").alias("raw_id"), "sentence_idx")
        .unique()
        .collect()
    )
