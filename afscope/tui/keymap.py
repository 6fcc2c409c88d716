"""Remapping keys: every explorer binding has an ``id``; a key map says which keys it gets.

The key map is the ``[keys]`` table of ``config.toml`` with the file named by
``AFSCOPE_KEYMAP`` merged over it (both ``id = "keys"`` lines, read and checked by
``afscope.config``)::

    [keys]
    down = "j,down,ctrl+n"
    up = "k,up,ctrl+p"
    export = "ctrl+e"

The app hands it to Textual's ``App.set_keymap``, which replaces the keys of the
bindings with those ids wherever they are declared. ``?`` lists the keys in effect.
"""

from __future__ import annotations

from afscope.config import KEYMAP_ENV

__all__ = ["KEYMAP_ENV"]
