"""Write a figure file without ever destroying what the user owns.

The rules are the export core's (``afscope.export.files``) for a binary file: a new file
is written atomically (same-folder temporary file, then a rename); an existing regular
file (or the file a link points to) is replaced only with ``force`` and only when it is
an earlier afscope figure; folders, devices, FIFOs, sockets and dangling links are
refused. An afscope figure is recognised by its own metadata field, which ``render``
fills: the PNG ``Software`` text chunk, the SVG ``dc:creator`` title, the PDF
``/Creator`` entry, each starting with ``FIGURE_MARK``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from afscope.export.files import write_own_file

FIGURE_MARK = "afscope figure"
SUFFIXES = {".svg": "svg", ".png": "png", ".pdf": "pdf"}
_HEAD = 65536
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def figure_format(path: Path) -> str | None:
    """svg, png or pdf from the file name's suffix (None for any other)."""
    return SUFFIXES.get(path.suffix.lower())


def is_afscope_figure(path: Path) -> bool:
    """True when ``path`` is a figure afscope wrote (its format's metadata field holds
    ``FIGURE_MARK``)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(_HEAD)
            size = handle.seek(0, os.SEEK_END)
            handle.seek(max(0, size - _HEAD))
            tail = handle.read()
    except OSError:
        return False
    mark = FIGURE_MARK.encode()
    if head.startswith(_PNG_MAGIC):
        return b"tEXtSoftware\x00" + mark in head
    if head.startswith(b"%PDF-"):
        return b"/Creator (" + mark in tail or b"/Creator (" + mark in head
    if head.lstrip().startswith(b"<?xml") and b"<svg" in head:
        pattern = rb"<dc:creator>\s*<cc:Agent>\s*<dc:title>" + re.escape(mark)
        return re.search(pattern, head) is not None
    return False


def write_figure(target: Path, data: bytes, *, force: bool = False) -> str:
    """Write ``data`` to ``target`` by the rules of every afscope output
    (``export.files.write_own_file``): never a stream, ``--force`` only over a figure."""
    return write_own_file(target, data, force=force, is_ours=is_afscope_figure, what="figure")
