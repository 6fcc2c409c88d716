"""The filter language of the trace browser, the ranking and ``--where``: one parser.

A filter is words separated by spaces. ``field=value`` keeps rows whose field has that
value (``value`` may list alternatives: ``condition=free,paid``); every other word must
occur in the row's text haystack (for the browser: id, variant, condition, query and
labels; the ranking adds the sentence's tags, categories and text). All matching ignores
case. Fields:

- ``condition``, ``variant`` (or ``prompt_variant``), ``model``: equal to the value;
- ``trace`` (or ``id``), ``query``: contain the value;
- an outcome name (``alignment_faking=yes``): the trace's final label (yes/no);
- ``tag``, ``category``, ``note``: the sentence carries it (only where rows have them).

The browser and the ranking both call ``parse_filter`` and ``filter_expr``, so a filter
typed in one means the same in the other and on the command line.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import polars as pl

TRACE_FIELDS = {
    "condition": "condition",
    "variant": "prompt_variant",
    "prompt_variant": "prompt_variant",
    "model": "model",
    "trace": "trace_id",
    "id": "trace_id",
    "trace_id": "trace_id",
    "query": "query",
}
CONTAINS_FIELDS = {"trace_id", "query"}
LIST_FIELDS = {"tag": "tags", "tags": "tags", "category": "categories", "categories": "categories"}
LIST_FIELDS |= {"note": "notes", "notes": "notes"}
YES = {"yes", "true", "1", "y"}
NO = {"no", "false", "0", "n"}


class FilterError(ValueError):
    """A filter naming a field that does not exist (exit code 2 on the command line)."""


@dataclass(frozen=True)
class Filter:
    """A parsed filter: ``(column, values)`` conditions and free words (all lower case)."""

    fields: tuple[tuple[str, tuple[str, ...]], ...] = ()
    outcomes: tuple[tuple[str, bool], ...] = ()
    words: tuple[str, ...] = ()
    unknown: tuple[str, ...] = field(default=())
    """``name=value`` words whose name is no field (kept as words when not strict)."""

    @property
    def empty(self) -> bool:
        return not (self.fields or self.outcomes or self.words)

    def narrows(self, other: Filter) -> bool:
        """Whether every row passing ``self`` passes ``other``: ``self`` keeps all of
        ``other``'s conditions and each of its words is part of one of ``self``'s (typing
        on at the end of a filter). Lets a keystroke filter the last result, not all rows."""
        return (
            set(other.fields) <= set(self.fields)
            and set(other.outcomes) <= set(self.outcomes)
            and all(any(word in mine for mine in self.words) for word in other.words)
        )


def parse_filter(
    text: str | Iterable[str], outcomes: Iterable[str] = (), *, strict: bool = False
) -> Filter:
    """Parse ``text`` (or several ``--where`` strings); unknown fields raise ``FilterError``
    when ``strict`` and are matched as plain words otherwise (so typing is never an error)."""
    parts = [text] if isinstance(text, str) else list(text)
    names = {o.lower(): o for o in outcomes}
    fields: list[tuple[str, tuple[str, ...]]] = []
    labels: list[tuple[str, bool]] = []
    words: list[str] = []
    unknown: list[str] = []
    for word in " ".join(parts).split():
        name, sep, value = word.partition("=")
        key = name.lower()
        values = tuple(v for v in value.lower().split(",") if v)
        if sep and key and not values and (key in TRACE_FIELDS or key in LIST_FIELDS):
            continue  # "condition=" while typing: no condition yet
        if not sep or not key or not values:
            words.append(word.lower())
        elif key in TRACE_FIELDS:
            fields.append((TRACE_FIELDS[key], values))
        elif key in LIST_FIELDS:
            fields.append((LIST_FIELDS[key], values))
        elif (key in names or not strict) and len(values) == 1 and values[0] in YES | NO:
            labels.append((names.get(key, key), values[0] in YES))
        elif strict:
            known = sorted({*TRACE_FIELDS, "tag", "category", "note", *names})
            raise FilterError(
                f"unknown filter field {name!r} in {word!r} "
                f"(fields: {', '.join(known)}; outcome values: yes or no)"
            )
        else:
            unknown.append(word)
            words.append(word.lower())
    return Filter(tuple(fields), tuple(labels), tuple(words), tuple(unknown))


def _label_pattern(outcome: str, value: bool) -> str:
    import re

    return rf"(^| ){re.escape(outcome.lower())}={'yes' if value else 'no'}( |$)"


def filter_expr(parsed: Filter, columns: Iterable[str]) -> pl.Expr:
    """One Boolean expression for ``parsed`` over a frame with ``columns``: text columns
    as shown (cleaned), ``labels`` as ``name=yes`` words, ``haystack`` lower case; list
    columns (``tags``, ``categories``, ``notes``) where present. A field the frame lacks
    matches nothing."""
    names = set(columns)
    expr = pl.lit(True)
    for column, values in parsed.fields:
        if column not in names:
            expr &= pl.lit(False)
        elif column in ("tags", "categories", "notes"):
            lowered = pl.col(column).list.eval(pl.element().str.to_lowercase())
            hit = pl.lit(False)
            for value in values:
                hit |= lowered.list.contains(value).fill_null(False)
            expr &= hit
        else:
            text = pl.col(column).cast(pl.String).fill_null("").str.to_lowercase()
            if column in CONTAINS_FIELDS:
                hit = pl.lit(False)
                for value in values:
                    hit |= text.str.contains(value, literal=True)
            else:
                hit = text.is_in(list(values))
            expr &= hit
    for outcome, wanted in parsed.outcomes:
        if "labels" not in names:
            expr &= pl.lit(False)
        else:
            labels = pl.col("labels").str.to_lowercase()
            expr &= labels.str.contains(_label_pattern(outcome, wanted))
    for word in parsed.words:
        expr &= pl.col("haystack").str.contains(word, literal=True)
    return expr
