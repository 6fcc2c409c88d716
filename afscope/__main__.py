"""``python -m afscope`` runs the CLI."""

from afscope.cli.main import entry

entry()
