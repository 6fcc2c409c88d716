"""Remapping keys: every explorer binding has an ``id``; a key map says which keys it gets.

A TOML file of ``id = "keys"`` lines, named by ``AFSCOPE_KEYMAP``::

    down = "j,down,ctrl+n"
    up = "k,up,ctrl+p"
    export = "ctrl+e"

The app hands it to Textual's ``App.set_keymap``, which replaces the keys of the
bindings with those ids wherever they are declared. ``?`` lists the keys in effect.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path

KEYMAP_ENV = "AFSCOPE_KEYMAP"


def read_keymap(path: Path) -> dict[str, str]:
    """Binding id -> comma-separated keys from a TOML file; ``ValueError`` if unusable."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"cannot read the key map {path}: {exc}") from None
    wrong = sorted(key for key, value in raw.items() if not isinstance(value, str) or not value)
    if wrong:
        raise ValueError(f'key map {path}: expected id = "keys" lines, not {", ".join(wrong)}')
    return {key: str(value) for key, value in raw.items()}


def keymap_from_env(environ: Mapping[str, str]) -> dict[str, str]:
    """The key map named by ``AFSCOPE_KEYMAP`` (empty when unset)."""
    path = environ.get(KEYMAP_ENV, "").strip()
    return read_keymap(Path(path).expanduser()) if path else {}
