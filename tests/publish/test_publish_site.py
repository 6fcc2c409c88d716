"""``afscope publish``: what the site holds, how untrusted text is escaped, its size."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import polars as pl
import pytest
from hostile_site import ATTR, CLOSE, SCRIPT, SENTENCE, TAG, TRACE_ID, hostile_bundle
from ta_builders import web_folder

from afscope.bundle import Bundle
from afscope.cli.main import main
from afscope.palette import COLOUR_BLIND, DEFAULT, css_variables
from afscope.publish.escape import script_json
from afscope.publish.layout import CSP
from afscope.publish.site import MARKER, PublishPlan, build_site
from afscope.sample import sample_bundle_path

URL = re.compile(r"(?i)\b(?:https?|ftp|wss?)://|//[a-z0-9-]+\.[a-z]")


@pytest.fixture(scope="module")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("publish") / "site"
    assert main(["publish", str(out)]) == 0
    return out


class _Page(HTMLParser):
    """Elements of a page: scripts (attributes and body), links, metas, ids."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []
        self.script_text: list[str] = []
        self.hrefs: list[str] = []
        self.metas: list[dict[str, str | None]] = []
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        self.elements.append((tag, named))
        if tag == "script":
            self.scripts.append(named)
            self._in_script = True
            self.script_text.append("")
        if "href" in named and named["href"] is not None:
            self.hrefs.append(named["href"])
        if tag == "meta":
            self.metas.append(named)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.script_text[-1] += data


def parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def data_of(page: _Page) -> dict:
    (block,) = [
        text
        for attrs, text in zip(page.scripts, page.script_text, strict=True)
        if attrs.get("type") == "application/json"
    ]
    return json.loads(block)


def test_sample_site_lists_every_trace_and_links_its_page(sample_site: Path) -> None:
    bundle = Bundle.open(sample_bundle_path())
    index = parse(sample_site / "index.html")
    pages = sorted(p.name for p in sample_site.glob("trace-*.html"))
    assert len(pages) == len(bundle.trace_ids()) == 20
    assert [h for h in index.hrefs if h.startswith("trace-")] == pages
    text = (sample_site / "index.html").read_text(encoding="utf-8")
    for trace_id in bundle.trace_ids():
        assert f">{trace_id}</a>" in text
    assert 'id="conditions"' in text and 'class="chart conditions-chart"' in text
    assert 'id="tags"' in text and "value_conflict" in text
    marker = json.loads((sample_site / MARKER).read_text())
    assert sorted(marker["files"]) == sorted(
        p.name for p in sample_site.iterdir() if p.name != MARKER
    )


def test_trace_page_holds_sentences_chart_and_detail(sample_site: Path) -> None:
    bundle = Bundle.open(sample_bundle_path())
    first = bundle.trace_ids()[0]
    sentences = bundle.sentences(first)
    page = parse(sample_site / "trace-0001.html")
    text = (sample_site / "trace-0001.html").read_text(encoding="utf-8")
    rows = [a for tag, a in page.elements if tag == "div" and "s" in (a.get("class") or "").split()]
    assert len(rows) == sentences.height
    assert {c for _, a in page.elements for c in (a.get("class") or "").split()} >= {
        "promotes",
        "suppresses",
        "hi",
        "mk",
        "rate-chart",
    }
    assert "band: Wilson 95%" in text and 'class="band"' in text
    data = data_of(page)
    assert data["outcome"] == "alignment_faking" and data["metric"] == "counterfactual"
    assert len(data["sentences"]) == sentences.height
    detail = data["sentences"][data["start"]]
    assert {m["m"] for m in detail["metrics"]} == {"resampling", "counterfactual"}
    assert {r["o"] for r in detail["rates"]} == {"alignment_faking", "compliance"}
    assert re.fullmatch(r"\d\.\d\d \[\d\.\d\d, \d\.\d\d\] \(n=\d+\)", detail["rates"][0]["b"])
    assert detail["resampled"] > 0
    assert detail["alts"] and detail["alts"][0]["c"] >= 1


def test_detail_shows_one_signed_value_with_its_interval(sample_site: Path) -> None:
    """The explorer's format (``MetricValue.describe``): ``+0.279 [+0.12, +0.43] promotes``,
    never the magnitude beside the signed value, never ``-0.000``."""
    data = data_of(parse(sample_site / "trace-0001.html"))
    texts = [m["t"] for s in data["sentences"] for m in s["metrics"]]
    signed = re.compile(
        r"(?:[+-]\d\.\d{3}|0\.000)(?: \[(?:[+-]\d\.\d\d|0\.00), (?:[+-]\d\.\d\d|0\.00)\])?"
        r" (?:promotes|suppresses|negligible)"
    )
    assert any(m["m"] == "counterfactual" for s in data["sentences"] for m in s["metrics"])
    for s in data["sentences"]:
        for m in s["metrics"]:
            if m["m"] == "counterfactual":
                assert signed.fullmatch(m["t"]), m["t"]
                assert m["t"].endswith(m["w"])
    assert all("-0.000" not in t and "-0.00 " not in t and "(" not in t for t in texts)
    assert all({"v", "d", "ci"}.isdisjoint(m) for s in data["sentences"] for m in s["metrics"])
    js = (sample_site / "afscope.js").read_text(encoding="utf-8")
    assert "toFixed(digits)" not in js  # the page formats no number itself


def test_stylesheet_colours_are_the_palette(sample_site: Path) -> None:
    css = (sample_site / "afscope.css").read_text(encoding="utf-8")
    root = css[css.index(":root {") : css.index("}")]
    written = dict(re.findall(r"(--[a-z0-9-]+): ([^;]+);", root))
    assert written == css_variables(DEFAULT)
    assert written["--promotes"] == DEFAULT.promotes
    assert written["--suppresses"] == DEFAULT.suppresses
    # no direction colour is written by hand anywhere else in the stylesheet
    rest = css[css.index("}") :].lower()
    for colour in (DEFAULT.promotes, DEFAULT.suppresses, "240, 140, 0", "157, 111, 247"):
        assert colour.lower() not in rest


def test_colour_blind_palette_reaches_css_and_charts() -> None:
    bundle = Bundle.open(sample_bundle_path())
    site = build_site(bundle, PublishPlan(palette=COLOUR_BLIND, draws=50), source="sample")
    assert f"--promotes: {COLOUR_BLIND.promotes};" in site["afscope.css"]
    trace = site["trace-0001.html"]
    assert f'stroke="{COLOUR_BLIND.outcomes[0]}"' in trace
    assert all(c not in trace for c in DEFAULT.outcomes)


def test_every_page_has_the_policy_and_loads_nothing_remote(sample_site: Path) -> None:
    for path in sorted(sample_site.iterdir()):
        text = path.read_text(encoding="utf-8")
        assert URL.search(text) is None, path.name
        if path.suffix != ".html":
            continue
        page = parse(path)
        csp = [m for m in page.metas if m.get("http-equiv") == "Content-Security-Policy"]
        assert [m["content"] for m in csp] == [CSP]
        assert "default-src 'none'" in CSP and "script-src 'self'" in CSP
        assert [s.get("src") for s in page.scripts if s.get("src")] == ["afscope.js"]
        assert all(s.get("src") or s.get("type") == "application/json" for s in page.scripts)
        # no inline handlers or styles (the policy would block them anyway)
        for _, attrs in page.elements:
            assert not any(name.startswith("on") or name == "style" for name in attrs)
        for href in page.hrefs:
            assert "/" not in href and ":" not in href, href


def test_sample_site_is_small(sample_site: Path) -> None:
    size = sum(p.stat().st_size for p in sample_site.iterdir())
    assert size < 3_000_000


def test_hostile_text_is_escaped_everywhere(tmp_path: Path) -> None:
    source = hostile_bundle(tmp_path / "b")
    out = tmp_path / "site"
    assert main(["publish", str(source), str(out)]) == 0
    for path in out.glob("*.html"):
        text = path.read_text(encoding="utf-8")
        for raw in (SCRIPT, CLOSE, ATTR, "<img", "\x1b"):
            assert raw not in text, (path.name, raw)
        assert URL.search(text.replace("https://evil.example", "")) is None
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "t1&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&amp;amp;" in index
    assert html.escape(TRACE_ID) in index
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in index  # the title
    trace = next(p for p in out.glob("trace-*.html") if "t1&quot;&gt;&lt;img" in p.read_text())
    page = parse(trace)
    assert len(page.scripts) == 2  # the site's script and the data block, nothing injected
    data = data_of(page)
    texts = [e[1] for e in page.elements]
    assert all("onerror" not in attrs for attrs in texts)
    # the data block decodes to the cleaned text: the browser shows it, never runs it
    assert data["sentences"][0]["tags"] == [TAG]
    assert "<" not in page.script_text[-1] and "\u2028" not in page.script_text[-1]
    assert SENTENCE.split(" \u2028")[0] in trace.read_text().replace("&lt;", "<").replace(
        "&gt;", ">"
    ).replace("&#x27;", "'")


def test_script_json_escapes_what_could_end_the_block() -> None:
    text = script_json({"t": "</script><!-- & \u2028\u2029 >"})
    assert not set("<>&\u2028\u2029") & set(text)
    assert json.loads(text) == {"t": "</script><!-- & \u2028\u2029 >"}


def test_trace_and_where_choose_the_traces(tmp_path: Path, tiny_bundle: Path) -> None:
    out = tmp_path / "one"
    assert main(["publish", str(tiny_bundle), str(out), "--trace", "t2", "--title", "Mine"]) == 0
    assert sorted(p.name for p in out.glob("trace-*.html")) == ["trace-0001.html"]
    assert ">t2</h1>" in (out / "trace-0001.html").read_text()
    assert "<h1>Mine</h1>" in (out / "index.html").read_text()
    out = tmp_path / "free"
    assert main(["publish", str(tiny_bundle), str(out), "--where", "condition=free"]) == 0
    assert ">t1</h1>" in (out / "trace-0001.html").read_text()
    assert not (out / "trace-0002.html").exists()
    out = tmp_path / "tagged"  # tag=X: the traces with a sentence tagged X
    assert main(["publish", str(tiny_bundle), str(out), "--where", "tag=B"]) == 0
    assert ">t2</h1>" in (out / "trace-0001.html").read_text()
    assert not (out / "trace-0002.html").exists()


def test_where_tag_keeps_the_traces_with_a_tagged_sentence(tmp_path: Path) -> None:
    bundle = Bundle.open(sample_bundle_path())
    tagged = (
        bundle.scan("sentences")
        .filter(pl.col("tags").list.contains("value_conflict"))
        .select("trace_id")
        .unique()
        .collect()
        .height
    )
    out = tmp_path / "site"
    assert main(["publish", str(out), "--where", "tag=value_conflict"]) == 0
    assert 0 < len(list(out.glob("trace-*.html"))) == tagged < len(bundle.trace_ids())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--trace", "nope"], "no trace with id 'nope'"),
        (["--where", "colour=red"], "unknown filter field"),
        (["--where", "condition=none"], "no trace matches"),
        (["--outcome", "nope"], "unknown outcome"),
    ],
)
def test_bad_choices_exit_2_and_write_nothing(
    tmp_path: Path, tiny_bundle: Path, capsys: pytest.CaptureFixture[str], args, message
) -> None:
    out = tmp_path / "site"
    assert main(["publish", str(tiny_bundle), str(out), *args]) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".afscope")] == []


def test_thought_anchors_folder_publishes(tmp_path: Path) -> None:
    source = web_folder(tmp_path / "ta")
    out = tmp_path / "site"
    assert main(["publish", str(source), str(out)]) == 0
    page = parse(out / "trace-0001.html")
    data = data_of(page)
    assert [s["i"] for s in data["sentences"]] == [0, 1, 3, 4]
    assert "The key step is to factor it." in (out / "trace-0001.html").read_text()


def test_bundle_without_labels_or_tags_leaves_those_sections_out(tmp_path: Path) -> None:
    from support import tiny_manifest, tiny_tables

    from afscope.bundle import write_bundle

    tables = tiny_tables()
    assert isinstance(tables.traces, pl.DataFrame) and isinstance(tables.sentences, pl.DataFrame)
    tables.traces = tables.traces.drop("outcome.compliance", "outcome.alignment_faking")
    tables.sentences = tables.sentences.drop("tags")
    tables.evaluations = None
    source = write_bundle(tmp_path / "b", tiny_manifest(), tables)
    out = tmp_path / "site"
    assert main(["publish", str(source), str(out)]) == 0
    index = (out / "index.html").read_text()
    assert 'id="traces"' in index
    assert 'id="conditions"' not in index and 'id="tags"' not in index


def test_colors_option_publishes_the_colour_blind_palette(
    tmp_path: Path, tiny_bundle: Path
) -> None:
    out = tmp_path / "cb"
    assert main(["publish", str(tiny_bundle), str(out), "--colors", "colorblind"]) == 0
    css = (out / "afscope.css").read_text()
    assert f"--suppresses: {COLOUR_BLIND.suppresses};" in css
    assert f"--suppresses: {DEFAULT.suppresses};" not in css
