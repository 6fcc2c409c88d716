"""Command line entry point: ``afscope [validate|info] [PATH]``."""

from afscope.cli.main import main

__all__ = ["main"]
