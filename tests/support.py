"""Test support: paths of test inputs and a tiny hand-made bundle whose every number is known."""

from __future__ import annotations

import hashlib
from pathlib import Path

import polars as pl

from afscope.bundle import BundleTables, Manifest, MetricSpec, OutcomeSpec

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data" / "thought-anchors-web"


def tiny_manifest(**changes) -> Manifest:
    base = Manifest(
        title="tiny",
        outcomes=(OutcomeSpec(name="compliance"), OutcomeSpec(name="alignment_faking")),
        metrics=(MetricSpec(name="resampling"), MetricSpec(name="counterfactual")),
        tables={"traces": "traces.parquet", "sentences": "sentences.parquet"},
    )
    return base.model_copy(update=changes)


def tiny_tables() -> BundleTables:
    traces = pl.DataFrame(
        {
            "trace_id": ["t1", "t2"],
            "n_sentences": [3, 2],
            "model": ["m", "m"],
            "prompt_variant": ["original", "ablated"],
            "condition": ["free", "paid"],
            "query": ["q one", "q two"],
            "outcome.compliance": [True, False],
            "outcome.alignment_faking": [True, None],
        }
    )
    sentences = pl.DataFrame(
        {
            "trace_id": ["t1", "t1", "t1", "t2", "t2"],
            "sentence_idx": [0, 1, 2, 0, 1],
            "text": ["First.", "I am monitored.", "I comply.", "Hello.", "No."],
            "separator": [" ", " ", "", "\n\n", ""],
            "tags": [["a"], [], ["decision"], None, ["b", "c"]],
        },
        schema_overrides={"tags": pl.List(pl.String)},
    )
    rates = pl.DataFrame(
        {
            "trace_id": ["t1"] * 3,
            "sentence_idx": [0, 1, 2],
            "outcome": ["compliance"] * 3,
            "rate": [0.1, 0.5, 0.9],
            "n": [10, 10, 10],
            "ci_low": [0.0, 0.2, 0.6],
            "ci_high": [0.4, 0.8, 1.0],
        }
    )
    importance = pl.DataFrame(
        {
            "trace_id": ["t1", "t1"],
            "sentence_idx": [0, 1],
            "outcome": ["compliance", "compliance"],
            "metric": ["resampling", "resampling"],
            "importance": [0.4, 0.4],
            "direction": [0.4, -0.4],
        }
    )
    resamples = pl.DataFrame(
        {
            "trace_id": ["t1"] * 4,
            "sentence_idx": [0, 0, 1, 1],
            "rollout_id": [0, 1, 0, 1],
            "resampled_sentence": ["x", "y", "z", None],
            "similarity": [0.9, 0.1, 0.5, None],
            "outcome.compliance": [True, False, True, True],
            "outcome.alignment_faking": [False, False, True, None],
        }
    )
    evaluations = pl.DataFrame(
        {
            "query_id": ["q1", "q1", "q2", "q2"],
            "prompt_variant": ["original"] * 4,
            "condition": ["free", "paid", "free", "paid"],
            "query": ["a", "a", "b", "b"],
            "outcome.compliance": [True, False, False, False],
            "outcome.alignment_faking": [True, False, False, None],
        }
    )
    effects = pl.DataFrame(
        {
            "trace_id": ["t1"],
            "source_idx": [0],
            "target_idx": [2],
            "score": [0.3],
            "kind": ["step_importance"],
        }
    )
    return BundleTables(traces, sentences, rates, importance, resamples, evaluations, effects)


def tree_digest(root: Path) -> dict[str, str]:
    """Content hash of every file below ``root`` (to prove reads never write)."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def manifest_dict(**changes) -> dict:
    """A minimal manifest as JSON-like data, with ``changes`` applied."""
    base = {
        "schema_version": "1.0",
        "outcomes": [{"name": "compliance"}],
        "metrics": [{"name": "resampling"}],
        "tables": {"traces": "traces.parquet", "sentences": "sentences.parquet"},
    }
    base.update(changes)
    return base
