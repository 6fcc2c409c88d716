"""Hostile and broken inputs, generated in a temporary folder: one table of cases.

Each case builds its input below ``tmp_path`` and returns the PATH to hand to afscope.
``valid`` cases must open everywhere (exit 0, correct output); the others may be refused,
but only with exit 2 and a message naming ``file``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from support import tiny_manifest, tiny_tables
from ta_builders import web_folder

from afscope.bundle import BundleTables, write_bundle

OSC = "\x1b]2;PWNED\x07"
"""An escape sequence that retitles the terminal."""
NASTY = f"x{OSC}\x1b[2J\x9b2J\u202eevil\x00\x07\x1bP+q\x1b\\"
"""Every kind of terminal trick in one string: OSC, CSI, 8-bit CSI, bidi, NUL, BEL, DCS."""


@dataclass(frozen=True)
class Case:
    category: str
    name: str
    build: Callable[[Path], Path]
    valid: bool = False
    file: str | None = None
    """Name a refusal must mention (a table file or manifest.json)."""
    traces: int = 2
    """Trace count a valid case reports."""
    maybe_valid: bool = False
    """A flipped bit may land in data and leave a valid (but changed) table."""

    @property
    def id(self) -> str:
        return f"{self.category}-{self.name}"


def tiny(root: Path, tables: BundleTables | None = None, **manifest: object) -> Path:
    return write_bundle(root, tiny_manifest(**manifest), tables or tiny_tables())


def _bundle(folder: str = "b") -> Callable[[Path], Path]:
    """The tiny bundle in a folder named ``folder`` (written elsewhere, then renamed:
    Polars cannot write to a path that is not UTF-8)."""

    def build(tmp: Path) -> Path:
        return tiny(tmp / "staged").rename(tmp / folder)

    return build


def _rewrite(table: str, change: Callable[[pl.DataFrame], pl.DataFrame]) -> Callable:
    """The tiny bundle with one table rewritten raw (no normalisation by the writer)."""

    def build(tmp: Path) -> Path:
        root = tiny(tmp / "b")
        path = root / f"{table}.parquet"
        change(pl.read_parquet(path)).write_parquet(path)
        return root

    return build


def _col(table: str, column: str, values: object, dtype: pl.DataType | None = None) -> Callable:
    def change(frame: pl.DataFrame) -> pl.DataFrame:
        if isinstance(values, list):
            series = pl.Series(column, values, dtype=dtype, strict=False)
        else:
            series = frame[column].cast(dtype, strict=False)  # type: ignore[arg-type]
        return frame.with_columns(series.alias(column))

    return _rewrite(table, change)


def _set(table: str, column: str, row: int, value: object, dtype: pl.DataType) -> Callable:
    def change(frame: pl.DataFrame) -> pl.DataFrame:
        values = frame[column].cast(dtype).to_list()
        values[row] = value
        return frame.with_columns(pl.Series(column, values, dtype=dtype))

    return _rewrite(table, change)


def _drop(table: str, column: str) -> Callable:
    return _rewrite(table, lambda f: f.drop(column))


def _bytes(table: str, change: Callable[[bytes], bytes]) -> Callable:
    def build(tmp: Path) -> Path:
        root = tiny(tmp / "b")
        path = root / f"{table}.parquet"
        path.write_bytes(change(path.read_bytes()))
        return root

    return build


def _flip(offset_share: float) -> Callable[[bytes], bytes]:
    def change(data: bytes) -> bytes:
        out = bytearray(data)
        out[int(len(out) * offset_share)] ^= 0x80
        return bytes(out)

    return change


def _manifest_text(text: str | bytes) -> Callable:
    def build(tmp: Path) -> Path:
        root = tiny(tmp / "b")
        path = root / "manifest.json"
        path.write_bytes(text if isinstance(text, bytes) else text.encode())
        return root

    return build


def _manifest_edit(change: Callable[[dict], object]) -> Callable:
    def build(tmp: Path) -> Path:
        root = tiny(tmp / "b")
        path = root / "manifest.json"
        data = json.loads(path.read_text())
        change(data)
        path.write_text(json.dumps(data))
        return root

    return build


def _manifest_raw(change: Callable[[str], str]) -> Callable:
    def build(tmp: Path) -> Path:
        root = tiny(tmp / "b")
        path = root / "manifest.json"
        path.write_text(change(path.read_text()))
        return root

    return build


def _hostile_ids(tmp: Path) -> Path:
    """Every table keyed by a trace id that carries escape sequences."""
    tables = tiny_tables()
    bad = f"t1{OSC}"
    for name, frame in tables.present().items():
        if isinstance(frame, pl.DataFrame) and "trace_id" in frame.columns:
            setattr(
                tables,
                name,
                frame.with_columns(pl.col("trace_id").replace("t1", bad)),
            )
    return tiny(tmp / "b", tables)


def _hostile_text(tmp: Path) -> Path:
    tables = tiny_tables()
    assert isinstance(tables.sentences, pl.DataFrame) and isinstance(tables.traces, pl.DataFrame)
    tables.sentences = tables.sentences.with_columns(
        pl.Series("text", [NASTY, "I am monitored.", "y" * 200_000, "中文 😀", "\t\r\n"]),
        pl.Series("tags", [[NASTY], [], ["decision"], None, ["b", "c"]]),
    )
    tables.traces = tables.traces.with_columns(
        pl.Series("query", [NASTY, "q"]),
        pl.Series("model", [NASTY, None]),
        pl.Series(f"meta{OSC}", [NASTY, "z"]),
    )
    return tiny(
        tmp / "b",
        tables,
        title=NASTY,
        description=NASTY,
        source={"k": NASTY},
        notes=(NASTY,),
    )


def _hostile_descriptions(tmp: Path) -> Path:
    from afscope.bundle import MetricSpec, OutcomeSpec

    return tiny(
        tmp / "b",
        outcomes=(
            OutcomeSpec(name="compliance", description=NASTY),
            OutcomeSpec(name="alignment_faking"),
        ),
        metrics=(
            MetricSpec(name="resampling", description=NASTY),
            MetricSpec(name="counterfactual"),
        ),
    )


def _glob_sibling(tmp: Path) -> Path:
    """``run*`` must not pick up the sibling ``run-c``'s tables."""
    tables = tiny_tables()
    assert isinstance(tables.traces, pl.DataFrame) and isinstance(tables.sentences, pl.DataFrame)
    tables.traces = pl.concat([tables.traces, tables.traces.with_columns(pl.col("trace_id") + "x")])
    tables.sentences = pl.concat(
        [tables.sentences, tables.sentences.with_columns(pl.col("trace_id") + "x")]
    )
    tiny(tmp / "run-c", tables)
    return tiny(tmp / "run*")


def _glob_table_names(tmp: Path) -> Path:
    """Table files whose names are glob patterns, next to files the patterns match."""
    root = tiny(tmp / "b")
    (root / "traces.parquet").rename(root / "t[1].parquet")
    (root / "sentences.parquet").rename(root / "s*.parquet")
    extra = pl.read_parquet(root / "s*.parquet").with_columns(pl.col("trace_id") + "x")
    extra.write_parquet(root / "sx.parquet")
    data = json.loads((root / "manifest.json").read_text())
    data["tables"]["traces"] = "t[1].parquet"
    data["tables"]["sentences"] = "s*.parquet"
    (root / "manifest.json").write_text(json.dumps(data))
    return root


def _symlinked(tmp: Path) -> Path:
    real = tiny(tmp / "real")
    link = tmp / "link"
    link.symlink_to(real)
    return link


def _directory_table(tmp: Path) -> Path:
    root = tiny(tmp / "b")
    (root / "rates.parquet").unlink()
    (root / "rates.parquet").mkdir()
    return root


def _missing_table(tmp: Path) -> Path:
    root = tiny(tmp / "b")
    (root / "importance.parquet").unlink()
    return root


def _swapped_table(tmp: Path) -> Path:
    root = tiny(tmp / "b")
    (root / "sentences.parquet").write_bytes((root / "traces.parquet").read_bytes())
    return root


def _deep_json(depth: int) -> str:
    return "[" * depth + "]" * depth


def _ta_chunk(change: Callable[[list[dict]], None]) -> Callable:
    def build(tmp: Path) -> Path:
        folder = tmp / "ta" / "problem_1"
        web_folder(folder)
        path = folder / "chunks_labeled.json"
        data = json.loads(path.read_text())
        change(data)
        path.write_text(json.dumps(data))
        return folder

    return build


def _ta_tree_one_bad(tmp: Path) -> Path:
    """A tree where one trace folder is broken: the others still open."""
    web_folder(tmp / "tree" / "problem_1")
    web_folder(tmp / "tree" / "problem_2")
    bad = tmp / "tree" / "problem_2" / "chunks_labeled.json"
    data = json.loads(bad.read_text())
    data[1]["chunk_idx"] = 2**70
    bad.write_text(json.dumps(data))
    return tmp / "tree"


STR = pl.String()
I64 = pl.Int64()
F64 = pl.Float64()
NAN = float("nan")
INF = float("inf")

CASES: list[Case] = [
    # -- corrupt parquet ---------------------------------------------------------------
    *(
        Case(
            "corrupt", f"truncated-{t}", _bytes(t, lambda d: d[: len(d) // 2]), file=f"{t}.parquet"
        )
        for t in ("traces", "sentences", "rates", "importance", "resamples", "evaluations")
    ),
    Case("corrupt", "no-footer", _bytes("sentences", lambda d: d[:-8]), file="sentences.parquet"),
    *(
        Case("corrupt", f"zero-byte-{t}", _bytes(t, lambda d: b""), file=f"{t}.parquet")
        for t in ("traces", "sentences", "importance", "effects")
    ),
    Case("corrupt", "garbage", _bytes("rates", lambda d: b"not parquet" * 9), file="rates.parquet"),
    Case("corrupt", "json", _bytes("traces", lambda d: b'{"a": 1}'), file="traces.parquet"),
    *(
        Case(
            "corrupt",
            f"bitflip-{t}-{share}",
            _bytes(t, _flip(share)),
            file=f"{t}.parquet",
            maybe_valid=True,
        )
        for t in ("sentences", "rates", "importance", "resamples", "evaluations", "traces")
        for share in (0.1, 0.5, 0.8, 0.97)
    ),
    Case("corrupt", "directory", _directory_table, file="rates.parquet"),
    Case("corrupt", "missing-file", _missing_table, file="importance.parquet"),
    Case("corrupt", "other-table", _swapped_table, file="sentences.parquet"),
    # -- mistyped columns --------------------------------------------------------------
    Case(
        "mistyped", "text-int", _col("sentences", "text", [1, 2, 3, 4, 5]), file="sentences.parquet"
    ),
    Case(
        "mistyped",
        "text-binary",
        _col("sentences", "text", None, pl.Binary()),
        file="sentences.parquet",
    ),
    Case(
        "mistyped",
        "index-float",
        _col("sentences", "sentence_idx", None, F64),
        file="sentences.parquet",
    ),
    Case(
        "mistyped",
        "tags-string",
        _col("sentences", "tags", ["a"] * 5, STR),
        file="sentences.parquet",
    ),
    Case("mistyped", "trace-id-int", _col("traces", "trace_id", [1, 2]), file="traces.parquet"),
    Case(
        "mistyped",
        "n-sentences-text",
        _col("traces", "n_sentences", None, STR),
        file="traces.parquet",
    ),
    Case(
        "mistyped",
        "label-text",
        _col("traces", "outcome.compliance", None, STR),
        file="traces.parquet",
    ),
    Case("mistyped", "rate-string", _col("rates", "rate", None, STR), file="rates.parquet"),
    Case("mistyped", "n-float", _col("rates", "n", None, F64), file="rates.parquet"),
    Case(
        "mistyped",
        "direction-string",
        _col("importance", "direction", None, STR),
        file="importance.parquet",
    ),
    Case(
        "mistyped",
        "importance-string",
        _col("importance", "importance", None, STR),
        file="importance.parquet",
    ),
    Case(
        "mistyped",
        "low-evidence-int",
        _col("importance", "low_evidence", [1, 0], I64),
        file="importance.parquet",
    ),
    Case(
        "mistyped",
        "resample-label-int",
        _col("resamples", "outcome.compliance", None, I64),
        file="resamples.parquet",
    ),
    *(
        Case("mistyped", f"no-{t}-{c}", _drop(t, c), file=f"{t}.parquet")
        for t, c in (
            ("traces", "trace_id"),
            ("traces", "n_sentences"),
            ("sentences", "trace_id"),
            ("sentences", "sentence_idx"),
            ("sentences", "text"),
            ("rates", "rate"),
            ("rates", "outcome"),
            ("importance", "importance"),
            ("importance", "metric"),
        )
    ),
    Case(
        "mistyped",
        "text-categorical",
        _col("sentences", "text", None, pl.Categorical()),
        valid=True,
    ),
    Case(
        "mistyped",
        "ids-categorical",
        _col("sentences", "trace_id", None, pl.Categorical()),
        valid=True,
    ),
    Case(
        "mistyped",
        "rate-ids-categorical",
        _col("rates", "trace_id", None, pl.Categorical()),
        valid=True,
    ),
    Case(
        "mistyped", "index-int16", _col("sentences", "sentence_idx", None, pl.Int16()), valid=True
    ),
    Case("mistyped", "index-uint32", _col("rates", "sentence_idx", None, pl.UInt32()), valid=True),
    Case("mistyped", "rate-float32", _col("rates", "rate", None, pl.Float32()), valid=True),
    Case(
        "mistyped",
        "separator-null-type",
        _col("sentences", "separator", None, pl.Null()),
        valid=True,
    ),
    # -- broken manifest ---------------------------------------------------------------
    Case(
        "manifest",
        "5000-digits",
        _manifest_raw(lambda t: t.replace('"synthetic": false', '"synthetic": ' + "9" * 5000)),
        file="manifest.json",
    ),
    Case(
        "manifest",
        "5000-digit-title",
        _manifest_raw(lambda t: t.replace('"title": "tiny"', '"title": ' + "9" * 5000)),
        file="manifest.json",
    ),
    Case(
        "manifest",
        "version-5000-digits",
        _manifest_edit(lambda d: d.update(schema_version="1" * 5000 + ".0")),
        file="manifest.json",
    ),
    Case(
        "manifest",
        "two-tables-one-file",
        _manifest_edit(lambda d: d["tables"].update(rates="importance.parquet")),
        file="manifest.json",
    ),
    Case(
        "manifest",
        "traces-is-sentences",
        _manifest_edit(lambda d: d["tables"].update(traces="sentences.parquet")),
        file="manifest.json",
    ),
    Case("manifest", "empty", _manifest_text(""), file="manifest.json"),
    Case("manifest", "not-json", _manifest_text("{nope"), file="manifest.json"),
    Case("manifest", "list", _manifest_text("[]"), file="manifest.json"),
    Case("manifest", "deep", _manifest_text(_deep_json(100_000)), file="manifest.json"),
    Case("manifest", "bad-utf8", _manifest_text(b'{"title": "\xff\xfe"}'), file="manifest.json"),
    Case(
        "manifest",
        "nan",
        _manifest_raw(lambda t: t.replace('"synthetic": false', '"synthetic": NaN')),
        file="manifest.json",
    ),
    Case(
        "manifest",
        "unknown-field",
        _manifest_edit(lambda d: d.update(surprise=1)),
        file="manifest.json",
    ),
    Case(
        "manifest",
        "newer-major",
        _manifest_edit(lambda d: d.update(schema_version="2.0")),
        file="manifest.json",
    ),
    Case(
        "manifest",
        "escape-outside",
        _manifest_edit(lambda d: d["tables"].update(rates="../rates.parquet")),
        file="manifest.json",
    ),
    Case(
        "manifest",
        "absolute-file",
        _manifest_edit(lambda d: d["tables"].update(rates="/etc/passwd")),
        file="manifest.json",
    ),
    Case(
        "manifest",
        "no-outcomes",
        _manifest_edit(lambda d: d.update(outcomes=[])),
        file="manifest.json",
    ),
    Case(
        "manifest",
        "outcome-escape",
        _manifest_edit(lambda d: d["outcomes"][0].update(name=OSC)),
        file="manifest.json",
    ),
    Case(
        "manifest",
        "table-escape",
        _manifest_edit(lambda d: d["tables"].update(rates=f"r{OSC}.parquet")),
        file="manifest.json",
    ),
    # -- pathological numbers ----------------------------------------------------------
    *(
        Case("numbers", f"rate-{label}", _set("rates", "rate", 1, value, F64), file="rates.parquet")
        for label, value in (
            ("nan", NAN),
            ("inf", INF),
            ("negative", -0.5),
            ("above-1", 1.5),
            ("null", None),
        )
    ),
    Case("numbers", "n-zero", _set("rates", "n", 1, 0, I64), file="rates.parquet"),
    Case("numbers", "n-negative", _set("rates", "n", 1, -3, I64), file="rates.parquet"),
    Case(
        "numbers",
        "n-uint64-max",
        _set("rates", "n", 1, 2**64 - 1, pl.UInt64()),
        file="rates.parquet",
    ),
    Case(
        "numbers",
        "rate-interval-reversed",
        _set("rates", "ci_low", 1, 0.9, F64),
        file="rates.parquet",
    ),
    Case(
        "numbers", "rate-interval-nan", _set("rates", "ci_high", 1, NAN, F64), file="rates.parquet"
    ),
    *(
        Case(
            "numbers",
            f"importance-{label}",
            _set("importance", "importance", 0, value, F64),
            file="importance.parquet",
        )
        for label, value in (
            ("nan", NAN),
            ("inf", INF),
            ("negative", -0.4),
            ("null", None),
            ("mismatch", 0.9),
        )
    ),
    Case(
        "numbers",
        "direction-nan",
        _set("importance", "direction", 0, NAN, F64),
        file="importance.parquet",
    ),
    Case(
        "numbers",
        "direction-inf",
        _set("importance", "direction", 0, -INF, F64),
        file="importance.parquet",
    ),
    Case(
        "numbers",
        "importance-interval-reversed",
        _rewrite(
            "importance",
            lambda f: f.with_columns(
                pl.Series("ci_low", [0.5, 0.1]), pl.Series("ci_high", [0.1, 0.2])
            ),
        ),
        file="importance.parquet",
    ),
    Case(
        "numbers",
        "index-negative",
        _set("sentences", "sentence_idx", 1, -1, I64),
        file="sentences.parquet",
    ),
    Case(
        "numbers",
        "index-uint64-max",
        _set("sentences", "sentence_idx", 1, 2**64 - 1, pl.UInt64()),
        file="sentences.parquet",
    ),
    Case(
        "numbers",
        "index-2-62",
        _set("sentences", "sentence_idx", 2, 2**62, I64),
        file="rates.parquet",
    ),
    Case(
        "numbers",
        "index-null",
        _set("sentences", "sentence_idx", 1, None, I64),
        file="sentences.parquet",
    ),
    Case(
        "numbers",
        "rate-index-null",
        _set("rates", "sentence_idx", 1, None, I64),
        file="rates.parquet",
    ),
    Case("numbers", "text-null", _set("sentences", "text", 1, None, STR), file="sentences.parquet"),
    Case(
        "numbers",
        "sentence-trace-null",
        _set("sentences", "trace_id", 1, None, STR),
        file="sentences.parquet",
    ),
    Case(
        "numbers", "trace-id-null", _set("traces", "trace_id", 0, None, STR), file="traces.parquet"
    ),
    Case(
        "numbers", "rate-trace-null", _set("rates", "trace_id", 0, None, STR), file="rates.parquet"
    ),
    Case(
        "numbers",
        "n-sentences-negative",
        _set("traces", "n_sentences", 0, -5, I64),
        file="traces.parquet",
    ),
    Case(
        "numbers",
        "duplicate-trace",
        _set("traces", "trace_id", 1, "t1", STR),
        file="traces.parquet",
    ),
    Case(
        "numbers",
        "duplicate-sentence",
        _set("sentences", "sentence_idx", 1, 0, I64),
        file="sentences.parquet",
    ),
    Case(
        "numbers",
        "similarity-5",
        _set("resamples", "similarity", 0, 5.0, F64),
        file="resamples.parquet",
    ),
    Case("numbers", "effect-nan", _set("effects", "score", 0, NAN, F64), file="effects.parquet"),
    Case(
        "numbers",
        "ta-chunk-2-70",
        _ta_chunk(lambda d: d[1].update(chunk_idx=2**70)),
        file="chunks_labeled.json",
        traces=1,
    ),
    Case(
        "numbers",
        "ta-accuracy-huge",
        _ta_chunk(lambda d: d[1].update(accuracy=10**400)),
        valid=True,
        traces=1,
    ),
    Case("numbers", "ta-tree-one-bad", _ta_tree_one_bad, file="chunks_labeled.json"),
    # -- hostile names and text (valid bundles: shown clean) -----------------------------
    Case("text", "trace-ids", _hostile_ids, valid=True),
    Case("text", "sentences-labels-metadata", _hostile_text, valid=True),
    Case("text", "descriptions", _hostile_descriptions, valid=True),
    Case("text", "ta-chunk", _ta_chunk(lambda d: d[0].update(chunk=NASTY)), valid=True, traces=1),
    # -- odd file names ------------------------------------------------------------------
    Case("names", "glob-star-sibling", _glob_sibling, valid=True),
    Case("names", "brackets", _bundle("res[1]"), valid=True),
    Case("names", "question-mark", _bundle("r?n"), valid=True),
    Case("names", "escape-in-folder", _bundle(f"b{OSC}"), valid=True),
    Case("names", "c1-and-bidi-in-folder", _bundle("b\x9b2J\u202eq"), valid=True),
    Case("names", "newline-in-folder", _bundle("b\nerror: fake"), valid=True),
    Case("names", "non-utf8-folder", _bundle(os.fsdecode(b"b\xff\xfe")), valid=True),
    Case("names", "spaces-unicode", _bundle("my run ü 中"), valid=True),
    Case("names", "glob-table-files", _glob_table_names, valid=True),
    Case("names", "symlink", _symlinked, valid=True),
]
