"""The explorer's state and every transition a key makes, without a terminal.

One ``ExplorerState`` holds what the explorer shows: the open bundle, the trace list,
the loaded trace, the cursor, the view settings and the scores they give, the sentences
selected for export (and a range being drawn) and the search. Each transition is a
plain method returning a ``Redraw`` that says what changed, so a screen repaints two
sentences for a cursor move and everything only when colours or marks change. Nothing
here imports Textual: tests drive it directly, and any front end can reuse it.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import replace
from enum import Flag
from pathlib import Path

import polars as pl

from afscope.bundle.reader import Bundle
from afscope.bundle.schema import OUTCOME_PREFIX
from afscope.explore.direction import NEGLIGIBLE
from afscope.explore.scores import SentenceScores, most_important, next_highlight, score_sentences
from afscope.explore.search import find_positions, next_match
from afscope.explore.settings import Preferences, ViewSettings, default_metric, default_settings
from afscope.explore.trace_data import TraceData, load_trace


class Redraw(Flag):
    """What a transition changed, from cheapest to costliest to draw."""

    NONE = 0
    CURSOR = 1
    """The cursor moved: its old and new sentence, then detail and plot once keys pause."""
    TRACE = 2
    """Marks or colours in the trace: selection, range, scores, search matches."""
    HEADER = 4
    """The header: view settings, counts, trace position."""
    PANELS = 8
    """Detail and plot, now rather than after a pause."""
    FULL = 14
    """A new trace or new settings: everything."""


class ExplorerState:
    """Everything the explorer shows and how keys change it.

    ``position`` is the cursor as a row number of ``data.sentences`` (not a sentence
    index); the selection is keyed by ``(trace_id, sentence_idx)`` so it survives
    switching traces.
    """

    def __init__(
        self,
        bundle: Bundle,
        source: Path | None = None,
        preferences: Preferences | None = None,
    ) -> None:
        self.bundle = bundle
        self.source = source
        """The path the user opened (a Thought Anchors folder may differ from the bundle)."""
        self.trace_ids: list[str] = bundle.trace_ids()
        self.outcomes: list[str] = list(bundle.outcomes)
        self.metrics: list[str] = list(bundle.metrics)
        self.preferences = preferences or Preferences()
        """The user's configured defaults (outcome and metric when a trace has them)."""
        self.settings: ViewSettings = self.preferences.apply(
            default_settings(self.outcomes, self.metrics), self.outcomes, self.metrics
        )
        self.chosen_outcome: str | None = None
        """The outcome the user last picked (``o``, the palette): used wherever a trace
        has it; a trace without it shows another and says so."""
        self.chosen_metric: str | None = None
        self.notices: list[str] = []
        """What the user should be told after a transition (an outcome that changed with
        the trace, a threshold nothing reaches); the screen shows and clears them."""
        self.mode_key = "K"
        """The key that switches threshold / top-k, for notices (the screen sets it)."""
        self.trace_index = 0
        self.data: TraceData | None = None
        self.scores: SentenceScores | None = None
        self.position = 0
        self.selection: set[tuple[str, int]] = set()
        self.range_anchor: int | None = None
        self.search_query = ""
        self.matches: list[int] = []

    # -- traces -------------------------------------------------------------------------
    def load(self, trace_id: str) -> TraceData:
        """Read one trace without changing the state (safe to call from a worker thread).

        Raises ``KeyError`` for an unknown id and ``BundleError`` for unreadable tables.
        """
        return load_trace(self.bundle, trace_id)

    def show_trace(self, data: TraceData) -> Redraw:
        """Make ``data`` the current trace, its most important sentence under the cursor.

        The outcome and metric follow the trace: the user's last choice where the trace
        has it, else the configured one, else the one shown so far, else the first the
        trace has (a notice says when they change)."""
        self.data = data
        if data.trace_id in self.trace_ids:
            self.trace_index = self.trace_ids.index(data.trace_id)
        self.matches = find_positions(data.sentences, self.search_query)
        self.range_anchor = None  # a range is drawn within one trace
        self.settings = self._fitting(self.settings)
        self.scores = score_sentences(data, self.settings)
        self.position = most_important(self.scores)
        self._note_marking()
        return Redraw.FULL

    def sibling(self) -> ExplorerState:
        """A new state on the same bundle with this one's settings and choices (the
        compare view's sides)."""
        other = ExplorerState(self.bundle, self.source, self.preferences)
        other.settings = self.settings
        other.chosen_outcome, other.chosen_metric = self.chosen_outcome, self.chosen_metric
        other.mode_key = self.mode_key
        return other

    # -- what the trace has ---------------------------------------------------------------
    def available(self) -> dict[str, list[str]]:
        """Metrics with values by outcome for the current trace, in the bundle's order
        (empty without a trace or values)."""
        return {} if self.data is None else self.available_in(self.data)

    def available_in(self, data: TraceData) -> dict[str, list[str]]:
        """``available`` for any trace (memoized in the trace: a worker reading a trace
        ahead builds it there, not on the key that shows it)."""
        cached = data.memo.get("available")
        if cached is None:
            pairs = set(
                data.importance.filter(pl.col("importance").is_not_null())
                .select("outcome", "metric")
                .unique()
                .iter_rows()
            )
            cached = {
                outcome: [m for m in self.metrics if (outcome, m) in pairs]
                for outcome in self.outcomes
                if any(o == outcome for o, _ in pairs)
            }
            data.memo["available"] = cached
        return cached

    def _fitting(self, settings: ViewSettings) -> ViewSettings:
        """``settings`` with an outcome and metric the current trace has values for."""
        have = self.available()
        if not have:
            return settings
        outcome = _pick(
            list(have), self.chosen_outcome, self.preferences.outcome, settings.outcome, False
        )
        metrics = have[outcome]
        metric = _pick(metrics, self.chosen_metric, self.preferences.metric, settings.metric, True)
        if outcome == settings.outcome and metric == settings.metric:
            return settings
        self._note_change("outcome", settings.outcome, outcome, list(have), self._wanted_outcome)
        self._note_change("metric", settings.metric, metric, metrics, self._wanted_metric)
        return replace(settings, outcome=outcome, metric=metric)

    @property
    def _wanted_outcome(self) -> str | None:
        return self.chosen_outcome or self.preferences.outcome

    @property
    def _wanted_metric(self) -> str | None:
        return self.chosen_metric or self.preferences.metric

    def _note_change(
        self, what: str, old: str, new: str, have: Sequence[str], wanted: str | None
    ) -> None:
        if old == new or not old:
            return
        # why: the wanted one is missing here (none said when it comes back), else the
        # one shown so far is
        missing = (wanted if wanted not in have else None) if wanted else old
        missing = missing if missing not in have else None
        self.notices.append(
            f"{what}: {new}" + (f" (this trace has no {missing})" if missing else "")
        )

    def _note_marking(self) -> None:
        """Say when nothing is marked on a trace that has values: every value negligible
        (say, an outcome that never varies along the trace), or a threshold none reaches."""
        scores, settings = self.scores, self.settings
        if scores is None or any(scores.highlighted):
            return
        if not any(v is not None for v in scores.importance):
            return
        if scores.peak < NEGLIGIBLE:
            self.notices.append(
                f"nothing to mark: every {settings.outcome}/{settings.metric} value in this "
                "trace is negligible"
            )
        elif settings.mode == "threshold":
            self.notices.append(
                f"no sentence reaches {settings.describe()}; "
                f"press {self.mode_key} for the top {settings.top_k}"
            )

    def take_notices(self) -> list[str]:
        """The notices since the last call (and forget them)."""
        notices, self.notices = self.notices, []
        return notices

    def choose_trace(self, trace_id: str) -> bool:
        """Note ``trace_id`` as the trace being opened, before it loads (so ``]`` pressed
        twice goes two traces on); False for an unknown id."""
        if trace_id not in self.trace_ids:
            return False
        self.trace_index = self.trace_ids.index(trace_id)
        return True

    def open_trace(self, trace_id: str) -> Redraw:
        """Load and show a trace in one step (a screen splits it: ``load`` in a worker,
        ``show_trace`` when the data arrives)."""
        self.choose_trace(trace_id)
        return self.show_trace(self.load(trace_id))

    def neighbour_trace(self, step: int) -> str | None:
        """The id ``step`` traces away from the current one, wrapping around."""
        if not self.trace_ids:
            return None
        return self.trace_ids[(self.trace_index + step) % len(self.trace_ids)]

    @property
    def sentence_count(self) -> int:
        return self.data.sentences.height if self.data is not None else 0

    @property
    def sentence_idx(self) -> int | None:
        """The sentence index under the cursor (None without sentences)."""
        if self.data is None or self.sentence_count == 0:
            return None
        return self.data.indices[self.position]

    def labels(self) -> dict[str, bool | None]:
        """Final labels of the current trace by outcome name (names as stored: clean them
        before display, they come from column names)."""
        if self.data is None:
            return {}
        trace = self.data.trace
        return {
            c.removeprefix(OUTCOME_PREFIX): trace.get(c)
            for c in trace
            if c.startswith(OUTCOME_PREFIX)
        }

    # -- the cursor -----------------------------------------------------------------------
    def move_to(self, position: int) -> Redraw:
        """Put the cursor on ``position`` (clamped); a range being drawn follows it."""
        if self.sentence_count == 0:
            return Redraw.NONE
        self.position = max(0, min(self.sentence_count - 1, position))
        if self.range_anchor is not None:
            return Redraw.CURSOR | Redraw.TRACE
        return Redraw.CURSOR

    def move(self, delta: int) -> Redraw:
        return self.move_to(self.position + delta)

    def edge(self, end: int) -> Redraw:
        """First sentence (``end`` 0) or last (``end`` 1)."""
        return self.move_to(self.sentence_count - 1 if end else 0)

    def jump(self, step: int) -> Redraw | None:
        """Next (1) or previous (-1) high-importance sentence; None when there is none."""
        if self.scores is None:
            return None
        target = next_highlight(self.scores, self.position, step)
        return None if target is None else self.move_to(target)

    def half_page(self, direction: int, line_starts: Sequence[int], half: int) -> Redraw:
        """Move by ``half`` display lines, given the first line of every sentence as the
        view wrapped them (one line per sentence when empty); always moves at least one."""
        starts = line_starts if line_starts else range(self.sentence_count)
        if not starts:
            return Redraw.NONE
        target = starts[min(self.position, len(starts) - 1)] + direction * max(1, half)
        position = max(0, bisect_right(starts, max(0, target)) - 1)
        if position == self.position:
            position += direction
        return self.move_to(position)

    def go_to_sentence(self, sentence_idx: int) -> Redraw | None:
        """The cursor on sentence ``sentence_idx``; None when the trace has no such index."""
        if self.data is None or sentence_idx not in self.data.indices:
            return None
        return self.move_to(self.data.indices.index(sentence_idx))

    # -- view settings --------------------------------------------------------------------
    def change_settings(self, settings: ViewSettings) -> Redraw:
        self.settings = settings
        if self.data is not None:
            self.scores = score_sentences(self.data, settings)
            self._note_marking()
        return Redraw.FULL

    def threshold(self, direction: int) -> Redraw:
        """Stricter (``direction`` > 0) or looser highlight: threshold or k."""
        settings = self.settings
        return self.change_settings(settings.raised() if direction > 0 else settings.lowered())

    def toggle_top_k(self) -> Redraw:
        return self.change_settings(self.settings.toggled_mode())

    def toggle_low_evidence(self) -> Redraw:
        low = not self.settings.include_low_evidence
        return self.change_settings(replace(self.settings, include_low_evidence=low))

    def cycle_outcome(self) -> Redraw:
        """The next outcome this trace has values for (any outcome without a trace)."""
        have = list(self.available()) or self.outcomes
        if len(have) == 1 and len(self.outcomes) > 1:
            self.notices.append(f"this trace has only outcome {have[0]}")
        return self.set_outcome(_next_of(have, self.settings.outcome))

    def cycle_metric(self) -> Redraw:
        """The next metric this trace has values for under the active outcome."""
        have = self.available().get(self.settings.outcome) or self.metrics
        return self.set_metric(_next_of(have, self.settings.metric))

    def set_outcome(self, outcome: str) -> Redraw:
        """Make ``outcome`` the user's choice; shown now if this trace has it, else on the
        traces that have it (a notice says so)."""
        if outcome not in self.outcomes:
            return Redraw.NONE
        self.chosen_outcome = outcome
        have = self.available()
        if have and outcome not in have:
            self.notices.append(f"this trace has no {outcome}: shown on the traces that have it")
            return Redraw.NONE
        settings = replace(self.settings, outcome=outcome)
        metrics = have.get(outcome)
        if metrics and settings.metric not in metrics:
            metric = _pick(metrics, self.chosen_metric, self.preferences.metric, "", True)
            self.notices.append(f"metric: {metric} (no {settings.metric} for {outcome} here)")
            settings = replace(settings, metric=metric)
        return self.change_settings(settings)

    def set_metric(self, metric: str) -> Redraw:
        if metric not in self.metrics:
            return Redraw.NONE
        self.chosen_metric = metric
        have = self.available().get(self.settings.outcome)
        if have and metric not in have:
            self.notices.append(
                f"this trace has no {metric} for {self.settings.outcome}: "
                "shown on the traces that have it"
            )
            return Redraw.NONE
        return self.change_settings(replace(self.settings, metric=metric))

    @property
    def highlighted_count(self) -> int:
        return sum(self.scores.highlighted) if self.scores is not None else 0

    # -- selection for export -------------------------------------------------------------
    def marked_positions(self) -> set[int]:
        """Positions marked in the gutter: the selection plus a range being drawn."""
        data = self.data
        if data is None:
            return set()
        trace_id = data.trace_id  # the selection is small; the trace may be thousands long
        chosen = {idx for trace, idx in self.selection if trace == trace_id}
        marked = {i for i, idx in enumerate(data.indices) if idx in chosen} if chosen else set()
        if self.range_anchor is not None:
            low, high = sorted((self.range_anchor, self.position))
            marked |= set(range(low, high + 1))
        return marked

    def toggle_selection(self) -> Redraw:
        if self.data is None or self.sentence_count == 0:
            return Redraw.NONE
        self.selection ^= {(self.data.trace_id, self.data.indices[self.position])}
        return Redraw.TRACE

    def range_mark(self) -> Redraw:
        """First call anchors a range at the cursor; the second adds the range to the
        selection."""
        if self.data is None or self.sentence_count == 0:
            return Redraw.NONE
        if self.range_anchor is None:
            self.range_anchor = self.position
        else:
            low, high = sorted((self.range_anchor, self.position))
            trace_id, indices = self.data.trace_id, self.data.indices
            self.selection |= {(trace_id, indices[i]) for i in range(low, high + 1)}
            self.range_anchor = None
        return Redraw.TRACE

    def range_cancel(self) -> Redraw:
        if self.range_anchor is None:
            return Redraw.NONE
        self.range_anchor = None
        return Redraw.TRACE

    def select_highlighted(self) -> Redraw:
        """Add every high-importance sentence of this trace to the selection."""
        if self.data is None or self.scores is None:
            return Redraw.NONE
        trace_id = self.data.trace_id
        self.selection |= {
            (trace_id, idx)
            for idx, high in zip(self.data.indices, self.scores.highlighted, strict=True)
            if high
        }
        return Redraw.TRACE

    def export_choice(self) -> dict[str, list[int]]:
        """Sentence indices by trace: the selection, or the cursor's sentence when nothing
        is selected."""
        if self.selection:
            choice: dict[str, list[int]] = {}
            for trace_id, idx in sorted(self.selection):
                choice.setdefault(trace_id, []).append(idx)
            return choice
        current = self.sentence_idx
        if self.data is None or current is None:
            return {}
        return {self.data.trace_id: [current]}

    # -- search ---------------------------------------------------------------------------
    def search(self, query: str) -> Redraw:
        """Find ``query`` in this trace (and in traces opened later); the cursor goes to
        the first match at or after it."""
        self.search_query = query
        if self.data is None:
            return Redraw.NONE
        self.matches = find_positions(self.data.sentences, query)
        target = next_match(self.matches, self.position - 1, 1)
        if target is not None:
            self.move_to(target)
        return Redraw.FULL

    def search_step(self, step: int) -> Redraw | None:
        """Next (1) or previous (-1) match, wrapping; None when nothing matches."""
        target = next_match(self.matches, self.position, step)
        return None if target is None else self.move_to(target)


def _pick(
    have: Sequence[str], chosen: str | None, preferred: str | None, current: str, metric: bool
) -> str:
    """The first of the user's choice, the configured preference and the current value
    that ``have`` holds; else the most informative metric, or the first outcome."""
    names = list(have)
    for name in (chosen, preferred, current):
        if name and name in names:
            return name
    return default_metric(names) if metric else names[0]


def _next_of(values: Sequence[str], current: str) -> str:
    if current not in values:
        return values[0]
    return values[(list(values).index(current) + 1) % len(values)]
