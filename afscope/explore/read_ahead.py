"""Traces read ahead of the user: the neighbours of the one shown, kept few and small.

``]`` and ``[`` open the next and previous trace; reading one takes a worker round trip
(five table reads), most of the key's time. The explorer reads the neighbours while it
is idle and keeps them here, so the key shows a trace already in memory.

The bundle does not change while it is open; in case its files are rewritten or deleted
anyway, a trace is kept with a stamp of the table files taken before it was read
(``files_stamp``) and used only while they are unchanged, so the damage is reported as
without read-ahead. The user's notes live elsewhere (``afscope.analysis.notes``) and are
drawn from there, so a kept trace never shows old notes.
"""

from __future__ import annotations

import os
from collections import OrderedDict

from afscope.bundle.reader import Bundle
from afscope.explore.detail import metric_values, rate_changes
from afscope.explore.scores import most_important, score_sentences
from afscope.explore.source_marks import trace_marks
from afscope.explore.state import ExplorerState
from afscope.explore.trace_data import TraceData

KEPT_TRACES = 4
"""The trace shown, the one before it and its two neighbours."""
KEPT_BYTES = 64 << 20
"""A bound on the kept frames' size, whatever the traces' length (resamples dominate)."""


FilesStamp = tuple[tuple[int, int, int] | None, ...]
"""Each table file's inode, size and modification time (None: missing)."""


def files_stamp(bundle: Bundle) -> FilesStamp:
    """The bundle's table files as the system sees them now: what was read from them is
    used again only while this stays the same (a few ``stat`` calls)."""
    stamps: list[tuple[int, int, int] | None] = []
    for table in sorted(bundle.manifest.tables):
        path = bundle.table_path(table)
        try:
            st = os.stat(path) if path is not None else None
        except OSError:
            st = None
        stamps.append(None if st is None else (st.st_ino, st.st_size, st.st_mtime_ns))
    return tuple(stamps)


def trace_bytes(data: TraceData) -> int:
    """Polars' estimate of the frames' size: what keeping ``data`` costs."""
    frames = (data.sentences, data.rates, data.importance, data.resamples, data.effects)
    return sum(int(frame.estimated_size()) for frame in frames if frame is not None)


class ReadAhead:
    """A least-recently-used set of loaded traces, bounded by count and by bytes.

    Used on one thread (the UI's): workers read, the screen keeps what they return.
    """

    def __init__(self, traces: int = KEPT_TRACES, max_bytes: int = KEPT_BYTES) -> None:
        self._traces = traces
        self._max_bytes = max_bytes
        self._kept: OrderedDict[str, tuple[TraceData, int, FilesStamp]] = OrderedDict()
        self._bytes = 0

    def __contains__(self, trace_id: str) -> bool:
        return trace_id in self._kept

    def __len__(self) -> int:
        return len(self._kept)

    @property
    def size(self) -> int:
        """Bytes kept (Polars' estimate)."""
        return self._bytes

    def get(self, trace_id: str, stamp: FilesStamp) -> TraceData | None:
        """The trace if kept and read from files as ``stamp`` finds them now (it becomes
        the most recently used); a trace read from files changed since is dropped."""
        kept = self._kept.get(trace_id)
        if kept is None:
            return None
        if kept[2] != stamp:
            self.discard(trace_id)
            return None
        self._kept.move_to_end(trace_id)
        return kept[0]

    def keep(self, data: TraceData, stamp: FilesStamp) -> None:
        """Keep ``data``, read from files as ``stamp`` (taken before the read) found
        them, dropping the least recently used traces past the bounds (a trace larger
        than the byte bound on its own is not kept)."""
        size = trace_bytes(data)
        self.discard(data.trace_id)
        if size > self._max_bytes:
            return
        self._kept[data.trace_id] = (data, size, stamp)
        self._bytes += size
        while len(self._kept) > self._traces or self._bytes > self._max_bytes:
            _, (_, dropped, _) = self._kept.popitem(last=False)
            self._bytes -= dropped

    def discard(self, trace_id: str) -> None:
        kept = self._kept.pop(trace_id, None)
        if kept is not None:
            self._bytes -= kept[1]


def read_ahead(state: ExplorerState, trace_id: str) -> TraceData:
    """Read ``trace_id`` and build the look-ups showing it needs (which outcomes and
    metrics it has, its scores for the settings now shown and the sentence the cursor
    starts on, its gap marks, the detail panel's indexes), so a worker does that work
    rather than the key. Raises as ``ExplorerState.load``."""
    data = state.load(trace_id)
    state.available_in(data)
    most_important(score_sentences(data, state.settings))
    trace_marks(data)
    rate_changes(data, ())
    metric_values(data, ())
    return data
