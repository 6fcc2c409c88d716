"""Recover the text between chunks so a trace's reasoning can be rebuilt exactly.

The pipeline strips chunks and re-joins merged short pieces, so a chunk is located with
whitespace ignored: both texts are compared without their whitespace and the match is
mapped back to the source. Locating must not rescan the source per chunk (a folder can
hold thousands of chunks that do not occur in a megabyte-long base solution), so the
chunk is first looked for just after the previous one (where it almost always is), and
otherwise in an index of the source's whitespace-free text built once, on first need,
from the hashes of its k-character windows: a chunk is looked up through its rarest
window, and one with a window the source lacks is rejected without any scan.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import cache
from itertools import accumulate
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

WINDOW = 8
NEAR = 64
"""How far past the previous chunk to look before using the index (dropped short chunks
and merged pieces leave small gaps)."""
_BASE = 1_000_003
_WORDS = re.compile(r"\S+")


@cache
def _numpy() -> ModuleType:
    """numpy, imported on first use (the index of a chunk found out of order needs it): the
    explorer never derives separators, and most imports find every chunk in order."""
    import numpy

    return numpy


def _codes(text: str) -> np.ndarray:
    xp = _numpy()
    return xp.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=xp.uint32)


def _window_hashes(codes: np.ndarray, k: int) -> np.ndarray:
    """Polynomial hash (mod 2**64) of every k-character window of ``codes``."""
    xp = _numpy()
    count = len(codes) - k + 1
    if count <= 0:
        return xp.empty(0, dtype=xp.uint64)
    wide = codes.astype(xp.uint64)
    hashes = xp.zeros(count, dtype=xp.uint64)
    for j in range(k):
        hashes = hashes * xp.uint64(_BASE) + wide[j : j + count]
    return hashes


class _Index:
    """Where each k-character window occurs in ``text`` (built per k on first use)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._by_k: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    def _windows(self, k: int) -> tuple[np.ndarray, np.ndarray]:
        if k not in self._by_k:
            xp = _numpy()
            hashes = _window_hashes(_codes(self.text), k)
            order = xp.argsort(hashes, kind="stable")  # equal hashes keep ascending positions
            self._by_k[k] = (hashes[order], order)
        return self._by_k[k]

    def find(self, needle: str, start: int) -> int:
        """First index >= ``start`` where ``needle`` occurs in the text, else -1."""
        near = self.text.find(needle, start, start + len(needle) + NEAR)
        if near >= 0:
            return near
        k = min(WINDOW, len(needle))
        xp = _numpy()
        hashes, positions = self._windows(k)
        wanted = _window_hashes(_codes(needle), k)
        low = xp.searchsorted(hashes, wanted, side="left")
        high = xp.searchsorted(hashes, wanted, side="right")
        counts = high - low
        rarest = int(xp.argmin(counts))
        if counts[rarest] == 0:
            return -1
        candidates = positions[low[rarest] : high[rarest]] - rarest
        for at in candidates[xp.searchsorted(candidates, start) :]:
            if self.text.startswith(needle, int(at)):
                return int(at)
        return -1


def derive_separators(source: str | None, chunks: list[str]) -> list[str | None]:
    """Text after each chunk up to the next one, found by walking ``source`` in order.

    The pipeline strips chunks, so the whitespace (and any dropped short chunk) between
    them is recovered from the text they were split from. A separator next to a chunk
    that cannot be found in order is unknown (None) rather than guessed.
    """
    if not source or not chunks:
        return [None] * len(chunks)
    # runs of non-whitespace (\s is exactly str.isspace) and where each starts in the
    # whitespace-free text: a position there maps back to the source by a bisection
    runs = [m.span() for m in _WORDS.finditer(source)]
    starts = list(accumulate((end - start for start, end in runs), initial=0))

    def in_source(at: int) -> int:
        run = bisect_right(starts, at) - 1
        return runs[run][0] + at - starts[run]

    index = _Index("".join(source.split()))
    spans: list[tuple[int, int] | None] = []
    cursor = 0  # in the whitespace-free text
    for chunk in chunks:
        needle = "".join(chunk.split())
        at = index.find(needle, cursor) if needle else -1
        if at < 0:
            spans.append(None)
            continue
        end = at + len(needle)
        spans.append((in_source(at), in_source(end - 1) + 1))
        cursor = end
    out: list[str | None] = []
    for i, span in enumerate(spans):
        following = spans[i + 1] if i + 1 < len(spans) else (len(source), len(source))
        if span is None or following is None:
            out.append(None)
        else:
            out.append(source[span[1] : following[0]])
    return out
