"""Markdown escaping: rendered by a CommonMark renderer, escaped text reads exactly as the
original and never makes a link, image, HTML, heading, code, emphasis or table of its own."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from afscope.export.escape import md_block, md_cell, md_heading, md_inline
from afscope.text import clean_text

RENDERER = MarkdownIt("commonmark").enable(["table", "strikethrough"])
MARKUP = "*_~`[]()<>!&#|\\-+=.:/ \n\tab1"
TEXT = st.text(alphabet=st.sampled_from(MARKUP), max_size=30) | st.text(max_size=30)
FORBIDDEN = {
    "link_open",
    "image",
    "html_inline",
    "html_block",
    "code_inline",
    "code_block",
    "fence",
    "em_open",
    "strong_open",
    "s_open",
    "hr",
    "bullet_list_open",
    "ordered_list_open",
    "lheading_open",
}


def _walk(tokens: list[Token]) -> list[Token]:
    out = []
    for token in tokens:
        out.append(token)
        out += _walk(token.children or [])
    return out


def _plain(markdown: str) -> tuple[str, set[str]]:
    """The text a reader sees (whitespace collapsed) and every token type."""
    tokens = _walk(RENDERER.parse(markdown))
    seen = {t.type for t in tokens}
    text = "".join(
        t.content if t.type == "text" else " "
        for t in tokens
        if t.type in ("text", "softbreak", "hardbreak", "paragraph_close", "th_close", "td_close")
    )
    return " ".join(text.split()), seen


def _expected(text: str) -> str:
    return " ".join(clean_text(text).split())


@settings(max_examples=300)
@given(TEXT)
def test_inline_text_reads_as_written(text):
    plain, seen = _plain(f"note: {md_inline(text)} (end)")
    assert not seen & FORBIDDEN, (text, md_inline(text), seen)
    assert plain == " ".join(f"note: {_expected(text)} (end)".split()), (text, md_inline(text))


@settings(max_examples=300)
@given(TEXT)
def test_table_cell_reads_as_written(text):
    plain, seen = _plain(f"| a | b |\n|---|---|\n| {md_cell(text)} | z |")
    assert not seen & FORBIDDEN, (text, md_cell(text), seen)
    assert plain == " ".join(f"a b {_expected(text)} z".split()), (text, md_cell(text))


@settings(max_examples=300)
@given(TEXT)
def test_heading_reads_as_written(text):
    tokens = _walk(RENDERER.parse(f"## Trace {md_heading(text)}"))
    assert [t.type for t in tokens if t.type.endswith("_open")] == ["heading_open"]
    plain, seen = _plain(f"## Trace {md_heading(text)}")
    assert not seen & FORBIDDEN, (text, md_heading(text), seen)
    assert plain == " ".join(f"Trace {_expected(text)}".split()), (text, md_heading(text))


@settings(max_examples=300)
@given(TEXT)
def test_quoted_lines_read_as_written(text):
    quoted = "\n".join("> " + line if line else ">" for line in md_block(text))
    plain, seen = _plain(quoted)
    assert not seen & (FORBIDDEN | {"heading_open", "table_open"}), (text, quoted, seen)
    blockquotes = [t for t in _walk(RENDERER.parse(quoted)) if t.type == "blockquote_open"]
    assert len(blockquotes) <= 1, (text, quoted)
    assert plain == " ".join(clean_text(text, keep_newlines=True).split()), (text, quoted)


def test_plain_words_stay_plain():
    assert md_inline("alignment_faking") == "alignment_faking"
    assert md_inline("R&D, x <= 3, a * b, C:\\Users") == "R&D, x <= 3, a * b, C:\\Users"
    assert md_cell("snake_case and 2 < 3") == "snake_case and 2 < 3"


def test_markup_is_escaped():
    assert md_inline("[click](http://x) ![i](y)") == "\\[click](http://x) !\\[i](y)"
    assert md_inline("<script> &amp; `code`") == "\\<script> \\&amp; \\`code\\`"
    assert md_inline("*bold* _em_ ~~gone~~") == "\\*bold\\* \\_em\\_ \\~\\~gone\\~\\~"
    assert md_cell("a|b") == "a\\|b"
    assert md_heading("issue #") == "issue \\#"
    assert md_block("1. list\n# heading\n> quote\n- item\n    code") == [
        "1\\. list",
        "\\# heading",
        "\\> quote",
        "\\- item",
        "code",
    ]
