"""Benchmark: import a synthetic Thought Anchors tree (seconds, peak memory).

    python scripts/bench_import.py [--folders 200] [--positions 40] [--rollouts 20]
                                   [--missing-chunks 3000] [--solution-mb 1.0]

Writes a tree of full pipeline folders to a temporary directory, then imports it in a fresh
process per run (so peak RSS is that run's own) with two batch sizes. Then imports one web
folder whose chunks do not occur in a long base solution (the separator search; 0 chunks
skips it). Prints medians of --repeat runs. Numbers go in docs and notes, never in tests.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = """
import resource, sys, time
from afscope.readers import import_thought_anchors
t = time.perf_counter()
r = import_thought_anchors(sys.argv[1], sys.argv[2], batch=int(sys.argv[3]))
print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, r.traces)
"""


def make_tree(root: Path, folders: int, positions: int, rollouts: int) -> int:
    rng = random.Random(7)
    filler = "reasoning " * 40  # full_cot text the importer must parse and drop
    size = 0
    for n in range(folders):
        folder = (
            root
            / "model"
            / "temperature_0.6_top_p_0.95"
            / "correct_base_solution"
            / (f"problem_{n}")
        )
        folder.mkdir(parents=True)
        chunks = [f"Sentence {i} of problem {n}." for i in range(positions)]
        (folder / "chunks.json").write_text(
            json.dumps({"solution_text": " ".join(chunks), "chunks": chunks})
        )
        (folder / "problem.json").write_text(json.dumps({"problem": f"Problem {n}"}))
        for i in range(positions):
            sols = [
                {
                    "chunk_resampled": f"Alt {rng.randint(0, 9)}.",
                    "full_cot": filler,
                    "answer": "7",
                    "is_correct": rng.random() < 0.5,
                }
                for _ in range(rollouts)
            ]
            path = folder / f"chunk_{i}" / "solutions.json"
            path.parent.mkdir()
            path.write_text(json.dumps(sols))
            size += path.stat().st_size
    return size


def make_missing_chunks_folder(folder: Path, chunks: int, solution_mb: float) -> None:
    """A web folder whose chunks are absent from its base solution: every chunk's
    separator search has to conclude "not found" in a long text."""
    folder.mkdir(parents=True)
    sentence = "We check the next case and carry the remainder forward. "
    solution = (sentence * (int(solution_mb * 1e6) // len(sentence) + 1))[: int(solution_mb * 1e6)]
    labeled = [
        {"chunk": f"We check case {i} and it is not in the text.", "chunk_idx": i, "accuracy": 0.5}
        for i in range(chunks)
    ]
    (folder / "chunks_labeled.json").write_text(json.dumps(labeled))
    (folder / "base_solution.json").write_text(json.dumps({"solution": solution}))
    (folder / "problem.json").write_text(json.dumps({"problem": "p"}))


def bench_missing_chunks(tmp: Path, chunks: int, solution_mb: float, repeat: int) -> None:
    src = tmp / "missing" / "problem_0"
    make_missing_chunks_folder(src, chunks, solution_mb)
    runs = []
    for r in range(repeat):
        done = subprocess.run(
            [sys.executable, "-c", CHILD, str(src), str(tmp / f"out-missing-{r}"), "200"],
            capture_output=True,
            text=True,
            check=True,
        )
        runs.append(float(done.stdout.split()[0]))
    print(
        f"web folder, {chunks} chunks absent from a {solution_mb:g} MB base solution: "
        f"import {statistics.median(runs):.2f} s median"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--folders", type=int, default=200)
    parser.add_argument("--positions", type=int, default=40)
    parser.add_argument("--rollouts", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--missing-chunks", type=int, default=3000)
    parser.add_argument("--solution-mb", type=float, default=1.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "tree"
        size = make_tree(src, args.folders, args.positions, args.rollouts)
        total = args.folders * args.positions * args.rollouts
        print(
            f"tree: {args.folders} folders x {args.positions} positions x {args.rollouts} "
            f"rollouts = {total} rollouts, {size / 1e6:.0f} MB of solutions.json"
        )
        for batch in (20, 200):
            runs = []
            for r in range(args.repeat):
                out = Path(tmp) / f"out-{batch}-{r}"
                started = time.perf_counter()
                done = subprocess.run(
                    [sys.executable, "-c", CHILD, str(src), str(out), str(batch)],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                wall = time.perf_counter() - started
                seconds, rss, _ = done.stdout.split()
                runs.append((float(seconds), float(rss), wall))
            secs = statistics.median(r[0] for r in runs)
            rss = statistics.median(r[1] for r in runs)
            print(
                f"batch {batch:>3}: import {secs:.2f} s median ({total / secs:,.0f} rollouts/s), "
                f"peak RSS {rss:.0f} MB median"
            )
        if args.missing_chunks:
            bench_missing_chunks(Path(tmp), args.missing_chunks, args.solution_mb, args.repeat)


if __name__ == "__main__":
    main()
