"""A tiny bundle whose ids, sentences, tags, query and names try to break out of HTML."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from support import tiny_manifest, tiny_tables

from afscope.bundle import write_bundle

SCRIPT = "<script>alert('x')</script>"
CLOSE = "</script><script>alert(1)</script><!--"
ATTR = '"><img src=x onerror=alert(1)>'
TRACE_ID = f"t1{ATTR}&amp;"
SENTENCE = f"I comply {SCRIPT} \u2028{CLOSE} & https://evil.example/x.js"
TAG = f"tag{ATTR}"
QUERY = f"q {SCRIPT} \x1b]2;PWNED\x07"


def hostile_bundle(root: Path) -> Path:
    tables = tiny_tables()
    for name, frame in tables.present().items():
        if isinstance(frame, pl.DataFrame) and "trace_id" in frame.columns:
            setattr(tables, name, frame.with_columns(pl.col("trace_id").replace("t1", TRACE_ID)))
    assert isinstance(tables.sentences, pl.DataFrame) and isinstance(tables.traces, pl.DataFrame)
    tables.sentences = tables.sentences.with_columns(
        pl.Series("text", [SENTENCE, "I am monitored.", CLOSE, "Hello.", ATTR]),
        pl.Series("tags", [[TAG], [], [SCRIPT], None, ["b", "c"]]),
    )
    tables.traces = tables.traces.with_columns(
        pl.Series("query", [QUERY, "q"]), pl.Series("model", [SCRIPT, None])
    )
    return write_bundle(root, tiny_manifest(title=f"title {SCRIPT}", description=CLOSE), tables)
