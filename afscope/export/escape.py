"""Escape untrusted text for Markdown: a backslash only where a renderer would read markup.

Plain words stay plain (``alignment_faking``, ``R&D``, ``x <= 3``, ``C:\\Users``), so an
export pastes cleanly; anything that could change how the text renders gets a backslash,
judged by CommonMark's own rules (plus GitHub's tables and strikethrough):

- always: a backtick (code span), ``[`` (link, image, footnote, reference), and in table
  cells and quotes ``|``;
- ``*``, ``_`` and ``~`` runs that could open or close emphasis by the flanking rules: a
  run between two spaces is inert, and so is ``_`` inside a word (``snake_case``);
- ``<`` that could start HTML or an autolink (followed by anything but a space, a digit
  or ``=``), ``&`` that would start an entity (``&amp;``), a backslash that would escape
  the next character (or end the text);
- at the start of a line: every block marker (``#``, ``>``, list and ordered-list markers,
  thematic breaks, setext underlines, fences); a heading's trailing ``#`` run.

The edges of an escaped piece count as spaces, which is what every call site puts
around it. Control characters and escape sequences are removed first (``clean_text``).
Bare URLs are left as written: a viewer that links them (GitHub) shows the URL itself.
"""

from __future__ import annotations

import re
import string

from afscope.text import clean_text

_PUNCT = frozenset(string.punctuation)
_SPACE = " \t"
_ENTITY = re.compile(r"&(?:#|[A-Za-z0-9]+;)")
_DELIMS = "*_~"
_HTML_SAFE_AFTER = frozenset(" \t0123456789=")
_BLOCK_START = frozenset("#>-+=")
_ORDERED = re.compile(r"^(\d{1,9})([.)])")
_SPECIAL = re.compile(r"\*+|_+|~+|[\\`\[|<&]")
"""Characters (and emphasis runs) that may need a backslash; the rest is copied as is."""


def _inert_run(char: str, before: str, after: str) -> bool:
    """Whether a ``*``/``_``/``~`` run between ``before`` and ``after`` can neither open nor
    close emphasis (CommonMark's flanking rules, judged conservatively)."""
    if before in _SPACE and after in _SPACE:
        return True
    return char == "_" and before.isalnum() and after.isalnum()


def _escape_line(text: str, *, pipes: bool, line_start: bool) -> str:
    line = _escape_inline(text, pipes=pipes, line_start=line_start)
    if line_start and line:
        if line[0] in _BLOCK_START:
            return "\\" + line
        return _ORDERED.sub(r"\1\\\2", line, count=1)
    return line


def _escape_inline(text: str, *, pipes: bool, line_start: bool) -> str:
    """The backslashes one line needs, visiting only the characters that may need one."""
    out: list[str] = []
    last = 0
    n = len(text)
    for match in _SPECIAL.finditer(text):
        i, end = match.span()
        char = text[i]
        out.append(text[last:i])
        last = end
        if char in _DELIMS:
            before = text[i - 1] if i else " "
            after = text[end] if end < n else " "
            run = match.group()
            keep = _inert_run(char, before, after) and not (line_start and i == 0)
            out.append(run if keep else "".join("\\" + c for c in run))
            continue
        if char == "\\":
            escape = end == n or text[end] in _PUNCT
        elif char in "`[":
            escape = True
        elif char == "|":
            escape = pipes
        elif char == "<":
            escape = end == n or text[end] not in _HTML_SAFE_AFTER
        else:  # "&"
            escape = _ENTITY.match(text, i) is not None
        out.append("\\" + char if escape else char)
    out.append(text[last:])
    return "".join(out)


def md_inline(text: object, *, cell: bool = False) -> str:
    """``text`` as one line inside a line of Markdown (after a list marker, between words);
    ``cell`` for a table cell (pipes escaped). Runs of whitespace become one space."""
    flat = " ".join(clean_text("" if text is None else str(text)).split())
    return _escape_line(flat, pipes=cell, line_start=False)


def md_cell(text: object) -> str:
    """``text`` as the content of a GitHub table cell."""
    return md_inline(text, cell=True)


def md_heading(text: object) -> str:
    """``text`` at the end of an ATX heading line: a trailing ``#`` run would be dropped as
    the heading's closing sequence, so it is escaped too."""
    line = md_inline(text)
    stripped = line.rstrip("#")
    if stripped == line:
        return line
    return stripped + "\\#" * (len(line) - len(stripped))


def md_block(text: object) -> list[str]:
    """``text`` as lines that each start a line of Markdown (the lines of a quote): no line
    can start a heading, list, quote, fence, table or HTML block. Leading whitespace is
    dropped (it would make an indented code block); empty lines stay empty."""
    cleaned = clean_text("" if text is None else str(text), keep_newlines=True)
    lines = []
    for raw in cleaned.split("\n"):
        line = " ".join(raw.split())
        lines.append(_escape_line(line, pipes=True, line_start=True))
    return lines
