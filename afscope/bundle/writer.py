"""Write a result bundle: a small public API so pipelines can emit afscope bundles directly.

    from afscope.bundle import Manifest, BundleTables, write_bundle
    write_bundle("out/", manifest, BundleTables(traces=..., sentences=...))

The bundle is assembled in a staging folder beside the target and renamed into place, so
an interrupted write never leaves a half-written bundle behind; only an earlier afscope
bundle is ever replaced (``afscope.bundle.target``).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Collection
from pathlib import Path

from afscope.bundle.manifest import MANIFEST_FILE, Manifest, default_table_file
from afscope.bundle.normalize import already_in_order, normalize
from afscope.bundle.tables import BundleTables
from afscope.bundle.target import check_bundle_target, staging_dir, swap_in
from afscope.problems import BundleError, Problem

DEFAULT_ROW_GROUP_ROWS = 8_192
"""Rows per Parquet row group. Tables are sorted by trace, and each group records its
first and last trace id: a per-trace read (the explorer's) skips every other group and
decodes only the one or two that hold its trace, so groups are kept small. A fixed size
also makes the file's bytes independent of how the frame happened to be chunked."""
ROW_GROUP_ROWS = {"resamples": 65_536}
"""Resamples have tens of rows per sentence, and are mostly scanned whole."""


def write_bundle(
    path: str | Path,
    manifest: Manifest,
    tables: BundleTables,
    *,
    overwrite: bool = False,
    presorted: Collection[str] = (),
) -> Path:
    """Write ``tables`` described by ``manifest`` to the folder ``path`` and return it.

    The manifest's ``tables`` mapping is filled in from the tables given. An existing
    folder is replaced only with ``overwrite=True`` and only when it holds nothing but an
    earlier afscope bundle; otherwise ``BundleError`` says why. Tables named in
    ``presorted`` are already sorted by their key (``normalize.in_table_order``), as are
    frames in memory that pass a check (a bundle read back): those are not sorted again.
    """
    target = Path(path)
    check_bundle_target(target, force=overwrite)
    present = tables.present()
    manifest = manifest.model_copy(
        update={"tables": {name: default_table_file(name) for name in present}}
    )
    try:
        staging = staging_dir(target)
        staging.chmod(0o755)  # mkdtemp makes it private; a bundle is meant to be shared
    except OSError as exc:
        raise _cannot_write(target, exc) from None
    try:
        for name, frame in present.items():
            ordered = name in presorted or already_in_order(name, frame)
            frame = normalize(name, frame.lazy(), manifest.outcome_names, presorted=ordered)
            frame.sink_parquet(
                staging / default_table_file(name),
                statistics=True,
                row_group_size=ROW_GROUP_ROWS.get(name, DEFAULT_ROW_GROUP_ROWS),
            )
        data = manifest.model_dump(
            mode="json", exclude={"warnings"} if not manifest.warnings else None
        )
        text = json.dumps(data, indent=2, sort_keys=False)
        (staging / MANIFEST_FILE).write_text(text + "\n", encoding="utf-8")
        swap_in(staging, target, overwrite=overwrite)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise _cannot_write(target, exc) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def _cannot_write(target: Path, exc: OSError) -> BundleError:
    """A full disk or a read-only folder: say which folder, leave nothing behind."""
    folder = target.parent if str(target.parent) else Path(".")
    reason = exc.strerror or str(exc)
    return BundleError([Problem(str(target), f"cannot write the bundle in {folder}: {reason}")])
