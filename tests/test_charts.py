"""Chart data: long runs are thinned before they reach the browser without losing what the eye reads."""

import json

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.apptest_helpers import charts, open_page
from ui.charts import HOVER_DATA, HOVER_POINTS, MAX_POINTS, lines, long_frame, thin, with_dashes


def test_thin_keeps_short_series_whole():
    frame = long_frame({"a": np.arange(50.0), "b": np.arange(MAX_POINTS, dtype=float)})
    assert thin(frame)[["step", "series", "value"]].astype({"series": str}).equals(frame)


def test_thin_caps_each_series_and_keeps_its_ends():
    frame = long_frame({"a": np.linspace(1, 2, 5000), "b": np.linspace(2, 3, 20)})
    thinned = thin(frame)
    a = thinned[thinned["series"] == "a"]
    assert len(a) <= MAX_POINTS and a["step"].iloc[0] == 0 and a["step"].iloc[-1] == 4999
    assert (thinned["series"] == "b").sum() == 20


def test_thin_keeps_an_oscillations_envelope():
    """A period-2 bounce (the edge of stability) keeps its highs and lows; every k-th step would show one side."""
    t = np.arange(3001)
    values = np.exp(-t / 1000) * np.where(t % 2, 1.0, 3.0)
    thinned = thin(long_frame({"gd": values}))
    assert len(thinned) <= MAX_POINTS
    assert set(thinned["step"] % 2) == {0, 1}
    assert thinned["value"].max() == values.max() and thinned["value"].min() == values.min()


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=4000),
    st.integers(10, 1000),
)
def test_thin_keeps_the_range_of_every_column(values, cap):
    frame = pd.DataFrame(
        {"step": np.arange(len(values)), "series": "x", "lo": np.array(values) - 1, "hi": np.array(values) + 1}
    )
    thinned = thin(frame, cap)
    assert len(thinned) <= cap
    for column in ("lo", "hi"):
        assert thinned[column].min() == frame[column].min() and thinned[column].max() == frame[column].max()
    assert thinned["step"].is_monotonic_increasing


def test_a_long_lesson_run_reaches_the_browser_thinned():
    at = open_page("pages/lesson_stability.py", {"fn": "rosenbrock", "steps": "3000"})
    for _spec, data in charts(at):
        assert data.groupby("series", observed=True).size().max() <= MAX_POINTS
        assert data["step"].max() >= 2999


def test_dashed_series_have_dashed_legend_entries():
    chart = lines({"measured": np.ones(5), "limit": np.ones(5)}, "t", "y")
    spec = json.loads(with_dashes(chart, ("measured", "limit"), ("limit",)).spec)
    assert spec["config"]["legend"]["symbolType"] == "stroke"
    legends = [layer["encoding"]["color"].get("legend") for layer in spec["layer"] if "color" in layer["encoding"]]
    dash = next(legend for legend in legends if legend)["encode"]["symbols"]["update"]["strokeDash"]["signal"]
    assert '"limit"' in dash and '"measured"' not in dash


class _Capture:
    """Stands in for ``st``: keeps the spec a chart would send."""

    def vega_lite_chart(self, spec: dict, **kwargs) -> None:
        self.spec = spec


def test_line_hover_snaps_to_a_few_points_of_each_series():
    where = _Capture()
    lines({"gd": np.linspace(1, 2, 3000), "adam": np.linspace(2, 3, 40)}, "Loss", "f").show(where)
    spec = where.spec
    hover_layers = [layer for layer in spec["layer"] if layer.get("data") == {"name": HOVER_DATA}]
    assert len(hover_layers) == 1 and "condition" in hover_layers[0]["encoding"]["opacity"]  # the hover highlight
    shown, hover = spec["datasets"]["values"], spec["datasets"][HOVER_DATA]
    sizes = hover.groupby("series", observed=True).size()
    assert sizes["Gradient descent"] <= HOVER_POINTS + 1 and sizes["Adam"] == 40
    assert hover.index.isin(shown.index).all() and hover["step"].max() == 2999


def test_line_hover_builds_no_voronoi():
    """The hover picks the point under the pointer; a nearest-point (Voronoi) selection cost a fresh tab
    about 300 ms per chart (benchmarks/first_load_bench.py)."""
    where = _Capture()
    lines({"gd": np.linspace(1, 2, 50), "adam": np.linspace(2, 3, 50)}, "Loss", "f").show(where)
    selections = [param["select"] for param in where.spec["params"]]
    assert selections and all(s.get("on") == "pointerover" and not s.get("nearest") for s in selections)


def test_long_titles_wrap_instead_of_being_cut():
    """A title longer than a half column's line is drawn as lines (none cut with "…"), a short one as it is."""
    from ui.charts import TITLE_WIDTH, wrapped

    assert wrapped("Loss") == "Loss"
    title = "Training loss (median and 10–90 % band over 4 seeds)"
    lines = wrapped(title)
    assert isinstance(lines, list) and len(lines) == 2 and " ".join(lines) == title
    assert all(len(line) <= TITLE_WIDTH for line in lines)
    chinese = wrapped("训练损失（4 个种子的中位数与 10–90 % 区间）以及更多的说明文字")
    assert (
        isinstance(chinese, list)
        and "".join(chinese).replace(" ", "") == "训练损失（4个种子的中位数与10–90%区间）以及更多的说明文字"
    )
    assert all(sum(2 if ord(c) >= 0x2E80 else 1 for c in line) <= TITLE_WIDTH for line in chinese)


def test_a_log_axis_labels_every_tick_in_one_format():
    """1e-8 … 1 in exponents throughout; 0.01 … 10 in plain decimals throughout; never a mix on one axis."""
    import json

    from ui.charts import lines

    def label(values):
        spec = json.loads(lines({"gd": values}, "Loss", "f", log=True).spec)
        axes = [layer["encoding"]["y"].get("axis", {}) for layer in spec["layer"] if "y" in layer.get("encoding", {})]
        return {a.get("labelExpr") for a in axes if a}

    wide, plain, narrow = (label(np.geomspace(a, b, 50)) for a, b in ((1, 1e-8), (10, 0.01), (0.5, 0.7)))
    assert len(wide) == 1 and "~e" in (expr := wide.pop()) and "round" in expr  # 1e-8 … 1e0, powers of ten
    assert len(plain) == 1 and "~g" in (expr := plain.pop()) and "round" in expr  # 0.01, 0.1, 1, 10
    assert len(narrow) == 1 and "~g" in (expr := narrow.pop()) and "round" not in expr  # 0.5, 0.6, 0.7


def test_two_limits_that_nearly_coincide_are_told_apart_by_their_dashes():
    """Lesson 3's 2/η (40) and Adam's momentum limit (38): one dotted, one dashed, the measured line solid."""
    import json

    from ui.charts import DASHED, DOTTED

    chart = lines({"measured": np.ones(5), "2/η": np.full(5, 40.0), "limit": np.full(5, 38.0)}, "t", "y")
    spec = json.loads(with_dashes(chart, ("measured", "2/η", "limit"), ("limit",), ("2/η",)).spec)
    dash = next(layer["encoding"]["strokeDash"] for layer in spec["layer"] if "strokeDash" in layer["encoding"])
    assert dash["scale"]["range"] == [[1, 0], DOTTED, DASHED]
