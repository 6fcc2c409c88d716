"""Checks that a Thought Anchors folder agrees with itself; findings become warnings.

A folder can be readable and still wrong: ``chunks_labeled.json`` of the web viewer's
blackmail scenario 0 leaves out sentence 22 while ``chunks_resampled.json`` keeps it, and
from there on its per-sentence values belong to the sentence before. Three checks
(docs/thought-anchors.md, "Checks"), each over what one folder published:

- ``index_gap``: sentence indices missing between 0 and the last sentence;
- ``misaligned_alternatives``: alternatives keyed to indices that are no sentence, or a
  published ``overdeterminedness`` (1 - unique / total alternatives) that fits the
  alternatives of the neighbouring sentence rather than its own, at several sentences;
- ``contradicting_importance``: a published resampling importance that differs from the
  published rates' change (rate at the next sentence - rate at this one) by more than
  ``TOLERANCE``.

The checks read the small frames the folder parser built (published values only, before
anything is computed), so they cost a few look-ups per sentence.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import islice

import polars as pl

from afscope.bundle.manifest import SourceWarning

LABELED = "chunks_labeled.json"
RESAMPLED = "chunks_resampled.json"
INDEX_GAP = "index_gap"
MISALIGNED = "misaligned_alternatives"
CONTRADICTS = "contradicting_importance"
TOLERANCE = 0.01
"""How far a published importance may be from the published rates' change (one rollout
in a hundred; rounding to two decimals stays inside). Agreeing sources agree to 1e-15."""
SHIFT_MIN = 3
"""Sentences whose published value fits a neighbour before an offset is reported."""
MAX_LISTED = 1000
"""Missing indices a gap warning lists (its message gives every range): a source can
jump from 1 to 10**12, which must neither be enumerated nor fill the manifest."""


def spans(indices: Iterable[int]) -> str:
    """``22`` / ``23-38`` / ``4, 7-9``: sorted indices as ranges."""
    ordered = sorted(set(indices))
    parts: list[str] = []
    start = prev = None
    for idx in ordered:
        if start is None:
            start = prev = idx
        elif prev is not None and idx == prev + 1:
            prev = idx
        else:
            parts.append(str(start) if start == prev else f"{start}-{prev}")
            start = prev = idx
    if start is not None:
        parts.append(str(start) if start == prev else f"{start}-{prev}")
    return ", ".join(parts)


def _sentences(indices: Sequence[int]) -> str:
    return f"sentence{'s' if len(indices) != 1 else ''} {spans(indices)}"


def index_gaps(
    trace_id: str, indices: Sequence[int], resampled_outside: Iterable[int] = ()
) -> list[SourceWarning]:
    """Indices missing from the sentences, and alternatives keyed to no sentence."""
    if not indices:
        return []
    ordered = sorted(set(indices))
    last = ordered[-1]
    holes = [(a + 1, b - 1) for a, b in zip([-1, *ordered], ordered, strict=False) if b > a + 1]
    count = sum(high - low + 1 for low, high in holes)
    missing = list(islice((i for low, high in holes for i in range(low, high + 1)), MAX_LISTED))
    outside = sorted(set(resampled_outside))
    warnings = []
    if holes:
        kept = [i for i in outside if any(low <= i <= high for low, high in holes)]
        them = "it" if count == 1 else "them"
        listed = ", ".join(str(low) if low == high else f"{low}-{high}" for low, high in holes)
        message = (
            f"sentence{'s' if count != 1 else ''} {listed} missing: {LABELED} has no entry "
            f"for {them} (the trace skips {them}; the rate after the sentence before a gap "
            "is measured after it)"
        )
        if kept:
            message += (
                f"; {RESAMPLED} has alternatives for {spans(kept)}, so the pipeline had a "
                f"sentence there ({LABELED} leaves out chunks shorter than 4 characters) "
                "and its values after the gap may be keyed differently"
            )
        warnings.append(
            SourceWarning(
                trace_id=trace_id,
                file=LABELED,
                kind=INDEX_GAP,
                sentences=tuple(missing),
                message=message,
            )
        )
    beyond = [i for i in outside if i > last]
    if beyond:
        warnings.append(
            SourceWarning(
                trace_id=trace_id,
                file=RESAMPLED,
                kind=MISALIGNED,
                sentences=(),
                message=(
                    f"alternatives keyed to {_sentences(beyond)}, after the last sentence "
                    f"({last}) of {LABELED}: the two files may count sentences differently"
                ),
            )
        )
    return warnings


def _overdeterminedness(resamples: pl.DataFrame | None) -> dict[int, float]:
    """1 - unique / total of the alternatives at each sentence (the pipeline's definition)."""
    if resamples is None or "resampled_sentence" not in resamples.columns:
        return {}
    frame = (
        resamples.filter(pl.col("resampled_sentence").is_not_null())
        .group_by("sentence_idx")
        .agg(
            (1 - pl.col("resampled_sentence").n_unique() / pl.len()).alias("od"),
        )
    )
    return dict(zip(frame["sentence_idx"].to_list(), frame["od"].to_list(), strict=True))


def misaligned_alternatives(
    trace_id: str, sentences: pl.DataFrame, resamples: pl.DataFrame | None, file: str
) -> list[SourceWarning]:
    """Published overdeterminedness that fits the alternatives one sentence off.

    At each sentence whose published value differs from the one its own alternatives give,
    the value from the previous (and the next) sentence's alternatives is tried; when one
    offset explains at least ``SHIFT_MIN`` sentences and half of all the differences, the
    sentences from the first to the last it explains are reported.
    """
    column = sentences.get_column("overdeterminedness", default=None)
    if column is None or column.null_count() == column.len():
        return []  # nothing published to compare (and no group-by over the rollouts)
    own = _overdeterminedness(resamples)
    if not own:
        return []
    rows = sentences.select("sentence_idx", "overdeterminedness").rows()
    indices = [idx for idx, _ in rows]
    differ = 0
    explained: dict[int, list[int]] = {-1: [], 1: []}
    for k, (idx, published) in enumerate(rows):
        here = own.get(idx)
        if published is None or here is None or abs(published - here) <= TOLERANCE / 2:
            continue
        differ += 1
        for step in (-1, 1):
            j = k + step
            other = own.get(indices[j]) if 0 <= j < len(indices) else None
            if other is not None and abs(published - other) <= TOLERANCE / 2:
                explained[step].append(idx)
    step, hits = max(explained.items(), key=lambda item: len(item[1]))
    if len(hits) < SHIFT_MIN or 2 * len(hits) < differ:
        return []
    marked = [i for i in indices if hits[0] <= i <= hits[-1]]
    neighbour = "before" if step < 0 else "after"
    return [
        SourceWarning(
            trace_id=trace_id,
            file=file,
            kind=MISALIGNED,
            sentences=tuple(marked),
            message=(
                f"alternatives may be misaligned at {_sentences(marked)}: at {len(hits)} of "
                f"them ({spans(hits)}) the overdeterminedness {LABELED} publishes fits the "
                f"alternatives of the sentence {neighbour}, not their own; the alternatives "
                f"and the values {LABELED} gives for these sentences may belong to "
                "neighbouring sentences"
            ),
        )
    ]


def contradicting_importance(
    trace_id: str, rates: pl.DataFrame | None, importance: pl.DataFrame | None
) -> list[SourceWarning]:
    """Published resampling importance against the published rates, per outcome.

    ``importance.direction`` is already in afscope's sign (positive = promotes), which for
    resampling is the source's: rate(next) - rate(i). A sentence is checked when the next
    index is a sentence with a published rate (after a gap the source's "next" is unknown).
    """
    if rates is None or importance is None or rates.height == 0:
        return []
    published = importance.filter(pl.col("metric") == "resampling")
    warnings = []
    for outcome in published["outcome"].unique(maintain_order=True).to_list():
        rate = dict(
            rates.filter(pl.col("outcome") == outcome).select("sentence_idx", "rate").rows()
        )
        values = dict(
            published.filter(pl.col("outcome") == outcome)
            .select("sentence_idx", "direction")
            .rows()
        )
        expected = {i: rate[i + 1] - rate[i] for i in rate if i + 1 in rate}
        bad = sorted(
            i
            for i, value in values.items()
            if value is not None and i in expected and abs(value - expected[i]) > TOLERANCE
        )
        if not bad:
            continue
        shifted = [
            i for i in bad if i - 1 in expected and abs(values[i] - expected[i - 1]) <= TOLERANCE
        ]
        first = bad[0]
        message = (
            f"published resampling importance for {outcome} contradicts the published rates "
            f"at {_sentences(bad)} (of {len(expected)} checked): it should be the rate after "
            f"the sentence minus the rate before; e.g. sentence {first}: rate "
            f"{rate[first]:.2f} -> {rate[first + 1]:.2f} gives {expected[first]:+.3f}, "
            f"published {values[first]:+.3f}"
        )
        if len(shifted) >= SHIFT_MIN and 2 * len(shifted) >= len(bad):
            message += (
                f"; at {_sentences(shifted)} the published value is the change one sentence "
                "earlier (offset by one)"
            )
        warnings.append(
            SourceWarning(
                trace_id=trace_id,
                file=LABELED,
                kind=CONTRADICTS,
                sentences=tuple(bad),
                message=message,
            )
        )
    return warnings


def check_folder(
    trace_id: str,
    sentences: pl.DataFrame,
    rates: pl.DataFrame | None,
    importance: pl.DataFrame | None,
    resamples: pl.DataFrame | None,
    *,
    web: bool,
    resampled_outside: Iterable[int] = (),
) -> list[SourceWarning]:
    """Every check on one parsed folder (published values only: call before computing).

    ``web``: the sentences come from ``chunks_labeled.json`` and the alternatives from
    ``chunks_resampled.json`` (else from ``chunks.json`` and ``chunk_<i>/solutions.json``,
    whose indices cannot have gaps)."""
    indices = sentences["sentence_idx"].to_list()
    warnings = index_gaps(trace_id, indices, resampled_outside) if web else []
    source = RESAMPLED if web else "chunk_<i>/solutions.json"
    warnings += misaligned_alternatives(trace_id, sentences, resamples, source)
    warnings += contradicting_importance(trace_id, rates, importance)
    return warnings
