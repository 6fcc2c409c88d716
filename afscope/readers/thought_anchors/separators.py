"""Recover the text between chunks so a trace's reasoning can be rebuilt exactly."""

from __future__ import annotations

import re


def _locate(source: str, chunk: str, cursor: int) -> tuple[int, int] | None:
    """(start, end) of ``chunk`` in ``source`` at or after ``cursor``.

    Exact first; then with any whitespace run in the chunk matching any (or no)
    whitespace, because the pipeline strips and re-joins merged short pieces.
    """
    at = source.find(chunk, cursor)
    if at >= 0:
        return at, at + len(chunk)
    tokens = chunk.split()
    if not tokens:
        return None
    pattern = re.compile(r"\s*".join(re.escape(t) for t in tokens))
    match = pattern.search(source, cursor)
    return (match.start(), match.end()) if match else None


def derive_separators(source: str | None, chunks: list[str]) -> list[str | None]:
    """Text after each chunk up to the next one, found by walking ``source`` in order.

    The pipeline strips chunks, so the whitespace (and any dropped short chunk) between
    them is recovered from the text they were split from. A separator next to a chunk
    that cannot be found in order is unknown (None) rather than guessed.
    """
    if not source or not chunks:
        return [None] * len(chunks)
    spans: list[tuple[int, int] | None] = []
    cursor = 0
    for chunk in chunks:
        span = _locate(source, chunk, cursor)
        spans.append(span)
        if span is not None:
            cursor = span[1]
    out: list[str | None] = []
    for i, span in enumerate(spans):
        following = spans[i + 1] if i + 1 < len(spans) else (len(source), len(source))
        if span is None or following is None:
            out.append(None)
        else:
            out.append(source[span[1] : following[0]])
    return out
