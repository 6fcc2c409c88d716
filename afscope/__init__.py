"""afscope: explore which sentences of a model's reasoning drive what it did.

The package root and everything below it except ``afscope.tui`` is a headless core
(plain Python, Polars, Pydantic) so results can be read, validated, computed and
exported in scripts and tests without a terminal.
"""

from __future__ import annotations

from functools import cache


@cache
def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("afscope")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0.0.0+unknown"


def __getattr__(name: str) -> str:
    """``__version__`` on first use: the console script imports this package before it
    can catch Ctrl-C, so importing it must cost next to nothing."""
    if name == "__version__":
        return _version()
    raise AttributeError(f"module 'afscope' has no attribute {name!r}")


__all__ = ["__version__"]
