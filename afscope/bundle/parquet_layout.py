"""How a Parquet file is laid out (row groups, codecs, statistics, writer), from its footer.

Polars reads Parquet but does not show a file's layout. ``compute`` copies a resamples
file instead of decoding and encoding it again only when the file is laid out the way the
bundle writer lays out its own (``writer.BundleStaging.adopt``), and this tells. Written
by hand (the footer is a Thrift compact-protocol struct; this reads about 80 lines' worth)
because the library that reads footers, pyarrow, is a large dependency whose import alone
costs a good part of what the copy saves. Anything unexpected, from a damaged or hostile
footer to an encrypted one, is ``None``: the caller then writes the table as before, and
the reader's own checks report the file.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from typing import BinaryIO

MAGIC = b"PAR1"
MAX_FOOTER_BYTES = 64 * 1024 * 1024
"""A footer is kilobytes to a few megabytes; anything larger is not read."""
MAX_DEPTH = 24
"""Parquet's metadata nests a handful of structs deep; deeper is not a footer."""
_STOP, _TRUE, _FALSE, _BYTE, _I16, _I32, _I64, _DOUBLE, _BINARY = range(9)
_LIST, _SET, _MAP, _STRUCT = 9, 10, 11, 12


@dataclass(frozen=True)
class Layout:
    """What a writer chose for a file: enough to tell whether two writers agree."""

    created_by: str
    group_rows: tuple[int, ...]
    """Rows of each row group, in file order."""
    codecs: frozenset[int]
    """Compression codec of every column chunk (Parquet's ``CompressionCodec`` numbers)."""
    statistics: bool
    """Every column chunk records statistics (a per-trace read skips groups by them)."""
    metadata_keys: frozenset[str]
    """Keys of the file's key-value metadata (Polars writes ``ARROW:schema``)."""


def read_layout(file: BinaryIO) -> Layout | None:
    """The layout of the Parquet file open in ``file`` (binary, seekable), or None when its
    footer is not one this can read."""
    try:
        size = file.seek(0, os.SEEK_END)
        if size < 12:
            return None
        file.seek(size - 8)
        tail = file.read(8)
        length = struct.unpack("<I", tail[:4])[0]
        if tail[4:] != MAGIC or length > min(size - 12, MAX_FOOTER_BYTES):
            return None
        file.seek(size - 8 - length)
        footer = file.read(length)
        if len(footer) != length:
            return None
        return _layout(_Compact(footer).struct(0))
    except (OSError, ValueError, IndexError, TypeError, KeyError, struct.error):
        return None


def _layout(meta: dict[int, object]) -> Layout:
    """``Layout`` of a decoded ``FileMetaData`` (4: row groups, 5: key-value metadata,
    6: created_by); a row group is 1: columns, 3: rows; a column chunk's 3 is its
    ``ColumnMetaData`` (4: codec, 12: statistics)."""
    groups = _list(meta.get(4))
    rows, codecs, statistics = [], set(), True
    for group in groups:
        rows.append(_int(_struct(group)[3]))
        for chunk in _list(_struct(group).get(1)):
            column = _struct(_struct(chunk).get(3))
            codecs.add(_int(column[4]))
            statistics = statistics and 12 in column
    keys = frozenset(_text(_struct(kv)[1]) for kv in _list(meta.get(5)))
    return Layout(_text(meta.get(6)), tuple(rows), frozenset(codecs), statistics, keys)


def _struct(value: object) -> dict[int, object]:
    if not isinstance(value, dict):
        raise ValueError("expected a struct")
    return value


def _list(value: object) -> list[object]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ValueError("expected a list")
    return value


def _text(value: object) -> str:
    if not isinstance(value, bytes):
        raise ValueError("expected text")
    return value.decode("utf-8")  # UnicodeDecodeError is a ValueError


def _int(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError("expected an integer")
    return value


class _Compact:
    """A reader of Thrift's compact protocol: structs become ``{field id: value}``."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.at = 0

    def byte(self) -> int:
        value = self.data[self.at]  # IndexError past the end
        self.at += 1
        return value

    def varint(self) -> int:
        value, shift = 0, 0
        while True:
            b = self.byte()
            value |= (b & 0x7F) << shift
            if not b & 0x80:
                return value
            shift += 7
            if shift > 63:
                raise ValueError("varint too long")

    def zigzag(self) -> int:
        n = self.varint()
        return (n >> 1) ^ -(n & 1)

    def take(self, n: int) -> bytes:
        if n < 0 or self.at + n > len(self.data):
            raise ValueError("past the end")
        self.at += n
        return self.data[self.at - n : self.at]

    def value(self, kind: int, depth: int) -> object:
        if kind in (_TRUE, _FALSE):  # a Boolean field: the type is the value
            return kind == _TRUE
        if kind == _BYTE:
            return self.byte()
        if kind in (_I16, _I32, _I64):
            return self.zigzag()
        if kind == _DOUBLE:
            return self.take(8)
        if kind == _BINARY:
            return self.take(self.varint())
        if kind in (_LIST, _SET):
            return self.sequence(depth + 1)
        if kind == _MAP:
            return self.map(depth + 1)
        if kind == _STRUCT:
            return self.struct(depth + 1)
        raise ValueError(f"unknown type {kind}")

    def struct(self, depth: int) -> dict[int, object]:
        if depth > MAX_DEPTH:
            raise ValueError("nested too deep")
        fields: dict[int, object] = {}
        last = 0
        while (head := self.byte()) != _STOP:
            delta, kind = head >> 4, head & 0x0F
            last = last + delta if delta else self.zigzag()
            fields[last] = self.value(kind, depth)
        return fields

    def sequence(self, depth: int) -> list[object]:
        if depth > MAX_DEPTH:
            raise ValueError("nested too deep")
        head = self.byte()
        size, kind = head >> 4, head & 0x0F
        if size == 15:
            size = self.varint()
        if size > len(self.data) - self.at:  # every element takes a byte at least
            raise ValueError("list longer than the footer")
        if kind in (_TRUE, _FALSE):  # Booleans in a list: a byte each
            return [self.byte() == _TRUE for _ in range(size)]
        return [self.value(kind, depth) for _ in range(size)]

    def map(self, depth: int) -> list[object]:
        if depth > MAX_DEPTH:
            raise ValueError("nested too deep")
        size = self.varint()
        if size == 0:
            return []
        if size > len(self.data) - self.at:
            raise ValueError("map longer than the footer")
        head = self.byte()
        return [(self.value(head >> 4, depth), self.value(head & 0x0F, depth)) for _ in range(size)]
