"""Every transition of the headless explorer state, asserted on the state itself."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from afscope.bundle.reader import Bundle
from afscope.explore.direction import NEGLIGIBLE
from afscope.explore.scores import most_important, next_highlight, score_sentences
from afscope.explore.settings import THRESHOLD_STEP
from afscope.explore.state import ExplorerState, Redraw
from afscope.explore.trace_data import TraceData


def test_a_new_state_has_settings_but_no_trace(sample: Bundle) -> None:
    state = ExplorerState(sample)
    assert len(state.trace_ids) == 20
    assert (state.settings.outcome, state.settings.metric) == ("alignment_faking", "counterfactual")
    assert state.data is None and state.sentence_idx is None
    assert state.move(1) is Redraw.NONE and state.position == 0
    assert state.jump(1) is None
    assert state.export_choice() == {}


def test_opening_a_trace_selects_its_most_important_sentence(sample: Bundle) -> None:
    state = ExplorerState(sample)
    assert state.open_trace(state.trace_ids[3]) is Redraw.FULL
    assert state.data is not None and state.data.trace_id == state.trace_ids[3]
    assert state.trace_index == 3
    assert state.scores is not None
    assert state.position == most_important(state.scores)
    assert state.scores.importance[state.position] == state.scores.peak
    assert state.labels() == {"compliance": True, "alignment_faking": True}


def test_moves_clamp_to_the_trace_and_redraw_only_the_cursor(state: ExplorerState) -> None:
    last = state.sentence_count - 1
    assert state.edge(0) is Redraw.CURSOR and state.position == 0
    assert state.move(3) is Redraw.CURSOR and state.position == 3
    state.move(-10)
    assert state.position == 0
    state.edge(1)
    assert state.position == last
    state.move(1)
    assert state.position == last
    assert state.data is not None
    assert state.move_to(2) is Redraw.CURSOR and state.sentence_idx == state.data.indices[2]


def test_jumps_to_high_importance_sentences(state: ExplorerState) -> None:
    assert state.scores is not None
    state.edge(0)
    first = next_highlight(state.scores, 0, 1)
    assert first is not None
    assert state.jump(1) is Redraw.CURSOR and state.position == first
    second = next_highlight(state.scores, first, 1)
    state.jump(1)
    assert state.position == second
    state.jump(-1)
    assert state.position == first
    state.edge(1)
    if not state.scores.highlighted[-1]:
        assert state.jump(1) is None
        assert state.position == state.sentence_count - 1


def test_half_page_follows_the_wrapped_lines(state: ExplorerState) -> None:
    starts = [2 * i for i in range(state.sentence_count)]  # every sentence two lines
    state.edge(0)
    state.half_page(1, starts, 5)
    assert state.position == 2  # line 5 is the second line of sentence 2
    state.half_page(-1, starts, 5)
    assert state.position == 0
    state.half_page(1, [], 3)  # unwrapped: a line per sentence
    assert state.position == 3
    state.edge(0)
    state.half_page(1, [0, 10, *range(11, 10 + state.sentence_count - 1)], 3)
    assert state.position == 1  # still inside sentence 0: moves at least one
    state.edge(1)
    state.half_page(1, starts, 5)
    assert state.position == state.sentence_count - 1


def test_go_to_sentence_by_index(state: ExplorerState) -> None:
    assert state.go_to_sentence(12) is Redraw.CURSOR and state.sentence_idx == 12
    assert state.go_to_sentence(9999) is None and state.sentence_idx == 12


def test_threshold_and_top_k(state: ExplorerState) -> None:
    assert state.settings.mode == "top_k" and state.highlighted_count == 5  # the default
    assert state.threshold(1) is Redraw.FULL
    assert state.settings.top_k == 4 and state.highlighted_count == 4
    state.threshold(-1)
    assert state.settings.top_k == 5 and state.highlighted_count == 5
    assert state.toggle_top_k() is Redraw.FULL
    assert state.settings.mode == "threshold"
    start = state.settings.threshold
    before = state.highlighted_count
    state.threshold(1)
    assert state.settings.threshold == pytest.approx(start + THRESHOLD_STEP)
    assert state.highlighted_count <= before
    state.threshold(-1)
    state.threshold(-1)
    assert state.settings.threshold == pytest.approx(start - THRESHOLD_STEP)
    assert state.highlighted_count >= before
    state.toggle_top_k()
    assert state.settings.mode == "top_k"


def test_low_evidence_toggle_rescoring(state: ExplorerState) -> None:
    assert state.data is not None
    assert state.toggle_low_evidence() is Redraw.FULL
    assert state.settings.include_low_evidence
    assert state.scores == score_sentences(state.data, state.settings)
    state.toggle_low_evidence()
    assert not state.settings.include_low_evidence


def test_outcome_and_metric_cycle_and_rescore(state: ExplorerState) -> None:
    assert state.scores is not None
    before = list(state.scores.importance)
    assert state.cycle_outcome() is Redraw.FULL
    assert state.settings.outcome == "compliance"
    assert state.scores.importance != before
    state.cycle_outcome()
    assert state.settings.outcome == "alignment_faking"
    assert state.scores.importance == before
    state.cycle_metric()
    assert state.settings.metric == "resampling"
    state.cycle_metric()
    assert state.settings.metric == "counterfactual"
    assert state.set_metric("resampling") is Redraw.FULL
    assert state.settings.metric == "resampling"
    assert state.set_outcome("no-such-outcome") is Redraw.NONE
    assert state.settings.outcome == "alignment_faking"


def test_switching_traces_keeps_settings_selection_and_search(state: ExplorerState) -> None:
    ids = state.trace_ids
    state.cycle_outcome()
    state.toggle_selection()
    idx = state.sentence_idx
    assert idx is not None
    chosen = (ids[0], idx)
    state.search("monitor")
    assert state.neighbour_trace(1) == ids[1]
    assert state.neighbour_trace(-1) == ids[-1]
    state.range_mark()
    state.open_trace(ids[1])
    assert state.data is not None and state.data.trace_id == ids[1]
    assert state.trace_index == 1
    assert state.settings.outcome == "compliance"
    assert state.selection == {chosen}
    assert state.range_anchor is None  # a range never spans traces
    texts = state.data.sentences["text"].str.to_lowercase().to_list()
    assert state.matches == [i for i, t in enumerate(texts) if "monitor" in t]
    assert state.marked_positions() == set()
    state.open_trace(ids[0])
    assert state.marked_positions() == {state.data.indices.index(idx)}


def test_choosing_a_trace_before_it_loads(state: ExplorerState) -> None:
    assert state.choose_trace(state.trace_ids[5]) and state.trace_index == 5
    assert state.neighbour_trace(1) == state.trace_ids[6]
    assert not state.choose_trace("no such trace") and state.trace_index == 5
    with pytest.raises(KeyError):
        state.load("no such trace")


def test_selection_range_and_high_importance(state: ExplorerState) -> None:
    assert state.data is not None and state.scores is not None
    trace = state.data.trace_id
    state.edge(0)
    state.move(1)
    assert state.toggle_selection() is Redraw.TRACE
    assert state.selection == {(trace, 1)}
    state.toggle_selection()
    assert state.selection == set()
    assert state.range_mark() is Redraw.TRACE and state.range_anchor == 1
    assert state.move(3) == Redraw.CURSOR | Redraw.TRACE  # the range preview follows
    assert state.marked_positions() == {1, 2, 3, 4} and not state.selection
    state.range_mark()
    assert state.range_anchor is None
    assert state.selection == {(trace, i) for i in (1, 2, 3, 4)}
    state.range_mark()
    state.move(2)
    assert state.range_cancel() is Redraw.TRACE
    assert state.range_anchor is None and len(state.selection) == 4
    assert state.range_cancel() is Redraw.NONE
    state.select_highlighted()
    high = {
        (trace, idx)
        for idx, h in zip(state.data.indices, state.scores.highlighted, strict=True)
        if h
    }
    assert high and high <= state.selection


def test_export_choice_is_the_selection_or_the_cursor(state: ExplorerState) -> None:
    ids = state.trace_ids
    assert state.export_choice() == {ids[0]: [state.sentence_idx]}
    state.go_to_sentence(4)
    state.toggle_selection()
    state.go_to_sentence(2)
    state.toggle_selection()
    state.open_trace(ids[1])
    state.go_to_sentence(0)
    state.toggle_selection()
    assert state.export_choice() == {ids[0]: [2, 4], ids[1]: [0]}


def test_search_and_search_steps(state: ExplorerState) -> None:
    assert state.data is not None
    state.edge(0)
    assert state.search("RLHF") is Redraw.FULL
    texts = state.data.sentences["text"].to_list()
    assert state.matches and all("rlhf" in texts[m].lower() for m in state.matches)
    assert state.position == state.matches[0]
    if len(state.matches) > 1:
        state.search_step(1)
        assert state.position == state.matches[1]
        state.search_step(-1)
    assert state.position == state.matches[0]
    state.search_step(-1)  # wraps to the last match
    assert state.position == state.matches[-1]
    state.search("no sentence says this")
    assert state.matches == [] and state.search_step(1) is None


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["j", "k", "g", "G", "n", "N", "v", "space", "+", "-"])))
def test_any_key_sequence_keeps_the_cursor_in_the_trace(
    sample: Bundle, first_trace: TraceData, keys: list[str]
) -> None:
    state = ExplorerState(sample)
    state.show_trace(first_trace)
    for key in keys:
        {
            "j": lambda: state.move(1),
            "k": lambda: state.move(-1),
            "g": lambda: state.edge(0),
            "G": lambda: state.edge(1),
            "n": lambda: state.jump(1),
            "N": lambda: state.jump(-1),
            "v": state.range_mark,
            "space": state.toggle_selection,
            "+": lambda: state.threshold(1),
            "-": lambda: state.threshold(-1),
        }[key]()
        assert 0 <= state.position < state.sentence_count
        assert all(0 <= p < state.sentence_count for p in state.marked_positions())


# -- defaults that fit the data: the outcome follows the trace, the strongest few marked --
@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> Bundle:
    """A math trace (outcome ``correct``) and a blackmail scenario (``blackmail`` and
    ``novelty``, metric ``counterfactual`` and ``weird``), as in the shared folders."""
    from ta_builders import scenario_folder, web_folder

    from afscope.readers import open_source

    root = tmp_path_factory.mktemp("mixed")
    web_folder(root / "m" / "correct_base_solution" / "problem_1")
    scenario_folder(root / "m" / "yes_base_solution" / "scenario_3")
    return open_source(root).bundle


MATH, SCENARIO = "m/correct_base_solution/problem_1", "m/yes_base_solution/scenario_3"


def test_the_outcome_follows_the_trace_and_says_so(mixed: Bundle) -> None:
    state = ExplorerState(mixed)
    state.open_trace(MATH)
    assert state.settings.outcome == "correct" and state.highlighted_count > 0
    assert state.take_notices() == []
    state.open_trace(SCENARIO)
    assert state.settings.outcome == "blackmail"
    assert state.take_notices() == ["outcome: blackmail (this trace has no correct)"]
    assert state.jump(1) is not None or state.jump(-1) is not None
    state.open_trace(MATH)
    assert state.settings.outcome == "correct"
    assert state.take_notices() == ["outcome: correct (this trace has no blackmail)"]


def test_the_users_choice_comes_back_on_traces_that_have_it(mixed: Bundle) -> None:
    state = ExplorerState(mixed)
    state.open_trace(SCENARIO)
    state.take_notices()
    assert state.cycle_outcome() is Redraw.FULL  # o: the next outcome this trace has
    assert state.settings.outcome == "novelty" and state.settings.metric == "weird"
    assert state.chosen_outcome == "novelty"
    state.take_notices()
    state.open_trace(MATH)
    assert (state.settings.outcome, state.settings.metric) == ("correct", "counterfactual")
    assert state.take_notices() == [
        "outcome: correct (this trace has no novelty)",
        "metric: counterfactual (this trace has no weird)",
    ]
    state.open_trace(SCENARIO)
    assert state.settings.outcome == "novelty"  # the explicit choice, not the first
    assert state.take_notices()[0] == "outcome: novelty"


def test_cycling_stays_on_outcomes_the_trace_has(mixed: Bundle) -> None:
    state = ExplorerState(mixed)
    state.open_trace(MATH)
    state.cycle_outcome()
    assert state.settings.outcome == "correct"
    assert state.take_notices() == ["this trace has only outcome correct"]
    state.cycle_metric()
    assert state.settings.metric == "counterfactual_kl"  # the next the trace has values of


def test_picking_an_outcome_the_trace_lacks_keeps_it_for_later(mixed: Bundle) -> None:
    state = ExplorerState(mixed)
    state.open_trace(MATH)
    assert state.set_outcome("blackmail") is Redraw.NONE
    assert state.settings.outcome == "correct"
    assert state.take_notices() == ["this trace has no blackmail: shown on the traces that have it"]
    state.open_trace(SCENARIO)
    assert state.settings.outcome == "blackmail"


def test_configured_preferences_apply_where_a_trace_has_them(mixed: Bundle) -> None:
    from afscope.explore.settings import Preferences

    prefs = Preferences(outcome="novelty", metric="weird", mode="threshold", threshold=0.1)
    state = ExplorerState(mixed, preferences=prefs)
    assert (state.settings.mode, state.settings.threshold) == ("threshold", 0.1)
    state.open_trace(MATH)
    assert state.settings.outcome == "correct"
    assert state.take_notices()[0] == "outcome: correct (this trace has no novelty)"
    state.open_trace(SCENARIO)
    assert (state.settings.outcome, state.settings.metric) == ("novelty", "weird")
    sibling = state.sibling()  # the compare view's sides keep settings and choices
    assert sibling.settings == state.settings and sibling.preferences == prefs


def test_a_threshold_nothing_reaches_says_how_to_see_the_strongest(state: ExplorerState) -> None:
    state.toggle_top_k()
    state.take_notices()
    while state.highlighted_count:
        state.threshold(1)
    assert state.take_notices()[-1] == (
        f"no sentence reaches {state.settings.describe()}; press K for the top 5"
    )
    state.toggle_top_k()
    assert state.highlighted_count == 5 and state.take_notices() == []


def _shared_folders() -> list[Path]:
    from support import SHARED_DATA

    root = SHARED_DATA.parent
    return [p for p in (root, SHARED_DATA, root / "thought-anchors-math") if p.is_dir()]


@pytest.mark.parametrize("where", ["sample", *(str(p) for p in _shared_folders())])
def test_n_finds_something_by_default_on_every_trace(sample: Bundle, where: str) -> None:
    from afscope.readers import open_source

    bundle = sample if where == "sample" else open_source(Path(where)).bundle
    state = ExplorerState(bundle)
    flat = []
    for trace_id in state.trace_ids:
        state.take_notices()
        state.open_trace(trace_id)
        assert state.scores is not None
        if state.scores.peak < NEGLIGIBLE:  # the outcome never varies here: nothing to find
            flat.append(trace_id)
            assert state.highlighted_count == 0
            assert state.take_notices()[-1].startswith("nothing to mark: every"), trace_id
            continue
        assert state.highlighted_count == min(
            5, sum(v >= NEGLIGIBLE for v in state.scores.importance if v is not None)
        )
        state.edge(0)
        assert state.jump(1) is not None or state.scores.highlighted[0], trace_id
    assert len(flat) <= len(state.trace_ids) // 5  # an exception, not the rule
