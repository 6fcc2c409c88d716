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


def test_every_unsafe_code_point_is_removed():
    unsafe = [*range(0x00, 0x09), *range(0x0B, 0x0D), *range(0x0E, 0x20), *range(0x7F, 0xA0)]
    bidi = [0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
    for code in unsafe + bidi:
        cleaned = clean_text(f"a{chr(code)}b")
        assert cleaned.startswith("a") and chr(code) not in cleaned, hex(code)
        assert not CONTROL.search(cleaned), hex(code)
    assert clean_text("a\rb") == "a\nb"  # a bare carriage return would overwrite the line


def test_eight_bit_csi_sequence_and_seven_bit_string_commands():
    assert clean_text("a\x9b2Jb\x1bP+q\x1b\\c\x1b_apc\x1b\\d") == "abcd"


def test_lone_surrogates_from_file_names_become_replacement_characters():
    import os

    name = os.fsdecode(b"run\xff")
    assert one_line(name) == "run\ufffd"
    one_line(name).encode("utf-8")  # printable on a UTF-8 terminal


def test_column_version_matches_the_text_version():
    import polars as pl

    from afscope.text import clean_text_expr

    hostile = ["a \x1b]2;PWNED\x07 b", "x\x9b31my\u202ez", "\x1b[2Jok\u200f"]
    cleaned = pl.Series(hostile).to_frame("t").select(clean_text_expr(pl.col("t")))["t"]
    assert cleaned.to_list() == [clean_text(t) for t in hostile]
