"""The afscope app: opens the source, then hands it to the explorer screen.

The app only opens the bundle or Thought Anchors folder (in a worker, never on the UI
thread), applies the user's configuration (``afscope.config``: theme, direction colours,
key map, default outcome, metric and marking) and shows the error screen for input that
cannot be shown. Everything the explorer does lives in ``afscope.explore.state`` (headless)
and ``afscope.tui.screens.explorer`` (drawing and keys); see that module for how screens
are added.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import App
from textual.binding import Binding

from afscope.bundle.reader import Bundle
from afscope.config import (
    ConfigWarning,
    LoadedConfig,
    load_config,
    read_remembered,
    remember_theme,
    startup_theme,
)
from afscope.explore.scores import SentenceScores
from afscope.explore.settings import Preferences, ViewSettings
from afscope.explore.state import ExplorerState
from afscope.explore.trace_data import TraceData
from afscope.export.files import ExportWriteError
from afscope.problems import BundleError, Problem
from afscope.readers import open_source
from afscope.text import one_line
from afscope.tui import collector
from afscope.tui.failures import UNEXPECTED, unexpected_problem
from afscope.tui.messages import ShowProblems
from afscope.tui.opening import Opening, first_trace
from afscope.tui.screens.explorer import ExplorerScreen

if TYPE_CHECKING:
    from afscope.analysis.categories import CategoryRules

IMPORT_WARNINGS_SHOWN = 5


class AfscopeApp(App[None]):
    """Explore one result bundle (or Thought Anchors folder) trace by trace."""

    TITLE = "afscope"
    CSS_PATH = "app.tcss"

    def __init__(
        self,
        path: str | Path | None = None,
        *,
        bundle: Bundle | None = None,
        keymap: Mapping[str, str] | None = None,
        notes_path: Path | None = None,
        category_rules: CategoryRules | None = None,
        config: LoadedConfig | None = None,
        opening: Opening | None = None,
    ) -> None:
        """``keymap`` (binding id -> keys) replaces the configured one; ``config`` the
        one read from ``config.toml`` and the environment; ``opening`` a read of ``path``
        already under way (the ``open`` command starts it before importing Textual)."""
        self.config = config if config is not None else load_config(os.environ)
        self._theme_in_use: str | None = None
        super().__init__()
        self.source_path = Path(path) if path is not None else None
        self._bundle = bundle
        self._opening = opening
        self._requested_keymap = keymap
        self.notes_path = notes_path
        """The researcher's notes file (None: the default one for this source)."""
        self.category_rules = category_rules
        self.problems: list[Problem] = []
        self.state: ExplorerState | None = None
        """What the explorer shows, once the source is open (owned by its screen)."""
        self._explorer = ExplorerScreen()

    def get_default_screen(self) -> ExplorerScreen:
        """The explorer is the base screen; it shows "opening…" until ``start``."""
        return self._explorer

    def get_theme_variable_defaults(self) -> dict[str, str]:
        """The configured colours as theme variables (``$afscope-promotes``,
        ``$afscope-outcome-0`` ...), so every theme and screen draws the same ones."""
        colours = self.config.config.direction_colors
        variables = {
            "afscope-promotes": colours.promotes,
            "afscope-suppresses": colours.suppresses,
        }
        for i, colour in enumerate(colours.outcomes):
            variables[f"afscope-outcome-{i}"] = colour
        return variables

    def on_mount(self) -> None:
        # The collector the ``open`` command paused runs again once the first frame is
        # out, before any long work (a Thought Anchors import runs in the opening worker).
        self.call_after_refresh(collector.resume)
        for warning in self.config.warnings:
            self._warn(warning)
        self._apply_theme()
        self._apply_keymap()
        if self._bundle is not None:
            self._source_ready(self._new_state(self._bundle), [])
        else:
            self._open_source()

    def _warn(self, warning: ConfigWarning | str) -> None:
        """A config problem: the file (or variable), key and expectation; never markup
        (values are the user's text)."""
        self.notify(one_line(str(warning), 400), severity="warning", markup=False, timeout=12)

    def _apply_theme(self) -> None:
        loaded = self.config
        theme = startup_theme(loaded, read_remembered(os.environ), os.environ)
        if theme is not None and theme not in self.available_themes:
            known = ", ".join(sorted(self.available_themes))
            self._warn(ConfigWarning(str(loaded.path), "theme", f"no theme {theme!r} ({known})"))
        elif theme is not None:
            self.theme = theme
        self._theme_in_use = self.theme
        self.theme_changed_signal.subscribe(self, lambda theme: self._remember(theme.name))

    def _remember(self, theme: str) -> None:
        """The user picked ``theme`` (command palette): keep it for the next run."""
        if theme == self._theme_in_use:
            return
        self._theme_in_use = theme
        try:
            remember_theme(theme, self.config, os.environ)
        except (OSError, ExportWriteError) as exc:
            self._warn(f"cannot remember the theme: {exc}")

    def _apply_keymap(self) -> None:
        if self._requested_keymap is not None:
            keymap = dict(self._requested_keymap)
        else:
            keymap = dict(self.config.config.keys)
        unknown = sorted(set(keymap) - remappable_binding_ids()) if keymap else []
        if unknown:
            names = one_line(", ".join(unknown), 200)
            self._warn(f"key map: unknown binding ids {names}")
        if keymap:
            self.set_keymap(keymap)

    def _new_state(self, bundle: Bundle) -> ExplorerState:
        config = self.config.config
        preferences = Preferences(
            outcome=config.outcome,
            metric=config.metric,
            mode=config.mode,
            threshold=config.threshold,
            top_k=config.top_k,
        )
        state = ExplorerState(bundle, self.source_path, preferences)
        keys = self._requested_keymap or config.keys
        state.mode_key = keys.get("top_k", "K").split(",")[0].strip() or "K"
        return state

    # -- opening ---------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="open", exit_on_error=False)
    def _open_source(self) -> None:
        path = self.source_path
        try:
            if path is None:
                from afscope.sample import sample_bundle_path

                path = sample_bundle_path()
            opening, self._opening = self._opening, None
            if opening is not None and opening.path == path:
                opened, first = opening.result()
            else:
                opened, first = open_source(path), None
            state = self._new_state(opened.bundle)  # reads the trace list
            if first is None:
                first = first_trace(state.load, state.trace_ids)
        except BundleError as exc:
            self.call_from_thread(self._failed, f"cannot open {path}", exc.problems)
            return
        except (OSError, ValueError) as exc:
            self.call_from_thread(
                self._failed, f"cannot open {path}", [Problem(str(path), str(exc))]
            )
            return
        except UNEXPECTED as exc:  # anything else: the error screen, never "opening…"
            problem = unexpected_problem(path, exc)
            self.call_from_thread(self._failed, f"cannot open {path}", [problem])
            return
        self.call_from_thread(self._source_ready, state, opened.problems, first)

    def _source_ready(
        self, state: ExplorerState, problems: list[Problem], first: TraceData | None = None
    ) -> None:
        self.state = state
        self.problems = problems
        for problem in problems[:IMPORT_WARNINGS_SHOWN]:
            # import problems quote file contents and names: cleaned, and never markup
            self.notify(one_line(str(problem), 300), severity="warning", markup=False)
        if not state.trace_ids:
            self._failed(
                "the bundle holds no traces", [Problem(str(state.bundle.root), "no traces")]
            )
            return
        self._explorer.start(state, first)

    def _failed(self, title: str, problems: list[Problem]) -> None:
        from afscope.tui.screens.error import ErrorScreen  # only for input that cannot be shown

        self.problems = problems
        self.push_screen(ErrorScreen(title, problems))

    @on(ShowProblems)
    def _show_problems(self, message: ShowProblems) -> None:
        self._failed(message.title, message.problems)

    def action_quit_bad_input(self) -> None:
        """Leave from the error screen: the CLI exits 2, as for any bad input."""
        self.exit(return_code=2)

    # -- read-only views of the explorer state (older tests read them off the app) ---------
    @property
    def position(self) -> int:
        return self.state.position if self.state is not None else 0

    @property
    def settings(self) -> ViewSettings | None:
        return self.state.settings if self.state is not None else None

    @property
    def scores(self) -> SentenceScores | None:
        return self.state.scores if self.state is not None else None


def remappable_binding_ids() -> set[str]:
    """Every binding id a key map can name, on any screen or widget of the explorer (the
    other screens are imported here: only when a key map is given)."""
    import inspect

    from textual.dom import DOMNode

    from afscope.tui.screens import (
        annotate,
        browser,
        compare,
        conditions,
        export_dialog,
        rank,
        tag_stats,
    )

    ids = set(ExplorerScreen.binding_ids())
    for module in (annotate, browser, compare, conditions, export_dialog, rank, tag_stats):
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, DOMNode) and cls.__module__ == module.__name__:
                ids |= {b.id for b in cls.BINDINGS if isinstance(b, Binding) and b.id}
    return ids
