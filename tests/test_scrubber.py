"""The player (``ui.player``) on every page that plays, against a fake clock; the optimizer page's animated
contour: growing path, arrow scale and styles, markers, slide PNG."""

from __future__ import annotations

import io

import numpy as np
import pytest
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.image import imread

import core
from core.run import Landscape
from tests.apptest_helpers import open_page
from ui import optimizer_page, player, plots, slide
from ui.theme import ARROWS, COLORS, MINIMUM


def _run(name: str = "momentum", steps: int = 600) -> tuple[core.Objective, core.OptimizerSpec, core.Trajectory]:
    f = core.get_function("quadratic")
    run = core.simulate(
        f, core.get_optimizer(name, lr=0.05, momentum=0.5), np.array([3.0, 2.0]), steps, record_state=True
    )
    return f, core.get_spec(name), run


# Every page that plays, with the same player: (page, its settings' prefix, more of its link).
PLAYERS = [("pages/adam.py", "adam", {}), ("pages/compare.py", "compare", {"opts": "gd,momentum,adam"})]


@pytest.mark.parametrize(("page", "p", "query"), PLAYERS)
def test_play_advances_by_the_speed_from_the_url(monkeypatch, page, p, query):
    clock = [1000.0]
    monkeypatch.setattr(player.time, "monotonic", lambda: clock[0])
    at = open_page(page, {"speed": "50", "steps": "200", **query})
    assert at.session_state[f"{p}:speed"] == "50"
    interval, per_frame = player.play_plan("50", 200)
    assert interval == 1 / player.MAX_FPS and per_frame == 6
    at.button(key=f"{p}:play").click().run()
    assert at.session_state[f"{p}:playing"] and at.session_state[f"{p}:t"] == per_frame
    at.run()  # the next frame, at once: still one step on
    assert at.session_state[f"{p}:t"] == per_frame + 1
    clock[0] += 2.0  # two seconds later, however few frames were drawn
    at.run()
    assert at.session_state[f"{p}:t"] == 100
    at.selectbox(key=f"{p}:speed").set_value("200").run()
    assert at.query_params["speed"] == "200" and not at.exception


@pytest.mark.parametrize(("page", "p", "query"), PLAYERS)
def test_a_frame_carrying_the_slider_from_before_play_does_not_stop_it(monkeypatch, page, p, query):
    """The browser may send a frame the slider's old value (the end of the run) before it has drawn the
    first frame: playing goes on from the clock instead of stopping at once."""
    clock = [1000.0]
    monkeypatch.setattr(player.time, "monotonic", lambda: clock[0])
    at = open_page(page, {"speed": "50", "steps": "200", **query})
    assert at.session_state[f"{p}:t"] == 200
    at.button(key=f"{p}:play").click().run()
    shown = at.session_state[f"{p}:t"]
    assert at.session_state[f"{p}:playing"] and shown < 200
    at.slider(key=f"{p}:t").set_value(200).run()  # the stale value from before Play
    assert at.session_state[f"{p}:playing"] and at.session_state[f"{p}:t"] == shown + 1
    clock[0] += 5.0  # the clock passes the end (step 200 at 50 steps/s is at 4 s)
    at.run()
    assert at.session_state[f"{p}:t"] == 200
    at.slider(key=f"{p}:t").set_value(190).run()  # a frame the browser asked for before it drew the end
    assert at.session_state[f"{p}:playing"] and at.session_state[f"{p}:t"] == 200
    at.run()  # the browser sends the last step back: playing stops there
    assert not at.session_state[f"{p}:playing"] and at.session_state[f"{p}:t"] == 200


@pytest.mark.parametrize(("page", "p", "query"), PLAYERS)
def test_playing_stops_on_its_own_if_the_browser_never_sends_the_end(monkeypatch, page, p, query):
    clock = [1000.0]
    monkeypatch.setattr(player.time, "monotonic", lambda: clock[0])
    at = open_page(page, {"speed": "50", "steps": "200", **query})
    at.button(key=f"{p}:play").click().run()
    clock[0] += 4.0  # the end (step 200 at 50 steps/s) is reached at 4 s
    at.slider(key=f"{p}:t").set_value(150).run()
    assert at.session_state[f"{p}:playing"]
    clock[0] += 2.5
    at.slider(key=f"{p}:t").set_value(150).run()
    assert not at.session_state[f"{p}:playing"] and at.session_state[f"{p}:t"] == 200


def test_the_article_view_plays_on_the_same_clock(monkeypatch):
    """Compare's "Reproduce the article" plays its 20 steps with the same player: at "auto" in about
    ``AUTO_SECONDS``, following the clock, and stops at the end."""
    clock = [1000.0]
    monkeypatch.setattr(player.time, "monotonic", lambda: clock[0])
    at = open_page("pages/compare.py", {"article": "1"})
    steps = core.article.STEPS
    assert at.session_state["compare:speed"] == "auto" and at.session_state["compare:t"] == steps
    at.button(key="compare:play").click().run()
    assert at.session_state["compare:playing"] and at.session_state["compare:t"] == 1
    clock[0] += player.AUTO_SECONDS / 2
    at.run()
    assert at.session_state["compare:t"] == steps // 2
    clock[0] += player.AUTO_SECONDS / 2
    at.run()
    assert at.session_state["compare:t"] == steps
    at.run()  # the browser sends the last step back
    assert not at.session_state["compare:playing"] and at.session_state["compare:t"] == steps
    assert not at.exception


def test_auto_speed_plays_any_run_in_about_ten_seconds():
    for steps in (20, 100, 500, 2000):
        interval, per_frame = player.play_plan("auto", steps)
        frames = np.ceil(steps / per_frame)
        assert 1 / interval <= player.MAX_FPS
        assert 0.7 * player.AUTO_SECONDS <= frames * interval <= 1.3 * player.AUTO_SECONDS


def test_path_is_drawn_up_to_step_t_and_the_rest_faintly():
    _, _, run = _run(steps=50)
    ax = Figure().add_subplot()
    plots.draw_paths(ax, (("momentum", run.points),), upto=7)
    lengths = {(len(line.get_xdata()), line.get_alpha()) for line in ax.get_lines()}
    assert (51, 0.3) in lengths and (8, None) in lengths


def test_arrows_use_one_scale_so_a_converged_point_has_none():
    f, spec, run = _run()
    scale = optimizer_page.arrow_scale(f, spec, run)
    extent = max(f.box[1] - f.box[0], f.box[3] - f.box[2])
    start = optimizer_page._arrows(f, spec, run, 0, scale)
    end = optimizer_page._arrows(f, spec, run, run.steps, scale)
    assert np.linalg.norm(f.grad(run.points[-1])) < 1e-4
    longest = max(np.linalg.norm(v) for label, _, v, kind in start if kind != "step")
    assert 0.05 * extent < longest <= optimizer_page.ARROW_SHARE * extent * 1.0001
    assert all(not np.any(v) and "(≈ 0)" in label for label, _, v, kind in end if kind != "step")
    assert all(f"× {scale:.3g}" in label for label, _, _, kind in start if kind != "step")


def test_arrow_colours_clash_with_no_optimizer():
    palette = {to_hex(c) for c in COLORS.values()}
    styles = [(to_hex(fill), to_hex(outline), dashes) for fill, outline, dashes in ARROWS.values()]
    assert not palette & {c for fill, outline, _ in styles for c in (fill, outline)}
    assert len(set(styles)) == len(styles)  # the three arrows differ from each other
    assert all(fill != outline for fill, outline, _ in styles)  # an outline shows a white arrow on white


def test_current_step_ring_lies_below_the_end_cross_and_the_minimum_star():
    ax = Figure().add_subplot()
    _, _, run = _run(steps=10)
    plots.draw_paths(ax, (("momentum", run.points),))
    plots.draw_minima(ax, core.get_function("quadratic"))
    plots.draw_marker(ax, tuple(run.points[-1]))
    star, cross = (next(line for line in ax.get_lines() if line.get_marker() == m) for m in ("*", "X"))
    ring = ax.get_lines()[-1]
    assert ring.get_markerfacecolor() == "none"  # hollow
    assert ring.get_zorder() < star.get_zorder() < cross.get_zorder()
    assert to_hex(star.get_color()) == to_hex(MINIMUM)


def test_tick_labels_stay_legible_on_a_phone():
    shown = 390 / (5.6 * plots.DPI)  # the 560 px figure shown 390 px wide
    assert plots.TICK_PT / 72 * plots.DPI * shown >= 10


def test_slide_png_is_wide_opaque_and_titled():
    _, _, run = _run(steps=30)
    png = slide.png(Landscape("quadratic"), (("momentum", run.points),), "Momentum · lr 0.05 · 30 steps")
    image = imread(io.BytesIO(png))
    assert image.shape[1] >= 1600 and image.shape[2] == 4
    assert image[..., 3].min() == 1.0  # opaque everywhere
    assert image[:100, :, :3].min() < 0.5  # dark title text at the top
    screen = imread(io.BytesIO(plots.contour_png(Landscape("quadratic"), (("momentum", run.points),))))
    assert screen[..., 3].min() == 0.0  # the screen figure stays transparent
