"""Command palette (ctrl+p): go to trace, go to sentence, switch outcome or metric.

Registered by the explorer screen (``ExplorerScreen.COMMANDS``), so the palette offers
these only over that screen. The provider talks to its screen through ``PaletteTarget``
and never imports it, so there is no import circle. Every name shown (trace ids above
all) is passed as ``Content``, never as markup: an id like ``[@click=app.quit]x`` or
``run-x[/]`` is shown literally.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Protocol, cast

from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider
from textual.content import Content

from afscope.explore.state import ExplorerState
from afscope.text import one_line

DISCOVERY_LIMIT = 12


class PaletteTarget(Protocol):
    """What the palette's commands act on (the explorer screen)."""

    @property
    def state(self) -> ExplorerState: ...

    @property
    def started(self) -> bool: ...

    def open_browser(self) -> None: ...

    def open_trace(self, trace_id: str) -> None: ...

    def set_outcome(self, outcome: str) -> None: ...

    def set_metric(self, metric: str) -> None: ...

    def go_to_sentence(self, sentence_idx: int) -> None: ...


Command = tuple[str, Callable[[], None], str]


def _highlight(matcher: Matcher, name: str) -> Content:
    """``name`` as literal content with the matched letters styled (``Matcher.highlight``
    would parse the name as markup)."""
    content = Content(name)
    _score, offsets = matcher.fuzzy_search.match(matcher.query, name)
    for offset in offsets:
        if not name[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


class ExplorerCommands(Provider):
    @property
    def target(self) -> PaletteTarget:
        return cast(PaletteTarget, self.screen)

    def _commands(self) -> list[Command]:
        target = self.target
        if not target.started:
            return []
        state = target.state
        commands: list[Command] = [
            ("Browse traces", target.open_browser, "table of all traces"),
        ]
        for outcome in state.outcomes:
            commands.append(
                (
                    f"Outcome: {one_line(outcome)}",
                    partial(target.set_outcome, outcome),
                    "colour and jump by this outcome",
                )
            )
        for metric in state.metrics:
            commands.append(
                (
                    f"Metric: {one_line(metric)}",
                    partial(target.set_metric, metric),
                    "colour and jump by this metric",
                )
            )
        for trace_id in state.trace_ids:
            commands.append(
                (
                    f"Go to trace {one_line(trace_id)}",
                    partial(target.open_trace, trace_id),
                    "open this trace",
                )
            )
        return commands

    async def discover(self) -> Hits:
        for name, callback, help_text in self._commands()[:DISCOVERY_LIMIT]:
            yield DiscoveryHit(Content(name), callback, text=name, help=help_text)

    async def search(self, query: str) -> Hits:
        target = self.target
        stripped = query.strip().removeprefix("#")
        if stripped.isdigit() and target.started and target.state.data is not None:
            idx = int(stripped)
            yield Hit(
                1.0,
                Content(f"Go to sentence {idx}"),
                partial(target.go_to_sentence, idx),
                text=f"Go to sentence {idx}",
                help="select this sentence index",
            )
        matcher = self.matcher(query)
        for name, callback, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, _highlight(matcher, name), callback, text=name, help=help_text)
