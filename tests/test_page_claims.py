"""Every optimizer page's own text (``intuition``) holds for the run the page shows when it opens.

A page opens on the quadratic 0.1x² + 2y² at its start (−4, −6), for 50 steps, with the optimizer's
starting hyperparameters there (``core.defaults.landscape_hyperparameters``: torch's defaults with the
demo values). Each test measures, on that run, what the page's text says the optimizer does.
"""

import numpy as np
import pytest

import core
from core import metrics
from core.defaults import landscape_hyperparameters

QUAD = core.get_function("quadratic")
START = np.array(QUAD.start)
STEPS = 50  # ui.controls.setup's default


def page_hp(name: str) -> dict:
    return landscape_hyperparameters("quadratic", name)


def run(name: str, steps: int = STEPS, **changes) -> core.Trajectory:
    """The page's default run of ``name`` (with ``changes`` to its hyperparameters, for comparisons)."""
    return core.simulate(
        QUAD, core.get_optimizer(name, **{**page_hp(name), **changes}), START, steps, record_state=True
    )


def moves(r: core.Trajectory) -> np.ndarray:
    """|Δθ| per step and coordinate, ``(steps, 2)``."""
    return np.abs(np.diff(r.points, axis=0))


def steps_to_tol(r: core.Trajectory) -> int:
    return metrics.summary(QUAD, r)["steps_to_tol"]


def sign_changes(values: np.ndarray) -> int:
    return int(np.sum(np.diff(np.sign(values)) != 0))


def test_the_page_defaults_are_the_ones_these_tests_use():
    assert tuple(START) == (-4.0, -6.0) and QUAD.name == "quadratic"


def test_every_optimizer_page_has_a_claim_test():
    tests = [n for n in globals() if n.startswith("test_")]
    assert all(any(n.startswith(f"test_{name}_") for n in tests) for name in core.OPTIMIZERS)


def test_gd_zig_zags_across_the_valley_and_crawls_along_it():
    r = run("gd")
    y, x = r.points[:11, 1], r.points[:11, 0]
    assert np.all(np.sign(y[1:]) == -np.sign(y[:-1])), "y flips sign at every step"
    assert np.all(np.diff(x) > 0) and x[10] < -1.5 and abs(y[10]) < 0.05, "x has crawled less than 2.5 of 4"


def test_momentum_accelerates_along_the_valley_and_turns_back_across_it_less_often():
    hp = page_hp("momentum")
    heavy, gd = run("momentum"), core.simulate(QUAD, core.get_optimizer("gd", lr=hp["lr"]), START, STEPS)
    assert abs(heavy.points[10, 0]) < 0.5 * abs(gd.points[10, 0])
    assert sign_changes(heavy.points[:21, 1]) < 0.6 * sign_changes(gd.points[:21, 1])
    assert steps_to_tol(heavy) < steps_to_tol(gd)


def test_nesterov_settles_faster_than_heavy_ball_after_a_larger_first_step():
    hp = page_hp("nesterov")
    nesterov = run("nesterov")
    heavy = core.simulate(QUAD, core.get_optimizer("momentum", lr=hp["lr"], momentum=hp["momentum"]), START, STEPS)
    first = -(1 + hp["momentum"]) * hp["lr"] * QUAD.grad(START)
    np.testing.assert_allclose(nesterov.points[1] - START, first, rtol=1e-12)
    assert np.abs(nesterov.points[5:, 1]).max() < np.abs(heavy.points[5:, 1]).max()


def test_adagrad_makes_the_valley_round_then_its_steps_keep_shrinking_and_it_stalls():
    r, lr = run("adagrad"), page_hp("adagrad")["lr"]
    step = moves(r)
    np.testing.assert_allclose(step[0], [lr, lr], rtol=1e-6)  # gradients 1.6 and 24: the same first step
    assert np.all(np.diff(step, axis=0) < 0)
    assert steps_to_tol(r) == -1 and r.values[-1] > 1


def test_rmsprop_steps_are_per_coordinate_and_do_not_shrink_forever():
    hp = page_hp("rmsprop")
    r = run("rmsprop")
    np.testing.assert_allclose(moves(r)[0], hp["lr"] / np.sqrt(1 - hp["alpha"]), rtol=1e-6)
    adagrad = core.simulate(QUAD, core.get_optimizer("adagrad", lr=hp["lr"]), START, STEPS)
    assert steps_to_tol(adagrad) == -1 and 0 < steps_to_tol(r) <= STEPS


def test_adam_crosses_the_flat_direction_fast_then_swings_past():
    """About lr per coordinate per step: x crosses 0 by step 12, where GD (same lr) is still below −1.4;
    momentum then carries it past the minimum, and GD reaches the tolerance first."""
    lr = page_hp("adam")["lr"]
    adam, gd = run("adam"), core.simulate(QUAD, core.get_optimizer("gd", lr=lr), START, STEPS)
    assert np.all((moves(adam)[:5] > 0.95 * lr) & (moves(adam)[:5] <= lr * (1 + 1e-9)))
    crossed = int(np.argmax(adam.points[:, 0] >= 0))
    assert 0 < crossed <= 12 and gd.points[crossed, 0] < -1.4
    assert adam.points[:, 0].max() > 0.5
    assert 0 < steps_to_tol(gd) <= STEPS and steps_to_tol(adam) == -1


def test_adamw_shrinks_the_weights_apart_from_adams_scaling():
    hp = page_hp("adamw")
    r = run("adamw")
    plain = core.simulate(QUAD, core.get_optimizer("adam", lr=hp["lr"], betas=hp["betas"], eps=hp["eps"]), START, 1)
    shrunk = (1 - hp["lr"] * hp["weight_decay"]) * START + (plain.points[1] - START)
    assert hp["weight_decay"] > 0
    np.testing.assert_allclose(r.points[1], shrunk, rtol=1e-12)


def test_nadam_momentum_warms_up_slowly_so_it_swings_past_less_than_adam():
    hp = page_hp("nadam")
    beta1, psi = hp["betas"][0], hp["momentum_decay"]
    mu = lambda t: beta1 * (1 - 0.5 * 0.96 ** (t * psi))  # torch's momentum schedule
    assert mu(1) == pytest.approx(beta1 / 2, rel=0.01) and mu(STEPS) < 0.51 * beta1 and mu(2000) < 0.7 * beta1
    same = {k: hp[k] for k in ("lr", "betas", "eps")}
    nadam, adam = run("nadam"), core.simulate(QUAD, core.get_optimizer("adam", **same), START, STEPS)
    assert 0 < nadam.points[:, 0].max() < adam.points[:, 0].max() / 3


def test_radam_takes_sgd_steps_then_warms_up_its_adaptive_steps():
    lr = page_hp("radam")["lr"]
    r = run("radam")
    np.testing.assert_allclose(r.points[1] - START, -lr * QUAD.grad(START), rtol=1e-12)  # lr·m̂₁ = lr·g
    step = moves(r)
    assert step[0, 1] > 20 * lr, "as large as the gradient (24 in y)"
    adaptive = step[5:20, 0]  # from step 6 on, ρₜ > 5
    assert adaptive[0] < lr / 10 and np.all(np.diff(adaptive) > 0) and adaptive[-1] > 2 * adaptive[0]


def test_adamax_steps_never_exceed_lr_and_one_gradient_sets_the_scale():
    lr = page_hp("adamax")["lr"]
    r = run("adamax")
    assert np.all(moves(r) <= lr * (1 + 1e-9))
    u = r.state["exp_inf"][1:, 1]
    assert np.all(u >= 0.9 * u[0]), "the first |g_y| = 24 still sets the scale at step 50"


def test_adadelta_first_steps_are_set_by_eps():
    hp = page_hp("adadelta")
    first = moves(run("adadelta"))[0]
    np.testing.assert_allclose(first, np.sqrt(hp["eps"] / (1 - hp["rho"])), rtol=0.1)
    assert np.all(moves(run("adadelta", eps=1e-6))[0] < 0.01), "torch's ε starts very slowly"


def test_rprop_step_grows_while_the_sign_holds_and_shrinks_when_it_flips():
    hp = page_hp("rprop")
    eta_minus, eta_plus = hp["etas"]
    r = run("rprop")
    size, g = r.state["step_size"][:, 0], np.sign(QUAD.grad(r.points)[:, 0])
    flip = int(np.argmax(g[1:] != g[:-1])) + 1  # the first point where x's gradient changed sign
    assert flip > 3
    np.testing.assert_allclose(size[2 : flip + 1] / size[1:flip], eta_plus)
    assert size[flip + 1] == pytest.approx(eta_minus * size[flip])
    assert 0 < steps_to_tol(r) <= STEPS


def test_lion_moves_exactly_lr_and_rattles_around_the_minimum():
    lr = page_hp("lion")["lr"]
    r = run("lion")
    np.testing.assert_allclose(moves(r), lr, rtol=1e-9)
    assert np.abs(r.points[:, 1]).min() < lr, "reaches y = 0's neighbourhood"
    last = r.points[-10:]
    assert np.all(np.abs(last) <= 2 * lr), "within a step or two of the minimum in each coordinate"
    assert all(sign_changes(np.diff(c)) >= 5 for c in last.T), "back and forth, never settling"
    assert np.all(QUAD.value(last) > 1e-3), "never on it"


def _mean_of_z_and_gradient_point(name: str, beta: float) -> core.Trajectory:
    """The page's run, after checking x = mean(z₁ … zₜ) and y = (1 − β)·z + β·x at every step."""
    r = run(name)
    z, x = r.state["z"], r.state["x"]
    mean = np.cumsum(z[1:], axis=0) / np.arange(1, STEPS + 1)[:, None]
    np.testing.assert_allclose(x[1:], mean, atol=1e-12)
    np.testing.assert_allclose(r.points, (1 - beta) * z + beta * x, atol=1e-12)
    return r


def test_schedulefree_adamw_evaluates_the_mean_of_its_iterates_and_takes_gradients_between():
    hp = page_hp("schedulefree_adamw")
    assert hp["warmup_steps"] == 0 and hp["r"] == 0
    _mean_of_z_and_gradient_point("schedulefree_adamw", hp["betas"][0])


def test_schedulefree_sgd_averages_away_the_zig_zag_of_gradient_descent_on_z():
    hp = page_hp("schedulefree_sgd")
    r = _mean_of_z_and_gradient_point("schedulefree_sgd", hp["momentum"])
    z, x = r.state["z"][2:, 1], r.state["x"][2:, 1]  # the steep direction, after the first two steps
    assert sign_changes(z) >= 4 and np.abs(x).max() < 0.5 * np.abs(z).max()
    g = np.array([QUAD.grad(p) for p in r.points[:-1]])  # z moves by plain gradient steps, with the gradient taken at y
    np.testing.assert_allclose(np.diff(r.state["z"], axis=0), -hp["lr"] * g, atol=1e-12)


def test_prodigy_learns_its_step_size_from_a_tiny_start_and_never_shrinks_it():
    hp = page_hp("prodigy")
    assert hp["lr"] == 1.0 and hp["d0"] == 1e-6
    d = run("prodigy").state["d"][:, 0]
    assert d[0] == 1e-6 and np.all(np.diff(d) >= 0) and d[-1] > 1e5 * d[0]
    assert np.all(np.ptp(run("prodigy").state["d"], axis=-1) == 0)  # one d per run, shared by both coordinates


def test_ademamix_slow_momentum_builds_up_slowly_so_a_short_run_is_adams():
    """β₃ = 0.9999: after 50 steps m₂ holds under 1 % of the gradients' sum, so even weighted α = 5 the path
    stays within 0.05 of Adam's; with β₃ = 0.99 it fills and the path leaves Adam's."""
    r, adam = run("ademamix"), run("adam")
    grads = QUAD.grad(r.points[:-1])
    filled = np.abs(r.state["exp_avg_slow"][-1]) / np.abs(grads.sum(axis=0))
    assert np.all(filled < 0.01)
    assert np.abs(r.points - adam.points).max() < 0.05
    assert np.abs(run("ademamix", betas=(0.9, 0.999, 0.99)).points - adam.points).max() > 0.5


def test_adopt_first_step_only_measures_and_normalised_gradients_are_clipped():
    """Step 1 leaves θ where it is; from step 2 m averages gradients divided by the previous √v, clipped to t^¼."""
    r = run("adopt")
    np.testing.assert_array_equal(r.points[1], START)
    m = r.state["exp_avg"]
    clip = np.arange(len(m))[:, None] ** 0.25
    assert np.all(np.abs(m[2:]) <= clip[2:] * (1 + 1e-12))
    assert np.all(moves(r)[1:] <= page_hp("adopt")["lr"] * clip[2:] * (1 + 1e-12))


def test_adan_keeps_a_momentum_of_gradient_differences():
    """The second momentum is the running average of g_t − g_{t−1} (0 at the first step), rate 1 − β₂."""
    r = run("adan")
    beta2 = page_hp("adan")["betas"][1]
    grads = QUAD.grad(r.points[:-1])
    diffs = np.vstack([np.zeros((1, 2)), np.diff(grads, axis=0)])
    want = np.zeros(2)
    for t, d in enumerate(diffs, start=1):
        want = want + (1 - beta2) * (d - want)
        np.testing.assert_allclose(r.state["exp_avg_diff"][t], want, rtol=1e-9, atol=1e-12)
    assert np.abs(r.state["exp_avg_diff"][-1]).max() > 0
