"""The guided lessons: they render with their figures, their numbers are right, their links open cleanly."""

import numpy as np
import pytest

import core
from core import article
from tests.apptest_helpers import charts, count, image_ids, markdown_tables, open_page, page_links
from ui.lessons import curvature
from ui.pages import LESSONS

LESSON_FILES = [path for path, _, _ in LESSONS]


def _chart(at, title: str):
    return next(data for spec, data in charts(at) if spec.get("title") == title)


@pytest.mark.parametrize("lesson", LESSON_FILES)
def test_lesson_renders_its_figures(lesson):
    at = open_page(lesson)
    assert not at.exception, at.exception
    assert not at.warning and not at.error
    assert count(at, "vega_lite_chart") >= 1
    assert count(at, "image") >= 1
    assert any(q for _, q in page_links(at)), "a lesson ends with links into the lab"


def test_home_links_to_the_lessons():
    at = open_page("pages/home.py")
    assert "pages/lesson_article.py" in [page for page, _ in page_links(at)]


def test_lesson_one_tells_the_articles_numbers():
    at = open_page("pages/lesson_article.py")
    table = markdown_tables(at)[0].set_index("optimizer")
    tol = "first step with f − f* ≤ 0.001"
    assert table.loc["Momentum (heavy ball)", tol] == "18"
    assert (table.drop("Momentum (heavy ball)")[tol] == "not within 20").all()
    assert table.loc["Adam", "updates"] == 17 and table.loc["Adam", "start"] == "(-6, -6)"
    stop_rule = table["meets the stop rule |x| ≤ 0.1, |y| < 0.1 at"]
    assert list(stop_rule) == ["not within 20", "18", "not within 20", "20", "17"]
    for n, name in zip(core.ARTICLE_OPTIMIZERS, table.index, strict=True):
        assert table.loc[name, "final f"] == pytest.approx(article.run(n).values[-1], rel=1e-3)  # shown to 4 digits
    assert float(table.loc["Gradient descent", "textbook rate ρ"]) == pytest.approx(1 - 0.4 * 0.2)  # "—" elsewhere
    assert float(table.loc["Gradient descent", "measured rate ρ"]) == pytest.approx(0.92, rel=0.01)
    story = " ".join(m.value for m in at.markdown)
    assert "at step 18" in story and "after 17 updates" in story and "f is back up to 0.63 at step 20" in story


def test_lesson_one_step_slider_redraws_and_lives_in_the_url():
    at = open_page("pages/lesson_article.py", {"t": "5", "opts": "gd,adam"})
    assert not at.exception and not at.warning
    before = image_ids(at)
    data = _chart(at, "How far from the bottom: f − f* (dashed: 1e-3)")
    assert set(data["series"]) == {core.get_spec("gd").display_name, "Adam"}
    at.slider(key="lesson_article:t").set_value(12).run()
    assert image_ids(at) != before and at.query_params["t"] in ("12", ["12"])


def test_lesson_two_measured_rates_match_the_textbook():
    at = open_page("pages/lesson_momentum.py", {"kappa": "100"})
    assert not at.exception
    table = markdown_tables(at)[0].set_index("method")
    gd, hb = table.iloc[0], table.iloc[1]
    shown = {"rel": 1e-4}  # the table shows 4 significant digits
    assert gd["textbook ρ"] == pytest.approx(99 / 101, **shown) and hb["textbook ρ"] == pytest.approx(9 / 11, **shown)
    assert gd["measured ρ"] == pytest.approx(gd["textbook ρ"], rel=0.05)
    assert hb["measured ρ"] == pytest.approx(hb["textbook ρ"], rel=0.05)
    assert 5 <= gd["measured steps"] / hb["measured steps"] <= 20  # about √κ = 10 times fewer steps
    sweep = _chart(at, "Steps to shrink the distance a million-fold, against κ")
    assert set(sweep["kind"]) == {"line", "point"}


def test_lesson_two_metrics_show_the_measured_steps_with_the_bound_labelled():
    at = open_page("pages/lesson_momentum.py", {"kappa": "100"})
    table = markdown_tables(at)[0].set_index("method")
    gd, hb = table.iloc[0], table.iloc[1]
    assert gd["measured steps"] == 691 and hb["measured steps"] == 92  # the bound for heavy ball is 69
    shown = {m.label: m for m in at.metric}
    gd_metric = next(m for label, m in shown.items() if label.startswith("GD"))
    hb_metric = next(m for label, m in shown.items() if label.startswith("Heavy ball"))
    ratio = next(m for label, m in shown.items() if label.startswith("Ratio"))
    assert gd_metric.value == "691" and hb_metric.value == "92"
    assert "measured" in gd_metric.label and "measured" in hb_metric.label and "measured" in ratio.label
    assert hb_metric.delta == "textbook bound: 69" and gd_metric.delta == "textbook bound: 691"
    assert ratio.value == f"{691 / 92:.3g}×" and ratio.delta == "textbook bound: 10×"


def test_lesson_two_kappa_slider_changes_the_numbers():
    at = open_page("pages/lesson_momentum.py", {"kappa": "1000"})
    table = markdown_tables(at)[0]
    assert table["textbook ρ"].iloc[0] == pytest.approx(999 / 1001, rel=1e-4)  # shown to 4 digits
    assert table["measured ρ"].iloc[0] == pytest.approx(999 / 1001, rel=0.05)
    at.select_slider(key="lesson_momentum:kappa").set_value(10.0).run()
    assert markdown_tables(at)[0]["textbook ρ"].iloc[0] == pytest.approx(9 / 11, rel=1e-4)
    assert at.query_params["kappa"] in ("10.0", ["10.0"])


def test_lesson_three_shows_the_edge_of_stability():
    at = open_page("pages/lesson_stability.py")
    assert not at.exception
    gd = _chart(at, "Sharpness along gradient descent's path, against 2/η")
    sharp = gd[gd["series"] == "sharpness λ_max(H)"]["value"].to_numpy()
    limit = gd[gd["series"] == "2/η"]["value"].to_numpy()
    assert limit[0] == pytest.approx(2 / 0.0025)
    assert sharp[0] > limit[0] and sharp[-300:].mean() == pytest.approx(limit[0], rel=0.05)
    adam = _chart(at, "Along Adam's path: raw and preconditioned sharpness")
    pre = adam[adam["series"] == "preconditioned sharpness"]["value"]
    raw = adam[adam["series"] == "raw sharpness λ_max(H)"]["value"]
    assert raw.max() > 2 / 0.05 and 0 < pre.max() < curvature.momentum_threshold(0.9)
    assert pre.iloc[-1] > 0.5 * curvature.momentum_threshold(0.9)  # it climbs towards the limit as v̂ shrinks


def test_lesson_three_story_and_note_name_the_same_divergence_step():
    import re

    at = open_page("pages/lesson_stability.py", {"fn": "quadratic", "lr": "0.52", "steps": "60"})
    assert not at.exception
    note = next(w.value for w in at.warning if "diverged" in w.value)
    noted = int(re.search(r"\*\*Gradient descent\*\* diverged at step (\d+)", note).group(1))
    story = " ".join(m.value for m in at.markdown)
    assert f"it diverged at step {noted}:" in story


def test_lesson_three_quadratic_has_constant_sharpness():
    at = open_page("pages/lesson_stability.py", {"fn": "quadratic", "lr": "0.45"})
    gd = _chart(at, "Sharpness along gradient descent's path, against 2/η")
    assert np.allclose(gd[gd["series"] == "sharpness λ_max(H)"]["value"], 4.0)
    assert "η < 2/4 = **0.5**" in " ".join(m.value for m in at.markdown)


@pytest.mark.parametrize("lesson", LESSON_FILES)
def test_every_try_it_link_opens_its_page_without_a_url_warning(lesson):
    links = page_links(open_page(lesson))
    assert len(links) >= 3
    for page, query in links:
        at = open_page(page, query)
        assert not at.exception, (page, query)
        assert not at.warning or all("diverged" in w.value for w in at.warning), (page, query, at.warning[0].value)
        for name, value in query.items():
            if name not in ("deck", "present"):
                assert at.query_params[name] in (value, [value]), (page, name)


def _rosenbrock_hessian(p: np.ndarray) -> np.ndarray:
    x, y = p[..., 0], p[..., 1]
    return np.stack(
        [
            np.stack([2 - 400 * (y - x * x) + 800 * x * x, -400 * x], -1),
            np.stack([-400 * x, np.full_like(x, 200.0)], -1),
        ],
        -2,
    )


def test_finite_difference_hessians_match_the_exact_ones():
    f = core.get_function("rosenbrock")
    pts = np.array([[-1.5, 2.5], [1.0, 1.0], [0.3, -0.2], [np.nan, 1.0]])
    H = curvature.hessians(f, pts)
    np.testing.assert_allclose(H[:3], _rosenbrock_hessian(pts[:3]), rtol=1e-6, atol=1e-4)
    assert np.isnan(H[3]).all()
    assert curvature.sharpness(f, np.array([1.0, 1.0])) == pytest.approx(501 + np.sqrt(501**2 - 400), rel=1e-7)
    q = core.get_function("conditioned_quadratic", condition=50.0, angle=30.0)
    np.testing.assert_allclose(curvature.eigenvalues(curvature.hessians(q, pts[:2])), [[1 / 50, 1.0]] * 2)


def test_adam_preconditioner_is_the_step_adam_took():
    """Δθ after update t+1 equals −P⁻¹ m̂ with P⁻¹ from row t+1: the pairing the lesson plots."""
    f = core.get_function("rosenbrock")
    opt = core.get_optimizer("adam", lr=0.05)
    run = core.simulate(f, opt, f.start, 30, record_state=True)
    inv = curvature.adam_inverse_preconditioner(run.state["exp_avg_sq"], 0.05, 0.999, 1e-8)
    t = np.arange(1, 31)[:, None]
    mhat = run.state["exp_avg"][1:] / (1 - 0.9**t)
    np.testing.assert_allclose(np.diff(run.points, axis=0), -inv[1:] * mhat, rtol=1e-9)
    H = np.diag([3.0, 100.0])
    assert curvature.preconditioned_sharpness(H, np.array([0.5, 0.01])) == pytest.approx(1.5)
    assert curvature.momentum_threshold(0.9) == pytest.approx(38.0)


def test_lesson_three_tells_its_two_nearly_equal_limits_apart():
    """2/η = 40 and Adam's momentum limit 38 lie a pixel apart: one dotted, one dashed, each named at its end."""
    at = open_page("pages/lesson_stability.py")
    spec = next(s for s, _ in charts(at) if s.get("title") == "Along Adam's path: raw and preconditioned sharpness")
    dash = next(layer["encoding"]["strokeDash"] for layer in spec["layer"] if "strokeDash" in layer.get("encoding", {}))
    patterns = dict(zip(dash["scale"]["domain"], dash["scale"]["range"], strict=True))
    assert patterns["2/η (what GD would need)"] != patterns["limit with momentum, 38"]
    notes = [
        layer["encoding"]["text"]["value"] for layer in spec["layer"] if layer.get("mark", {}).get("type") == "text"
    ]
    assert notes == ["2/η = 40", "(2 + 2β₁)/(1 − β₁) = 38"]
