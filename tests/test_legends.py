"""Legends: display names instead of ids, one colour per optimizer, and never at the plot's expense."""

import json

import core
from tests.apptest_helpers import charts, open_page, show_tab
from ui.charts import MIN_PLOT
from ui.theme import color, dash


def _colour_encodings(spec: dict) -> list[dict]:
    """The colour encodings of a chart and of its layers."""
    layers = [spec, *spec.get("layer", [])]
    return [layer["encoding"]["color"] for layer in layers if "color" in layer.get("encoding", {})]


def _check_legends(spec: dict) -> None:
    """No legend above the plot, and the chart's height leaves MIN_PLOT px of plot beside its legend rows."""
    for enc in _colour_encodings(spec):
        legend = enc.get("legend")
        if legend is None:
            continue
        assert legend.get("orient") != "top", spec.get("title")
        # the plot has its own height and the legend is laid out around it, never inside it
        assert spec["autosize"]["type"] == "fit-x", spec.get("title")
        assert spec["height"] >= MIN_PLOT, spec.get("title")
        assert legend.get("symbolOpacity") == 1, spec.get("title")  # a faint band swatch vanishes on a dark page


def test_home_legends_leave_room_for_the_plot():
    specs = [spec for spec, _ in charts(open_page("pages/home.py"))]
    assert specs
    for spec in specs:
        _check_legends(spec)


def test_compare_legends_leave_room_for_the_plot():
    specs = [spec for spec, _ in charts(open_page("pages/compare.py", {"sched": "cosine"}))]
    assert any(spec.get("title") == "Learning rate at each update" for spec in specs)
    for spec in specs:
        _check_legends(spec)


def test_conditioning_legends_leave_room_for_the_plot():
    specs = [spec for spec, _ in charts(open_page("pages/conditioning.py"))]
    distance = [s for s in specs if s.get("title") == "Distance to the minimum"]
    assert len(distance) == 1 and len(_colour_encodings(distance[0])[0]["scale"]["domain"]) == 7
    for spec in specs:
        _check_legends(spec)


def test_compare_legend_uses_display_names_with_each_optimizers_colour():
    at = open_page("pages/compare.py", {"opts": "gd,momentum,adam"})
    spec, data = next((s, d) for s, d in charts(at) if s.get("title") == "Loss")
    scale = _colour_encodings(spec)[0]["scale"]
    names = ["gd", "momentum", "adam"]
    assert scale["domain"] == [core.get_spec(n).display_name for n in names]
    assert scale["range"] == [color(n) for n in names]
    assert set(data["series"]) == set(scale["domain"])


def test_steps_table_names_state_as_the_step_panel_does():
    at = show_tab(open_page("pages/adam.py"), "adam:tab", "Steps table & downloads")
    table = next(d.value for d in at.dataframe if "step" in d.value.columns)
    labels = core.get_spec("adam").state_labels
    assert f"{labels['exp_avg']} (x)" in table.columns and f"{labels['exp_avg_sq']} (y)" in table.columns
    assert not [c for c in table.columns if "exp_avg" in c or "grad_" in c]


def test_sweep_legend_names_and_theme_neutral_marks():
    at = open_page("pages/lr_sweep.py", {"opts": "gd,adam", "steps": "50", "count": "100"})
    spec, _ = charts(at)[0]
    domains = [enc["scale"]["domain"] for enc in _colour_encodings(spec)]
    assert ["Gradient descent", "Adam"] in domains
    text = json.dumps(spec)
    assert '"black"' not in text and "#000" not in text
    shape = next(layer["encoding"]["shape"] for layer in spec["layer"] if "shape" in layer.get("encoding", {}))
    assert shape["legend"]["symbolFillColor"] != "black"
    diverged = shape["scale"]["range"][shape["scale"]["domain"].index("diverged")]
    assert diverged not in ("cross", "circle", "square")  # a drawn ✕, not Vega's plus-shaped "cross"
    assert any("as ✕" in c.value for c in at.caption)


def test_noise_band_legend_swatches_are_opaque():
    at = open_page("pages/compare.py", {"opts": "gd,adam", "noise": "0.5", "seeds": "4"})
    bands = [spec for spec, data in charts(at) if {"lo", "hi"} <= set(data.columns)]
    assert bands
    for spec in bands:
        _check_legends(spec)


def test_compare_lines_are_dashed_as_their_optimizers_style():
    """Each line's dash is its optimizer's (``theme.dash``), in the one legend with its colour."""
    names = ["gd", "nesterov", "adadelta"]  # one optimizer of each style
    at = open_page("pages/compare.py", {"opts": ",".join(names)})
    spec, _data = next((s, d) for s, d in charts(at) if s.get("title") == "Loss")
    line = next(layer for layer in spec["layer"] if "strokeDash" in layer.get("encoding", {}))
    scale = line["encoding"]["strokeDash"]["scale"]
    assert scale["domain"] == [core.get_spec(n).display_name for n in names]
    assert scale["range"] == [dash(n) for n in names]
    assert len({json.dumps(d) for d in scale["range"]}) == 3
