"""The published sample in a real headless Chromium, opened from disk (file://).

Skipped with the reason when /usr/bin/chromium or /usr/bin/chromedriver (Debian's
``chromium`` and ``chromium-driver``) or selenium are missing; CI installs them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from chromium import missing, requested_urls, start
from hostile_site import hostile_bundle

from afscope.cli.main import main

pytestmark = pytest.mark.skipif(missing() is not None, reason=str(missing()))


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    driver = start(tmp_path_factory.mktemp("chromium-profile"))
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("publish") / "site"
    assert main(["publish", str(out)]) == 0
    return out


def problems(browser: Any) -> list[dict]:
    """Console errors and warnings (CSP violations, script errors, failed loads)."""
    return [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]


def open_page(browser: Any, path: Path) -> list[str]:
    browser.get_log("performance")  # forget earlier pages' requests
    browser.get(path.as_uri())
    return requested_urls(browser)


def selected(browser: Any) -> int:
    return int(browser.find_element("css selector", ".s.selected").get_attribute("data-pos"))


def detail_text(browser: Any) -> str:
    return browser.find_element("id", "detail").text


def test_index_opens_from_disk_without_network_or_errors(browser: Any, site: Path) -> None:
    urls = open_page(browser, site / "index.html")
    assert urls and all(u.startswith("file://") for u in urls), urls
    assert problems(browser) == []
    rows = browser.find_elements("css selector", "#trace-rows tr")
    assert len(rows) == 20
    body = browser.find_element("tag name", "body")
    body.send_keys("j")
    body.send_keys("j")
    assert "current" in rows[1].get_attribute("class")
    body.send_keys("\ue007")  # enter opens the trace under the cursor
    assert browser.current_url.endswith("trace-0002.html")
    assert problems(browser) == []


def test_trace_page_click_and_keys_show_the_detail(browser: Any, site: Path) -> None:
    urls = open_page(browser, site / "trace-0001.html")
    assert all(u.startswith("file://") for u in urls), urls
    assert {u.rsplit("/", 1)[-1] for u in urls} == {"trace-0001.html", "afscope.css", "afscope.js"}
    assert problems(browser) == []
    start = selected(browser)
    assert detail_text(browser).startswith("sentence ")
    sentence = browser.find_element("css selector", "#s-3")
    sentence.click()
    assert selected(browser) == 3
    text = sentence.find_element("css selector", ".tx").text
    shown = detail_text(browser)
    assert shown.startswith("sentence 3") and text in shown
    assert "rate before → after (Wilson 95%)" in shown
    assert "alignment_faking / counterfactual" in shown and "compliance / resampling" in shown
    assert "resampled here:" in shown
    # one signed value with its interval, then the direction (the explorer's wording)
    line = next(x for x in shown.splitlines() if "alignment_faking / counterfactual" in x)
    assert re.search(r"(?:[+-]\d|0)\.\d{3} \[[^\]]+\] (?:promotes|suppresses|negligible)", line)
    assert "(+" not in line and "(-" not in line and "-0.000" not in shown
    body = browser.find_element("tag name", "body")
    body.send_keys("j")
    assert selected(browser) == 4 and detail_text(browser).startswith("sentence 4")
    body.send_keys("k")
    assert selected(browser) == 3
    highs = [
        int(e.get_attribute("data-pos")) for e in browser.find_elements("css selector", ".s.hi")
    ]
    body.send_keys("n")
    after_n = next(p for p in highs if p > 3)
    assert selected(browser) == after_n
    body.send_keys("n")
    assert selected(browser) == next(p for p in highs if p > after_n)
    body.send_keys("N")
    assert selected(browser) == after_n
    mark = browser.find_element("css selector", 'svg .mk[data-pos="10"]')
    browser.execute_script(
        "arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true}))", mark
    )
    assert selected(browser) == 10
    assert browser.find_element("id", "cursor").get_attribute("class") == "cursor on"
    assert start >= 0 and problems(browser) == []


def test_hostile_site_runs_nothing_injected(browser: Any, tmp_path: Path) -> None:
    from selenium.common.exceptions import NoAlertPresentException

    out = tmp_path / "site"
    assert main(["publish", str(hostile_bundle(tmp_path / "b")), str(out)]) == 0
    for page in sorted(out.glob("*.html")):
        urls = open_page(browser, page)
        assert all(u.startswith("file://") for u in urls), urls
        assert browser.execute_script("return document.images.length") == 0
        assert problems(browser) == [], page.name
        if page.name.startswith("trace-"):
            browser.find_element("css selector", "#s-0").click()
            detail = detail_text(browser)
            assert detail.startswith("sentence 0")
            assert problems(browser) == []
        with pytest.raises(NoAlertPresentException):  # no injected alert() ever ran
            browser.switch_to.alert.text  # noqa: B018
