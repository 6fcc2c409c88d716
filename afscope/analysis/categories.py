"""Categories assigned to sentences by text: a TOML file of category -> regular expressions.

Rules are the researcher's, read from a file they name; categories are never written
into a bundle. Patterns are Rust regular expressions (Polars' engine), matched without
regard to case; a sentence can fall into several categories.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from afscope.problems import BundleError, Problem

MAX_RULES_BYTES = 1024 * 1024


@dataclass(frozen=True)
class CategoryRules:
    """Category name -> patterns, in file order; ``source`` names the file for messages."""

    categories: dict[str, list[str]]
    source: str = ""

    @property
    def names(self) -> list[str]:
        return list(self.categories)


def _problem(file: str, message: str) -> BundleError:
    return BundleError([Problem(file, message)])


def check_pattern(pattern: str) -> str | None:
    """Why Polars cannot compile ``pattern`` (None when it can)."""
    try:
        pl.select(pl.lit("").str.contains(f"(?i){pattern}"))
    except pl.exceptions.PolarsError as exc:
        message = str(exc).split("This error occurred")[0]
        return " ".join(message.split())[:200]
    return None


def load_rules(path: str | Path) -> CategoryRules:
    """Read and check a rules file. Every problem raises ``BundleError`` naming the file,
    the category and the pattern (the CLI exits 2 with it)."""
    file = str(path)
    try:
        raw = Path(path).read_bytes()
        if len(raw) > MAX_RULES_BYTES:
            raise _problem(file, f"larger than {MAX_RULES_BYTES // 1024} KiB: not a rules file")
        data = tomllib.loads(raw.decode("utf-8"))
    except OSError as exc:
        raise _problem(file, f"cannot read the categories file ({exc.strerror or exc})") from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise _problem(file, f"not valid TOML ({exc})") from None
    categories: dict[str, list[str]] = {}
    for name, patterns in data.items():
        if isinstance(patterns, str):
            patterns = [patterns]
        if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
            raise _problem(
                file, f"category {name!r}: expected a list of regular expressions (strings)"
            )
        for pattern in patterns:
            why = check_pattern(pattern)
            if why is not None:
                raise _problem(
                    file, f"category {name!r}: bad regular expression {pattern!r} ({why})"
                )
        categories[name] = list(patterns)
    if not categories:
        raise _problem(file, "no categories (expected lines like: decision = ['I will'])")
    return CategoryRules(categories, file)


def category_expr(rules: CategoryRules | None, text: str = "text") -> pl.Expr:
    """The list of categories whose patterns match ``text`` (empty list: none)."""
    if rules is None or not rules.categories:
        return pl.lit([], pl.List(pl.String))
    parts = []
    for name, patterns in rules.categories.items():
        if not patterns:
            continue
        combined = "|".join(f"(?:{p})" for p in patterns)
        hit = pl.col(text).str.contains(f"(?i){combined}")
        parts.append(pl.when(hit).then(pl.lit(name)))
    if not parts:
        return pl.lit([], pl.List(pl.String))
    return pl.concat_list(parts).list.drop_nulls()
