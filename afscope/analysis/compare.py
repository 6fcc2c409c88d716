"""Two traces side by side: each side an ``ExplorerState``, plus which side is active and
whether the sides scroll together.

Every transition reuses the explorer's own (``ExplorerState.move``, selection, settings),
so both sides score, mark and export exactly as the explorer does. Synced scrolling moves
the other side to the same relative position (``pairs.aligned_position``), since two
traces rarely have the same number of sentences.
"""

from __future__ import annotations

from dataclasses import dataclass

from afscope.analysis.pairs import aligned_position
from afscope.explore.settings import ViewSettings
from afscope.explore.state import ExplorerState, Redraw
from afscope.explore.trace_data import TraceData


@dataclass(frozen=True)
class SideRedraw:
    """What changed on each side (index 0 left, 1 right)."""

    left: Redraw
    right: Redraw

    def __getitem__(self, side: int) -> Redraw:
        return self.right if side else self.left


class CompareState:
    """Left and right trace of the compare view; ``active`` is the side keys move."""

    def __init__(self, left: ExplorerState, right: ExplorerState, why: str = "") -> None:
        self.sides = (left, right)
        self.active = 0
        self.synced = True
        self.why = why
        """Why these two (``the other tier``, ``the other prompt variant``, ``picked``)."""

    @classmethod
    def for_pair(
        cls, state: ExplorerState, left: TraceData, right: TraceData, why: str = ""
    ) -> CompareState:
        """Both sides on ``state``'s bundle and view settings, cursors at the start."""
        sides = []
        for data in (left, right):
            side = state.sibling()
            side.show_trace(data)
            side.move_to(0)
            sides.append(side)
        return cls(sides[0], sides[1], why)

    @property
    def current(self) -> ExplorerState:
        return self.sides[self.active]

    @property
    def other(self) -> ExplorerState:
        return self.sides[1 - self.active]

    @property
    def settings(self) -> ViewSettings:
        return self.sides[0].settings

    def _both(self, active: Redraw, other: Redraw) -> SideRedraw:
        pair = (active, other) if self.active == 0 else (other, active)
        return SideRedraw(*pair)

    def switch(self) -> SideRedraw:
        """``tab``: the other side becomes active."""
        self.active = 1 - self.active
        return SideRedraw(Redraw.HEADER | Redraw.PANELS, Redraw.HEADER | Redraw.PANELS)

    def toggle_sync(self) -> SideRedraw:
        """Scroll both sides together or not; turning it on aligns the other side now."""
        self.synced = not self.synced
        other = self._follow() if self.synced else Redraw.NONE
        return self._both(Redraw.HEADER, other | Redraw.HEADER)

    def _follow(self) -> Redraw:
        """The other side to the active side's relative position."""
        current, other = self.current, self.other
        target = aligned_position(current.position, current.sentence_count, other.sentence_count)
        if other.sentence_count == 0 or target == other.position:
            return Redraw.NONE
        return other.move_to(target)

    def move(self, delta: int) -> SideRedraw:
        return self._moved(self.current.move(delta))

    def move_to(self, position: int) -> SideRedraw:
        return self._moved(self.current.move_to(position))

    def edge(self, end: int) -> SideRedraw:
        return self._moved(self.current.edge(end))

    def jump(self, step: int) -> SideRedraw | None:
        redraw = self.current.jump(step)
        return None if redraw is None else self._moved(redraw)

    def _moved(self, redraw: Redraw) -> SideRedraw:
        other = self._follow() if self.synced and redraw != Redraw.NONE else Redraw.NONE
        return self._both(redraw, other)

    def cycle_outcome(self) -> SideRedraw:
        """The active outcome for both sides (the plot overlays both curves of it)."""
        settings = self.settings.cycle_outcome(self.sides[0].outcomes)
        return SideRedraw(*(side.change_settings(settings) for side in self.sides))

    def cycle_metric(self) -> SideRedraw:
        settings = self.settings.cycle_metric(self.sides[0].metrics)
        return SideRedraw(*(side.change_settings(settings) for side in self.sides))

    def toggle_selection(self) -> SideRedraw:
        return self._both(self.current.toggle_selection(), Redraw.NONE)

    def export_choice(self) -> dict[str, list[int]]:
        """Both sides' selected sentences; when neither side has any, the sentence under
        each side's cursor (the explorer's rule, applied to the pair)."""
        selected = any(side.selection for side in self.sides)
        choice: dict[str, list[int]] = {}
        for side in self.sides:
            if selected and not side.selection:
                continue
            for trace_id, indices in side.export_choice().items():
                choice[trace_id] = sorted(set(choice.get(trace_id, [])) | set(indices))
        return choice
