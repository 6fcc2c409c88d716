"""Bundles made for TUI tests: a long trace and one full of hostile text."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from afscope.bundle import BundleTables, Manifest, MetricSpec, OutcomeSpec, write_bundle


def long_trace_bundle(root: Path, sentences: int = 2000) -> Path:
    idx = list(range(sentences))
    texts = [f"Sentence number {i} says something about the training objective." for i in idx]
    rates = [min(1.0, i / sentences) for i in idx]
    direction = [((i * 37) % 101 - 50) / 100 for i in idx]
    tables = BundleTables(
        traces=pl.DataFrame({"trace_id": ["long"], "n_sentences": [sentences]}),
        sentences=pl.DataFrame(
            {"trace_id": ["long"] * sentences, "sentence_idx": idx, "text": texts}
        ),
        rates=pl.DataFrame(
            {
                "trace_id": ["long"] * sentences,
                "sentence_idx": idx,
                "outcome": ["x"] * sentences,
                "rate": rates,
                "n": [50] * sentences,
            }
        ),
        importance=pl.DataFrame(
            {
                "trace_id": ["long"] * sentences,
                "sentence_idx": idx,
                "outcome": ["x"] * sentences,
                "metric": ["m"] * sentences,
                "importance": [abs(d) for d in direction],
                "direction": direction,
            }
        ),
    )
    manifest = Manifest(
        outcomes=(OutcomeSpec(name="x"),),
        metrics=(MetricSpec(name="m"),),
        tables={"traces": "t", "sentences": "s"},
    )
    return write_bundle(root, manifest, tables)


HOSTILE = [
    "Normal first sentence.",
    "Title attack \x1b]2;PWNED\x07 and clear \x1b[2J screen.",
    "Markup [bold red]not bold[/bold red] and [link=http://x]link[/link].",
    "Backticks `code` | pipes | <script>alert(1)</script> \x07bell\x00nul\ttab.",
]


def hostile_bundle(root: Path) -> Path:
    n = len(HOSTILE)
    tables = BundleTables(
        traces=pl.DataFrame(
            {"trace_id": ["evil\x1b[31m"], "n_sentences": [n], "query": ["[b]q[/b] \x1b]0;T\x07"]}
        ),
        sentences=pl.DataFrame(
            {
                "trace_id": ["evil\x1b[31m"] * n,
                "sentence_idx": range(n),
                "text": HOSTILE,
                "tags": [["[red]tag"], [], [], []],
            },
            schema_overrides={"tags": pl.List(pl.String)},
        ),
        importance=pl.DataFrame(
            {
                "trace_id": ["evil\x1b[31m"] * n,
                "sentence_idx": range(n),
                "outcome": ["x"] * n,
                "metric": ["m"] * n,
                "importance": [0.1, 0.9, 0.5, 0.3],
                "direction": [0.1, 0.9, -0.5, 0.3],
            }
        ),
    )
    manifest = Manifest(
        outcomes=(OutcomeSpec(name="x"),),
        metrics=(MetricSpec(name="m"),),
        tables={"traces": "t", "sentences": "s"},
    )
    return write_bundle(root, manifest, tables)


MARKUP_IDS = ["run-x[/]", "[@click=app.quit]x"]
HOSTILE_LABEL_COLUMN = "outcome.x\x1b]2;PWNED\x07\x1b[31m\x9b31mred"


def markup_ids_bundle(root: Path, *, hostile_label: bool = False) -> Path:
    """Trace ids that are Rich/Textual markup, and optionally a label column full of
    escapes (an undeclared outcome: the open path refuses it)."""
    n = 2
    ids = [i for i in MARKUP_IDS for _ in range(n)]
    labels = (
        {HOSTILE_LABEL_COLUMN: [True, False]} if hostile_label else {"outcome.x": [True, False]}
    )
    tables = BundleTables(
        traces=pl.DataFrame({"trace_id": MARKUP_IDS, "n_sentences": [n, n], **labels}),
        sentences=pl.DataFrame(
            {"trace_id": ids, "sentence_idx": [0, 1] * 2, "text": ["First.", "Second."] * 2}
        ),
        importance=pl.DataFrame(
            {
                "trace_id": ids,
                "sentence_idx": [0, 1] * 2,
                "outcome": ["x"] * 4,
                "metric": ["m"] * 4,
                "importance": [0.5, 0.1] * 2,
                "direction": [0.5, -0.1] * 2,
            }
        ),
    )
    manifest = Manifest(
        outcomes=(OutcomeSpec(name="x"),),
        metrics=(MetricSpec(name="m"),),
        tables={"traces": "t", "sentences": "s"},
    )
    return write_bundle(root, manifest, tables)
