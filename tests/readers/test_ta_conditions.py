"""Thought Anchors runs are named as the pipeline names them: the base-solution folder is
the condition, the model the prompt variant."""

from __future__ import annotations

from ta_builders import tree, web_folder

from afscope.explore.filters import filter_expr, parse_filter
from afscope.readers import open_source


def test_conditions_are_the_pipeline_folder_names_and_variants_the_models(tmp_path):
    traces = open_source(tree(tmp_path / "runs")).bundle.traces
    rows = traces.select("trace_id", "prompt_variant", "condition").rows()
    assert [(variant, condition) for _, variant, condition in rows] == [
        ("model-x", "correct_base_solution"),
        ("model-x", "correct_base_solution"),
        ("model-y", "yes_base_solution"),
    ]
    assert traces["base_solution"].to_list() == ["correct", "correct", "yes"]  # kept as read
    kept = traces.filter(filter_expr(parse_filter("condition=yes_base_solution"), traces.columns))
    assert kept["trace_id"].to_list() == ["model-y/yes_base_solution/scenario_3"]


def test_a_folder_outside_a_pipeline_tree_has_no_condition(tmp_path):
    row = open_source(web_folder(tmp_path / "problem_1")).bundle.traces.row(0, named=True)
    assert (row["prompt_variant"], row["condition"]) == (None, None)
