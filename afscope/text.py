"""Make untrusted model text safe to show in a terminal.

Model output can carry ANSI/OSC escape sequences (which can retitle or wipe a terminal),
other control characters and Rich markup. Everything that reaches a screen passes
through ``clean_text`` (or ``clean_text_expr`` for a whole column) and is then rendered
as literal text, never as markup.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # Polars is imported only by the column version: the CLI's error path
    import polars as pl  # and argument errors clean text before anything heavy loads

# Code point ranges removed outright: C0 controls except tab and newline, DEL, C1 controls
# (0x9b is the one-byte CSI), and bidi marks, overrides and isolates that make text display
# in a different order than stored.
_CONTROL_RANGES = (
    (0x00, 0x08),
    (0x0B, 0x1F),
    (0x7F, 0x9F),
    (0x061C, 0x061C),
    (0x200E, 0x200F),
    (0x202A, 0x202E),
    (0x2066, 0x2069),
)
# Lone surrogates: how Python spells file-name bytes that are not UTF-8; they cannot be
# written to a UTF-8 terminal, so they are shown as U+FFFD.
_SURROGATES = re.compile("[\ud800-\udfff]")

# Escape sequences, written with {ESC} {BEL} {ST8} {CSI8} placeholders so the same
# pattern can be rendered for Python's re and for Polars (Rust regex) syntax.
_ESCAPE_TEMPLATE = "|".join(
    (
        r"{ESC}\[[0-?]*[ -/]*[@-~]",  # CSI
        r"{ESC}\][^{BEL}{ESC}]*(?:{BEL}|{ESC}\\)?",  # OSC, ended by BEL or ST (or cut off)
        r"{ESC}[PX^_][^{ESC}]*(?:{ESC}\\)?",  # DCS, SOS, PM, APC
        r"{ESC}[@-Z\\-_]",  # other two-character escapes
        r"{CSI8}[0-?]*[ -/]*[@-~]",  # 8-bit CSI
        r"[{C1STR}][^{ST8}{BEL}]*[{ST8}{BEL}]?",  # 8-bit DCS/SOS/OSC/PM/APC
    )
)


def _python_char(code: int) -> str:
    return f"\\U{code:08x}"


def _rust_char(code: int) -> str:
    return f"\\x{{{code:x}}}"


def _render(char: Callable[[int], str]) -> tuple[str, str]:
    escapes = _ESCAPE_TEMPLATE.format(
        ESC=char(0x1B),
        BEL=char(0x07),
        ST8=char(0x9C),
        CSI8=char(0x9B),
        C1STR="".join(char(c) for c in (0x90, 0x98, 0x9D, 0x9E, 0x9F)),
    )
    controls = "[" + "".join(f"{char(a)}-{char(b)}" for a, b in _CONTROL_RANGES) + "]"
    return escapes, controls


_PY_ESCAPES, _PY_CONTROLS = (re.compile(p) for p in _render(_python_char))
_RUST_ESCAPES, _RUST_CONTROLS = _render(_rust_char)


def clean_text(text: str, *, keep_newlines: bool = True, tab: str = "    ") -> str:
    """``text`` without escape sequences and control characters; tabs become spaces."""
    text = _SURROGATES.sub("\ufffd", _PY_ESCAPES.sub("", text))
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", tab)
    text = _PY_CONTROLS.sub("", text)
    if not keep_newlines:
        text = text.replace("\n", " ")
    return text


def clean_text_expr(expr: pl.Expr, *, keep_newlines: bool = True, tab: str = "    ") -> pl.Expr:
    """``clean_text`` as a Polars expression, for whole columns at once."""
    expr = (
        expr.str.replace_all(_RUST_ESCAPES, "")
        .str.replace_all("\r\n", "\n", literal=True)
        .str.replace_all("\r", "\n", literal=True)
        .str.replace_all("\t", tab, literal=True)
        .str.replace_all(_RUST_CONTROLS, "")
    )
    if not keep_newlines:
        expr = expr.str.replace_all("\n", " ", literal=True)
    return expr


def one_line(text: str, limit: int | None = None) -> str:
    """A cleaned single-line version of ``text``, cut to ``limit`` characters with an ellipsis."""
    flat = " ".join(clean_text(text, keep_newlines=False).split())
    if limit is not None and len(flat) > limit:
        return flat[: max(0, limit - 1)] + "…"
    return flat
