"""Problems found in user input, reported all at once with file, field and place.

Every reader and validator speaks in ``Problem`` values rather than exceptions so a user
sees every mistake in one run instead of fixing them one traceback at a time.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where it is and what was expected."""

    file: str
    message: str
    column: str | None = None
    where: str | None = None
    severity: str = "error"

    def __str__(self) -> str:
        parts = [self.file]
        if self.column:
            parts.append(f"column {self.column!r}")
        if self.where:
            parts.append(self.where)
        prefix = ": ".join(parts)
        tag = "" if self.severity == "error" else f"{self.severity}: "
        return f"{prefix}: {tag}{self.message}"


class BundleError(Exception):
    """Raised when input cannot be opened; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))
