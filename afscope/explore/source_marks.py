"""Where the explorer marks a trace's source as doubtful: gap lines and flagged sentences.

Sentence indices that jump (``21`` then ``23``) get a line of their own in the trace
saying which sentences the source lacks; sentences named by a source warning (checks in
``afscope/readers/thought_anchors/checks.py``, kept in the manifest) get a mark in the
trace and a note in the detail panel. Plain data, drawn by ``TraceLines`` and the panel.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from afscope.explore.trace_data import TraceData

NOTES = {
    "contradicting_importance": "published importance contradicts the published rates",
    "misaligned_alternatives": "alternatives may be misaligned with this sentence",
}
"""Detail-panel note per warning kind (the full finding is in ``afscope validate``/``info``)."""


def _missing(first: int, last: int) -> str:
    """``sentence 22`` / ``sentences 22-24`` for the indices from ``first`` to ``last``."""
    if first == last:
        return f"sentence {first}"
    return f"sentences {first}-{last}"


@dataclass(frozen=True)
class TraceMarks:
    """Gap lines and flagged sentences of one trace, by position (row in the sentences)."""

    gaps: dict[int, str] = field(default_factory=dict)
    """Position of the sentence after a gap -> the line drawn before it."""
    flagged: frozenset[int] = frozenset()
    """Positions of sentences a source warning names."""


def trace_marks(data: TraceData) -> TraceMarks:
    """Built once per trace (the trace pane and the legend both ask)."""
    cached = data.memo.get("marks")
    if cached is None:
        cached = data.memo["marks"] = _marks(data)
    return cached


def _marks(data: TraceData) -> TraceMarks:
    indices = data.indices
    gaps = {}
    previous = -1
    for position, idx in enumerate(indices):
        if idx > previous + 1:
            gaps[position] = f"… {_missing(previous + 1, idx - 1)} missing in the source …"
        previous = idx
    named = {i for w in data.warnings if w.kind in NOTES for i in w.sentences}
    flagged = frozenset(p for p, idx in enumerate(indices) if idx in named)
    return TraceMarks(gaps, flagged)


def sentence_notes(data: TraceData, sentence_idx: int) -> list[str]:
    """What the detail panel says about the source at one sentence: each warning naming it,
    and a gap right after it (the rate "after" is then measured beyond the gap)."""
    notes = [
        f"{NOTES[w.kind]} ({w.file})"
        for w in data.warnings
        if w.kind in NOTES and sentence_idx in w.sentences
    ]
    indices = data.indices
    k = bisect_right(indices, sentence_idx)
    if k < len(indices) and indices[k] > sentence_idx + 1:
        notes.append(
            f"{_missing(sentence_idx + 1, indices[k] - 1)} missing in the source: the rate "
            f"after this sentence is the rate at {indices[k]}"
        )
    return notes
