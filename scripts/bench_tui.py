"""Benchmark the explorer headless: a 2,000-sentence trace and a 10,000-trace browser.

    python scripts/bench_tui.py [--repeat 5]

Opening times are wall-clock; key handling is CPU time of the process (Pilot itself
idles between keys, which wall-clock time would count). Medians over --repeat runs in one
process, with Textual's headless driver (a real terminal adds its own output time).
Numbers go in docs and notes, never in tests.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

import polars as pl

from afscope.bundle import BundleTables, Manifest, MetricSpec, OutcomeSpec, write_bundle
from afscope.tui.app import AfscopeApp
from afscope.tui.screens.explorer import PANEL_DELAY


def make_bundle(root: Path, traces: int, sentences: int) -> Path:
    n = traces * sentences
    trace_ids = [f"trace-{t:05d}" for t in range(traces)]
    tid = pl.Series("trace_id", trace_ids).repeat_by(sentences).explode()
    idx = (
        pl.int_range(0, sentences, eager=True)
        .to_frame("sentence_idx")
        .select(pl.col("sentence_idx").repeat_by(traces).explode())
    )
    sent = pl.DataFrame({"trace_id": tid}).with_columns(
        (pl.int_range(0, n) % sentences).alias("sentence_idx")
    )
    del idx
    sent = sent.with_columns(
        pl.format(
            "Sentence {} restates the training objective and notes it is monitored.",
            pl.col("sentence_idx"),
        ).alias("text")
    )
    direction = ((pl.col("sentence_idx") * 37 + pl.int_range(0, n)) % 101 - 50) / 100
    importance = sent.select("trace_id", "sentence_idx").with_columns(
        pl.lit("af").alias("outcome"),
        pl.lit("counterfactual").alias("metric"),
        direction.abs().alias("importance"),
        direction.alias("direction"),
    )
    rates = sent.select("trace_id", "sentence_idx").with_columns(
        pl.lit("af").alias("outcome"),
        (pl.col("sentence_idx") / sentences).alias("rate"),
        pl.lit(50).alias("n"),
    )
    tables = BundleTables(
        traces=pl.DataFrame(
            {
                "trace_id": trace_ids,
                "n_sentences": [sentences] * traces,
                "query": ["a query"] * traces,
            }
        ),
        sentences=sent,
        rates=rates,
        importance=importance,
    )
    manifest = Manifest(
        outcomes=(OutcomeSpec(name="af"),),
        metrics=(MetricSpec(name="counterfactual"),),
        tables={"traces": "t", "sentences": "s"},
    )
    return write_bundle(root, manifest, tables)


async def settle(app, pilot) -> None:
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()


async def time_long_trace(path: Path) -> dict[str, float]:
    app = AfscopeApp(path)
    started = time.perf_counter()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        opened = time.perf_counter() - started
        t = time.process_time()
        for _ in range(30):
            await pilot.press("j")
            await pilot.pause(PANEL_DELAY * 2)
        per_key = (time.process_time() - t) / 30
        t = time.process_time()
        await pilot.press(*["j"] * 100)  # a held key: the panels wait for a pause
        await pilot.pause()
        held = (time.process_time() - t) / 100
        t = time.process_time()
        await pilot.press("G")
        await pilot.pause()
        jump = time.process_time() - t
        t = time.process_time()
        for _ in range(20):
            await pilot.press("ctrl+u")
        page = (time.process_time() - t) / 20
    return {
        "open 2,000-sentence trace (s)": opened,
        "j, then panels redrawn (CPU ms)": per_key * 1e3,
        "j while held, per key (CPU ms)": held * 1e3,
        "G to last sentence (CPU ms)": jump * 1e3,
        "half page up, held (CPU ms)": page * 1e3,
    }


async def time_browser(path: Path) -> dict[str, float]:
    app = AfscopeApp(path)
    started = time.perf_counter()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        opened = time.perf_counter() - started
        t = time.process_time()
        await pilot.press("t")
        await settle(app, pilot)
        browser = time.process_time() - t
        t = time.process_time()
        await pilot.press(*"trace-0999")
        typing = (time.process_time() - t) / len("trace-0999")
        t = time.process_time()
        for _ in range(50):
            await pilot.press("pagedown")
        scroll = (time.process_time() - t) / 50
    return {
        "open 10,000-trace bundle (s)": opened,
        "open browser (CPU s)": browser,
        "filter keystroke (CPU ms)": typing * 1e3,
        "browser page down (CPU ms)": scroll * 1e3,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        long_trace = make_bundle(Path(tmp) / "long", 1, 2000)
        many = make_bundle(Path(tmp) / "many", 10_000, 30)
        results: dict[str, list[float]] = {}
        for _ in range(args.repeat):
            for name, value in {
                **asyncio.run(time_long_trace(long_trace)),
                **asyncio.run(time_browser(many)),
            }.items():
                results.setdefault(name, []).append(value)
        for name, values in results.items():
            print(
                f"{name:<34} median {statistics.median(values):8.2f}  "
                f"(min {min(values):.2f}, max {max(values):.2f}, n={len(values)})"
            )


if __name__ == "__main__":
    main()
