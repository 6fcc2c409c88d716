"""``parquet_layout.read_layout``: a file's row groups, codecs and writer from its footer;
None (never an exception) for anything it cannot read."""

from __future__ import annotations

import io

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from afscope.bundle.parquet_layout import MAGIC, read_layout

ZSTD, SNAPPY, UNCOMPRESSED = 6, 1, 0


def _file(frame: pl.DataFrame, **options) -> bytes:
    buffer = io.BytesIO()
    frame.write_parquet(buffer, **options)
    return buffer.getvalue()


FRAME = pl.DataFrame(
    {"t": [f"t{i // 7}" for i in range(2_500)], "x": range(2_500), "b": [True, None] * 1_250}
)


@pytest.mark.parametrize(
    ("options", "groups", "codec", "statistics"),
    [
        ({}, (2_500,), ZSTD, True),
        ({"row_group_size": 1_000}, (1_000, 1_000, 500), ZSTD, True),
        ({"compression": "snappy", "statistics": False}, (2_500,), SNAPPY, False),
        (
            {"compression": "uncompressed", "row_group_size": 2_000},
            (2_000, 500),
            UNCOMPRESSED,
            True,
        ),
    ],
)
def test_layout_of_files_polars_writes(options, groups, codec, statistics):
    layout = read_layout(io.BytesIO(_file(FRAME, **options)))
    assert layout is not None
    assert layout.group_rows == groups
    assert layout.codecs == {codec}
    assert layout.statistics is statistics
    assert layout.created_by.startswith("Polars")
    assert layout.metadata_keys == {"ARROW:schema"}
    with_metadata = read_layout(io.BytesIO(_file(FRAME, metadata={"k": "v"}, **options)))
    assert with_metadata is not None and with_metadata.metadata_keys == {"ARROW:schema", "k"}


@pytest.mark.parametrize(
    "data",
    [b"", b"PAR1", b"PAR1" + b"\0" * 8, b"x" * 100 + MAGIC, _file(FRAME)[:-1], _file(FRAME)[:50]],
)
def test_not_a_readable_footer_is_none(data):
    assert read_layout(io.BytesIO(data)) is None


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_a_damaged_footer_is_none_or_a_layout_never_an_error(data):
    whole = bytearray(_file(FRAME.head(30), row_group_size=10))
    length = int.from_bytes(whole[-8:-4], "little")
    start = len(whole) - 8 - length
    for _ in range(data.draw(st.integers(1, 8))):  # overwrite bytes of the footer
        at = data.draw(st.integers(start, len(whole) - 9))
        whole[at] = data.draw(st.integers(0, 255))
    result = read_layout(io.BytesIO(bytes(whole)))
    assert result is None or isinstance(result.group_rows, tuple)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_as_a_footer_are_none_or_a_layout(footer):
    data = b"PAR1" + footer + len(footer).to_bytes(4, "little") + MAGIC
    result = read_layout(io.BytesIO(data))
    assert result is None or isinstance(result.group_rows, tuple)
