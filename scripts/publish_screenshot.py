"""Make docs/publish-screenshot.png: the published sample's first trace page in Chromium.

python scripts/publish_screenshot.py [OUT.png]

Needs Debian's chromium and chromium-driver (/usr/bin/chromium, /usr/bin/chromedriver)
and selenium (the test extra). ``start_chromium`` is also used by bench_publish.py.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "publish-screenshot.png"
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def start_chromium(profile: Path, width: int = 1400, height: int = 900) -> webdriver.Chrome:
    """Headless Chromium with a fresh profile, logging console and network events."""
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.add_argument(f"--window-size={width},{height}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    return webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))


def publish_sample(out: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "afscope", "publish", str(out)], check=True, capture_output=True
    )


def main(target: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        publish_sample(site)
        browser = start_chromium(Path(tmp) / "profile")
        try:
            browser.get((site / "trace-0001.html").as_uri())
            browser.execute_script("document.fonts && document.fonts.ready")
            browser.save_screenshot(str(target))
        finally:
            browser.quit()
    print(target)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
