"""Write small Thought Anchors folders whose every number is known, for importer tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def write_json(path: Path, value: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value), encoding="utf-8")


def web_folder(folder: Path) -> Path:
    """A web-viewer math folder. Sentence 1 clearly promotes correctness (rate 0.2 -> 0.8);
    sentence 3 clearly suppresses it (0.8 -> 0.1). Chunk 2 is absent (a gap)."""
    chunks = [
        "First I read the problem.",
        "The key step is to factor it.",
        "OK",
        "But wait, maybe I should add instead.",
        "So the answer is 7.",
    ]
    labeled = []
    rates = {0: 0.2, 1: 0.2, 3: 0.8, 4: 0.1}
    # source conventions: resampling = rate(next) - rate(i); counterfactual = rate(D) - rate(next)
    rs = {0: 0.0, 1: 0.6, 3: -0.7, 4: 0.0}
    cf = {0: 0.0, 1: -0.6, 3: 0.7, 4: 0.0}
    for idx in (0, 1, 3, 4):
        labeled.append(
            {
                "chunk": chunks[idx],
                "chunk_idx": idx,
                "function_tags": ["plan_generation"],
                "depends_on": [str(idx - 1)] if idx else [],
                "summary": f"step {idx}",
                "accuracy": rates[idx],
                "resampling_importance_accuracy": rs[idx],
                "counterfactual_importance_accuracy": cf[idx],
                "counterfactual_importance_kl": abs(cf[idx]) * 2,
                "different_trajectories_fraction": 0.5,
                "overdeterminedness": 0.25,
            }
        )
    write_json(folder / "chunks_labeled.json", labeled)
    write_json(
        folder / "problem.json",
        {"problem": "What is 3 + 4?", "gt_answer": "7", "nickname": "Tiny", "level": "Level 1"},
    )
    write_json(
        folder / "base_solution.json",
        {
            "prompt": "p",
            "solution": "First I read the problem. The key step is to factor it. "
            "OK\n\nBut wait, maybe I should add instead. So the answer is 7.",
            "answer": "7",
            "is_correct": True,
        },
    )
    write_json(
        folder / "chunks_resampled.json",
        {
            "0": ["First I read it.", "Let me read."],
            "1": ["Factor it.", "Add it."],
            "3": ["Add.", "Add."],
            "4": ["Seven.", "Seven."],
        },
    )
    write_json(
        folder / "step_importance.json",
        [
            {
                "source_chunk_idx": 1,
                "source_chunk_text": chunks[1],
                "target_impacts": [
                    {"target_chunk_idx": 3, "importance_score": 0.4},
                    {"target_chunk_idx": 2, "importance_score": 0.9},
                ],
            },
        ],
    )
    write_json(folder / "summary.json", {"problem_idx": 1, "num_chunks": 5})
    return folder


def full_folder(folder: Path, *, labeled: bool = False) -> Path:
    """A full pipeline folder with hand-countable rollouts.

    position 0: 4 rollouts: 1 correct, 1 wrong, 1 error entry, 1 without an answer
                -> rate 1/2, n 2
    position 1: 3 rollouts, all correct -> rate 1, n 3
    position 2: 2 rollouts: 0 correct, plus one answer "None" -> rate 0, n 2
    """
    chunks = ["Let x be 3.", "Then x + 4 = 7.", "Hmm, maybe 8."]
    write_json(
        folder / "chunks.json",
        {
            "source_text": "x",
            "solution_text": "Let x be 3. Then x + 4 = 7.\nHmm, maybe 8.",
            "chunks": chunks,
        },
    )
    write_json(folder / "problem.json", {"problem": "x + 4 with x = 3?", "gt_answer": "7"})
    write_json(
        folder / "base_solution.json", {"solution": "...", "answer": "8", "is_correct": False}
    )

    def roll(resampled: str, answer: str | None, correct: bool) -> dict:
        return {
            "chunk_removed": "c",
            "prefix_without_chunk": "p",
            "chunk_resampled": resampled,
            "rollout": "r",
            "full_cot": "f",
            "answer": answer,
            "is_correct": correct,
        }

    write_json(
        folder / "chunk_0" / "solutions.json",
        [
            roll("Let x equal 3.", "7", True),
            roll("Suppose x is 5.", "9", False),
            {"error": "rate limited"},
            roll("Hmm.", "", False),
        ],
    )
    write_json(
        folder / "chunk_1" / "solutions.json",
        [
            roll("So x + 4 = 7.", "7", True),
            roll("x + 4 = 7.", "7", True),
            roll("Adding 4 gives 7.", "7", True),
        ],
    )
    write_json(
        folder / "chunk_2" / "solutions.json",
        [
            roll("Maybe 8.", "8", False),
            roll("Or 9.", "9", False),
            roll("x", "None", True),
        ],
    )
    if labeled:
        write_json(
            folder / "chunks_labeled.json",
            [
                {
                    "chunk": c,
                    "chunk_idx": i,
                    "function_tags": ["active_computation"],
                    "counterfactual_importance_accuracy": [-0.5, 0.25, 0.0][i],
                    "mystery_field": "x",
                }
                for i, c in enumerate(chunks)
            ],
        )
    return folder


def scenario_folder(folder: Path) -> Path:
    """A blackmail web scenario with fork-style and unknown metric names."""
    write_json(folder / "scenario.json", {"scenario_id": 3, "user_prompt": "Check the inbox."})
    write_json(folder / "base_solution.json", {"solution": "A. B.", "contains_blackmail": True})
    write_json(
        folder / "chunks_labeled.json",
        [
            {
                "chunk": "A.",
                "chunk_idx": 0,
                "blackmail_rate": 0.1,
                "counterfactual_importance_blackmail_rate": -0.5,
                "weird_importance_novelty": 0.2,
                "mystery": 1,
            },
            {
                "chunk": "B.",
                "chunk_idx": 1,
                "blackmail_rate": 0.6,
                "counterfactual_importance_blackmail_rate": 0.1,
                "weird_importance_novelty": -0.1,
                "mystery": 2,
            },
        ],
    )
    return folder


def tree(root: Path) -> Path:
    """model/temperature/base-kind/problem_N, with a forced-answer twin and a broken folder."""
    base = root / "model-x" / "temperature_0.6_top_p_0.95" / "correct_base_solution"
    web_folder(base / "problem_1")
    full_folder(base / "problem_2")
    full_folder(
        root
        / "model-x"
        / "temperature_0.6_top_p_0.95"
        / "correct_base_solution_forced_answer"
        / "problem_2"
    )
    broken = base / "problem_3"
    broken.mkdir(parents=True)
    (broken / "chunks.json").write_text("{not json", encoding="utf-8")
    scenario_folder(root / "model-y" / "yes_base_solution" / "scenario_3")
    return root


def rollout_folder(
    folder: Path,
    positions: list[list[tuple[bool | None, float | None]]],
    *,
    labeled: dict[int, dict[str, Any]] | None = None,
) -> Path:
    """A full pipeline folder with chosen rollouts: per position a list of (is_correct,
    similarity); a None label writes a rollout without an answer (skipped, as the pipeline
    does). ``labeled`` adds chunks_labeled.json entries (extra fields per chunk index)."""
    chunks = [f"Step {i} of the work." for i in range(len(positions))]
    write_json(folder / "chunks.json", {"solution_text": " ".join(chunks), "chunks": chunks})
    write_json(folder / "problem.json", {"problem": "What is 3 + 4?", "gt_answer": "7"})
    write_json(folder / "base_solution.json", {"solution": "...", "is_correct": True})
    for idx, rollouts in enumerate(positions):
        entries = []
        for j, (correct, similarity) in enumerate(rollouts):
            entry: dict[str, Any] = {
                "chunk_resampled": f"Alternative {j % 3}.",
                "answer": "7" if correct is not None else "",
                "is_correct": bool(correct),
            }
            if similarity is not None:
                entry["similarity"] = similarity
            entries.append(entry)
        write_json(folder / f"chunk_{idx}" / "solutions.json", entries)
    if labeled is not None:
        write_json(
            folder / "chunks_labeled.json",
            [{"chunk": c, "chunk_idx": i, **labeled.get(i, {})} for i, c in enumerate(chunks)],
        )
    return folder


def shifted_folder(
    folder: Path, *, n: int = 10, gap: int = 3, rates: list[float] | None = None
) -> Path:
    """A web scenario folder broken like the published blackmail scenario 0: chunk ``gap``
    is left out of chunks_labeled.json but kept in chunks_resampled.json, and from the
    gap on each labeled entry carries the resampling importance and overdeterminedness of
    the position before it (the rates stay in place). Before the gap everything agrees."""
    rates = rates or [0.1, 0.1, 0.3, 0.3, 0.5, 0.2, 0.9, 0.4, 0.4, 0.0][:n]
    chunks = [f"Sentence number {i} of the plan." for i in range(n)]
    chunks[gap] = "2."
    # position i's alternatives: i + 1 distinct texts among ten (overdeterminedness 1 - (i+1)/10)
    alternatives = {i: [f"Alt {i}.{j % (i + 1)}" for j in range(10)] for i in range(n)}
    resampling = {i: rates[i + 1] - rates[i] if i + 1 < n else 0.0 for i in range(n)}
    overdetermined = {i: 1 - (i + 1) / 10 for i in range(n)}
    labeled = []
    for idx in range(n):
        if idx == gap:
            continue
        source = idx - 1 if idx > gap else idx  # the shift
        labeled.append(
            {
                "chunk": chunks[idx],
                "chunk_idx": idx,
                "accuracy": rates[idx],
                "resampling_importance_accuracy": resampling[source],
                "overdeterminedness": overdetermined[source],
            }
        )
    write_json(folder / "chunks_labeled.json", labeled)
    write_json(folder / "scenario.json", {"user_prompt": "Check the inbox."})
    write_json(
        folder / "base_solution.json",
        {"solution": " ".join(chunks), "contains_blackmail": False},
    )
    write_json(folder / "chunks_resampled.json", {str(i): a for i, a in alternatives.items()})
    return folder
