"""Write a result bundle: a small public API so pipelines can emit afscope bundles directly.

    from afscope.bundle import Manifest, BundleTables, write_bundle
    write_bundle("out/", manifest, BundleTables(traces=..., sentences=...))

The bundle is assembled in a temporary sibling folder and renamed into place, so an
interrupted write never leaves a half-written bundle behind.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from afscope.bundle.manifest import MANIFEST_FILE, Manifest, default_table_file
from afscope.bundle.normalize import normalize
from afscope.bundle.tables import BundleTables


def write_bundle(
    path: str | Path, manifest: Manifest, tables: BundleTables, *, overwrite: bool = False
) -> Path:
    """Write ``tables`` described by ``manifest`` to the folder ``path`` and return it.

    The manifest's ``tables`` mapping is filled in from the tables given. An existing
    folder is replaced only with ``overwrite=True``.
    """
    target = Path(path)
    if target.exists() and not overwrite:
        raise FileExistsError(f"{target}: already exists (pass overwrite=True to replace it)")
    target.parent.mkdir(parents=True, exist_ok=True)
    present = tables.present()
    manifest = manifest.model_copy(
        update={"tables": {name: default_table_file(name) for name in present}}
    )
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; a bundle is meant to be shared
    try:
        for name, frame in present.items():
            frame = normalize(name, frame.lazy(), manifest.outcome_names)
            frame.sink_parquet(staging / default_table_file(name), statistics=True)
        text = json.dumps(manifest.model_dump(mode="json"), indent=2, sort_keys=False)
        (staging / MANIFEST_FILE).write_text(text + "\n", encoding="utf-8")
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target
