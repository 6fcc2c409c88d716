"""``afscope conditions``: rates per variant x condition, Newcombe differences, the formats.

Numbers are checked against a plain-Python computation over the evaluations table's rows
(``reference_metrics.wilson`` / ``newcombe``), against Newcombe's published worked
examples, and (hypothesis) on random tables.
"""

from __future__ import annotations

import json
import os
from itertools import combinations
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reference_metrics import newcombe, wilson
from support import SHARED_DATA, tiny_manifest, tiny_tables

from afscope.analysis.conditions import (
    FINAL_LABELS,
    cell_rates,
    condition_rates,
    pair_differences,
)
from afscope.bundle import Bundle, BundleTables, Manifest, OutcomeSpec, write_bundle
from afscope.cli.conditions_output import render
from afscope.cli.main import main
from afscope.export.files import is_afscope_export
from afscope.metrics.intervals import newcombe_interval
from afscope.problems import BundleError
from afscope.sample import sample_bundle_path

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("AFSCOPE_UPDATE_GOLDEN") == "1"
ORDER = {"original": 0, "ablated": 1, "free": 0, "paid": 1}


def _check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"missing golden file {name}: run with AFSCOPE_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from its golden file"


# -- Newcombe (1998), Statistics in Medicine 17:873-890, Table II, method 10 -------------
TABLE_II = [
    ((56, 70, 48, 80), (0.0524, 0.3339)),
    ((9, 10, 3, 10), (0.1705, 0.8090)),
    ((6, 7, 2, 7), (0.0582, 0.8062)),
    ((5, 56, 0, 29), (-0.0381, 0.1926)),
    ((0, 10, 0, 20), (-0.1611, 0.2775)),
    ((0, 10, 0, 10), (-0.2775, 0.2775)),
    ((10, 10, 0, 20), (0.6791, 1.0000)),
    ((10, 10, 0, 10), (0.6075, 1.0000)),
]


@pytest.mark.parametrize(("counts", "expected"), TABLE_II)
def test_newcombe_matches_the_published_worked_examples(counts, expected):
    k1, n1, k2, n2 = counts
    frame = pl.DataFrame({"k1": [k1], "n1": [n1], "k2": [k2], "n2": [n2]})
    low, high = newcombe_interval(pl.col("k1"), pl.col("n1"), pl.col("k2"), pl.col("n2"))
    got = frame.select(low.alias("low"), high.alias("high")).row(0)
    assert got == pytest.approx(expected, abs=5e-5)


# -- a plain-Python reference ------------------------------------------------------------
def reference(rows: list[dict], outcomes: list[str]) -> tuple[dict, list[dict]]:
    """Cells {(variant, condition, outcome): (k, n)} and every difference, by loops."""
    cells: dict[tuple[str, str, str], list[int]] = {}
    for row in rows:
        variant = row.get("prompt_variant") or "(none)"
        condition = row.get("condition") or "(none)"
        for outcome in outcomes:
            label = row.get(f"outcome.{outcome}")
            if label is None:
                continue
            kn = cells.setdefault((variant, condition, outcome), [0, 0])
            kn[0] += int(label)
            kn[1] += 1
    diffs = []
    for outcome in outcomes:
        for compare in ("condition", "prompt_variant"):
            for a, b in combinations(sorted(cells), 2):
                if a[2] != outcome or b[2] != outcome:
                    continue
                same = 0 if compare == "condition" else 1  # the position held fixed
                moved = 1 - same
                if a[same] != b[same] or a[moved] == b[moved]:
                    continue
                first, second = sorted(
                    (a, b), key=lambda c: (ORDER.get(c[moved], 9), c[moved] == "(none)", c[moved])
                )
                (k1, n1), (k2, n2) = cells[first], cells[second]
                diffs.append(
                    {
                        "outcome": outcome,
                        "compare": compare,
                        "within": first[same],
                        "first": first[moved],
                        "second": second[moved],
                        "difference": k1 / n1 - k2 / n2,
                        "interval": newcombe(k1, n1, k2, n2),
                    }
                )
    return {k: tuple(v) for k, v in cells.items()}, diffs


def _assert_matches_reference(rates: pl.DataFrame, diffs: pl.DataFrame, rows, outcomes):
    cells, expected = reference(rows, outcomes)
    got = {
        (r["prompt_variant"], r["condition"], r["outcome"]): r for r in rates.iter_rows(named=True)
    }
    assert set(got) == set(cells)
    for key, (k, n) in cells.items():
        row = got[key]
        assert (row["k"], row["n"]) == (k, n)
        assert row["rate"] == pytest.approx(k / n)
        assert (row["ci_low"], row["ci_high"]) == pytest.approx(wilson(k, n), abs=1e-12)
    by_key = {
        (d["outcome"], d["compare"], d["within"], d["first"], d["second"]): d
        for d in diffs.iter_rows(named=True)
    }
    assert len(by_key) == diffs.height == len(expected)
    for e in expected:
        d = by_key[(e["outcome"], e["compare"], e["within"], e["first"], e["second"])]
        assert d["difference"] == pytest.approx(e["difference"], abs=1e-12)
        assert (d["ci_low"], d["ci_high"]) == pytest.approx(e["interval"], abs=1e-12)


def test_sample_numbers_match_a_plain_python_count_of_the_evaluations():
    bundle = Bundle.open(sample_bundle_path())
    result = condition_rates(bundle)
    rows = bundle.read("evaluations").to_dicts()
    _assert_matches_reference(result.rates, result.differences, rows, result.outcomes)
    assert result.basis == "evaluations" and result.note is None and result.rows == 2000
    assert result.variants == ["original", "ablated"] and result.conditions == ["free", "paid"]
    # the post's pattern, which the sample imitates: free above paid, original above ablated
    assert (result.differences["difference"] > 0).all()
    first = result.differences.row(0, named=True)
    assert (first["first"], first["second"], first["within"]) == ("free", "paid", "original")


LABEL = st.one_of(st.none(), st.booleans())


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.fixed_dictionaries(
            {
                "prompt_variant": st.sampled_from(["original", "ablated", "zeta", None]),
                "condition": st.sampled_from(["free", "paid", "other"]),
                "outcome.a": LABEL,
                "outcome.b": LABEL,
            }
        ),
        min_size=1,
        max_size=60,
    )
)
def test_rates_and_differences_match_the_reference_on_random_tables(rows):
    frame = pl.DataFrame(
        rows,
        schema={
            "prompt_variant": pl.String,
            "condition": pl.String,
            "outcome.a": pl.Boolean,
            "outcome.b": pl.Boolean,
        },
    )
    rates = cell_rates(frame, ["a", "b"])
    _assert_matches_reference(rates, pair_differences(rates, ["a", "b"]), rows, ["a", "b"])


# -- goldens -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("fmt", "name"), [("markdown", "conditions.md"), ("json", "conditions.json")]
)
def test_golden_sample_outputs(fmt, name):
    result = condition_rates(Bundle.open(sample_bundle_path()))
    text = render(result, fmt, source="sample", version="TEST")
    _check_golden(name, text)


def test_json_holds_the_same_numbers_as_the_table():
    result = condition_rates(Bundle.open(sample_bundle_path()))
    document = json.loads(render(result, "json", source="sample", version="TEST"))
    assert document["rates"] == result.rates.to_dicts()
    assert document["differences"] == result.differences.to_dicts()
    table = render(result, "table", source="sample", version="TEST", width=100)
    assert "5.0% [3.4, 7.3]" in table  # original/free compliance: 25 of 500
    assert "free - paid" in table and "original - ablated" in table


def test_csv_is_tidy_and_names_both_groups():
    result = condition_rates(Bundle.open(sample_bundle_path()))
    frame = pl.read_csv(render(result, "csv", source="sample", version="TEST").encode())
    assert frame.filter(pl.col("table") == "rate").height == result.rates.height
    diff = frame.filter(pl.col("table") == "difference").row(0, named=True)
    assert (diff["prompt_variant"], diff["condition"]) == ("original", "free")
    assert (diff["vs_prompt_variant"], diff["vs_condition"]) == ("original", "paid")
    assert diff["estimate"] == pytest.approx(16 / 500 - 3 / 500)


# -- the command -------------------------------------------------------------------------
def test_cli_writes_every_format_and_replaces_only_its_own_output(tmp_path, capsys):
    for fmt in ("table", "markdown", "json", "csv"):
        target = tmp_path / f"out.{fmt}"
        assert main(["conditions", "--format", fmt, "-o", str(target)]) == 0
        assert is_afscope_export(target), fmt
        assert main(["conditions", "--format", fmt, "-o", str(target)]) == 2
        assert main(["conditions", "--format", fmt, "-o", str(target), "--force"]) == 0
    other = tmp_path / "notes.txt"
    other.write_text("mine\n")
    assert main(["conditions", "-o", str(other), "--force"]) == 2
    assert other.read_text() == "mine\n"
    assert "not an earlier afscope export" in capsys.readouterr().err


def test_cli_bad_outcome_and_missing_label_column_exit_2(tmp_path, capsys):
    assert main(["conditions", "--outcome", "nope"]) == 2
    assert "--outcome: unknown outcome 'nope'" in capsys.readouterr().err
    tables = tiny_tables()
    evaluations = tables.evaluations.drop("outcome.alignment_faking")
    root = write_bundle(
        tmp_path / "b",
        tiny_manifest(),
        BundleTables(**{**tables.__dict__, "evaluations": evaluations}),
    )
    assert main(["conditions", str(root), "--outcome", "alignment_faking"]) == 2
    err = capsys.readouterr().err
    assert "evaluations.parquet" in err and "outcome.alignment_faking" in err


def test_cli_never_writes_into_the_input(tmp_path):
    assert main(["conditions", "-o", str(sample_bundle_path() / "out.md")]) == 2
    assert not (sample_bundle_path() / "out.md").exists()


def test_without_evaluations_the_final_labels_are_used_and_said_so(tmp_path, capsys):
    tables = tiny_tables()
    root = write_bundle(
        tmp_path / "b", tiny_manifest(), BundleTables(**{**tables.__dict__, "evaluations": None})
    )
    result = condition_rates(Bundle.open(root))
    assert result.basis == FINAL_LABELS and result.rows == 2
    assert result.note is not None and "final labels of 2 traces" in result.note
    assert main(["conditions", str(root)]) == 0
    assert "no evaluations table" in capsys.readouterr().out


@pytest.mark.skipif(not SHARED_DATA.is_dir(), reason="../shared/data not present")
def test_thought_anchors_tree_falls_back_to_final_labels(capsys):
    assert main(["conditions", str(SHARED_DATA), "--format", "json"]) == 0
    out, err = capsys.readouterr()
    document = json.loads(out)
    assert document["basis"] == FINAL_LABELS and document["rows"] == 2
    assert "no evaluations table" in err


def test_hostile_names_are_cleaned_in_the_table_and_escaped_in_markdown(tmp_path):
    evil = "orig\x1b]2;PWNED\x07|*x*"
    tables = BundleTables(
        traces=pl.DataFrame(
            {
                "trace_id": ["t"],
                "n_sentences": [1],
                "prompt_variant": [evil],
                "condition": ["free"],
                "outcome.c": [True],
            }
        ),
        sentences=pl.DataFrame({"trace_id": ["t"], "sentence_idx": [0], "text": ["x"]}),
    )
    manifest = Manifest(outcomes=(OutcomeSpec(name="c"),), tables={"traces": "t", "sentences": "s"})
    result = condition_rates(Bundle.open(write_bundle(tmp_path / "h", manifest, tables)))
    for fmt in ("table", "markdown", "csv", "json"):
        text = render(result, fmt, source="h", version="TEST")
        assert "\x1b" not in text and "\x07" not in text, fmt
    markdown = render(result, "markdown", source="h", version="TEST")
    assert "orig\\|\\*x\\*" in markdown


def test_unknown_outcome_raises_a_problem_naming_the_argument():
    with pytest.raises(BundleError) as caught:
        condition_rates(Bundle.open(sample_bundle_path()), ["nope"])
    assert caught.value.problems[0].file == "--outcome"


def _hostile_cases():
    import sys

    sys.path.insert(0, str(Path(__file__).parent / "hostile"))
    from hostile_cases import CASES

    return CASES


UNSAFE = "".join(chr(c) for c in [*range(0, 9), *range(11, 32), *range(127, 160)]) + (
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


@pytest.mark.parametrize("case", _hostile_cases(), ids=lambda c: c.id)
def test_conditions_on_the_hostile_campaign(case, tmp_path, capsys):
    """Every format exits 0 or 2 (naming the file), prints nothing unsafe, writes nothing
    into the input."""
    path = case.build(tmp_path / "in")
    before = sorted((p, p.stat().st_mtime_ns) for p in (tmp_path / "in").rglob("*"))
    for fmt in ("table", "markdown", "json", "csv"):
        code = main(["conditions", str(path), "--format", fmt])
        out, err = capsys.readouterr()
        assert code in (0, 2), f"{fmt}: exit {code}: {err}"
        assert not any(c in out + err for c in UNSAFE), f"{fmt}: unsafe output"
        assert "Traceback" not in err and "unexpected error" not in err
        if code == 2:
            assert case.file is None or case.file in err or "outcome." in err, err
    assert sorted((p, p.stat().st_mtime_ns) for p in (tmp_path / "in").rglob("*")) == before
