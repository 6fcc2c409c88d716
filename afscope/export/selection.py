"""Which sentences an export holds: explicit indices, the top K, or a minimum importance;
and the ``TRACE=LIST`` selections that name sentences of several traces at once."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from afscope.bundle.reader import Bundle
from afscope.explore.trace_data import TraceData


class SelectionError(ValueError):
    """A selection that names something that does not exist (exit code 2 in the CLI)."""


def parse_indices(spec: str, option: str = "--sentences") -> list[int]:
    """``"4,12-13"`` -> ``[4, 12, 13]``; clear errors (naming ``option``) for anything else."""
    out: list[int] = []
    for part in spec.split(","):
        part = part.strip()
        if not part:
            continue
        lo, sep, hi = part.partition("-")
        try:
            start = int(lo)
            end = int(hi) if sep else start
        except ValueError:
            raise SelectionError(
                f"{option}: {part!r} is not an index or a range like 12-13"
            ) from None
        if start < 0 or end < start:
            raise SelectionError(f"{option}: {part!r}: expected 0 <= start <= end")
        out.extend(range(start, end + 1))
    if not out:
        raise SelectionError(f"{option}: expected indices such as 4,12-13")
    return sorted(set(out))


def format_indices(indices: list[int]) -> str:
    """``[4, 12, 13]`` -> ``"4,12-13"``: the inverse of ``parse_indices``."""
    parts: list[str] = []
    ordered = sorted(set(indices))
    start = 0
    for i in range(1, len(ordered) + 1):
        if i == len(ordered) or ordered[i] != ordered[i - 1] + 1:
            lo, hi = ordered[start], ordered[i - 1]
            parts.append(str(lo) if lo == hi else f"{lo}-{hi}")
            start = i
    return ",".join(parts)


def parse_selections(specs: list[str]) -> dict[str, list[int]]:
    """``["t1=4,12-13", "t2=3", "t1=20"]`` -> ``{"t1": [4, 12, 13, 20], "t2": [3]}``: the
    sentences of several traces (``--select``); a trace id may itself contain ``=`` (the
    last one separates), repeating a trace adds to it."""
    out: dict[str, set[int]] = {}
    for spec in specs:
        trace_id, sep, indices = spec.rpartition("=")
        if not sep or not trace_id:
            raise SelectionError(
                f"--select: {spec!r}: expected TRACE=INDICES such as 01-original-free=4,12-13"
            )
        out.setdefault(trace_id, set()).update(parse_indices(indices, "--select"))
    return {trace_id: sorted(indices) for trace_id, indices in out.items()}


@dataclass(frozen=True)
class SentenceFilter:
    """At most one of indices / top / min_importance; none means every sentence."""

    indices: tuple[int, ...] | None = None
    top: int | None = None
    min_importance: float | None = None

    def candidate_traces(self, bundle: Bundle, outcome: str, metric: str) -> set[str] | None:
        """Traces that can have a chosen sentence, from one scan of the importance table
        (None: every trace), so a filter that matches little reads only those traces."""
        if self.top is None and self.min_importance is None:
            return None
        scan = bundle.scan("importance")
        if scan is None:
            return set()
        active = (pl.col("outcome") == outcome) & (pl.col("metric") == metric)
        if self.min_importance is not None:
            active &= pl.col("importance") >= self.min_importance
        ids = scan.filter(active).select(pl.col("trace_id").unique()).collect()
        return set(ids["trace_id"].to_list())

    def missing(self, data: TraceData) -> list[int]:
        """Explicit indices that ``data`` lacks (Thought Anchors folders can have gaps)."""
        if self.indices is None:
            return []
        present = set(data.indices)
        return sorted(i for i in set(self.indices) if i not in present)

    def apply(self, data: TraceData, outcome: str, metric: str) -> list[int]:
        """Sentence indices of ``data`` that pass, in trace order."""
        available = data.indices
        if self.indices is not None:
            wanted = set(self.indices)
            return [i for i in available if i in wanted]
        if self.top is None and self.min_importance is None:
            return list(available)
        active = data.importance.filter(
            (pl.col("outcome") == outcome) & (pl.col("metric") == metric)
        ).select("sentence_idx", "importance")
        if self.top is not None:
            chosen = active.sort(["importance", "sentence_idx"], descending=[True, False])
            chosen = chosen.head(self.top)
        else:
            chosen = active.filter(pl.col("importance") >= self.min_importance)
        keep = set(chosen["sentence_idx"].to_list())
        return [i for i in available if i in keep]
