"""Benchmark ``afscope compute``: 2,000 traces x 120 positions x 50 rollouts (12M).

    python scripts/bench_compute.py [--traces 2000] [--positions 120] [--rollouts 50]
                                    [--before SRC] [--repeat 3] [--subset 20]

Writes a synthetic bundle (resamples with similarities), then times, interleaved and each
in a fresh process (wall seconds and the child's own peak RSS, from ``os.wait4``):

- the floor: read the resamples, one group-by over them, write them back to Parquet;
- ``compute_bundle`` of the bundle into a new bundle (this checkout; ``--before SRC`` also
  times the afscope source folder SRC, e.g. a ``git archive`` of an earlier commit);
- the metric code alone (rates, four metrics with intervals, sentence stats).

Each round runs the variants in a rotated order (``benchlib.rotated``): a run right after
a large one (the 3 GB ``--before`` compute) is faster, and a fixed order gave that gain
to the floor every time. Each variant runs once untimed first, with compiled bytecode
cached in a temporary folder (``benchlib.compiled_bytecode``), as an installed afscope
runs from its ``.pyc`` files. Prints medians and ratios to the floor. Then compares the
metric code against the plain-Python reference (tests/reference_metrics.py) on a
subset. Numbers go in docs, never in tests.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl
from benchlib import (  # type: ignore[import-not-found]
    Run,
    compiled_bytecode,
    rotated,
    run_child,
    summary,
)

REPO = Path(__file__).resolve().parent.parent
FLOOR = """
import sys
import polars as pl
frame = pl.read_parquet(sys.argv[1] + "/resamples.parquet")
frame.group_by("trace_id", "sentence_idx").agg(pl.col("outcome.compliance").sum())
frame.write_parquet(sys.argv[2])
"""
COMPUTE = """
import sys
from afscope.cli.main import entry
sys.argv = ["afscope", "compute", sys.argv[1], sys.argv[2], "--no-embed"]
entry()
"""
"""What a user runs: the console script's ``entry`` (``afscope compute``), not the library
function alone (the CLI's exit is part of the time a user waits)."""
CHILD = """
import resource, sys, time
import polars as pl
from afscope.metrics import MetricOptions, compute_metrics
from afscope.metrics.sentence_stats import sentence_stats
t = time.perf_counter()
scan = pl.scan_parquet(sys.argv[1])
computed = compute_metrics(scan, ["compliance", "alignment_faking"], MetricOptions())
stats = sentence_stats(scan, MetricOptions())
rows = computed.importance.collect().height + stats.collect().height
rows += computed.rates.collect().height
print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, rows)
"""


def make_bundle(root: Path, traces: int, positions: int, rollouts: int, seed: int = 0) -> int:
    from afscope.bundle import BundleTables, Manifest, OutcomeSpec, write_bundle

    rng = np.random.default_rng(seed)
    n = traces * positions * rollouts
    trace = np.repeat(np.arange(traces), positions * rollouts)
    idx = np.tile(np.repeat(np.arange(positions), rollouts), traces)
    p = 1 / (1 + np.exp(-(idx / positions * 6 - 3)))
    ids = pl.Series(np.arange(traces)).cast(pl.String).str.zfill(5)
    resamples = pl.DataFrame(
        {
            "trace_id": pl.Series(trace).cast(pl.String).str.zfill(5),
            "sentence_idx": idx,
            "rollout_id": np.tile(np.arange(rollouts), traces * positions),
            "resampled_sentence": pl.Series(rng.integers(0, 12, n)).cast(pl.String),
            "similarity": rng.random(n).round(4),
            "outcome.compliance": rng.random(n) < p,
            "outcome.alignment_faking": rng.random(n) < p * 0.7,
        }
    )
    sentences = pl.DataFrame(
        {
            "trace_id": ids.to_numpy().repeat(positions),
            "sentence_idx": np.tile(np.arange(positions), traces),
        }
    ).with_columns(pl.format("Sentence {}.", "sentence_idx").alias("text"))
    tables = BundleTables(
        traces=pl.DataFrame({"trace_id": ids, "n_sentences": [positions] * traces}),
        sentences=sentences,
        resamples=resamples,
    )
    manifest = Manifest(
        outcomes=(OutcomeSpec(name="compliance"), OutcomeSpec(name="alignment_faking")),
        tables={"traces": "t", "sentences": "s"},
    )
    write_bundle(root, manifest, tables)
    return n


def reference_seconds(path: Path, traces: int) -> tuple[float, float]:
    sys.path.insert(0, str(REPO / "tests"))
    from reference_metrics import reference_full, reference_stats

    from afscope.metrics import MetricOptions, compute_metrics
    from afscope.metrics.sentence_stats import sentence_stats

    ids = [f"{t:05d}" for t in range(traces)]
    subset = pl.read_parquet(path).filter(pl.col("trace_id").is_in(ids))
    rows = subset.to_dicts()
    t = time.perf_counter()
    for outcome in ("compliance", "alignment_faking"):
        reference_full(rows, outcome, 0.8, 1.0, 5)
    reference_stats(rows, 0.8)
    ref = time.perf_counter() - t
    t = time.perf_counter()
    computed = compute_metrics(subset.lazy(), ["compliance", "alignment_faking"], MetricOptions())
    computed.importance.collect()
    sentence_stats(subset.lazy(), MetricOptions()).collect()
    fast = time.perf_counter() - t
    return ref, fast


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--traces", type=int, default=2000)
    parser.add_argument("--positions", type=int, default=120)
    parser.add_argument("--rollouts", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--subset", type=int, default=20, help="traces for the reference")
    parser.add_argument("--before", help="also time this afscope source folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=os.environ.get("TMPDIR", "/tmp")) as tmp:
        bundle = Path(tmp) / "bundle"
        n = make_bundle(bundle, args.traces, args.positions, args.rollouts)
        path = bundle / "resamples.parquet"
        print(
            f"{args.traces} traces x {args.positions} positions x {args.rollouts} rollouts "
            f"= {n:,} rollouts ({path.stat().st_size / 1e6:.0f} MB Parquet)"
        )
        out = str(Path(tmp) / "out")
        variants: dict[str, tuple[list[str], str | None]] = {
            "floor: read, group-by, write": ([FLOOR, str(bundle), out + ".parquet"], None),
            "afscope compute": ([COMPUTE, str(bundle), out], None),
            "metric code alone": ([CHILD, str(path)], None),
        }
        if args.before:
            variants["afscope compute (before)"] = ([COMPUTE, str(bundle), out], args.before)
        compiled_bytecode(Path(tmp) / "pycache")
        for child_args, source in variants.values():  # untimed: compile, warm the caches
            shutil.rmtree(out, ignore_errors=True)
            run_child(child_args, source)
        runs: dict[str, list[Run]] = {name: [] for name in variants}
        for r in range(args.repeat):
            for name in rotated(list(variants), r):
                child_args, source = variants[name]
                shutil.rmtree(out, ignore_errors=True)
                runs[name].append(run_child(child_args, source))
                print(f"  run {r + 1}: {name}: {runs[name][-1][0]:.2f} s", file=sys.stderr)
        floor = runs["floor: read, group-by, write"]
        floor_s, floor_cpu, floor_mb, _ = summary(floor)
        print(
            f"{'':<30} {'wall s':>7} {'x floor':>8} {'CPU s':>7} {'x floor':>8} "
            f"{'peak RSS MB':>12} {'x floor':>8}"
        )
        for name, results in runs.items():
            wall, cpu, rss, _ = summary(results)
            print(
                f"{name:<30} {wall:>7.2f} {wall / floor_s:>8.2f} {cpu:>7.2f} "
                f"{cpu / floor_cpu:>8.2f} {rss:>12.0f} {rss / floor_mb:>8.2f}"
            )
        print(f"medians of {args.repeat} interleaved runs; peak RSS is the largest run's")
        if not args.subset:
            return
        ref, fast = reference_seconds(path, args.subset)
        print(
            f"subset of {args.subset} traces: reference {ref:.2f} s, polars {fast:.3f} s, "
            f"ratio {ref / fast:.0f}x"
        )


if __name__ == "__main__":
    main()
