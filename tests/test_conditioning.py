"""Conditioning lab: textbook rates in core.theory, checked against closed forms and real runs; the page."""

import math

import numpy as np
import pytest

import core
from core import theory
from tests.apptest_helpers import count, errors, image_ids, markdown_tables, open_page

KAPPAS = (10.0, 100.0)
ANGLES = (0.0, 20.0, 45.0, 75.0)
START = np.array([-4.0, 3.0])


def _distances(f, name, hp, steps, x0=START):
    r = core.simulate(f, core.get_optimizer(name, **hp), x0, steps)
    assert r.diverged_at < 0
    return np.hypot(r.points[..., 0], r.points[..., 1])


def _textbook(kappa):
    return (kappa - 1) / (kappa + 1), (math.sqrt(kappa) - 1) / (math.sqrt(kappa) + 1)


# --- closed forms --------------------------------------------------------------------------------


@pytest.mark.parametrize("kappa", (1.0, 2.0, 10.0, 100.0, 1000.0))
def test_optimal_rates_match_the_closed_forms(kappa):
    mu, L = 1.0 / kappa, 1.0
    rho_gd, rho_hb = _textbook(kappa)
    lr = theory.gd_optimal_lr(mu, L)
    assert lr == pytest.approx(2.0 / (1.0 + mu), rel=1e-15)
    assert theory.gd_rate(mu, L, lr) == pytest.approx(rho_gd, abs=1e-14)
    hb_lr, beta = theory.heavy_ball_optimal(mu, L)
    assert hb_lr == pytest.approx(4.0 / (1.0 + math.sqrt(mu)) ** 2, rel=1e-14)
    assert beta == pytest.approx(rho_hb**2, abs=1e-14)
    # The optimum is a double root: eigvals is accurate to ~sqrt(machine epsilon) there.
    assert theory.heavy_ball_rate(mu, L, hb_lr, beta) == pytest.approx(rho_hb, abs=1e-7)


def test_curvature_scale_does_not_matter():
    """Rates depend on κ only; the optimal steps scale as 1/L."""
    assert theory.gd_rate(0.5, 50.0, theory.gd_optimal_lr(0.5, 50.0)) == pytest.approx(_textbook(100)[0])
    lr, beta = theory.heavy_ball_optimal(0.5, 50.0)
    assert lr == pytest.approx(theory.heavy_ball_optimal(0.01, 1.0)[0] / 50)
    assert theory.heavy_ball_rate(0.5, 50.0, lr, beta) == pytest.approx(_textbook(100)[1], abs=1e-7)


def test_gd_rate_is_the_worst_eigen_direction():
    mu, L = 0.1, 1.0
    lrs = np.array([0.0, 0.5, 1.0, 2.0, 2.5])
    expected = [1.0, 0.95, 0.9, 1.0, 1.5]
    assert theory.gd_rate(mu, L, lrs) == pytest.approx(expected)
    # Any other step is worse than the optimum.
    grid = np.linspace(0.01, 2.5, 500)
    assert theory.gd_rate(mu, L, grid).min() >= theory.gd_rate(mu, L, theory.gd_optimal_lr(mu, L)) - 1e-12


def test_heavy_ball_rate_reduces_to_gd_and_matches_the_companion_roots():
    mu, L = 0.02, 1.0
    for lr in (0.3, 1.0, 1.9):
        assert theory.heavy_ball_rate(mu, L, lr, 0.0) == pytest.approx(theory.gd_rate(mu, L, lr), abs=1e-12)
    for lr, beta in ((1.0, 0.9), (0.5, 0.3), (3.0, 0.6), (4.0, 0.99)):
        roots = [np.roots([1.0, -(1 + beta - lr * lam), beta]) for lam in (mu, L)]
        assert theory.heavy_ball_rate(mu, L, lr, beta) == pytest.approx(max(np.abs(r).max() for r in roots), rel=1e-9)
    # Complex roots (under-damped): the modulus is sqrt(beta).
    assert theory.heavy_ball_rate(mu, L, 1.0, 0.9) == pytest.approx(math.sqrt(0.9), rel=1e-12)
    # Broadcasting over arrays of settings.
    out = theory.heavy_ball_rate(mu, L, np.array([1.0, 0.5]), np.array([[0.9], [0.3]]))
    assert out.shape == (2, 2)


def test_optimal_heavy_ball_beats_every_nearby_setting():
    mu, L = 0.01, 1.0
    lr, beta = theory.heavy_ball_optimal(mu, L)
    best = theory.heavy_ball_rate(mu, L, lr, beta)
    lrs, betas = np.meshgrid(lr * np.linspace(0.8, 1.2, 21), np.clip(beta + np.linspace(-0.1, 0.1, 21), 0, 0.999))
    assert theory.heavy_ball_rate(mu, L, lrs, betas).min() >= best - 1e-6


def test_invalid_curvature_is_rejected():
    for mu, L in ((0.0, 1.0), (2.0, 1.0), (-1.0, 1.0), (float("nan"), 1.0)):
        with pytest.raises(ValueError):
            theory.gd_optimal_lr(mu, L)


# --- measured rate -------------------------------------------------------------------------------


def test_measured_rate_of_a_geometric_sequence_is_exact():
    d = 3.0 * 0.9 ** np.arange(200)
    assert theory.measured_rate(d) == pytest.approx(0.9, rel=1e-12)
    assert theory.measured_rate(d, tail=0.1) == pytest.approx(0.9, rel=1e-12)


def test_measured_rate_is_robust_to_zeros_and_non_finite_values():
    d = np.concatenate([2.0 * 0.5 ** np.arange(30), [0.0, 0.0, 0.0]])
    assert theory.measured_rate(d) == pytest.approx(0.5, rel=1e-12)
    assert theory.measured_rate([4.0, 0.0, 0.0]) == 0.0
    blown = np.concatenate([1.5 ** np.arange(20), [np.inf, np.nan]])
    assert theory.measured_rate(blown) == pytest.approx(1.5, rel=1e-12)
    assert theory.measured_rate([1.0, np.nan]) == math.inf
    assert math.isnan(theory.measured_rate([0.0, 0.0]))
    assert math.isnan(theory.measured_rate([1.0]))
    assert math.isnan(theory.measured_rate([]))


def test_measured_rate_sees_through_oscillation():
    t = np.arange(300)
    d = 0.8**t * (1.2 + np.cos(2.0 * t))  # envelope 0.8^t, wobbling by a factor 11
    assert theory.measured_rate(d) == pytest.approx(0.8, rel=0.01)


def test_steps_to_shrink():
    assert theory.steps_to_shrink(0.1, 1e-6) == 6
    assert theory.steps_to_shrink(0.5, 0.25) == 2
    assert theory.steps_to_shrink(1.0) == math.inf
    assert theory.steps_to_shrink(0.0) == 1


# --- theory against core.simulate ----------------------------------------------------------------


@pytest.mark.parametrize("kappa", KAPPAS)
@pytest.mark.parametrize("angle", ANGLES)
def test_gd_at_its_optimum_converges_at_the_textbook_rate(kappa, angle):
    f = core.get_function("conditioned_quadratic", condition=kappa, angle=angle)
    mu, L = f.curvature
    d = _distances(f, "gd", {"lr": theory.gd_optimal_lr(mu, L)}, 300)
    rho = _textbook(kappa)[0]
    assert theory.measured_rate(d) == pytest.approx(rho, rel=1e-6)
    # Both eigen-components shrink by exactly rho at the optimum: the distance is d0 * rho^t.
    assert d[-1] == pytest.approx(d[0] * rho**300, rel=1e-6)


@pytest.mark.parametrize("kappa", KAPPAS)
@pytest.mark.parametrize("angle", ANGLES)
def test_heavy_ball_at_its_optimum_converges_at_the_textbook_rate(kappa, angle):
    f = core.get_function("conditioned_quadratic", condition=kappa, angle=angle)
    lr, beta = theory.heavy_ball_optimal(*f.curvature)
    d = _distances(f, "momentum", {"lr": lr, "momentum": beta}, 300)
    rho = _textbook(kappa)[1]
    # The double root makes the distance decay like t * rho^t: a little slower over a finite tail.
    assert theory.measured_rate(d) == pytest.approx(rho, rel=0.02)
    assert theory.measured_rate(d) >= rho * (1 - 1e-6)


@pytest.mark.parametrize("kappa", KAPPAS)
@pytest.mark.parametrize(
    "name, hp",
    [
        ("gd", {"lr": 0.5}),
        ("gd", {"lr": 1.9}),
        ("gd", {"lr": 1.0}),
        ("momentum", {"lr": 1.0, "momentum": 0.9}),
        ("momentum", {"lr": 0.5, "momentum": 0.5}),
    ],
)
def test_measured_rate_matches_theory_for_other_settings(kappa, name, hp):
    f = core.get_function("conditioned_quadratic", condition=kappa, angle=30.0)
    mu, L = f.curvature
    d = _distances(f, name, hp, 500)
    expected = (
        theory.gd_rate(mu, L, hp["lr"]) if name == "gd" else theory.heavy_ball_rate(mu, L, hp["lr"], hp["momentum"])
    )
    assert theory.measured_rate(d) == pytest.approx(expected, rel=0.03)


@pytest.mark.parametrize("kappa", KAPPAS)
def test_gd_and_heavy_ball_are_rotation_invariant_but_adam_is_not(kappa):
    """With the start rotated along with the valley, GD and heavy ball trace the same distance curve."""
    angles = np.array([0.0, 15.0, 45.0, 80.0])
    starts = theory.rotate_start(START, 0.0, angles)
    curves = {}
    for name, hp in (("gd", {"lr": 1.0}), ("momentum", {"lr": 1.0, "momentum": 0.8}), ("adam", {"lr": 0.3})):
        curves[name] = [
            _distances(core.get_function("conditioned_quadratic", condition=kappa, angle=a), name, hp, 200, x0)
            for a, x0 in zip(angles, starts, strict=False)
        ]
    for name in ("gd", "momentum"):
        for c in curves[name][1:]:
            np.testing.assert_allclose(c, curves[name][0], rtol=1e-9, atol=1e-300)
    assert not np.allclose(curves["adam"][2], curves["adam"][0], rtol=1e-3)


def test_rotated_family_matches_one_function_per_angle():
    angles = np.array([0.0, 30.0, 60.0, 90.0])
    family = theory.rotated_quadratics(50.0, angles)
    starts = theory.rotate_start(START, 30.0, angles)
    batched = core.simulate(family, core.get_optimizer("adam", lr=0.3), starts, 100)
    for i, a in enumerate(angles):
        f = core.get_function("conditioned_quadratic", condition=50.0, angle=a)
        single = core.simulate(f, core.get_optimizer("adam", lr=0.3), starts[i], 100)
        np.testing.assert_allclose(batched.points[:, i], single.points, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(batched.values[:, i], single.values, rtol=1e-12, atol=1e-300)
        # The rotated start is the same point of the valley: same f.
        assert f.value(starts[i]) == pytest.approx(
            core.get_function("conditioned_quadratic", condition=50.0, angle=30.0).value(START)
        )


def test_diagonal_methods_are_kappa_blind_on_an_axis_aligned_valley_only():
    """At angle 0 Adam's distance curve is the same for κ = 10 and 100 (up to ε); at 45° κ hurts."""

    def final(kappa, angle):
        f = core.get_function("conditioned_quadratic", condition=kappa, angle=angle)
        return _distances(f, "adam", {"lr": 0.3}, 300)[-1]

    assert final(100.0, 0.0) == pytest.approx(final(10.0, 0.0), rel=1e-3)
    assert final(100.0, 45.0) > 100 * final(10.0, 45.0)


# --- the page ------------------------------------------------------------------------------------

PAGE = "pages/conditioning.py"


def test_page_renders_chart_image_tables_and_formulas():
    at = open_page(PAGE)
    assert not at.exception, at.exception
    assert not errors(at)
    assert count(at, "vega_lite_chart") >= 1
    assert count(at, "image") >= 1
    assert len(at.latex) >= 2
    table, sweep = markdown_tables(at)[0], markdown_tables(at)[1]
    assert list(table["method"]) == ["GD", "Heavy ball", "Adagrad", "RMSprop", "Adam"]
    assert len(set(sweep.loc[sweep["method"] == "GD"].iloc[0, 1:])) == 1  # rotation-invariant row


def test_changing_kappa_changes_the_drawing():
    at = open_page(PAGE)
    before = image_ids(at)
    at.select_slider(key="conditioning:kappa").set_value(500.0).run()
    assert not at.exception
    assert image_ids(at) != before
    assert at.query_params["kappa"] in ("500.0", ["500.0"])


def test_optimal_button_sets_the_optimal_hyperparameters():
    at = open_page(PAGE, {"kappa": "100"})
    at.button[0].click().run()
    assert not at.exception, at.exception
    mu, L = 0.01, 1.0
    state = at.session_state
    assert state["conditioning:gd_lr"] == pytest.approx(2.0 / (L + mu), rel=1e-15)
    lr, beta = theory.heavy_ball_optimal(mu, L)
    assert state["conditioning:hb_lr"] == pytest.approx(lr, rel=1e-15)
    assert state["conditioning:hb_mom"] == pytest.approx(beta, rel=1e-15)
    table = markdown_tables(at)[0].set_index("method")
    assert float(table.loc["GD", "theory ρ"]) == pytest.approx(99 / 101, abs=1e-4)
    assert float(table.loc["GD", "measured ρ"]) == pytest.approx(99 / 101, abs=1e-4)


def test_url_restores_settings_and_rejects_bad_values():
    at = open_page(PAGE, {"kappa": "200", "angle": "45", "gd_lr": "1.5", "hb_mom": "7", "steps": "60"})
    assert not at.exception
    state = at.session_state
    assert state["conditioning:kappa"] == 200.0 and state["conditioning:angle"] == 45.0
    assert state["conditioning:gd_lr"] == 1.5 and state["conditioning:steps"] == 60
    assert state["conditioning:hb_mom"] == 0.9
    assert at.warning and "**hb\\_mom** =" in at.warning[0].value


def test_diverging_gd_is_a_message():
    at = open_page(PAGE, {"gd_lr": "2.4"})
    assert not at.exception
    assert not errors(at) and any("diverged at step" in w.value for w in at.warning)
