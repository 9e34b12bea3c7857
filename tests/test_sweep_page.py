"""The LR-sweep page treats the clicked point as untrusted input: forged selections never raise."""

import json

import numpy as np
import pytest

from tests.apptest_helpers import charts, images, open_page

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


def test_diverged_runs_share_one_band_and_one_definition():
    """Every ✕ is drawn on one band above every finite gap; GD just past 2/L = 0.5 counts as diverged in the
    chart and the table alike, and the caption states the definition they use."""
    from core import metrics
    from tests.apptest_helpers import charts, markdown_tables

    at = open_page("pages/lr_sweep.py", {"opts": "gd,momentum,adam", "steps": "100", "count": "200"})
    assert not at.exception
    spec, data = charts(at)[0]
    y = spec["layer"][0]["encoding"]["y"]["field"]
    gone = data["status"] == "diverged"
    assert set(data.loc[gone, "optimizer"]) == {"gd", "momentum"}
    assert data.loc[gone, y].nunique() == 1, "one band for every diverged run"
    band = float(data.loc[gone, y].iloc[0])
    start_gap = 73.6  # f at the start (−4, −6) of the quadratic
    assert band > data.loc[~gone, y].max() and band > start_gap
    gd = data[data["optimizer"] == "gd"]
    first_past = gd[gd["lr"] > 0.5].iloc[0]
    assert first_past["lr"] < 0.52 and first_past["status"] == "diverged"  # it grows ×2,500 in 100 steps
    assert (gd.loc[gd["lr"] <= 0.5, "status"] != "diverged").all()
    table = markdown_tables(at)[0].set_index("optimizer")
    assert float(table.loc["Gradient descent", "diverges from lr"]) == pytest.approx(first_past["lr"], rel=1e-2)
    rule = metrics.DIVERGENCE_RULE.format(growth="10")
    assert any(rule in c.value for c in at.caption)


def test_each_visitor_sees_the_optimizers_named_in_their_language():
    """The sweeps are cached for every visitor: a Chinese visitor after an English one still reads Chinese names."""
    english = open_page("pages/lr_sweep.py", QUERY)
    chinese = open_page("pages/lr_sweep.py", {**QUERY, "lang": "zh"})
    for at, gd in ((english, "Gradient descent"), (chinese, "梯度下降")):
        assert not at.exception
        names = {n for _spec, data in charts(at) if "name" in data for n in data["name"]}
        assert gd in names and names <= {gd, "Adam"}, names
