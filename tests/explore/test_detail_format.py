"""What the detail panel says about a sentence: rates with n and their Wilson interval,
one signed importance with its interval, never ``-0.000``, and sources without counts."""

from __future__ import annotations

from pathlib import Path

from ta_builders import web_folder

from afscope.explore.detail import NO_COUNTS, MetricValue, RateChange, sentence_detail
from afscope.explore.settings import ViewSettings
from afscope.explore.state import ExplorerState
from afscope.explore.trace_data import TraceData
from afscope.readers import open_source


def _value(direction: float | None, importance: float, ci=(None, None)) -> MetricValue:
    return MetricValue("a", "m", importance, direction, ci[0], ci[1], False)


def test_rate_change_with_n_and_wilson_intervals():
    change = RateChange("a", 0.4651, 43, 0.7442, 43, (0.3253, 0.6104), (0.5991, 0.8508))
    assert change.describe() == "0.47 → 0.74, n=43"
    assert change.describe_intervals() == "95% [0.33, 0.61] → [0.60, 0.85]"
    uneven = RateChange("a", 0.5, 40, 0.25, 36, (0.35, 0.65), None)
    assert uneven.describe() == "0.50 → 0.25, n=40 → 36"
    assert uneven.describe_intervals() == "95% [0.35, 0.65] → -"
    last = RateChange("a", 0.5, 40, None, None)
    assert last.describe() == "0.50 → -, n=40 → -"


def test_a_source_without_counts_says_so():
    change = RateChange("a", 0.3, None, 0.4, None)
    assert change.describe() == f"0.30 → 0.40 ({NO_COUNTS})"
    assert change.describe_intervals() == ""


def test_importance_is_one_signed_value_with_its_interval():
    assert _value(0.279, 0.279, (0.12, 0.43)).describe() == "+0.279 [+0.12, +0.43] promotes"
    assert _value(-0.5, 0.5).describe() == "-0.500 suppresses"
    assert _value(None, 0.534, (0.1, 0.9)).describe() == "0.534 [0.10, 0.90] unsigned"


def test_zero_never_prints_as_negative_zero():
    text = _value(-0.0, 0.0, (-0.0, 0.0001)).describe()
    assert text == "0.000 [0.00, 0.00] negligible"
    assert "-0.0" not in _value(-0.00001, 0.00001).describe()
    assert "-0.00" not in RateChange("a", -0.0, 3, 0.0, 3, (-0.0, 0.1), None).describe_intervals()


def test_thought_anchors_web_folder_detail_says_counts_are_not_in_the_source(tmp_path: Path):
    opened = open_source(web_folder(tmp_path / "problem_1"))
    state = ExplorerState(opened.bundle)
    state.open_trace(state.trace_ids[0])
    data: TraceData = state.data
    detail = sentence_detail(data, 1, state.settings.outcome)
    assert detail.rates and all(not change.counted for change in detail.rates)
    assert all(NO_COUNTS in change.describe() for change in detail.rates)
    assert "n=?" not in " ".join(change.describe() for change in detail.rates)


def test_sample_rates_carry_n_and_intervals(first_trace: TraceData):
    settings = ViewSettings("alignment_faking", "counterfactual")
    detail = sentence_detail(first_trace, 5, settings.outcome)
    change = detail.rates[0]
    assert change.n_before and change.before_ci is not None
    assert f"n={change.n_before}" in change.describe()
    low, high = change.before_ci
    assert f"[{low:.2f}, {high:.2f}]" in change.describe_intervals()
