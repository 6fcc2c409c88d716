"""Which sentences an export holds: explicit indices, the top K, or a minimum importance."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from afscope.bundle.reader import Bundle
from afscope.explore.trace_data import TraceData


class SelectionError(ValueError):
    """A selection that names something that does not exist (exit code 2 in the CLI)."""


def parse_indices(spec: str) -> list[int]:
    """``"4,12-13"`` -> ``[4, 12, 13]``; clear errors for anything else."""
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
                f"--sentences: {part!r} is not an index or a range like 12-13"
            ) from None
        if start < 0 or end < start:
            raise SelectionError(f"--sentences: {part!r}: expected 0 <= start <= end")
        out.extend(range(start, end + 1))
    if not out:
        raise SelectionError("--sentences: expected indices such as 4,12-13")
    return sorted(set(out))


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

    def apply(self, data: TraceData, outcome: str, metric: str) -> list[int]:
        """Sentence indices of ``data`` that pass, in trace order. Explicit indices that
        the trace lacks are left out (``missing_indices`` names them); none present is an
        error."""
        available = data.indices
        if self.indices is not None:
            present, wanted = set(available), set(self.indices)
            missing = [i for i in self.indices if i not in present]
            if len(missing) == len(wanted):  # some missing: the caller names them (a gap)
                raise SelectionError(
                    f"trace {data.trace_id!r} has no sentence {', '.join(map(str, missing))} "
                    f"(its indices run {available[0]}..{available[-1]})"
                    if available
                    else f"trace {data.trace_id!r} has no sentences"
                )
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


def missing_indices(
    bundle: Bundle, indices: tuple[int, ...], trace_ids: list[str]
) -> dict[str, list[int]]:
    """Per trace, the wanted indices it lacks (sources can skip sentences), from one scan."""
    scan = bundle.scan("sentences")
    if scan is None:
        return {}
    have = (
        scan.filter(pl.col("trace_id").is_in(trace_ids) & pl.col("sentence_idx").is_in(indices))
        .group_by("trace_id")
        .agg(pl.col("sentence_idx"))
        .collect()
    )
    found = dict(zip(have["trace_id"].to_list(), have["sentence_idx"].to_list(), strict=True))
    return {
        t: [i for i in indices if i not in set(found[t])]
        for t in trace_ids
        if t in found and len(found[t]) < len(indices)
    }
