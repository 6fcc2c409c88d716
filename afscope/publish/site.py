"""``afscope publish``'s core: choose traces, build every page, write the site safely.

The site is a flat folder: ``index.html``, one ``trace-NNNN.html`` per trace (numbered in
publishing order: trace ids are input and never become file names), the stylesheet and
script, and ``.afscope-publish``, which lists every file written. It is assembled in a
staging folder beside OUT and swapped in (``bundle.target``); ``--force`` replaces OUT
only when its marker lists every file in it, and removes only those files by name.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import polars as pl

from afscope import __version__
from afscope.analysis.conditions import condition_rates
from afscope.analysis.frame import check_choice, sentence_frame
from afscope.analysis.tags import tag_statistics
from afscope.bundle.reader import Bundle
from afscope.bundle.schema import labels_of
from afscope.bundle.target import OutputKind, replace_problem, staging_dir, swap_in
from afscope.explore.browser import browser_rows
from afscope.explore.filters import FilterError, filter_expr, parse_filter
from afscope.explore.settings import ViewSettings
from afscope.explore.trace_data import load_trace
from afscope.guard import check_outside_inputs
from afscope.palette import DEFAULT, Palette, css_root
from afscope.problems import BundleError, Problem
from afscope.publish.index_page import (
    TraceRow,
    conditions_section,
    index_body,
    tags_section,
)
from afscope.publish.layout import CSS_FILE, INDEX_FILE, JS_FILE, page
from afscope.publish.trace_page import TraceLink, trace_body
from afscope.text import clean_text_expr, one_line

MARKER = ".afscope-publish"
ASSETS = (CSS_FILE, JS_FILE)


def site_files(folder: Path) -> set[str] | None:
    """The files of the afscope site in ``folder`` (its marker's list), or None when
    ``folder`` holds no valid marker. Only plain file names count: a marker naming a path
    elsewhere is not afscope's."""
    try:
        data = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("written_by") != "afscope publish":
        return None
    files = data.get("files")
    if not isinstance(files, list):
        return None
    names: set[str] = set()
    for name in files:
        if (
            not isinstance(name, str)
            or name in ("", ".", "..", MARKER)
            or "/" in name
            or "\\" in name
            or "\0" in name
        ):
            return None
        names.add(name)
    return names | {MARKER}


SITE = OutputKind("published site", MARKER, site_files)


@dataclass(frozen=True)
class PublishPlan:
    """What to publish: which traces (ids and/or filters), the title, and the outcome and
    metric that colour the sentences (the explorer's defaults when None)."""

    trace_ids: tuple[str, ...] = ()
    where: tuple[str, ...] = ()
    title: str | None = None
    outcome: str | None = None
    metric: str | None = None
    draws: int = 2000
    """Cluster-bootstrap draws for the tag statistics."""
    palette: Palette = DEFAULT
    """Direction and outcome colours (charts and the stylesheet's variables)."""


@dataclass(frozen=True)
class Published:
    out: Path
    traces: int
    files: list[str]
    size: int
    """Bytes written."""


def _fail(where: str, message: str) -> BundleError:
    return BundleError([Problem(where, message)])


def chosen_traces(bundle: Bundle, plan: PublishPlan, settings: ViewSettings) -> pl.DataFrame:
    """The browser's rows of the traces to publish, in the bundle's order."""
    rows = browser_rows(bundle, settings.outcome, settings.metric)
    if plan.where:
        try:
            parsed = parse_filter(list(plan.where), bundle.outcomes, strict=True)
        except FilterError as exc:
            raise _fail("--where", str(exc)) from None
        if any(column == "tags" for column, _ in parsed.fields):
            rows = rows.join(_trace_tags(bundle), on="raw_id", how="left", maintain_order="left")
        rows = rows.filter(filter_expr(parsed, rows.columns))
    if plan.trace_ids:
        known = set(bundle.trace_ids())
        unknown = [t for t in dict.fromkeys(plan.trace_ids) if t not in known]
        if unknown:
            raise BundleError(
                [Problem("--trace", f"no trace with id {one_line(t)!r}") for t in unknown]
            )
        rows = rows.filter(pl.col("raw_id").is_in(list(plan.trace_ids)))
    if rows.height == 0:
        raise _fail("publish", "no trace matches the --trace and --where given")
    return rows


def _trace_tags(bundle: Bundle) -> pl.DataFrame:
    """Every tag of each trace's sentences (cleaned), so ``tag=X`` keeps the traces with a
    sentence tagged X."""
    scan = bundle.scan("sentences")
    assert scan is not None  # required by the manifest
    if "tags" not in scan.collect_schema().names():
        return pl.DataFrame(schema={"raw_id": pl.String, "tags": pl.List(pl.String)})
    return (
        scan.select(pl.col("trace_id").alias("raw_id"), "tags")
        .explode("tags")
        .drop_nulls("tags")
        .select("raw_id", clean_text_expr(pl.col("tags"), keep_newlines=False))
        .group_by("raw_id")
        .agg(pl.col("tags").unique())
        .collect()
    )


def _peaks(bundle: Bundle, metric: str, ids: list[str]) -> dict[tuple[str, str], float]:
    scan = bundle.scan("importance")
    if scan is None:
        return {}
    peaks = (
        scan.filter((pl.col("metric") == metric) & pl.col("trace_id").is_in(ids))
        .group_by("trace_id", "outcome")
        .agg(pl.col("importance").max())
        .collect()
    )
    return {(t, o): v for t, o, v in peaks.iter_rows() if v is not None}


def _sections(
    bundle: Bundle, ids: list[str], settings: ViewSettings, plan: PublishPlan
) -> list[str]:
    draws = plan.draws
    sections = []
    with contextlib.suppress(BundleError):  # no label columns: no conditions to show
        sections.append(conditions_section(condition_rates(bundle), plan.palette))
    frame = sentence_frame(bundle, check_choice(bundle, settings.outcome, settings.metric))
    frame = frame.filter(pl.col("raw_id").is_in(ids))
    if frame.height and int(frame["tags"].list.len().sum() or 0) > 0:
        stats = tag_statistics(frame, "tags", threshold=settings.threshold, draws=draws)
        sections.append(
            tags_section(
                stats,
                outcome=settings.outcome,
                metric=settings.metric,
                draws=draws,
                threshold=settings.threshold,
            )
        )
    return sections


def build_site(bundle: Bundle, plan: PublishPlan, *, source: str) -> dict[str, str]:
    """Every file of the site (name -> text), the marker excepted."""
    choice = check_choice(bundle, plan.outcome, plan.metric)
    settings = ViewSettings(outcome=choice.outcome, metric=choice.metric)
    rows = chosen_traces(bundle, plan, settings)
    ids: list[str] = rows["raw_id"].to_list()
    manifest = bundle.manifest
    title = plan.title or manifest.title or "afscope traces"
    files = [f"trace-{n:04d}.html" for n in range(1, len(ids) + 1)]
    traces = bundle.traces.filter(pl.col("trace_id").is_in(ids))
    by_id = {r["trace_id"]: r for r in traces.iter_rows(named=True)}
    peaks = _peaks(bundle, choice.metric, ids)
    site: dict[str, str] = {}
    listed = []
    for n, trace_id in enumerate(ids):
        data = load_trace(bundle, trace_id)
        link = TraceLink(
            number=n + 1,
            total=len(ids),
            previous=files[n - 1] if n > 0 else None,
            next=files[n + 1] if n + 1 < len(ids) else None,
        )
        crumbs, body = trace_body(data, settings, link, plan.palette)
        site[files[n]] = page(
            title=f"{trace_id} - {title}",
            site_title=title,
            body=body,
            kind="trace-page",
            crumbs=crumbs,
        )
        row = by_id[trace_id]
        listed.append(
            TraceRow(
                file=files[n],
                trace_id=trace_id,
                variant=row.get("prompt_variant"),
                condition=row.get("condition"),
                labels=labels_of(row),  # type: ignore[arg-type]
                sentences=len(data.indices),
                peaks={o: peaks.get((trace_id, o)) for o in manifest.outcome_names},
            )
        )
    filters = " ".join([*(f"--trace {t}" for t in plan.trace_ids), *plan.where])
    body = index_body(
        title=title,
        description=manifest.description,
        synthetic=manifest.synthetic,
        source=source,
        filters=filters,
        rows=listed,
        outcomes=manifest.outcome_names,
        metric=choice.metric,
        sections=_sections(bundle, ids, settings, plan),
    )
    site[INDEX_FILE] = page(title=title, site_title=title, body=body, kind="index-page")
    assets = resources.files("afscope.publish") / "assets"
    for name in ASSETS:
        site[name] = (assets / name).read_text(encoding="utf-8")
    site[CSS_FILE] = css_root(plan.palette) + site[CSS_FILE]  # colours: afscope.palette
    return site


def _empty_folder(path: Path) -> bool:
    """A real (not linked) folder with nothing in it: written into like a new one."""
    try:
        if not path.is_dir() or path.is_symlink():
            return False
        with os.scandir(path) as entries:
            return next(entries, None) is None
    except OSError:
        return False


def check_site_target(out: Path, inputs: Sequence[Path | None], *, force: bool) -> None:
    """Raise ``BundleError`` unless the site may be written at ``out``."""
    check_outside_inputs(out, inputs)
    if not os.path.lexists(out) or _empty_folder(out):
        return
    problem = replace_problem(out, SITE)  # said first: --force would not help
    if problem is not None:
        raise _fail(str(out), problem)
    if not force:
        raise _fail(str(out), "holds an earlier afscope site (use --force to replace it)")


def write_site(site: dict[str, str], out: Path, *, force: bool) -> Published:
    """Write ``site`` (name -> text) into a staging folder beside ``out``, add the marker
    and swap it in (an empty folder at ``out`` is replaced, a folder of ours only with
    ``force``)."""
    try:
        staging = staging_dir(out, "publish")
        staging.chmod(0o755)  # mkdtemp makes it private; a site is meant to be shared
    except OSError as exc:
        raise _cannot_write(out, exc) from None
    try:
        size = 0
        for name, text in site.items():
            data = text.encode("utf-8")
            (staging / name).write_bytes(data)
            size += len(data)
        marker = {"written_by": "afscope publish", "version": __version__, "files": sorted(site)}
        (staging / MARKER).write_text(json.dumps(marker, indent=1) + "\n", encoding="utf-8")
        if _empty_folder(out):
            os.rmdir(out)  # removes only an empty folder
        swap_in(staging, out, overwrite=force, kind=SITE)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise _cannot_write(out, exc) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Published(out, sum(1 for n in site if n.startswith("trace-")), sorted(site), size)


def _cannot_write(out: Path, exc: OSError) -> BundleError:
    folder = out.parent if str(out.parent) else Path(".")
    reason = exc.strerror or str(exc)
    return _fail(str(out), f"cannot write the site in {folder}: {reason}")


def publish(
    bundle: Bundle,
    plan: PublishPlan,
    out: Path,
    *,
    source: str,
    inputs: Sequence[Path | None],
    force: bool,
) -> Published:
    """Check OUT, build the whole site in memory, then write it (nothing is written when
    the input or the options are refused)."""
    check_site_target(out, inputs, force=force)
    site = build_site(bundle, plan, source=source)
    return write_site(site, out, force=force)
