"""Make untrusted model text safe to show in a terminal.

Model output can carry ANSI/OSC escape sequences (which can retitle or wipe a terminal),
other control characters and Rich markup. Everything that reaches a screen passes
through ``clean_text`` and is then rendered as literal text, never as markup.
"""

from __future__ import annotations

import re

# CSI (ESC [ ... final), OSC (ESC ] ... BEL or ST), other two-char ESC sequences, and the
# 8-bit C1 forms of CSI/OSC/DCS/APC/PM/SOS.
_ESCAPES = re.compile(
    r"""
    \x1b\[[0-?]*[ -/]*[@-~]            # CSI
    | \x1b\][^\x07\x1b]*(?:\x07|\x1b\\)? # OSC, ended by BEL or ST (or cut off)
    | \x1b[PX^_][^\x1b]*(?:\x1b\\)?      # DCS, SOS, PM, APC
    | \x1b[@-Z\\-_]                      # other Fe escapes
    | \x9b[0-?]*[ -/]*[@-~]              # 8-bit CSI
    | [\x90\x98\x9d\x9e\x9f][^\x9c\x07]*[\x9c\x07]?  # 8-bit DCS/SOS/OSC/PM/APC
    """,
    re.VERBOSE,
)
# C0 controls except tab and newline, DEL, and C1 controls; also bidi overrides that can
# make text display in a different order than it is stored.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean_text(text: str, *, keep_newlines: bool = True, tab: str = "    ") -> str:
    """``text`` without escape sequences and control characters; tabs become spaces."""
    text = _ESCAPES.sub("", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", tab)
    text = _CONTROLS.sub("", text)
    if not keep_newlines:
        text = " ".join(text.split("\n"))
    return text


def one_line(text: str, limit: int | None = None) -> str:
    """A cleaned single-line version of ``text``, cut to ``limit`` characters with an ellipsis."""
    flat = " ".join(clean_text(text, keep_newlines=False).split())
    if limit is not None and len(flat) > limit:
        return flat[: max(0, limit - 1)] + "…"
    return flat
