"""Numbers as every screen and output prints them.

One place rounds and signs values, so a value that rounds to zero reads ``0.000``
everywhere, never ``-0.000`` (negative zero and tiny negative values would otherwise look
like a suppressing effect), and a missing or non-finite value reads ``-``.
"""

from __future__ import annotations

import math

MISSING = "-"


def number(value: float | None, digits: int = 3, *, sign: bool = False) -> str:
    """``value`` with ``digits`` decimals; ``sign`` puts ``+`` before positive values.

    Zero (and anything that rounds to it) has no sign: ``0.000``.
    """
    if value is None or not math.isfinite(value):
        return MISSING
    text = f"{value:+.{digits}f}" if sign else f"{value:.{digits}f}"
    if float(text) == 0:
        return f"{0.0:.{digits}f}"
    return text


def percent(value: float | None, digits: int = 1, *, sign: bool = False) -> str:
    """``value`` (a share) in percent, ``12.5%``; like ``number``, zero has no sign."""
    if value is None or not math.isfinite(value):
        return MISSING
    return f"{number(value * 100, digits, sign=sign)}%"


def interval(low: float | None, high: float | None, digits: int = 2, *, sign: bool = False) -> str:
    """``[low, high]``, or an empty string when either end is unknown."""
    if low is None or high is None:
        return ""
    return f"[{number(low, digits, sign=sign)}, {number(high, digits, sign=sign)}]"
