"""GIF / MP4 export, the PyTorch snippet on the pages, and Compare's animation."""

from __future__ import annotations

import ast

import imageio.v3 as iio
import numpy as np
import pytest

import core
from core.run import Landscape
from tests.apptest_helpers import count, open_page, show_tab
from ui import export

EXPORT_TAB = "PyTorch & animation export"  # only the open tab is drawn


def paths_for(names_lrs: list[tuple[str, float]], fn: str, x0: tuple[float, float], steps: int) -> tuple:
    f = core.get_function(fn)
    return tuple(
        (n, core.simulate(f, core.get_optimizer(n, lr=lr), x0, steps, escape=f.escape_radius).points)
        for n, lr in names_lrs
    )


def mp4_frames(data: bytes) -> list[np.ndarray]:
    return list(iio.imiter(data, extension=".mp4", plugin="FFMPEG"))


def test_frame_steps_keep_every_step_up_to_the_cap_then_spread_evenly():
    assert export.frame_steps(10).tolist() == list(range(11))
    many = export.frame_steps(1000)
    assert len(many) == export.MAX_FRAMES and many[0] == 0 and many[-1] == 1000
    assert np.all(np.diff(many) > 0)


def test_gif_of_one_optimizer_has_one_frame_per_step_at_slide_size():
    paths = paths_for([("adam", 0.3)], "quadratic", (-4.0, -6.0), 40)
    data = export.render_movie("GIF", Landscape("quadratic"), paths, "Adam on the quadratic", 40)
    props = iio.improps(data, extension=".gif", index=None)
    assert props.shape[:3] == (41, export.HEIGHT, export.WIDTH)
    frames = iio.imread(data, extension=".gif", index=None)
    assert not np.array_equal(frames[1], frames[-1]), "the path should grow from frame to frame"


def test_mp4_of_one_optimizer_has_one_frame_per_step_at_slide_size():
    paths = paths_for([("momentum", 0.05)], "himmelblau", (0.0, 0.0), 20)
    frames = mp4_frames(export.render_movie("MP4", Landscape("himmelblau"), paths, "Momentum", 20))
    held = round(export.HOLD_SECONDS * export.FPS)
    assert len(frames) == 21 * export.frame_repeats(21) + held  # each step shown as long as the GIF shows it
    assert frames[0].shape == (export.HEIGHT, export.WIDTH, 3)
    assert np.abs(frames[0].astype(int) - frames[-1].astype(int)).max() > 50


def test_a_short_run_lasts_long_enough_to_read_and_holds_its_last_frame():
    """A 20-step clip is slowed to about ``MIN_SECONDS`` and its last frame stays ``HOLD_SECONDS`` longer; a
    capped run plays at ``FPS``."""
    paths = paths_for([("adam", 0.3)], "quadratic", (-4.0, -6.0), 20)
    data = export.render_movie("GIF", Landscape("quadratic"), paths, "Adam", 20)
    durations = [iio.immeta(data, extension=".gif", index=i)["duration"] for i in range(21)]
    assert len(set(durations[:-1])) == 1 and durations[-1] - durations[0] == 1000 * export.HOLD_SECONDS
    assert export.MIN_SECONDS * 0.8 <= sum(durations[:-1]) / 1000 <= export.MIN_SECONDS * 1.2
    assert sum(durations) / 1000 == pytest.approx(export.duration(20), abs=0.05)
    assert export.frame_repeats(export.MAX_FRAMES) == 1
    assert export.duration(1000) == pytest.approx(export.MAX_FRAMES / export.FPS + export.HOLD_SECONDS)


def test_gif_of_a_compare_with_three_optimizers():
    paths = paths_for([("gd", 0.4), ("momentum", 0.4), ("adam", 0.4)], "quadratic", (-4.0, -6.0), 25)
    data = export.render_movie("GIF", Landscape("quadratic"), paths, "three", 25)
    assert iio.improps(data, extension=".gif", index=None).shape[:3] == (26, export.HEIGHT, export.WIDTH)


def test_mp4_of_a_compare_with_three_optimizers_is_capped():
    """200 steps make MAX_FRAMES frames, and a diverging path does not stop the export."""
    paths = paths_for([("gd", 0.6), ("rmsprop", 0.05), ("adam", 0.2)], "quadratic", (-4.0, -6.0), 200)
    assert np.abs(paths[0][1]).max() > 1e6, "gd at lr 0.6 should leave the landscape"
    frames = mp4_frames(export.render_movie("MP4", Landscape("quadratic"), paths, "capped", 200))
    assert len(frames) == export.MAX_FRAMES + round(export.HOLD_SECONDS * export.FPS)
    assert np.abs(frames[-1].astype(int) - frames[-2].astype(int)).mean() < 1  # the last step held
    assert frames[-1].shape == (export.HEIGHT, export.WIDTH, 3)


def test_progress_is_reported_for_every_frame():
    seen = []
    paths = paths_for([("adam", 0.3)], "booth", (-8.0, 8.0), 5)
    export.render_movie("GIF", Landscape("booth"), paths, "t", 5, progress=lambda i, n: seen.append((i, n)))
    assert seen == [(i, 6) for i in range(1, 7)]


def test_title_states_the_settings():
    hps = {"gd": {"lr": 0.001}, "adam": {"lr": 0.05}}
    title = export.title_for(["gd", "adam"], core.get_function("rosenbrock"), hps, 300, ("cosine", (("T_max", 300),)))
    assert title == "Gradient descent, Adam on Rosenbrock · lr 0.001 / 0.05 · Cosine annealing schedule · 300 steps"


def snippet_codes(at) -> list[str]:
    return [c.value for c in at.code if "torch.optim" in c.value]


def test_optimizer_page_snippet_has_the_pages_settings():
    """The snippet shows the lr, betas, start, steps and schedule the page's controls hold."""
    at = open_page(
        "pages/adam.py",
        {"lr": "0.05", "betas0": "0.8", "fn": "rosenbrock", "steps": "70", "sched": "cosine", "s.T_max": "40"},
    )
    show_tab(at, "adam:tab", EXPORT_TAB)
    assert not at.exception, at.exception
    (code,) = snippet_codes(at)
    tree = ast.parse(code)
    calls = {n.targets[0].id: n.value for n in tree.body if isinstance(n, ast.Assign)}
    kwargs = {k.arg: ast.literal_eval(k.value) for k in calls["optimizer"].keywords}
    assert kwargs == {"lr": 0.05, "betas": (0.8, 0.999)}
    assert calls["scheduler"].func.attr == "CosineAnnealingLR"
    assert {k.arg: ast.literal_eval(k.value) for k in calls["scheduler"].keywords} == {"T_max": 40, "eta_min": 0.0}
    assert "range(70)" in code and "(1.0 - x) ** 2" in code
    assert at.button(key="adam:export:make_movie") is not None


def test_lion_page_says_there_is_no_torch_snippet():
    at = open_page("pages/lion.py")
    show_tab(at, "lion:tab", EXPORT_TAB)
    assert not at.exception
    assert not snippet_codes(at)
    assert any("not in torch.optim" in i.value for i in at.info)


def test_compare_exports_render_and_make_a_download():
    """Compare shows one snippet per optimizer, the slide PNG and the movie controls; making a GIF offers its
    download."""
    at = open_page("pages/compare.py", {"opts": "gd,momentum,adam", "steps": "6"})
    assert not at.exception, at.exception
    assert snippet_codes(at) == []  # drawn only once the export panel is opened
    at.session_state["compare:exportopen"] = True
    at.run()
    assert len(snippet_codes(at)) == 3
    assert count(at, "download_button") == 1  # the slide PNG, drawn on click
    at.button(key="compare:export:make_movie").click().run()
    assert not at.exception, at.exception
    assert count(at, "download_button") == 2


def test_compare_animation_plays_all_optimizers_together():
    at = open_page("pages/compare.py", {"opts": "gd,adam", "steps": "12"})
    assert at.session_state["compare:t"] == 12
    at.button(key="compare:play").click().run()
    assert at.session_state["compare:playing"] and at.session_state["compare:t"] == 1
    at.button(key="compare:pause").click().run()
    at.button(key="compare:reset").click().run()
    assert at.session_state["compare:t"] == 0 and not at.session_state["compare:playing"]
    assert not at.exception


def test_article_view_plays_and_exports_the_article():
    """Reproduce the article: the player (Adam's path stops growing where the article stops it), the slide PNG,
    the movie and the PyTorch program of the article's update rules."""
    at = open_page("pages/compare.py", {"article": "1"})
    assert not at.exception, at.exception
    assert at.session_state["compare:t"] == core.article.STEPS
    at.slider(key="compare:t").set_value(5).run()
    assert at.query_params["t"] == "5" and not at.exception
    at.button(key="compare:play").click().run()
    assert at.session_state["compare:playing"] and 5 < at.session_state["compare:t"] <= core.article.STEPS
    at.button(key="compare:pause").click().run()
    assert snippet_codes(at) == []  # drawn only once the export panel is opened
    at.session_state["compare:articleexportopen"] = True
    at.run()
    (code,) = [c.value for c in at.code]
    assert code.strip() == core.snippets.article_program("The article's five runs in PyTorch (Descent Lab)").strip()
    assert at.button(key="compare:article_export:make_movie") is not None
    assert count(at, "download_button") == 1  # the PNG; the movie's once made
    at.button(key="compare:article_export:make_movie").click().run()
    assert not at.exception, at.exception
    assert count(at, "download_button") == 2


@pytest.mark.parametrize("query", [{"fn": "custom", "formula": "x^2 + 3*sin(y)"}, {"fn": "conditioned_quadratic"}])
def test_snippet_for_formula_and_conditioned_landscapes(query):
    at = open_page("pages/gd.py", query)
    show_tab(at, "gd:tab", EXPORT_TAB)
    assert not at.exception, at.exception
    (code,) = snippet_codes(at)
    ast.parse(code)
    assert ("torch.sin(y)" in code) == (query["fn"] == "custom")


TORCH_OPTIMIZERS = [n for n in core.OPTIMIZERS if core.get_spec(n).torch_name]


@pytest.mark.parametrize("name", TORCH_OPTIMIZERS)
def test_page_snippet_redoes_the_run_in_the_steps_table(name):
    """On every optimizer page (a landscape, start and schedule set by the link), the snippet's settings read
    back into ``core.simulate`` give the path shown in the page's steps table."""
    query = {"fn": "himmelblau", "x0": "0.5", "y0": "-1.5", "steps": "25", "sched": "step", "s.step_size": "5"}
    at = open_page(f"pages/{name}.py", query)
    assert not at.exception, at.exception
    (code,) = snippet_codes(show_tab(at, f"{name}:tab", EXPORT_TAB))
    tree = ast.parse(code)
    calls = {n.targets[0].id: n.value for n in tree.body if isinstance(n, ast.Assign)}
    kwargs = {k.arg: ast.literal_eval(k.value) for k in calls["optimizer"].keywords}
    sched = {k.arg: ast.literal_eval(k.value) for k in calls["scheduler"].keywords}
    x0 = tuple(ast.literal_eval(calls["p"].args[0]))
    run = core.simulate(
        core.get_function("himmelblau"),
        core.get_optimizer(name, **kwargs),
        x0,
        25,
        schedule=core.schedules.get_schedule("step", **sched),
    )
    show_tab(at, f"{name}:tab", "Steps table & downloads")
    (table,) = [d.value for d in at.dataframe if {"step", "x", "y"} <= set(d.value.columns)]
    np.testing.assert_allclose(run.points, table[["x", "y"]].to_numpy(), rtol=1e-12)
