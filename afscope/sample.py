"""Where the bundled synthetic sample lives, in a source tree and after ``pip install``."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

SAMPLE_NAME = "alignment_faking_sample"


def sample_bundle_path() -> Path:
    """The bundled sample: the wheel's package data first, then a source checkout's
    ``sample_data/`` (an editable install has no ``_sample_data`` in the package)."""
    packaged = Path(str(resources.files("afscope") / "_sample_data" / SAMPLE_NAME))
    source = Path(__file__).resolve().parent.parent / "sample_data" / SAMPLE_NAME
    for candidate in (packaged, source):
        if (candidate / "manifest.json").is_file():
            return candidate
    raise FileNotFoundError(
        "the bundled sample is missing from this installation; pass a bundle path instead"
    )


def source_label(path: Path | str) -> str:
    """How to name a source on screen: ``bundled sample`` for the sample (its install
    path says nothing to a reader and differs between machines), else the path."""
    try:
        if Path(path).resolve() == sample_bundle_path().resolve():
            return "bundled sample"
    except (OSError, FileNotFoundError):
        pass
    return str(path)
