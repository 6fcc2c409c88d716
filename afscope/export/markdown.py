"""Render export records as Markdown that displays the same in any common viewer.

Untrusted text (sentences, queries, ids, tags) is cleaned of control characters and
escaped: HTML specials become entities, Markdown specials get a backslash, and pipes
cannot break tables. Our own numbers and words are written as is.
"""

from __future__ import annotations

import re

from afscope import __version__
from afscope.explore.direction import Direction
from afscope.export.records import SentenceRecord, TraceRecord
from afscope.text import clean_text

_INLINE = re.compile(r"([\\`*_\[\]|~])")
_LINE_START = re.compile(r"^(\s*)([#>+=-]|\d+[.)])", re.MULTILINE)
MISSING = "\N{EN DASH}"


def _escape_marker(match: re.Match[str]) -> str:
    """Escape a block marker: '#', '-', '+', '=' get a backslash; in '1.' the dot does
    (a backslash before a digit would show, since only punctuation can be escaped)."""
    indent, marker = match[1], match[2]
    if marker[0].isdigit():
        return f"{indent}{marker[:-1]}\\{marker[-1]}"
    return f"{indent}\\{marker}"


def md_escape(text: object, *, newlines: bool = False) -> str:
    """``text`` safe to embed in Markdown (one line unless ``newlines``).

    With ``newlines`` every line may start a block (a quote's lines do), so list, heading
    and quote markers at the start of a line are escaped too.
    """
    cleaned = clean_text("" if text is None else str(text), keep_newlines=newlines)
    cleaned = cleaned.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    cleaned = _INLINE.sub(r"\\\1", cleaned)
    if newlines:
        cleaned = _LINE_START.sub(_escape_marker, cleaned)
    return cleaned if newlines else " ".join(cleaned.split())


def _num(value: float | None, digits: int = 3) -> str:
    return MISSING if value is None else f"{value:.{digits}f}"


def _rate(value: float | None, n: int | None, ci: tuple[float, float] | None) -> str:
    interval = "" if ci is None else f" [{ci[0]:.2f}, {ci[1]:.2f}]"
    return f"{_num(value, 2)}{interval} (n={'?' if n is None else n})"


def _labels(labels: dict[str, bool | None]) -> str:
    if not labels:
        return MISSING
    words = {True: "yes", False: "no", None: "unknown"}
    return ", ".join(f"{md_escape(k)} = {words.get(v, md_escape(v))}" for k, v in labels.items())


def _quote(text: str) -> list[str]:
    return ["> " + line if line else ">" for line in md_escape(text, newlines=True).split("\n")]


def _headline(sentence: SentenceRecord, outcome: str, metric: str) -> str:
    active = next(
        (m for m in sentence.metrics if m.outcome == outcome and m.metric == metric), None
    )
    if active is None:
        return f"Sentence {sentence.sentence_idx}"
    kind = Direction.of(active.direction, active.importance)
    return (
        f"Sentence {sentence.sentence_idx}: {kind.glyph()} {kind.word} "
        f"{md_escape(outcome)} ({md_escape(metric)} {_num(active.importance)})"
    )


def _sentence(sentence: SentenceRecord, outcome: str, metric: str) -> list[str]:
    if sentence.context:
        return [f"*Context, sentence {sentence.sentence_idx}:*", "", *_quote(sentence.text), ""]
    lines = [f"### {_headline(sentence, outcome, metric)}", ""]
    if sentence.tags:
        lines.append("- tags: " + ", ".join(md_escape(t) for t in sentence.tags))
    if sentence.annotation.categories:
        lines.append(
            "- categories: " + ", ".join(md_escape(c) for c in sentence.annotation.categories)
        )
    if sentence.annotation.note:
        lines.append("- note: " + md_escape(sentence.annotation.note))
    for r in sentence.rates:
        lines.append(
            f"- {md_escape(r.outcome)}: rate {_rate(r.before, r.n_before, r.before_ci)} → "
            f"{_rate(r.after, r.n_after, r.after_ci)}"
        )
    if sentence.metrics:
        if lines[-1]:
            lines.append("")
        lines += [
            "| outcome | metric | importance | direction | 95% interval |",
            "|---|---|---|---|---|",
        ]
        for m in sentence.metrics:
            kind = Direction.of(m.direction, m.importance)
            direction = (
                kind.word
                if m.direction is None
                else f"{kind.glyph()} {kind.word} ({m.direction:+.3f})"
            )
            interval = (
                MISSING
                if m.ci_low is None or m.ci_high is None
                else f"[{m.ci_low:+.3f}, {m.ci_high:+.3f}]"
            )
            if m.low_evidence:
                interval += " (low evidence)"
            lines.append(
                f"| {md_escape(m.outcome)} | {md_escape(m.metric)} | "
                f"{_num(m.importance)} | {direction} | {interval} |"
            )
    lines += ["", *_quote(sentence.text), ""]
    return lines


def render_markdown(
    traces: list[TraceRecord], *, source: str, outcome: str, metric: str, version: str = __version__
) -> str:
    """The whole export document."""
    lines = ["# afscope export", ""]
    for trace in traces:
        lines += [
            f"## Trace {md_escape(trace.trace_id)}",
            "",
            f"- model: {md_escape(trace.model or MISSING)}",
            f"- prompt variant: {md_escape(trace.prompt_variant or MISSING)}",
            f"- condition: {md_escape(trace.condition or MISSING)}",
            f"- query: {md_escape(trace.query or MISSING)}",
            f"- final labels: {_labels(trace.labels)}",
            "",
        ]
        for sentence in trace.sentences:
            lines += _sentence(sentence, outcome, metric)
    lines += [
        "---",
        "",
        f"Exported by afscope {md_escape(version)} from {md_escape(source)}.",
        f"Headline metric: {md_escape(metric)} on outcome {md_escape(outcome)}. Direction: "
        "positive (▲ promotes) means the sentence raises the outcome's rate, negative "
        "(▼ suppresses) lowers it; importance is the magnitude. The rate at sentence i is "
        'measured on rollouts that keep sentences 0..i-1, so "before → after" is the rate at '
        "i and at the next position.",
        "",
    ]
    return "\n".join(lines)
