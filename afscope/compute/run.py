"""Read raw resamples, compute every metric with its uncertainty, write a new bundle.

The source (a bundle or a Thought Anchors tree) is only read. Similarities come from
the resamples when present, else from embeddings when the ``embed`` extra is installed;
without either, the metrics that need them are skipped and the report says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from afscope.bundle.manifest import Manifest, MetricSpec
from afscope.bundle.schema import outcome_column
from afscope.bundle.tables import BundleTables
from afscope.bundle.writer import BundleStaging, written_schema
from afscope.compute.similarity import INSTALL_HINT, embeddings_available, fill_similarity
from afscope.metrics import compute_metrics
from afscope.metrics.counts import POSITION, RUN, complete_columns
from afscope.metrics.importance import (
    ANALYTIC_INTERVAL,
    METRICS,
    NEEDS_SIMILARITY,
    describe,
    metrics_present,
)
from afscope.metrics.options import MetricOptions
from afscope.metrics.sentence_stats import STAT_COLUMNS
from afscope.problems import BundleError, Problem
from afscope.progress import SILENT, Progress
from afscope.readers import BUNDLE, open_source

DEFAULT_OPTIONS = MetricOptions()


@dataclass
class ComputeReport:
    path: Path
    traces: int
    rollouts: int
    metrics: list[str]
    similarity: str
    skipped: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _unknown_outcomes(declared: list[str], wanted: list[str] | None, file: str) -> None:
    """Refuse ``--outcome`` names the manifest does not declare (before any rows are read)."""
    unknown = [o for o in wanted or [] if o not in declared]
    if unknown:
        raise BundleError(
            [
                Problem(
                    file,
                    f"unknown outcome {', '.join(map(repr, unknown))}: "
                    f"expected one of {', '.join(declared)}",
                )
            ]
        )


def _outcomes(
    resamples: pl.DataFrame, declared: list[str], wanted: list[str] | None, file: str
) -> list[str]:
    """The outcomes to compute: those wanted (all declared by default) with a label in
    some rollout (a null count: known to a frame in memory)."""
    labelled = [
        o
        for o in wanted or declared
        if outcome_column(o) in resamples.columns
        and resamples[outcome_column(o)].null_count() < resamples.height
    ]
    if not labelled:
        raise BundleError(
            [
                Problem(
                    file,
                    "no outcome labels to compute from: expected "
                    "'outcome.<name>' columns with values (web-viewer "
                    "folders list resampled sentences without labels)",
                )
            ]
        )
    return labelled


def compute_bundle(
    src: str | Path,
    out: str | Path,
    *,
    outcomes: list[str] | None = None,
    options: MetricOptions = DEFAULT_OPTIONS,
    bootstrap: int = 0,
    seed: int = 0,
    use_embeddings: bool = True,
    overwrite: bool = False,
    progress: Progress = SILENT,
) -> ComputeReport:
    """Every metric from the resamples of ``src``, written with ``src``'s other tables as a
    new bundle at ``out``; each step is reported to ``progress``."""
    with BundleStaging(out, overwrite=overwrite) as staging:
        return _compute(src, staging, outcomes, options, bootstrap, seed, use_embeddings, progress)


def _compute(
    src: str | Path,
    staging: BundleStaging,
    outcomes: list[str] | None,
    options: MetricOptions,
    bootstrap: int,
    seed: int,
    use_embeddings: bool,
    progress: Progress,
) -> ComputeReport:
    """``compute_bundle`` into ``staging``."""
    progress.step("reading the resamples")
    opened = open_source(src)
    bundle = opened.bundle
    resamples_file = (
        str(bundle.table_path("resamples")) if opened.kind == BUNDLE else f"{src} (rollouts)"
    )
    # the resamples file is copied in and read from that copy: what is checked is what
    # is written; one laid out as the writer lays out its own is kept, not encoded again
    source = bundle.table_path("resamples")
    copy = None if source is None else staging.adopt("resamples", source)
    if copy is not None:
        bundle.read_from("resamples", copy)
    if bundle.schema("resamples") is None:
        raise BundleError(
            [
                Problem(
                    str(src),
                    "no raw resamples: expected a resamples table "
                    "(or chunk_<i>/solutions.json in Thought Anchors "
                    "folders)",
                )
            ]
        )
    _unknown_outcomes(bundle.outcomes, outcomes, resamples_file)
    # every value rule (what compute writes validates), and the rows' positions when the
    # table is in key order (a written bundle always is)
    read = bundle.read_with_runs("resamples")
    assert read is not None
    resamples, runs = read
    del read  # the rows may be freed before the importance table is built (below)
    chosen = _outcomes(resamples, bundle.outcomes, outcomes, resamples_file)
    sentences = bundle.read("sentences")
    assert sentences is not None  # required table
    has_similarity = (
        "similarity" in resamples.columns
        and resamples["similarity"].null_count() < resamples.height
    )
    similarity = "from the resamples" if has_similarity else "none"
    skipped: list[str] = []
    if not has_similarity and "resampled_sentence" in resamples.columns:
        if use_embeddings and embeddings_available():
            progress.step("embedding sentences")
            resamples = fill_similarity(resamples, sentences)
            runs = None
            similarity = "all-MiniLM-L6-v2 embeddings (cosine)"
        else:
            skipped = list(NEEDS_SIMILARITY)
    elif not has_similarity:
        skipped = list(NEEDS_SIMILARITY)
    if runs is None or bundle.schema("resamples") != written_schema(
        "resamples", resamples.schema, bundle.outcomes
    ):  # rows in another order, other dtypes or columns, or similarities filled in
        staging.discard("resamples")
    grouped = resamples if runs is None else resamples.with_columns(runs.alias(RUN))
    progress.step("computing metrics")
    # one group-by over the rollouts; rates, importance, sentence statistics and the
    # bootstrap all read its per-position counts
    computed = compute_metrics(
        grouped.lazy(), chosen, options, stats=True, complete=complete_columns(resamples)
    )
    in_order = runs is not None
    rollouts = resamples.height
    del grouped, runs  # 4 bytes a rollout, no longer needed
    written: pl.DataFrame | pl.LazyFrame | None = resamples
    if staging.keeps("resamples"):  # the copy is the table: its rows go before the
        # largest table is built (a lazy scan stands in for them; the writer skips it)
        written = bundle.scan("resamples")
        del resamples
    assert computed.stats is not None
    importance_frame = computed.importance.collect()
    interval = ANALYTIC_INTERVAL
    if bootstrap > 0:
        from afscope.metrics.bootstrap import bootstrap_intervals  # numpy: only when asked

        progress.step("bootstrap intervals")
        boot = bootstrap_intervals(computed.counts, bootstrap, seed)
        key = [*POSITION, "outcome", "metric"]
        signed = pl.col("metric").is_in([m for m, is_signed in METRICS.items() if is_signed])
        importance_frame = (
            importance_frame.join(boot, on=key, how="left", suffix="_boot")
            .with_columns(
                pl.when(signed)
                .then(pl.col("ci_low_boot"))
                .otherwise(pl.col("ci_low"))
                .alias("ci_low"),
                pl.when(signed)
                .then(pl.col("ci_high_boot"))
                .otherwise(pl.col("ci_high"))
                .alias("ci_high"),
            )
            .drop("ci_low_boot", "ci_high_boot")
        )
        interval = f"percentile bootstrap, {bootstrap} draws, seed {seed}"
    metrics = metrics_present(computed.counts)
    sentences = sentences.drop([c for c in STAT_COLUMNS if c in sentences.columns]).join(
        computed.stats, on=POSITION, how="left", maintain_order="left"
    )
    manifest = Manifest(
        title=f"{bundle.manifest.title or Path(src).name} (computed by afscope)",
        description=bundle.manifest.description,
        synthetic=bundle.manifest.synthetic,
        outcomes=bundle.manifest.outcomes,
        metrics=tuple(
            MetricSpec(name=m, signed=METRICS[m], description=describe(m, options, interval))
            for m in metrics
        ),
        tables={"traces": "traces.parquet", "sentences": "sentences.parquet"},
        # the sentences and resamples are the source's: its gaps and misalignments stay;
        # the published importance that the rates contradicted is replaced by computed values
        warnings=tuple(w for w in bundle.manifest.warnings if w.kind != "contradicting_importance"),
        source={
            "computed_from": str(Path(src).resolve()),
            "similarity": similarity,
            "threshold": str(options.threshold),
            "alpha": str(options.alpha),
            "interval": interval,
            "min_evidence": str(options.min_evidence),
        },
        notes=tuple(
            [
                f"not computed (no similarities): {', '.join(skipped)}; to compute them "
                f"install the embed extra: {INSTALL_HINT}"
            ]
            if skipped
            else []
        ),
    )
    tables = BundleTables(
        traces=bundle.traces,
        sentences=sentences,
        rates=computed.rates.collect(),
        importance=importance_frame,
        resamples=written,
        evaluations=bundle.read("evaluations"),
        effects=bundle.read("effects"),
    )
    progress.step("writing the bundle")
    # built in key order: rates, importance (unless joined with the bootstrap's), and
    # resamples read in key order
    presorted = ["rates"]
    presorted += ["importance"] if bootstrap <= 0 else []
    presorted += ["resamples"] if in_order else []
    path = staging.write(manifest, tables, presorted=presorted)
    return ComputeReport(
        path, bundle.traces.height, rollouts, metrics, similarity, skipped, opened.problems
    )
