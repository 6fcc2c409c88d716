"""Benchmark: ``afscope export`` on the shapes that used to be quadratic (seconds).

    python scripts/bench_export.py [--repeat 3] [--code DIR ...] [--timeout 120]

Builds three synthetic bundles in a temporary folder: one 20,000-sentence trace (export
every sentence as JSON lines), 10,000 small traces (a filter that selects nothing), and
a trace with 500 outcomes (JSON lines). Each ``--code DIR`` is a checkout of afscope put
first on PYTHONPATH, so an older version can be timed in the same run; the default is the
installed one. Prints medians of --repeat runs, each in a fresh process. Numbers go in
docs and notes, never in tests.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

from afscope.bundle import BundleTables, Manifest, MetricSpec, OutcomeSpec, write_bundle


def _bundle(root: Path, traces: int, sentences: int, outcomes: int) -> Path:
    ids = [f"t{t:05d}" for t in range(traces)]
    names = [f"o{o}" for o in range(outcomes)]
    per_trace = pl.DataFrame({"trace_id": ids}).join(
        pl.DataFrame({"sentence_idx": list(range(sentences))}), how="cross"
    )
    sentences_table = per_trace.with_columns(
        pl.format("Sentence {} of the reasoning.", pl.col("sentence_idx")).alias("text")
    )
    with_outcomes = per_trace.join(pl.DataFrame({"outcome": names}), how="cross")
    rates = with_outcomes.with_columns(
        ((pl.col("sentence_idx") % 10) / 10).alias("rate"),
        pl.lit(30, pl.Int64).alias("n"),
    )
    importance = with_outcomes.with_columns(
        pl.lit("resampling").alias("metric"),
        ((pl.col("sentence_idx") % 7) / 10).alias("importance"),
        ((pl.col("sentence_idx") % 7) / 10).alias("direction"),
    )
    traces_table = pl.DataFrame({"trace_id": ids, "n_sentences": [sentences] * traces})
    manifest = Manifest(
        outcomes=tuple(OutcomeSpec(name=n) for n in names),
        metrics=(MetricSpec(name="resampling"),),
        tables={"traces": "traces.parquet", "sentences": "sentences.parquet"},
    )
    tables = BundleTables(traces_table, sentences_table, rates, importance)
    return write_bundle(root / f"b-{traces}-{sentences}-{outcomes}", manifest, tables)


def _time(code: str | None, args: list[str], timeout: float, cwd: Path) -> float:
    env = dict(os.environ)
    if code:
        env["PYTHONPATH"] = code
    start = time.perf_counter()
    try:
        subprocess.run(
            [sys.executable, "-m", "afscope", *args],
            env=env,
            cwd=cwd,  # not the checkout: ``-m`` would put its afscope/ first on the path
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=timeout,
            check=True,
        )
    except subprocess.TimeoutExpired:
        return float("inf")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--code", action="append", help="afscope checkout to time (repeatable)")
    parser.add_argument("--timeout", type=float, default=120.0)
    args = parser.parse_args()
    codes: list[str | None] = list(args.code or [None])
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        long_trace = _bundle(root, 1, 20_000, 2)
        many = _bundle(root, 10_000, 30, 1)
        outcomes = _bundle(root, 1, 100, 500)
        cases = {
            "jsonl, 1 trace x 20,000 sentences": [str(long_trace), "--format", "jsonl"],
            "markdown, 10,000 traces, nothing selected": [str(many), "--min-importance", "5"],
            "jsonl, 100 sentences x 500 outcomes": [str(outcomes), "--format", "jsonl"],
        }
        print(f"{'case':<44} " + " ".join(f"{(c or 'installed')[-24:]:>24}" for c in codes))
        for name, case in cases.items():
            medians = []
            for code in codes:
                runs = [
                    _time(code, ["export", *case], args.timeout, root) for _ in range(args.repeat)
                ]
                medians.append(statistics.median(runs))
            cells = " ".join(
                f"{'>' + str(int(args.timeout)) + ' s':>24}"
                if m == float("inf")
                else f"{m:>22.2f} s"
                for m in medians
            )
            print(f"{name:<44} {cells}")


if __name__ == "__main__":
    main()
