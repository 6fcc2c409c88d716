"""Benchmark: import a synthetic Thought Anchors tree against the JSON-parsing floor.

    python scripts/bench_import.py [--folders 200] [--positions 40] [--rollouts 20]
                                   [--tree DIR] [--before SRC] [--repeat 3]
                                   [--missing-chunks 3000] [--solution-mb 1.0]

Writes a tree of full pipeline folders to a temporary directory (or uses ``--tree``, a tree
written earlier with ``--keep``), then times, interleaved and each in a fresh process:

- the floor: parsing every JSON file of the tree with the json module and nothing else
  (also with orjson, which the importer uses for rollout files);
- ``afscope import`` of the tree (this checkout, with its default number of processes
  and with ``--jobs 1``; ``--before SRC`` also times the afscope source folder SRC, e.g.
  a ``git archive`` of an earlier commit, in the same run).

Compiled bytecode is cached in a temporary folder (``benchlib.compiled_bytecode``), as
an installed afscope runs from its ``.pyc`` files. Prints medians of --repeat runs, the
ratio to the floor, the peak RSS of the importing process (from ``os.wait4``) and the
peak memory of it and its worker processes together (summed PSS, sampled). Then
imports one web folder whose chunks do not occur in a long base solution (the separator
search; ``--missing-chunks 0`` skips it). Numbers go in docs and notes, never in tests.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
from pathlib import Path

from benchlib import (  # type: ignore[import-not-found]
    Run,
    compiled_bytecode,
    rotated,
    run_child,
    summary,
)

IMPORT = """
import sys
from afscope.cli.main import entry
sys.argv = ["afscope", "import", *sys.argv[1:]]
entry()
"""
"""What a user runs: the console script's ``entry`` (``afscope import SRC OUT [-j N]``)."""

FLOOR = """
import os, sys
if sys.argv[2] == "orjson":
    import orjson
    def load(h): return orjson.loads(h.read())
else:
    import json
    load = json.load
for current, _, files in os.walk(sys.argv[1]):
    for name in files:
        if name.endswith(".json"):
            with open(os.path.join(current, name), "rb") as handle:
                load(handle)
"""


def make_tree(root: Path, folders: int, positions: int, rollouts: int) -> int:
    """A tree of full pipeline folders; about 900 bytes of JSON per rollout."""
    rng = random.Random(7)
    filler = "reasoning " * 80  # full_cot text the importer must parse and drop
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
            text = json.dumps(sols)
            path.write_text(text)
            size += len(text)
    return size


def bench_tree(tree: Path, tmp: Path, total: int, args: argparse.Namespace) -> None:
    variants: dict[str, tuple[list[str], str | None]] = {
        "floor: json module": ([FLOOR, str(tree), "json"], None),
        "floor: orjson": ([FLOOR, str(tree), "orjson"], None),
        "afscope import": ([IMPORT, str(tree), ""], None),
        "afscope import --jobs 1": ([IMPORT, str(tree), "", "--jobs", "1"], None),
    }
    if args.before:
        variants["afscope import (before)"] = ([IMPORT, str(tree), ""], args.before)
    run_child([FLOOR, str(tree), "json"])  # warm the page cache
    compiled_bytecode(tmp / "pycache")
    for source in {source for _, source in variants.values()}:  # compile, untimed
        modules = "afscope.cli.import_cmd, afscope.readers.thought_anchors.importer"
        run_child([f"import {modules}"], source)
    names = list(variants)

    def writing_to(name: str, run: str) -> list[str]:
        """Variant ``name``'s arguments, an import writing its own bundle for ``run``."""
        child_args = variants[name][0]
        if child_args[0] != IMPORT:
            return child_args
        return [*child_args[:2], str(tmp / f"out-{run}-{names.index(name)}"), *child_args[3:]]

    runs: dict[str, list[Run]] = {name: [] for name in variants}
    for r in range(args.repeat):
        for name in rotated(names, r):
            runs[name].append(run_child(writing_to(name, str(r)), variants[name][1]))
            print(f"  run {r + 1}: {name}: {runs[name][-1][0]:.2f} s", file=sys.stderr)
    memory = {  # one more run each, untimed: sampling slows the child
        name: run_child(writing_to(name, "memory"), variants[name][1], tree=True).tree
        for name in names
    }
    floor, floor_cpu, _, _ = summary(runs["floor: json module"])
    print(
        f"{'':<26} {'wall s':>7} {'x floor':>8} {'CPU s':>7} {'x floor':>8} "
        f"{'rollouts/s':>11} {'peak RSS MB':>12} {'all procs MB':>13}"
    )
    for name, results in runs.items():
        wall, cpu, rss, _ = summary(results)
        print(
            f"{name:<26} {wall:>7.2f} {wall / floor:>8.2f} {cpu:>7.2f} {cpu / floor_cpu:>8.2f} "
            f"{total / wall:>11,.0f} {rss:>12.0f} {memory[name]:>13.0f}"
        )
    print(
        "medians of",
        args.repeat,
        "interleaved runs; CPU includes worker processes; peak RSS: the importing "
        "process, largest run; all procs: it and its workers, summed PSS, sampled in one "
        "more (untimed) run",
    )


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
    runs = [run_child([IMPORT, str(src), str(tmp / f"out-missing-{r}")])[0] for r in range(repeat)]
    print(
        f"web folder, {chunks} chunks absent from a {solution_mb:g} MB base solution: "
        f"import {statistics.median(runs):.2f} s median (wall, with start-up)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--folders", type=int, default=200)
    parser.add_argument("--positions", type=int, default=40)
    parser.add_argument("--rollouts", type=int, default=20)
    parser.add_argument("--tree", type=Path, help="use this tree (written by an earlier run)")
    parser.add_argument("--keep", type=Path, help="write the tree here and keep it")
    parser.add_argument("--before", help="also time this afscope source folder")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--missing-chunks", type=int, default=3000)
    parser.add_argument("--solution-mb", type=float, default=1.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=os.environ.get("TMPDIR", "/tmp")) as tmp:
        total = args.folders * args.positions * args.rollouts
        tree = args.tree
        if tree is None:
            tree = args.keep or Path(tmp) / "tree"
            size = make_tree(tree, args.folders, args.positions, args.rollouts)
            print(f"{size / 1e6:.0f} MB of solutions.json")
        print(
            f"tree {tree}: {args.folders} folders x {args.positions} positions x "
            f"{args.rollouts} rollouts = {total:,} rollouts"
        )
        bench_tree(tree, Path(tmp), total, args)
        if args.missing_chunks:
            bench_missing_chunks(Path(tmp), args.missing_chunks, args.solution_mb, args.repeat)


if __name__ == "__main__":
    main()
