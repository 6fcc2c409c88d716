"""Benchmark: ``afscope publish`` on the bundled sample (or PATH): time, size, page load.

    python scripts/bench_publish.py [PATH] [--repeat 3] [--browser]

Publishes PATH (default: the bundled sample) --repeat times, each in a fresh process,
and prints the median wall time, the site's total size and its largest page. With
``--browser`` it opens the index and the largest trace page from disk in headless
Chromium (scripts/publish_screenshot.py starts it) and prints each page's load time from
the Navigation Timing API (navigation start to the end of the load event, cold profile,
then a second load). Numbers go in docs, never in tests.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def publish(source: str | None, out: Path) -> float:
    command = [sys.executable, "-m", "afscope", "publish", *([source] if source else []), str(out)]
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start


def load_times(site: Path, pages: list[Path]) -> list[tuple[str, float, float]]:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from publish_screenshot import start_chromium

    with tempfile.TemporaryDirectory() as profile:
        browser = start_chromium(Path(profile))
        try:
            results = []
            for page in pages:
                times = []
                for _ in range(2):
                    browser.get(page.as_uri())
                    times.append(
                        browser.execute_script(
                            "const n = performance.getEntriesByType('navigation')[0];"
                            "return n.loadEventEnd - n.startTime;"
                        )
                    )
                results.append((page.name, times[0], times[1]))
            return results
        finally:
            browser.quit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", default=None)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--browser", action="store_true", help="also time page loads")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        seconds = [publish(args.path, Path(tmp) / f"site{i}") for i in range(args.repeat)]
        site = Path(tmp) / "site0"
        files = sorted(site.iterdir())
        size = sum(p.stat().st_size for p in files)
        largest = max((p for p in files if p.suffix == ".html"), key=lambda p: p.stat().st_size)
        pages = sum(1 for p in files if p.name.startswith("trace-"))
        print(f"source: {args.path or 'bundled sample'}")
        median = statistics.median(seconds)
        print(f"publish: median {median:.2f} s of {args.repeat} runs (fresh processes)")
        print(f"site: {pages} trace pages, {len(files)} files, {size / 1e6:.2f} MB")
        print(f"largest page: {largest.name} {largest.stat().st_size / 1e3:.0f} kB")
        if args.browser:
            for name, cold, warm in load_times(site, [site / "index.html", largest]):
                print(f"load {name}: {cold:.0f} ms first, {warm:.0f} ms again")


if __name__ == "__main__":
    main()
