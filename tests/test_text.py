import re

from hypothesis import given
from hypothesis import strategies as st

from afscope.text import clean_text, one_line

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def test_osc_title_and_csi_clear_are_removed():
    hostile = "a \x1b]2;PWNED\x07 b \x1b[2J c \x1b[31mred\x1b[0m \x1b]8;;http://x\x1b\\link"
    assert clean_text(hostile) == "a  b  c red link"


def test_c1_controls_bidi_and_tabs():
    assert clean_text("x\x9b31my\u202ez\tw") == "xyz    w"
    assert clean_text("a\r\nb\rc") == "a\nb\nc"


def test_rich_markup_is_left_as_literal_text():
    assert clean_text("[bold red]hi[/]") == "[bold red]hi[/]"


def test_one_line_folds_whitespace_and_cuts():
    assert one_line("a\n\n b   c", 4) == "a b…"
    assert one_line("short", 10) == "short"


@given(st.text())
def test_clean_text_never_leaves_controls_or_escape(text):
    cleaned = clean_text(text)
    assert not CONTROL.search(cleaned.replace("\n", ""))
    assert "\x1b" not in cleaned


@given(st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E)))
def test_printable_ascii_is_unchanged(text):
    assert clean_text(text) == text
