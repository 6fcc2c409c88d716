"""The researcher's notes on a bundle, kept outside it: categories, notes, selection, place.

One JSON file per opened source (default ``$XDG_DATA_HOME/afscope/notes/<key>.json``,
the key derived from the source's resolved path; ``--notes FILE`` chooses another). It
holds the categories and free-text notes given to sentences, the sentences selected for
export and the last trace and sentence, so reopening the bundle picks up where the
researcher left. Writes are atomic (a temporary file, then a rename). A file that cannot
be read as notes is renamed aside with a ``.corrupt-<time>`` suffix, never deleted, and
the caller is told. Note text is the user's and still untrusted: screens clean it.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from afscope.guard import check_outside_inputs, resolved

if TYPE_CHECKING:  # the export records load with the first export, not at the explorer's start
    from afscope.export.records import Annotation

FORMAT = "afscope-notes"
VERSION = 1
MAX_NOTE = 2000
"""Longest note kept (characters); notes are remarks, not documents."""

Key = tuple[str, int]


def default_notes_path(source: Path, environ: dict[str, str] | None = None) -> Path:
    """Where notes on ``source`` live by default: the user's data folder, one file per
    resolved source path (a readable stem plus a hash, so two bundles never share)."""
    env = os.environ if environ is None else environ
    base = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    where = str(resolved(source))
    digest = hashlib.sha256(where.encode("utf-8", "surrogateescape")).hexdigest()[:16]
    stem = "".join(c if c.isalnum() or c in "-_." else "_" for c in resolved(source).name)
    return Path(base) / "afscope" / "notes" / f"{stem[:40] or 'bundle'}-{digest}.json"


@dataclass
class SentenceNote:
    categories: list[str] = field(default_factory=list)
    note: str = ""

    @property
    def empty(self) -> bool:
        return not self.categories and not self.note


@dataclass
class Notes:
    """Notes on one source; ``warning`` says what happened to an unreadable file."""

    path: Path
    source: str = ""
    sentences: dict[Key, SentenceNote] = field(default_factory=dict)
    selection: set[Key] = field(default_factory=set)
    last: Key | None = None
    warning: str | None = None

    # -- editing ---------------------------------------------------------------------------
    def get(self, key: Key) -> SentenceNote:
        return self.sentences.get(key, SentenceNote())

    def toggle_category(self, key: Key, category: str) -> bool:
        """Give ``key`` the category, or take it away when it has it; True when added."""
        category = " ".join(category.split())
        if not category:
            return False
        entry = self.sentences.setdefault(key, SentenceNote())
        added = category not in entry.categories
        if added:
            entry.categories.append(category)
        else:
            entry.categories.remove(category)
        self._prune(key)
        return added

    def set_note(self, key: Key, text: str) -> None:
        entry = self.sentences.setdefault(key, SentenceNote())
        entry.note = text.strip()[:MAX_NOTE]
        self._prune(key)

    def _prune(self, key: Key) -> None:
        if self.sentences.get(key, SentenceNote()).empty:
            self.sentences.pop(key, None)

    def annotations(self) -> dict[Key, Annotation]:
        """Categories and notes by sentence, as exports carry them."""
        from afscope.export.records import Annotation

        return {
            key: Annotation(tuple(item.categories), item.note)
            for key, item in self.sentences.items()
            if not item.empty
        }

    def categories_used(self) -> list[str]:
        return sorted({c for n in self.sentences.values() for c in n.categories})

    # -- as data ---------------------------------------------------------------------------
    def frame(self) -> pl.DataFrame:
        """One row per annotated sentence: ``note_categories`` (list) and ``note``."""
        keys = list(self.sentences)
        return pl.DataFrame(
            {
                "trace_id": [k[0] for k in keys],
                "sentence_idx": [k[1] for k in keys],
                "note_categories": [self.sentences[k].categories for k in keys],
                "note": [self.sentences[k].note for k in keys],
            },
            schema={
                "trace_id": pl.String,
                "sentence_idx": pl.Int64,
                "note_categories": pl.List(pl.String),
                "note": pl.String,
            },
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "source": self.source,
            "sentences": [
                {"trace_id": t, "sentence_idx": i, "categories": n.categories, "note": n.note}
                for (t, i), n in sorted(self.sentences.items())
            ],
            "selection": [[t, i] for t, i in sorted(self.selection)],
            "last": None
            if self.last is None
            else {"trace_id": self.last[0], "sentence_idx": self.last[1]},
        }

    def save(self, inputs: tuple[Path | None, ...] = ()) -> None:
        """Write atomically; never inside an input (``BundleError``), ``OSError`` when the
        folder cannot be written."""
        check_outside_inputs(self.path, inputs)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # ASCII with escapes: file names that are not UTF-8 (surrogates) round-trip too
        text = json.dumps(self.to_json(), ensure_ascii=True, indent=1) + "\n"
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def _key(item: Any) -> Key:
    if isinstance(item, dict):
        item = [item.get("trace_id"), item.get("sentence_idx")]
    trace_id, idx = item
    if not isinstance(trace_id, str) or not isinstance(idx, int) or isinstance(idx, bool):
        raise ValueError(f"expected a trace id and a sentence index, got {item!r}")
    return trace_id, idx


def _parse(path: Path, raw: Any) -> Notes:
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise ValueError(f'not an afscope notes file (no "format": "{FORMAT}")')
    notes = Notes(path, source=str(raw.get("source") or ""))
    for entry in raw.get("sentences") or []:
        cats = entry.get("categories") or []
        note = entry.get("note") or ""
        if not isinstance(cats, list) or not all(isinstance(c, str) for c in cats):
            raise ValueError("categories must be lists of strings")
        if not isinstance(note, str):
            raise ValueError("notes must be strings")
        item = SentenceNote(list(dict.fromkeys(cats)), note[:MAX_NOTE])
        key = _key(entry)
        if not item.empty:
            notes.sentences[key] = item
    notes.selection = {_key(item) for item in raw.get("selection") or []}
    last = raw.get("last")
    notes.last = None if last is None else _key(last)
    return notes


def load_notes(path: Path, source: Path | None = None) -> Notes:
    """The notes at ``path`` (empty when there is no file yet). An unreadable or malformed
    file is renamed aside (``<name>.corrupt-<time>``) and reported in ``warning``; if even
    the rename fails the file is left alone and the warning says so."""
    shown = str(source) if source is not None else ""
    if not path.exists():
        return Notes(path, source=shown)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        notes = _parse(path, raw)
        notes.source = notes.source or shown
        return notes
    except (OSError, ValueError, TypeError, AttributeError, RecursionError) as exc:
        why = " ".join(str(exc).split())[:160] or type(exc).__name__
    aside = path.with_name(f"{path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
    try:
        os.replace(path, aside)
    except OSError as exc:
        elsewhere = path.with_name(f"{path.name}.new")
        warning = (
            f"notes file {path} is unreadable ({why}) and could not be set aside "
            f"({exc.strerror or exc}); it is left untouched and notes go to {elsewhere}"
        )
        return Notes(elsewhere, source=shown, warning=warning)
    warning = (
        f"notes file {path} was unreadable ({why}); it was kept as {aside} and a new one started"
    )
    return Notes(path, source=shown, warning=warning)
