"""Tests of ``afscope.explore``: the explorer's behaviour without a terminal."""
