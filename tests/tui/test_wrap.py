"""The trace's no-wrap fast path gives exactly what Rich's wrap gives."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console
from rich.text import Text

from afscope.tui.widgets.trace_lines import fits_one_line

CONSOLE = Console(width=300)


@given(
    st.text(st.characters(min_codepoint=0, max_codepoint=0x2FF), max_size=90), st.integers(10, 120)
)
def test_fast_path_matches_rich(text: str, width: int) -> None:
    if fits_one_line(text, width):
        assert [p.plain for p in Text(text).wrap(CONSOLE, width, overflow="fold")] == [text]


def test_fast_path_takes_plain_short_text_only() -> None:
    assert fits_one_line("I will comply.", 20)
    assert not fits_one_line("I will comply.", 10)
    assert not fits_one_line("a\tb", 40)  # tabs are expanded by Rich
    assert not fits_one_line("naïve", 40) and not fits_one_line("", 40)
