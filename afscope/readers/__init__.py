"""Open whatever a user points afscope at: a bundle, or another format as it is on disk.

Formats live behind a small registry (``registry.py``): each says whether it recognises
a path and how to open (or import) it. The built-in formats are afscope's own bundle and
Thought Anchors results (``thought_anchors/``), which are converted once into a temporary
bundle (removed at exit) so every view reads one format; ``afscope import`` writes that
bundle to a chosen place so a large tree is parsed only once.
"""

from __future__ import annotations

from afscope.readers import bundle_format, thought_anchors
from afscope.readers.bundle_format import BUNDLE
from afscope.readers.registry import (
    ImportReport,
    OpenedSource,
    SourceFormat,
    detect,
    find_format,
    formats,
    import_source,
    not_readable,
    open_source,
    register_format,
)
from afscope.readers.thought_anchors import (
    THOUGHT_ANCHORS,
    THOUGHT_ANCHORS_TREE,
    import_thought_anchors,
)

register_format(bundle_format.FORMAT)
register_format(thought_anchors.FORMAT)

__all__ = [
    "BUNDLE",
    "THOUGHT_ANCHORS",
    "THOUGHT_ANCHORS_TREE",
    "ImportReport",
    "OpenedSource",
    "SourceFormat",
    "detect",
    "find_format",
    "formats",
    "import_source",
    "import_thought_anchors",
    "not_readable",
    "open_source",
    "register_format",
]
