"""A cursor over the rows of a frame, drawn on the line API: the base of the trace
browser's and the ranking's tables (thousands of rows; only the visible ones render)."""

from __future__ import annotations

import polars as pl
from textual.scroll_view import ScrollView


class RowTable(ScrollView, can_focus=True):
    """``rows`` is the frame shown, ``cursor`` the highlighted row; subclasses draw them."""

    rows: pl.DataFrame
    cursor: int

    def move(self, delta: int) -> None:
        if self.rows.height:
            self.cursor = max(0, min(self.rows.height - 1, self.cursor + delta))
            self.refresh()
            self.keep_cursor_visible()

    def keep_cursor_visible(self) -> None:
        height = max(1, self.size.height - 1)
        if self.cursor < self.scroll_y:
            self.scroll_to(y=self.cursor, animate=False)
        elif self.cursor >= self.scroll_y + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False)
