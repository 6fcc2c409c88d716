"""Render export records as Markdown that displays the same in any common viewer.

Two styles: ``detailed`` (per trace its metadata, per sentence a section with every
outcome's rates and every metric) and ``compact`` (one table row per sentence, to paste
into a paper or a post). Untrusted text (sentences, queries, ids, tags) passes through
``afscope.export.escape``: a backslash only where Markdown would read markup. Our own
numbers and words are written as is.
"""

from __future__ import annotations

from afscope import __version__, numbers
from afscope.explore.detail import Alternative, MetricValue, RateChange
from afscope.explore.direction import Direction
from afscope.export.escape import md_block, md_cell, md_heading, md_inline
from afscope.export.records import Provenance, SentenceRecord, TraceRecord
from afscope.numbers import interval, number
from afscope.text import clean_text

MISSING = "\N{EN DASH}"
SIGN_NOTE = (
    "Direction: positive (▲ promotes) means the sentence raises the outcome's rate, "
    "negative (▼ suppresses) lowers it"
)
RATE_NOTE = (
    "The rate at sentence i is measured on rollouts that keep sentences 0..i-1, so "
    '"before → after" is the rate at i and at the next position.'
)


def md_escape(text: object, *, newlines: bool = False) -> str:
    """``text`` safe in a Markdown table cell (or, with ``newlines``, as block lines)."""
    return "\n".join(md_block(text)) if newlines else md_cell(text)


def _num(value: float | None, digits: int = 3, *, sign: bool = False) -> str:
    """``afscope.numbers.number`` (never ``-0.000``), a missing value as an en dash."""
    text = number(value, digits, sign=sign)
    return MISSING if text == numbers.MISSING else text


def _signed3(value: float) -> str:
    """``+0.279``, ``-0.100``; a value that rounds to zero is ``0.000`` (never ``-0.000``)."""
    return _num(value, 3, sign=True)


def _rate(value: float | None, n: int | None, ci: tuple[float, float] | None) -> str:
    span = "" if ci is None else f" {interval(*ci)}"
    return f"{_num(value, 2)}{span} (n={'?' if n is None else n})"


def _labels(labels: dict[str, bool | None]) -> str:
    if not labels:
        return MISSING
    words = {True: "yes", False: "no", None: "unknown"}
    return ", ".join(f"{md_inline(k)} = {words.get(v, md_inline(v))}" for k, v in labels.items())


def _quote(text: str) -> list[str]:
    return ["> " + line if line else ">" for line in md_block(text)]


def _active(sentence: SentenceRecord, outcome: str, metric: str) -> MetricValue | None:
    return next((m for m in sentence.metrics if m.outcome == outcome and m.metric == metric), None)


def _headline(sentence: SentenceRecord, outcome: str, metric: str) -> str:
    active = _active(sentence, outcome, metric)
    if active is None:
        return f"Sentence {sentence.sentence_idx}"
    kind = Direction.of(active.direction, active.importance)
    return (
        f"Sentence {sentence.sentence_idx}: {kind.glyph()} {kind.word} "
        f"{md_heading(outcome)} ({md_inline(metric)} {_num(active.importance)})"
    )


def _share(alt: Alternative) -> str:
    return _num(alt.share, 2)


def _alternatives(sentence: SentenceRecord, outcome: str) -> list[str]:
    if not sentence.alternatives:
        return []
    lines = [
        f"- most frequent resampled alternatives (of {sentence.resamples} resamples; "
        f"{md_inline(outcome)} rate among them):"
    ]
    for alt in sentence.alternatives:
        lines.append(f"  - n={alt.count}, rate {_share(alt)}: {md_inline(alt.text)}")
    return lines


def _sentence(sentence: SentenceRecord, outcome: str, metric: str) -> list[str]:
    if sentence.context:
        return [f"*Context, sentence {sentence.sentence_idx}:*", "", *_quote(sentence.text), ""]
    lines = [f"### {_headline(sentence, outcome, metric)}", ""]
    if sentence.tags:
        lines.append("- tags: " + ", ".join(md_inline(t) for t in sentence.tags))
    if sentence.annotation.categories:
        lines.append(
            "- categories: " + ", ".join(md_inline(c) for c in sentence.annotation.categories)
        )
    if sentence.annotation.note:
        lines.append("- note: " + md_inline(sentence.annotation.note))
    for r in sentence.rates:
        lines.append(
            f"- {md_inline(r.outcome)}: rate {_rate(r.before, r.n_before, r.before_ci)} → "
            f"{_rate(r.after, r.n_after, r.after_ci)}"
        )
    lines += _alternatives(sentence, outcome)
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
                else f"{kind.glyph()} {kind.word} ({_signed3(m.direction)})"
            )
            span = (
                MISSING
                if m.ci_low is None or m.ci_high is None
                else interval(m.ci_low, m.ci_high, 3, sign=True)
            )
            if m.low_evidence:
                span += " (low evidence)"
            lines.append(
                f"| {md_cell(m.outcome)} | {md_cell(m.metric)} | "
                f"{_num(m.importance)} | {direction} | {span} |"
            )
    lines += ["", *_quote(sentence.text), ""]
    return lines


def _code(text: str) -> str:
    """``text`` as a code span, whatever backticks it holds (a longer fence)."""
    flat = " ".join(clean_text(text).split())
    fence = "`"
    while fence in flat:
        fence += "`"
    pad = " " if flat.startswith("`") or flat.endswith("`") else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


def _provenance_lines(extra: Provenance) -> list[str]:
    lines = []
    if extra.missing:
        skipped = "; ".join(
            f"trace {md_inline(trace_id)}: {', '.join(map(str, indices))}"
            for trace_id, indices in extra.missing.items()
        )
        lines += ["", f"Skipped, not in the source: {skipped}."]
    if extra.command:
        lines += ["", f"Reproduce: {_code(extra.command)}"]
    return lines


def render_markdown(
    traces: list[TraceRecord],
    *,
    source: str,
    outcome: str,
    metric: str,
    version: str = __version__,
    extra: Provenance | None = None,
) -> str:
    """The whole export document, detailed style."""
    lines = ["# afscope export", ""]
    for trace in traces:
        lines += [
            f"## Trace {md_heading(trace.trace_id)}",
            "",
            f"- model: {md_inline(trace.model or MISSING)}",
            f"- prompt variant: {md_inline(trace.prompt_variant or MISSING)}",
            f"- condition: {md_inline(trace.condition or MISSING)}",
            f"- query: {md_inline(trace.query or MISSING)}",
            f"- final labels: {_labels(trace.labels)}",
            "",
        ]
        for sentence in trace.sentences:
            lines += _sentence(sentence, outcome, metric)
    lines += [
        "---",
        "",
        f"Exported by afscope {md_inline(version)} from {md_inline(source)}.",
        f"Headline metric: {md_inline(metric)} on outcome {md_inline(outcome)}. "
        f"{SIGN_NOTE}; importance is the magnitude. {RATE_NOTE}",
        *_provenance_lines(extra or Provenance()),
        "",
    ]
    return "\n".join(lines)


def _signed(m: MetricValue | None) -> str:
    """Importance as a signed value with its 95% interval (unsigned when the metric has no
    direction)."""
    if m is None:
        return MISSING
    value = _num(m.importance) if m.direction is None else _signed3(m.direction)
    if m.ci_low is not None and m.ci_high is not None:
        value += f" {interval(m.ci_low, m.ci_high, 2, sign=True)}"
    return value + (" (low evidence)" if m.low_evidence else "")


def _before_after(rates: list[RateChange], outcome: str) -> str:
    rate = next((r for r in rates if r.outcome == outcome), None)
    return MISSING if rate is None else f"{_num(rate.before, 2)} → {_num(rate.after, 2)}"


def _compact_alternatives(sentence: SentenceRecord) -> str:
    return "; ".join(
        f"“{md_cell(a.text)}” (n={a.count}, {_share(a)})" for a in sentence.alternatives
    )


def render_compact(
    traces: list[TraceRecord],
    *,
    source: str,
    outcome: str,
    metric: str,
    version: str = __version__,
    extra: Provenance | None = None,
) -> str:
    """One table row per sentence (context rows marked), then a short provenance note."""
    alternatives = any(s.alternatives for t in traces for s in t.sentences)
    headers = [
        "trace",
        "sentence",
        "direction",
        f"{md_cell(metric)} importance [95% CI]",
        f"{md_cell(outcome)} rate before → after",
        "text",
    ]
    if alternatives:
        headers.append("top resampled alternatives (n, rate)")
    lines = [
        "| " + " | ".join(headers) + " |",
        "|---|--:|---|---|---|---|" + ("---|" if alternatives else ""),
    ]
    for trace in traces:
        for s in trace.sentences:
            active = _active(s, outcome, metric)
            kind = Direction.of(active.direction, active.importance) if active else None
            cells = [
                md_cell(trace.trace_id),
                f"{s.sentence_idx}{' (context)' if s.context else ''}",
                MISSING if kind is None else f"{kind.glyph()} {kind.word}",
                _signed(active),
                _before_after(s.rates, outcome),
                md_cell(s.text),
            ]
            if alternatives:
                cells.append(_compact_alternatives(s) or MISSING)
            lines.append("| " + " | ".join(cells) + " |")
    lines += [
        "",
        f"Exported by afscope {md_inline(version)} from {md_inline(source)}. "
        f"Importance: {md_inline(metric)} on outcome {md_inline(outcome)}, signed. "
        f"{SIGN_NOTE}. {RATE_NOTE}",
        *_provenance_lines(extra or Provenance()),
        "",
    ]
    return "\n".join(lines)
