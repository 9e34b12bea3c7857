"""Presenter mode: the projector style and collapsed sidebar, decks parsed safely, Next and Previous."""

import io

import pytest
import streamlit as st
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

import core
from tests.apptest_helpers import charts, open_page
from ui import plots, present
from ui.charts import THEME_TEXT

DECK = "gd?fn=quadratic&lr=0.3|/gd?fn=quadratic&lr=0.52|compare?article=1"


def _html(at) -> list[str]:
    def walk(node):
        if getattr(node, "type", None) == "html":
            yield node.proto.body
        for c in getattr(node, "children", {}).values():
            yield from walk(c)

    return list(walk(at._tree))


@pytest.fixture
def page_configs(monkeypatch) -> list[dict]:
    """Every ``st.set_page_config`` call's arguments, in order."""
    calls: list[dict] = []
    real = st.set_page_config

    def record(**kwargs):
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(st, "set_page_config", record)
    return calls


def test_presenter_mode_styles_the_page_and_collapses_the_sidebar(page_configs):
    at = open_page("pages/gd.py", {"present": "1", "fn": "quadratic", "lr": "0.3"})
    assert not at.exception
    assert page_configs and page_configs[-1].get("initial_sidebar_state") == "collapsed"
    assert present.STYLE in _html(at)
    assert at.session_state["gd:lr"] == 0.3  # the page's own settings still come from the URL
    assert {b.key for b in at.button} >= {"gd:play", "gd:reset", "gd:end"}  # step/play controls stay
    assert at.query_params["present"] in ("1", ["1"])  # kept although the page rewrote its URL
    assert at.query_params["lr"] in ("0.3", ["0.3"])


def test_leaving_presenter_mode_keeps_the_page_settings():
    at = open_page("pages/gd.py", {"present": "1", "fn": "quadratic", "lr": "0.3"})
    at.button(key="present:leave").click().run()
    assert not at.exception
    assert "present" not in at.query_params and present.STYLE not in _html(at)
    assert at.session_state["gd:lr"] == 0.3 and at.query_params["lr"] in ("0.3", ["0.3"])


def test_without_present_nothing_changes(page_configs):
    at = open_page("pages/gd.py", {"present": "0"})
    assert not at.exception
    assert page_configs[-1]["initial_sidebar_state"] is None
    assert present.STYLE not in _html(at)


def test_next_and_previous_step_through_a_deck():
    at = open_page("pages/home.py", {"present": "1", "deck": DECK})  # no slide: the first scenario opens
    assert not at.exception
    assert at.query_params["slide"] in ("1", ["1"]) and at.session_state["gd:lr"] == 0.3
    assert at.button(key="present:previous").disabled
    at.button(key="present:next").click().run()
    assert not at.exception
    assert at.query_params["slide"] in ("2", ["2"])
    assert at.session_state["gd:lr"] == 0.52  # the same page, opened with the scenario's settings
    assert any("Scenario **2** of 3" in m.value for m in at.markdown)
    at.button(key="present:next").click().run()
    assert [t.value for t in at.title] == ["Compare optimizers"] and at.session_state["compare:article"] is True
    assert at.button(key="present:next").disabled
    for name, value in (("present", "1"), ("deck", DECK), ("slide", "3"), ("article", "1")):
        assert at.query_params[name] in (value, [value])
    at.button(key="present:previous").click().run()
    assert at.session_state["gd:lr"] == 0.52 and at.query_params["slide"] in ("2", ["2"])


def test_deck_text_from_the_url_is_never_markdown():
    at = open_page(
        "pages/gd.py", {"present": "1", "slide": "[x](//evil.co)", "deck": "[click](//evil.co)|gd?lr=**0.3**&fn=# big"}
    )
    assert not at.exception
    text = " ".join(w.value for w in at.warning)
    assert "` [click](//evil.co) `" in text and "` [x](//evil.co) `" in text
    shown = [m.value for m in at.markdown if "Scenario" in m.value]
    assert all("](//" not in m for m in shown)


def test_parse_deck_reads_pages_and_settings_and_skips_the_rest():
    scenarios, rejected = present.parse_deck("gd?lr=0.52&present=0&slide=9| |/compare?article=1|nowhere|gd?a=%7C")
    assert [(s.page, dict(s.query)) for s in scenarios] == [
        ("pages/gd.py", {"lr": "0.52"}),
        ("pages/compare.py", {"article": "1"}),
        ("pages/gd.py", {"a": "|"}),
    ]
    assert rejected == ["nowhere"]
    assert len(present.parse_deck("|".join(["gd"] * 100))[0]) == present.MAX_SCENARIOS


def test_encoded_deck_reads_back():
    entries = [("pages/gd.py", {"fn": "custom", "formula": "x|y & z=1"}), ("pages/home.py", {})]
    scenarios, rejected = present.parse_deck(present.encode_deck(entries))
    assert not rejected
    assert [(s.page, dict(s.query)) for s in scenarios] == entries


def _text_sizes(spec: dict) -> dict[tuple[str, str], float]:
    """The font sizes a chart is drawn with: its own config's, else Streamlit's theme's."""
    config = spec.get("config", {})
    return {
        (part, name): config.get(part, {}).get(name, size)
        for part, sizes in THEME_TEXT.items()
        for name, size in sizes.items()
        if name.lower().endswith("fontsize")
    }


@pytest.mark.parametrize(("page", "query"), [("pages/gd.py", {"fn": "rosenbrock"}), ("pages/lesson_stability.py", {})])
def test_chart_text_grows_while_presenting(page, query):
    """Every chart's axes, legend and title: Streamlit's sizes on screen, 1.5-1.8 times them presenting."""
    screen = charts(open_page(page, query))
    projector = charts(open_page(page, {**query, "present": "1"}))
    assert screen and len(screen) == len(projector)
    for (small, _data), (large, _same) in zip(screen, projector, strict=True):
        assert small.get("title") == large.get("title")
        before, after = _text_sizes(small), _text_sizes(large)
        assert len(before) == 5 and before == {k: THEME_TEXT[k[0]][k[1]] for k in before}  # the theme's, untouched
        for k, size in before.items():
            assert 1.5 <= after[k] / size <= 1.8, (large.get("title"), k)
        for a, b in zip(_legend_limits(small), _legend_limits(large), strict=True):
            assert b > a  # longer labels fit their larger type


def _legend_limits(spec: dict) -> list[float]:
    layers = [spec, *spec.get("layer", [])]
    return [
        enc["color"]["legend"]["labelLimit"]
        for enc in (layer.get("encoding", {}) for layer in layers)
        if isinstance(enc.get("color", {}).get("legend"), dict) and "labelLimit" in enc["color"]["legend"]
    ]


@pytest.mark.parametrize("name", core.FUNCTIONS)
def test_projector_figures_are_sharper_and_keep_their_larger_text_inside(name):
    """Presenter mode's contour figure: more pixels, larger text, and no label cut off at an edge."""
    key = (name, 100.0, 30.0) if name == "conditioned_quadratic" else (name,)
    f = plots.objective(key)
    run = core.simulate(f, core.get_optimizer("gd", lr=1e-3), x0=list(f.start), steps=5)
    look = present.PROJECTOR
    png = plots._contour_png(key, (("gd", run.points),), text=look.figure_text, dpi=round(plots.DPI * look.figure_dpi))
    assert Image.open(io.BytesIO(png)).width == round(5.6 * plots.DPI * look.figure_dpi)
    fig = Figure(figsize=(5.6, 4.4), dpi=plots.DPI)
    plots.draw_landscape(fig, key, text=look.figure_text)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    labels = [t for ax in fig.axes for t in (*ax.get_yticklabels(), ax.xaxis.label, ax.yaxis.label)]
    assert max(t.get_fontsize() for t in labels) >= plots.LABEL_PT * look.figure_text
    slack = 4  # px: the box of the rotated "y" carries empty space (the screen's figures reach -3 px too)
    for ax in fig.axes:  # the plot and the colour bar, with everything drawn around them
        drawn, box = ax.get_tightbbox(renderer), fig.bbox
        assert drawn is not None
        assert box.x0 - slack <= drawn.x0 and drawn.x1 <= box.x1 + slack, (name, drawn, box)
        assert box.y0 - slack <= drawn.y0 and drawn.y1 <= box.y1 + slack, (name, drawn, box)
