"""Where the bundled synthetic sample lives, in a source tree and after ``pip install``."""

from __future__ import annotations

from pathlib import Path

SAMPLE_NAME = "alignment_faking_sample"


def sample_bundle_path() -> Path:
    """The bundled sample: packaged copy first (wheel installs), then the source tree."""
    here = Path(__file__).resolve().parent
    for candidate in (
        here / "_sample_data" / SAMPLE_NAME,
        here.parent / "sample_data" / SAMPLE_NAME,
    ):
        if (candidate / "manifest.json").is_file():
            return candidate
    raise FileNotFoundError(
        "the bundled sample is missing from this installation; pass a bundle path instead"
    )
