"""The LR-sweep page treats the clicked point as untrusted input: forged selections never raise."""

import json

import numpy as np
import pytest

from tests.apptest_helpers import images, open_page

QUERY = {"opts": "gd,adam", "steps": "50", "count": "100", "lrmin": "0.001", "lrmax": "3.0"}
SWEPT = np.geomspace(1e-3, 3.0, 100)


def _charts(node):
    if getattr(node, "type", None) == "vega_lite_chart" and node.proto.id:
        yield node
    for child in getattr(node, "children", {}).values():
        yield from _charts(child)


def _click(at, pick):
    """Rerun as if the browser had sent ``pick`` as the chart's selection (what a forged request can do)."""
    chart = next(_charts(at._tree))
    states = at._tree.get_widget_states()
    state = states.widgets.add()
    state.id = chart.proto.id
    state.string_value = json.dumps({"selection": {"pick": pick}})
    at._run(states)
    return at


def _caption(at) -> str:
    return images(at)[0].proto.imgs[0].caption


@pytest.fixture(scope="module")
def page():
    at = open_page("pages/lr_sweep.py", QUERY)
    assert not at.exception
    return at


@pytest.mark.parametrize(
    "pick",
    [
        [{"optimizer": "gd", "lr": -1}],
        [{"optimizer": "gd", "lr": 0}],
        [{"optimizer": "adam", "lr": float("nan")}],
        [{"optimizer": "adam", "lr": 1e308}],
        [{"optimizer": "gd", "lr": True}],
        [{"optimizer": "gd", "lr": "0.1"}],
        [{"optimizer": "gd", "lr": float(SWEPT[10]) * 1.01}],  # not one of the swept values
        [{"optimizer": "lion", "lr": float(SWEPT[10])}],  # not an optimizer of this chart
        [{"optimizer": ["gd"], "lr": 0.1}],
        [{"optimizer": {"a": 1}, "lr": 0.1}],
        [{"lr": 0.1}],
        [1, 2],
        ["junk"],
        "junk",
        {"optimizer": "gd"},
        [],
    ],
)
def test_forged_selection_is_ignored_without_error(page, pick):
    at = _click(page, pick)
    assert not at.exception, at.exception
    assert not at.error
    assert "the best run of the first optimizer" in _caption(at)


def test_a_real_click_shows_that_run(page):
    lr = float(SWEPT[10])
    at = _click(page, [{"optimizer": "adam", "lr": lr}])
    assert not at.exception
    assert _caption(at) == f"Adam with lr = {lr:.4g} (the clicked run)"
