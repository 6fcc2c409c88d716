"""The trace's fast paths (no wrap, plain ASCII wrap) give exactly what Rich's wrap gives."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console
from rich.text import Text

from afscope.tui.widgets.trace_lines import fits_one_line, wrap_plain

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


ASCII_WORDS = st.lists(
    st.one_of(
        st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=30),
        st.text(" ", min_size=1, max_size=4),
    ),
    min_size=1,
    max_size=40,
).map("".join)


@given(ASCII_WORDS, st.integers(1, 60))
def test_plain_wrap_matches_rich(text: str, width: int) -> None:
    expected = [p.plain for p in Text(text).wrap(CONSOLE, width, overflow="fold")]
    assert wrap_plain(text, width) == expected


def test_plain_wrap_folds_long_words_and_drops_spaces_at_the_break() -> None:
    assert wrap_plain("aaaaaaaaaa bb", 4) == ["aaaa", "aaaa", "aa ", "bb"]
    assert wrap_plain("I will comply  with this", 10) == ["I will ", "comply  ", "with this"]
