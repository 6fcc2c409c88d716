"""Benchmark the cross-trace analysis: ``afscope tags`` with 2,000 bootstrap draws, the
ranking frame (what ``R`` shows first) and one filter keystroke (from scratch, and typed on
the end of the last filter: that one scans only the rows still shown), on a synthetic
bundle of 2,000 traces x 120 sentences (240k sentences). Prints medians; never a timed
test.

    python scripts/bench_analysis.py [--traces 2000] [--sentences 120] [--repeat 3]
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

from afscope.analysis.frame import apply_filter, check_choice, refine_filter, sentence_frame
from afscope.analysis.rank import eligible, order
from afscope.analysis.tags import tag_statistics
from afscope.bundle import write_bundle
from afscope.bundle.manifest import Manifest
from afscope.bundle.reader import Bundle
from afscope.bundle.tables import BundleTables
from afscope.explore.filters import parse_filter

TAGS = ["training_objective", "monitoring", "rlhf_modification", "value_conflict", "decision"]


def build(root: Path, traces: int, sentences: int) -> Path:
    rng = np.random.default_rng(0)
    ids = [f"t{i:05d}" for i in range(traces)]
    n = traces * sentences
    trace_col = np.repeat(ids, sentences)
    idx = np.tile(np.arange(sentences), traces)
    direction = rng.normal(0, 0.1, n)
    tags = [[TAGS[k]] if k < len(TAGS) else [] for k in rng.integers(0, 12, n)]
    texts = [
        f"sentence {i} about {t[0] if t else 'nothing'} in the plan" for i, t in enumerate(tags)
    ]
    rates = rng.uniform(0, 1, n)
    t = BundleTables(
        traces=pl.DataFrame(
            {
                "trace_id": ids,
                "n_sentences": [sentences] * traces,
                "condition": ["free" if i % 2 else "paid" for i in range(traces)],
                "prompt_variant": ["original" if i % 3 else "ablated" for i in range(traces)],
                "outcome.alignment_faking": [bool(i % 2) for i in range(traces)],
            }
        ),
        sentences=pl.DataFrame(
            {"trace_id": trace_col, "sentence_idx": idx, "text": texts, "tags": tags},
            schema_overrides={"tags": pl.List(pl.String)},
        ),
        rates=pl.DataFrame(
            {
                "trace_id": trace_col,
                "sentence_idx": idx,
                "outcome": ["alignment_faking"] * n,
                "rate": rates,
                "n": [50] * n,
            }
        ),
        importance=pl.DataFrame(
            {
                "trace_id": trace_col,
                "sentence_idx": idx,
                "outcome": ["alignment_faking"] * n,
                "metric": ["counterfactual"] * n,
                "importance": np.abs(direction),
                "direction": direction,
            }
        ),
    )
    manifest = Manifest.model_validate(
        {
            "schema_version": "1.0",
            "outcomes": [{"name": "alignment_faking"}],
            "metrics": [{"name": "counterfactual", "signed": True}],
            "tables": {
                "traces": "traces.parquet",
                "sentences": "sentences.parquet",
                "rates": "rates.parquet",
                "importance": "importance.parquet",
            },
        }
    )
    return write_bundle(root / "bench", manifest, t)


def timed(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--traces", type=int, default=2000)
    parser.add_argument("--sentences", type=int, default=120)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = build(Path(tmp), args.traces, args.sentences)
        bundle = Bundle.open(path)
        choice = check_choice(bundle, None, None)
        frame_t = timed(lambda: sentence_frame(Bundle.open(path), choice), args.repeat)
        frame = sentence_frame(bundle, choice)
        first_rows = timed(
            lambda: order(eligible(sentence_frame(Bundle.open(path), choice), False), "promotes"),
            args.repeat,
        )
        ranked = order(eligible(frame, False), "promotes")
        keystroke = timed(lambda: apply_filter(ranked, parse_filter("condition=free monit")), 7)
        typed = parse_filter("condition=free monit")
        before = parse_filter("condition=free moni")
        last = (before, apply_filter(ranked, before))
        typing = timed(lambda: refine_filter(ranked, typed, last), 7)
        stats_t = timed(lambda: tag_statistics(frame, "tags", draws=2000, seed=0), args.repeat)
        cli = timed(
            lambda: subprocess.run(
                [sys.executable, "-m", "afscope", "tags", str(path), "--bootstrap", "2000"],
                check=True,
                capture_output=True,
            ),
            args.repeat,
        )
    print(f"{args.traces} traces x {args.sentences} sentences = {frame.height} sentences")
    print(f"sentence frame (read + join, R's data)     {frame_t:6.3f} s")
    print(f"R first rows (frame + sort)                 {first_rows:6.3f} s")
    print(f"filter keystroke over the sorted frame      {keystroke * 1000:6.1f} ms")
    print(f"typed keystroke (narrows the last result)   {typing * 1000:6.1f} ms")
    print(f"tag statistics, 2,000 draws (in process)    {stats_t:6.3f} s")
    print(f"afscope tags --bootstrap 2000 (whole CLI)   {cli:6.3f} s")


if __name__ == "__main__":
    main()
