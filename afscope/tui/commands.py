"""Command palette (ctrl+p): go to trace, go to sentence, switch outcome or metric."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

from afscope.text import one_line

if TYPE_CHECKING:
    from afscope.tui.app import AfscopeApp


class ExplorerCommands(Provider):
    @property
    def explorer(self) -> AfscopeApp:
        return self.app  # type: ignore[return-value]

    def _commands(self) -> list[tuple[str, object, str]]:
        app = self.explorer
        commands: list[tuple[str, object, str]] = [
            ("Browse traces", app.action_open_browser, "table of all traces"),
        ]
        for outcome in app.outcomes:
            commands.append(
                (
                    f"Outcome: {one_line(outcome)}",
                    partial(app.set_outcome, outcome),
                    "colour and jump by this outcome",
                )
            )
        for metric in app.metrics:
            commands.append(
                (
                    f"Metric: {one_line(metric)}",
                    partial(app.set_metric, metric),
                    "colour and jump by this metric",
                )
            )
        for trace_id in app.trace_ids:
            commands.append(
                (
                    f"Go to trace {one_line(trace_id)}",
                    partial(app.open_trace, trace_id),
                    "open this trace",
                )
            )
        return commands

    async def discover(self) -> Hits:
        for name, callback, help_text in self._commands()[:12]:
            yield DiscoveryHit(name, callback, help=help_text)  # type: ignore[arg-type]

    async def search(self, query: str) -> Hits:
        app = self.explorer
        stripped = query.strip().removeprefix("#")
        if stripped.isdigit() and app.data is not None:
            idx = int(stripped)
            yield Hit(
                1.0,
                f"Go to sentence {idx}",
                partial(app.go_to_sentence, idx),
                help="select this sentence index",
            )
        matcher = self.matcher(query)
        for name, callback, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(name),
                    callback,  # type: ignore[arg-type]
                    help=help_text,
                )
