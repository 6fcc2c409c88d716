"""The site's SVG charts: what they draw, from known numbers."""

from __future__ import annotations

import re

from afscope.analysis.conditions import condition_rates
from afscope.bundle import Bundle
from afscope.explore.plot_data import Curve
from afscope.palette import DEFAULT
from afscope.publish.charts import SentenceMark, conditions_chart, interval_cell, rate_chart
from afscope.sample import sample_bundle_path


def _marks(n: int, ranks: dict[int, int]) -> list[SentenceMark]:
    return [
        SentenceMark(i, i, "promotes" if i % 2 else "suppresses", i % 4, f"s{i}", ranks.get(i))
        for i in range(n)
    ]


def test_rate_chart_draws_curves_bands_and_one_mark_per_sentence() -> None:
    curves = [
        Curve("compliance", [0.0, 1.0, 2.0], [0.0, 0.5, 1.0], [0.0, 0.3, 0.8], [0.2, 0.7, 1.0]),
        Curve("alignment_faking", [0.0, 1.0, 2.0], [0.1, float("nan"), 0.9], None, None),
    ]
    svg = rate_chart(curves, _marks(3, {}), ["compliance", "alignment_faking"])
    assert svg.count("<polyline") == 2 and svg.count('class="band"') == 1
    assert len(re.findall(r'class="mk [a-z]+ l\d" data-pos="\d"', svg)) == 3
    # the NaN point is left out of its line: two points remain
    lines = re.findall(r'<polyline[^>]*points="([^"]+)"', svg)
    assert [len(points.split()) for points in lines] == [3, 2]
    # outcome colours from the palette, in the bundle's outcome order (never a direction's)
    assert f'stroke="{DEFAULT.outcomes[0]}"' in svg and f'stroke="{DEFAULT.outcomes[1]}"' in svg


def test_rate_chart_numbers_the_most_important_without_overlap() -> None:
    svg = rate_chart([], _marks(100, {50: 0, 51: 1, 10: 2}), ["x"])
    numbers = re.findall(r'class="mk-n"[^>]*>(\d+)<', svg)
    assert sorted(numbers) == ["10", "50"]  # 51 sits on 50, which matters more


def test_conditions_chart_has_a_bar_and_whisker_per_cell() -> None:
    result = condition_rates(Bundle.open(sample_bundle_path()))
    svg = conditions_chart(result)
    cells = result.rates.height
    assert svg.count("<title>") == cells == 8
    assert svg.count('class="whisker"') == cells
    assert svg.count('fill="url(#hatch-') == cells // 2  # the paid tier is hatched
    assert "free (monitored)" in svg and "paid (unmonitored)" in svg


def test_interval_cell_places_the_dot_by_sign() -> None:
    assert 'class="dot promotes"' in interval_cell(0.2, 0.1, 0.3, 0.5)
    assert 'class="dot suppresses"' in interval_cell(-0.2, -0.3, 0.1, 0.5)
    assert "<circle" not in interval_cell(None, None, None, 0.5)
