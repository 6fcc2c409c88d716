"""Benchmark: one trace's rows read from a large bundle (what the explorer does per trace).

    python scripts/bench_trace_reads.py [--traces 10000] [--sentences 30] [--rollouts 20]
                                        [--before SRC] [--reads 40]
    python scripts/bench_trace_reads.py --bundles A B [--reads 40]

Writes one bundle (sentences, rates, importance, resamples) with this checkout's writer
and, with ``--before SRC`` (another afscope source folder, e.g. a ``git archive`` of an
earlier commit), the same tables with that writer; then times ``Bundle.for_trace`` on
random traces of each, alternating between them, with this checkout's reader. Per-trace
reads decode whole Parquet row groups, so the row-group layout sets their cost. Prints
median milliseconds per table and file sizes. ``--bundles`` times existing bundles
instead (e.g. one bundle computed by two commits: ``afscope compute`` writes the layout
of the afscope that ran it), reading traces they all have; a table a bundle lacks shows
as ``-``. Numbers go in docs, never in tests.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WRITE = """
import sys
import polars as pl
from afscope.bundle import BundleTables, Manifest, OutcomeSpec, write_bundle
traces, sentences, rollouts = map(int, sys.argv[2:5])
ids = [f"trace-{t:05d}" for t in range(traces)]
sent = pl.DataFrame({"trace_id": ids}).join(
    pl.DataFrame({"sentence_idx": range(sentences)}), how="cross"
).with_columns(pl.format("Sentence {} of {}: {} restates the objective and notes {}.",
                         "sentence_idx", "trace_id", pl.int_range(pl.len()).hash(1),
                         pl.int_range(pl.len()).hash(2)).alias("text"))
rates = sent.select("trace_id", "sentence_idx", pl.lit("af").alias("outcome"),
                    (pl.col("sentence_idx") / sentences).alias("rate"), pl.lit(50).alias("n"))
imp = sent.select("trace_id", "sentence_idx", pl.lit("af").alias("outcome"),
                  pl.lit("resampling").alias("metric"),
                  (pl.col("sentence_idx") / sentences).alias("importance"))
res = sent.select("trace_id", "sentence_idx").join(
    pl.DataFrame({"rollout_id": range(rollouts)}), how="cross"
).with_columns(pl.format("Alt {}.", pl.int_range(pl.len()).hash(3) % 1000)
               .alias("resampled_sentence"),
               ((pl.col("rollout_id") + pl.col("sentence_idx")) % 3 == 0).alias("outcome.af"))
trace = pl.DataFrame({"trace_id": ids, "n_sentences": [sentences] * traces})
tables = {"traces": "t", "sentences": "s"}
write_bundle(sys.argv[1], Manifest(outcomes=(OutcomeSpec(name="af"),), tables=tables),
             BundleTables(traces=trace, sentences=sent, rates=rates, importance=imp,
                          resamples=res))
"""
TABLES = ("sentences", "rates", "importance", "resamples")


def write(path: Path, args: argparse.Namespace, source: str | None) -> None:
    env = dict(os.environ)
    if source is not None:
        env["PYTHONPATH"] = source
    subprocess.run(
        [sys.executable, "-c", WRITE, str(path), str(args.traces), str(args.sentences),
         str(args.rollouts)],
        env=env, check=True, cwd=tempfile.gettempdir(),  # cwd: keep this checkout off sys.path
    )  # fmt: skip


def main() -> None:
    from afscope.bundle.reader import Bundle

    parser = argparse.ArgumentParser()
    parser.add_argument("--traces", type=int, default=10_000)
    parser.add_argument("--sentences", type=int, default=30)
    parser.add_argument("--rollouts", type=int, default=20)
    parser.add_argument("--before", help="also write with this afscope source folder")
    parser.add_argument("--reads", type=int, default=40)
    parser.add_argument("--bundles", nargs="+", type=Path, help="time these bundles instead")
    args = parser.parse_args()
    if args.bundles and args.before:
        parser.error("--before writes bundles to time; --bundles times existing ones")
    with tempfile.TemporaryDirectory() as tmp:
        if args.bundles:
            # one column per bundle, in the order given (a path given twice: twice)
            paths = {f"bundle {i + 1}": path for i, path in enumerate(args.bundles)}
            for i, path in enumerate(args.bundles):
                print(f"bundle {i + 1}: {path}")
            # traces every bundle has, so each read is of the same trace
            found = [set(Bundle.open(path).traces["trace_id"].to_list()) for path in args.bundles]
            ids = sorted(set.intersection(*found))
            if not ids:
                parser.error("the bundles have no trace id in common")
        else:
            paths = {"this checkout": Path(tmp) / "after"}
            if args.before:
                paths["before"] = Path(tmp) / "before"
            for name, path in paths.items():
                write(path, args, args.before if name == "before" else None)
            print(
                f"{args.traces} traces x {args.sentences} sentences "
                f"({args.traces * args.sentences:,} sentence rows, "
                f"{args.traces * args.sentences * args.rollouts:,} resamples)"
            )
            ids = [f"trace-{t:05d}" for t in range(args.traces)]
        rng = random.Random(1)
        times: dict[tuple[str, str], list[float]] = {}
        for _ in range(args.reads):
            trace = rng.choice(ids)
            for name, path in paths.items():
                bundle = Bundle.open(path)
                for table in TABLES:
                    if bundle.table_path(table) is None:  # a bundle without the table
                        continue
                    started = time.perf_counter()
                    rows = bundle.for_trace(table, trace)
                    times.setdefault((name, table), []).append(time.perf_counter() - started)
                    assert rows is not None
        print(f"{'per-trace read, ms median':<28}" + "".join(f"{n:>16}" for n in paths))
        for table in TABLES:
            cells = "".join(
                f"{statistics.median(times[(n, table)]) * 1000:>16.1f}"
                if (n, table) in times
                else f"{'-':>16}"
                for n in paths
            )
            print(f"{table:<28}{cells}")
        sizes = "".join(
            f"{sum(f.stat().st_size for f in p.glob('*.parquet')) / 1e6:>13.1f} MB"
            for p in paths.values()
        )
        print(f"{'bundle size':<28}{sizes}")


if __name__ == "__main__":
    main()
