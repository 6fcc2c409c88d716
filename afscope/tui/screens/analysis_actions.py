"""The explorer's keys for questions across traces: ranking (``R``), statistics by tag
(``S``), and the researcher's categories (``c``) and notes (``i``).

Kept beside ``screens/explorer.py`` so that screen only binds the keys and calls in:
this module owns the notes file (loaded when the source opens, saved atomically after
every change and on leaving) and opens the two screens with the headless rows from
``afscope.analysis``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text

from afscope.analysis.notes import Notes, default_notes_path, load_notes
from afscope.problems import BundleError
from afscope.text import clean_text, one_line

if TYPE_CHECKING:  # the screens and the ranking load when first opened, not at start
    from afscope.analysis.categories import CategoryRules
    from afscope.tui.screens.rank import RankResult


class Analysis:
    """Per-explorer analysis state: the notes, the category rules, a pending jump."""

    def __init__(self, screen: Any) -> None:
        """``screen`` is the ``ExplorerScreen`` (typed loosely: it imports this module)."""
        self.screen = screen
        self.notes: Notes | None = None
        self.rules: CategoryRules | None = getattr(screen.app, "category_rules", None)
        self.pending: tuple[str, int] | None = None
        """A sentence to put the cursor on once its trace has loaded."""

    # -- notes file ------------------------------------------------------------------------
    def open_notes(self) -> None:
        """Load the notes for this source; restore selection and place."""
        state = self.screen.state
        source = state.source or state.bundle.root
        chosen = getattr(self.screen.app, "notes_path", None)
        path = Path(chosen) if chosen else default_notes_path(source)
        self.notes = load_notes(path, source)
        if self.notes.warning:
            self.screen.notify(
                one_line(self.notes.warning, 300), severity="warning", markup=False, timeout=10
            )
        known = set(state.trace_ids)
        state.selection |= {k for k in self.notes.selection if k[0] in known}
        last = self.notes.last
        if last is not None and last[0] in known:
            self.pending = last

    def save(self) -> None:
        notes, state = self.notes, self.screen.state
        if notes is None:
            return
        notes.selection = set(state.selection)
        if state.data is not None and state.sentence_idx is not None:
            notes.last = (state.data.trace_id, state.sentence_idx)
        try:
            notes.save((state.bundle.root, state.source))
        except (OSError, ValueError, BundleError) as exc:
            self.screen.notify(
                one_line(f"notes not saved: {exc}", 300), severity="error", markup=False
            )

    def take_pending(self, trace_id: str) -> int | None:
        if self.pending is not None and self.pending[0] == trace_id:
            idx = self.pending[1]
            self.pending = None
            return idx
        return None

    def detail_lines(self) -> Text:
        """The current sentence's categories and note, for the detail panel (cleaned)."""
        state, out = self.screen.state, Text()
        if self.notes is None or state.data is None or state.sentence_idx is None:
            return out
        entry = self.notes.get((state.data.trace_id, state.sentence_idx))
        if entry.categories:
            out.append("\nyour categories: ", style="bold")
            out.append(one_line(", ".join(entry.categories), 200))
        if entry.note:
            out.append("\nnote: ", style="bold")
            out.append(clean_text(entry.note, keep_newlines=False))
        return out

    # -- categories and notes --------------------------------------------------------------
    def _current(self) -> tuple[str, int] | None:
        state = self.screen.state
        if state.data is None or state.sentence_idx is None or self.notes is None:
            return None
        return state.data.trace_id, state.sentence_idx

    def categorise(self) -> None:
        from afscope.tui.screens.annotate import AnnotateDialog

        key = self._current()
        if key is None or self.notes is None:
            return
        notes = self.notes
        known = sorted({*(self.rules.names if self.rules else []), *notes.categories_used()})
        hint = "enter toggles the category on this sentence · known: " + (
            ", ".join(known) or "none yet"
        )

        def done(value: str | None) -> None:
            if value:
                added = notes.toggle_category(key, value)
                self.screen.notify(
                    f"{'added' if added else 'removed'} category {one_line(value, 60)}",
                    markup=False,
                    timeout=2,
                )
                self.changed()

        self.screen.app.push_screen(
            AnnotateDialog(f"Category for sentence {key[1]}", "", one_line(hint, 400)), done
        )

    def write_note(self) -> None:
        from afscope.tui.screens.annotate import AnnotateDialog

        key = self._current()
        if key is None or self.notes is None:
            return
        notes = self.notes

        def done(value: str | None) -> None:
            if value is not None:
                notes.set_note(key, value)
                self.changed()

        current = clean_text(notes.get(key).note, keep_newlines=False)
        self.screen.app.push_screen(
            AnnotateDialog(f"Note on sentence {key[1]} (empty removes it)", current), done
        )

    def changed(self) -> None:
        self.save()
        self.screen.redraw_panels()

    # -- screens ---------------------------------------------------------------------------
    def open_rank(self, text: str = "") -> None:
        """Push the ranking at once; it builds its rows in its own worker."""
        from afscope.analysis.frame import Choice
        from afscope.tui.screens.rank import RankScreen, RankSource

        state = self.screen.state
        settings = state.settings
        source = RankSource(
            state.bundle,
            Choice(settings.outcome, settings.metric),
            rules=self.rules,
            notes=self.notes,
            include_low_evidence=settings.include_low_evidence,
        )

        def done(result: RankResult | None) -> None:
            self.save()
            if result is None:
                self.screen.redraw_trace()
            elif result.open is not None:
                self.screen.open_sentence(*result.open)
            elif result.export:
                self.screen.redraw_trace()
                self.screen.action_export()

        screen = RankScreen(
            source,
            state.selection,
            outcomes=state.outcomes,
            what=f"{settings.outcome} · {settings.metric}",
            text=text,
        )
        self.screen.app.push_screen(screen, done)

    def open_stats(self) -> None:
        from afscope.tui.screens.tag_stats import StatsSource, TagStatsScreen, comparisons_for

        state = self.screen.state
        settings = state.settings
        source = StatsSource(
            state.bundle,
            settings.outcome,
            settings.metric,
            self.rules,
            self.notes,
            comparisons_for(state.bundle.traces),
        )

        def done(text: str | None) -> None:
            if text is not None:
                self.open_rank(text)

        by = "categories" if self.rules is not None and not _has_tags(state) else "tags"
        self.screen.app.push_screen(TagStatsScreen(source, by), done)  # type: ignore[arg-type]


def _has_tags(state: object) -> bool:
    bundle = getattr(state, "bundle", None)
    schema = bundle.schema("sentences") if bundle is not None else None
    return schema is not None and "tags" in schema.names()
