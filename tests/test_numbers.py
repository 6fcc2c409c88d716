"""One number formatter: rounding, signs, never ``-0.000``."""

import math

from hypothesis import given
from hypothesis import strategies as st

from afscope.numbers import interval, number, percent


def test_zero_and_values_that_round_to_it_have_no_sign():
    assert number(-0.0) == "0.000"
    assert number(-0.0, sign=True) == "0.000"
    assert number(-0.0004, sign=True) == "0.000"
    assert number(0.0002, 2, sign=True) == "0.00"


def test_signs_digits_and_missing_values():
    assert number(0.279, sign=True) == "+0.279"
    assert number(-0.2791, sign=True) == "-0.279"
    assert number(0.279) == "0.279"
    assert number(0.5, 2) == "0.50"
    assert number(None) == "-"
    assert number(math.nan) == "-"
    assert number(math.inf, sign=True) == "-"


def test_interval():
    assert interval(0.12, 0.4321) == "[0.12, 0.43]"
    assert interval(-0.001, 0.2, sign=True) == "[0.00, +0.20]"
    assert interval(None, 0.2) == ""


@given(st.floats(allow_nan=False, allow_infinity=False), st.integers(0, 6), st.booleans())
def test_never_negative_zero_and_faithful(value, digits, sign):
    text = number(value, digits, sign=sign)
    assert not (text.startswith("-") and float(text) == 0)
    assert float(text) == float(f"{value:.{digits}f}")


def test_percent():
    assert percent(0.125) == "12.5%"
    assert percent(0.5, 0) == "50%"
    assert percent(-0.0001, sign=True) == "0.0%"  # never -0.0%
    assert percent(0.031, sign=True) == "+3.1%"
    assert percent(None) == "-"
