"""Benchmark afscope compute's metric code: 2,000 traces x 120 positions x 50 rollouts.

    python scripts/bench_compute.py [--traces 2000] [--positions 120] [--rollouts 50]

Writes synthetic resamples (with similarities) to Parquet, then in a fresh process per
run computes rates, the four importance metrics with intervals and the sentence stats,
and reports wall seconds and peak RSS (medians of --repeat runs). Then compares against
the plain-Python reference implementation (tests/reference_metrics.py) on a subset and
reports the speed ratio measured in the same run. Numbers go in docs, never in tests.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

REPO = Path(__file__).resolve().parent.parent
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


def make_resamples(path: Path, traces: int, positions: int, rollouts: int, seed: int = 0) -> int:
    rng = np.random.default_rng(seed)
    n = traces * positions * rollouts
    trace = np.repeat(np.arange(traces), positions * rollouts)
    idx = np.tile(np.repeat(np.arange(positions), rollouts), traces)
    p = 1 / (1 + np.exp(-(idx / positions * 6 - 3)))
    frame = pl.DataFrame(
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
    frame.write_parquet(path)
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
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "resamples.parquet"
        n = make_resamples(path, args.traces, args.positions, args.rollouts)
        print(
            f"{args.traces} traces x {args.positions} positions x {args.rollouts} rollouts "
            f"= {n:,} rollouts ({path.stat().st_size / 1e6:.0f} MB Parquet)"
        )
        runs = []
        for _ in range(args.repeat):
            done = subprocess.run(
                [sys.executable, "-c", CHILD, str(path)], check=True, capture_output=True, text=True
            )
            seconds, rss, _rows = done.stdout.split()
            runs.append((float(seconds), float(rss)))
        print(
            f"compute (rates + 4 metrics with intervals + sentence stats): "
            f"{statistics.median(r[0] for r in runs):.1f} s median, "
            f"peak RSS {statistics.median(r[1] for r in runs):.0f} MB median "
            f"({args.repeat} runs)"
        )
        ref, fast = reference_seconds(path, args.subset)
        print(
            f"subset of {args.subset} traces: reference {ref:.2f} s, polars {fast:.3f} s, "
            f"ratio {ref / fast:.0f}x"
        )


if __name__ == "__main__":
    main()
