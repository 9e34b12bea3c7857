"""Presenter mode: the projector style and collapsed sidebar, decks parsed safely, Next and Previous."""

import io
from urllib.parse import parse_qsl, urlsplit

import pytest
import streamlit as st
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

import core
from core.run import Landscape
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


def _with_curves(at):
    """An optimizer page with its curves drawn (they are drawn on demand)."""
    if "gd:curves" in at.session_state:
        at.session_state["gd:curves"] = True
        at.run()
    return at


@pytest.mark.parametrize(
    ("page", "query"),
    [("pages/gd.py", {"fn": "rosenbrock"}), ("pages/compare.py", {}), ("pages/lesson_stability.py", {})],
)
def test_chart_text_grows_while_presenting(page, query):
    """Every chart's axes, legend and title: Streamlit's sizes on screen, 1.5-1.8 times them presenting."""
    screen = charts(_with_curves(open_page(page, query)))
    projector = charts(_with_curves(open_page(page, {**query, "present": "1"})))
    assert screen and len(screen) == len(projector)
    for (small, _data), (large, _same) in zip(screen, projector, strict=True):
        assert small.get("title") == large.get("title")
        before, after = _text_sizes(small), _text_sizes(large)
        assert len(before) == 5 and before == {k: THEME_TEXT[k[0]][k[1]] for k in before}  # the theme's, untouched
        for k, size in before.items():
            assert 1.5 <= after[k] / size <= 1.8, (large.get("title"), k)
        for a, b in zip(_legend_limits(small), _legend_limits(large), strict=True):
            assert b > a  # longer labels fit their larger type
    if page == "pages/compare.py":
        assert any(_legend_limits(spec) for spec, _data in projector)  # a legend was among them


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
    values = {h.name: h.ui[1] / 3 for h in core.FUNCTIONS[name].params}  # a parametrised one away from defaults
    key = Landscape.of(name, **values) if values else Landscape(name)
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


def _deck_titles(at) -> list[str]:
    return [m.value for m in at.sidebar.markdown if " · " in m.value]


def _panel_open(at):
    """Open the sidebar's deck panel (drawn only when open); it stays open on the session's next pages."""
    at.session_state[present._PANEL_OPEN] = True
    return at.run()


def test_deck_panel_is_drawn_only_when_open():
    at = open_page("pages/gd.py")
    assert at.sidebar.expander[0].label == "Lecture deck" and "present:add" not in [b.key for b in at.sidebar.button]
    assert "present:add" in [b.key for b in _panel_open(at).sidebar.button]


def _follow_a_plain_link(at, page: str, query: dict[str, str]):
    """Open ``page`` as the top bar's links do: a URL with the page's own query only (the session stays)."""
    for k in list(at.query_params):
        del at.query_params[k]
    at.switch_page(page)
    for k, v in query.items():
        at.query_params[k] = v
    return at.run()


def test_deck_panel_builds_a_deck_from_views_of_two_pages():
    at = _panel_open(open_page("pages/gd.py", {"fn": "quadratic", "lr": "0.3"}))
    assert not at.exception and "deck" not in at.query_params and not _deck_titles(at)
    at.sidebar.button(key="present:add").click().run()
    assert _deck_titles(at) == ["**1** · Gradient descent"]
    (first,) = present.parse_deck(at.query_params["deck"])[0]
    assert first.page == "pages/gd.py" and dict(first.query)["lr"] == "0.3" and dict(first.query)["fn"] == "quadratic"
    assert not {"present", "slide", "deck", "lang"} & dict(first.query).keys()

    at = _follow_a_plain_link(at, "pages/compare.py", {"article": "1"})
    assert not at.exception
    assert at.query_params["deck"] == present.encode_deck([(first.page, dict(first.query))])  # the session kept it
    at.sidebar.button(key="present:add").click().run()
    at = _follow_a_plain_link(at, "pages/home.py", {})
    at.sidebar.button(key="present:add").click().run()
    assert _deck_titles(at) == ["**1** · Gradient descent", "**2** · Compare optimizers", "**3** · Home"]
    assert at.sidebar.button(key="present:up:0").disabled and at.sidebar.button(key="present:down:2").disabled

    at.sidebar.button(key="present:up:1").click().run()  # Compare first
    assert _deck_titles(at) == ["**1** · Compare optimizers", "**2** · Gradient descent", "**3** · Home"]
    at.sidebar.button(key="present:down:1").click().run()  # Gradient descent last
    assert _deck_titles(at) == ["**1** · Compare optimizers", "**2** · Home", "**3** · Gradient descent"]
    at.sidebar.button(key="present:remove:1").click().run()  # Home out
    assert _deck_titles(at) == ["**1** · Compare optimizers", "**2** · Gradient descent"]
    deck = at.query_params["deck"]
    assert [(s.page, dict(s.query).get("article")) for s in present.parse_deck(deck)[0]] == [
        ("pages/compare.py", "1"),
        ("pages/gd.py", None),
    ]
    assert [c.value for c in at.sidebar.code] == [present.deck_address(deck, "")]

    at.sidebar.button(key="present:present").click().run()
    assert not at.exception
    for name, value in (("present", "1"), ("slide", "1"), ("deck", deck), ("article", "1")):
        assert at.query_params[name] == value
    assert [t.value for t in at.title] == ["Compare optimizers"] and at.session_state["compare:article"] is True
    at.button(key="present:next").click().run()
    assert at.query_params["slide"] == "2" and at.session_state["gd:lr"] == 0.3
    assert at.button(key="present:next").disabled

    at.button(key="present:leave").click().run()  # out of presenter mode, the deck stays for more editing
    assert "present" not in at.query_params and "slide" not in at.query_params and at.query_params["deck"] == deck
    at.sidebar.button(key="present:clear").click().run()
    assert "deck" not in at.query_params and not _deck_titles(at)
    at = _follow_a_plain_link(at, "pages/compare.py", {})
    assert "deck" not in at.query_params


def test_the_link_of_a_deck_presents_it_from_its_first_scenario():
    at = _panel_open(open_page("pages/gd.py", {"fn": "quadratic", "lr": "0.3", "lang": "zh"}))
    assert at.sidebar.expander[0].label == "课堂演示" and at.sidebar.button(key="present:add").label == "加入当前页面"
    at.sidebar.button(key="present:add").click().run()
    address = at.sidebar.code[0].value
    query = dict(parse_qsl(urlsplit(address).query))
    assert urlsplit(address).path == "/" and query == {"present": "1", "deck": at.query_params["deck"], "lang": "zh"}
    shown = open_page("pages/home.py", query)
    assert not shown.exception
    assert shown.query_params["slide"] == "1" and shown.session_state["gd:lr"] == 0.3


def test_deck_panel_keeps_to_the_deck_bounds():
    full = "|".join(f"gd?lr={k / 100}" for k in range(1, present.MAX_SCENARIOS + 1))
    at = _panel_open(open_page("pages/gd.py", {"deck": full}))
    assert len(_deck_titles(at)) == present.MAX_SCENARIOS
    at.sidebar.button(key="present:add").click().run()
    assert not at.exception and at.query_params["deck"] == full
    assert f"at most {present.MAX_SCENARIOS} scenarios" in at.sidebar.warning[0].value

    long = "|".join(["gd?fn=custom&formula=" + "x%2B" * 300] * 3)  # three views of about 1,200 characters
    at = _panel_open(
        open_page("pages/gd.py", {"deck": long, "fn": "custom", "formula": "x**2 + y**2 " + "+ 0*x " * 40})
    )
    at.sidebar.button(key="present:add").click().run()
    assert not at.exception and at.query_params["deck"] == long
    assert f"at most {present.MAX_DECK_CHARS} characters" in at.sidebar.warning[0].value
    at.sidebar.button(key="present:remove:0").click().run()
    at.sidebar.button(key="present:add").click().run()  # room again
    assert not at.sidebar.warning and len(_deck_titles(at)) == 3

    at = _panel_open(
        open_page("pages/home.py", {"deck": "|".join(["gd", "nowhere"] * 20) + "|" + "x" * present.MAX_DECK_CHARS})
    )
    notes = " ".join(c.value for c in at.sidebar.caption)
    assert f"longer than {present.MAX_DECK_CHARS:,} characters" in notes and "its last 1 entries were left out" in notes
    assert f"first {present.MAX_SCENARIOS} scenarios" in notes and "10 more entries were left out" in notes
    assert "name no page of the app: 15" in notes
    assert len(_deck_titles(at)) == 15


def test_a_long_deck_is_cut_between_entries_and_says_what_was_cut():
    """Cut at 4,000 characters inside an entry, the old deck read a broken entry and called it "names no page";
    now whole entries are left out, named, with the reason."""
    entries = [f"gd?lr=0.{i:02d}&fn=" + "quadratic" * 40 for i in range(12)]  # about 380 characters each
    raw = "|".join(entries)
    deck = present.read_deck(raw)
    assert not deck.rejected and deck.chars == len(raw) > present.MAX_DECK_CHARS
    assert [s.query[0][1] for s in deck.scenarios] == [f"0.{i:02d}" for i in range(len(deck.scenarios))]
    assert deck.too_long == entries[len(deck.scenarios) :] and len(deck.too_long) >= 1
    (note,) = present.deck_notes(deck)
    assert f"{len(raw):,} characters long" in note and f"last {len(deck.too_long)} entries were left out" in note
    assert "` gd?lr=0.11&fn=quadratic" in note  # which ones, as code


def test_deck_panel_shows_text_from_the_url_only_as_text():
    at = _panel_open(open_page("pages/home.py", {"deck": "gd?fn=[click](//evil.co)&lr=**0.3**|<b>x</b>?a=1"}))
    assert not at.exception
    assert _deck_titles(at) == ["**1** · Gradient descent"]
    (settings,) = [c.value for c in at.sidebar.caption if "evil" in c.value]
    assert settings == "` fn=[click](//evil.co) lr=**0.3** `"


def test_deck_link_keeps_only_the_settings_its_page_reads():
    open_page("pages/gd.py")  # gd has run on this server: its parameters are known
    deck = "gd?fn=booth&lr=0.1&evil=%5Bx%5D(//evil.co)&steps=30|nowhere"
    at = _panel_open(open_page("pages/home.py", {"deck": deck}))
    assert not at.exception
    (link,) = [c.value for c in at.sidebar.code]
    assert "evil" not in link and "booth" in link and "lr%3D0.1" in link
    notes = " ".join(c.value for c in at.sidebar.caption)
    assert "does not read are left out of the deck's link: 1 · ` evil `" in notes
    assert "name no page of the app: 1 (` nowhere `)" in notes
