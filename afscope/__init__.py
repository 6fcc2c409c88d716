"""afscope: explore which sentences of a model's reasoning drive what it did.

The package root and everything below it except ``afscope.tui`` is a headless core
(plain Python, Polars, Pydantic) so results can be read, validated, computed and
exported in scripts and tests without a terminal.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("afscope")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
