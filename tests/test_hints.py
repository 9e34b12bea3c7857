"""Every optimizer page's "Try this" hint, applied with ``core.simulate`` from the page's own defaults.

A page starts from ``{**spec.defaults, **spec.demo}`` on the quadratic 0.1x² + 2y², at (−4, −6), for 50
steps; each test changes what its hint says to change and measures the effect the hint promises.
"""

import numpy as np
import pytest

import core
from core import metrics

QUAD = core.get_function("quadratic")
START = (-4.0, -6.0)
STEPS = 50


def run(name: str, steps: int = STEPS, **changes) -> core.Trajectory:
    """The page's run of ``name`` with ``changes`` applied to its default hyperparameters."""
    spec = core.get_spec(name)
    opt = core.get_optimizer(name, **{**spec.defaults, **spec.demo, **changes})
    return core.simulate(QUAD, opt, START, steps, record_state=True)


def steps_to_tol(r: core.Trajectory) -> int:
    """First step with f − f* ≤ 1e-3 (the pages' tolerance), or -1."""
    return metrics.summary(QUAD, r)["steps_to_tol"]


def test_every_optimizer_has_a_hint_test():
    tested = {name.removeprefix("test_") for name in globals() if name.startswith("test_")}
    assert set(core.OPTIMIZERS) <= tested


def test_gd():
    """lr above 2/L = 0.5 makes y grow; just below it y shrinks."""
    assert abs(run("gd", lr=0.55).points[-1, 1]) > 6
    assert abs(run("gd", lr=0.45).points[-1, 1]) < 1e-3


def test_momentum():
    """Momentum 0 is exactly gradient descent; momentum 0.95 overshoots x's minimum, which 0.5 never does."""
    np.testing.assert_array_equal(run("momentum", momentum=0.0).points, run("gd").points)
    crossings = lambda r: int(np.sum(np.diff(np.sign(r.points[:, 0])) != 0))
    assert crossings(run("momentum")) == 0
    assert crossings(run("momentum", momentum=0.95)) >= 3


def test_nesterov():
    """At momentum 0.5 Nesterov diverges from lr 0.375 on (0.4 is Momentum's default), heavy ball only from 0.75."""
    assert core.get_spec("momentum").demo["lr"] == 0.4
    grows = lambda name, lr: abs(run(name, lr=lr).points[-1, 1]) > 6
    assert grows("nesterov", 0.4) and not grows("nesterov", 0.35)
    assert grows("momentum", 0.8) and not grows("momentum", 0.7)


def test_adagrad():
    """At lr 0.4 f is still about 7 after 50 steps; at lr 2 it reaches the tolerance in 20 steps."""
    slow = run("adagrad")
    assert slow.values[-1] == pytest.approx(7, abs=0.5) and steps_to_tol(slow) == -1
    assert steps_to_tol(run("adagrad", lr=2.0)) == 20


def test_rmsprop():
    """The first step is lr/√(1−α) = 3.2·lr; at α = 0.5 the first 10 steps are 0.6–1.4·lr per coordinate."""
    first = np.abs(run("rmsprop").points[1] - START) / 0.4
    np.testing.assert_allclose(first, 1 / np.sqrt(0.1), rtol=1e-6)
    steps = np.abs(np.diff(run("rmsprop", alpha=0.5).points[:11], axis=0)) / 0.4
    assert steps.min() >= 0.6 and steps.max() <= 1.42


def test_adam():
    """β₁ = 0.9 swings past the minimum to x ≈ 1.1 and ends at f ≈ 0.19; β₁ = 0.5 reaches the tolerance in 37."""
    default = run("adam")
    assert default.points[:, 0].max() == pytest.approx(1.1, abs=0.05)
    assert default.values[-1] == pytest.approx(0.19, abs=0.01) and steps_to_tol(default) == -1
    calm = run("adam", betas=(0.5, 0.999))
    assert calm.points[:, 0].max() < 0.01 and steps_to_tol(calm) == 37


def test_adamw():
    """Decoupled decay 0.3 reaches the tolerance in 44 steps; Adam's coupled 0.3 leaves its run unchanged."""
    assert steps_to_tol(run("adamw")) == -1
    assert steps_to_tol(run("adamw", weight_decay=0.3)) == 44
    np.testing.assert_allclose(run("adam", weight_decay=0.3).points, run("adam").points, atol=1e-6)


def test_nadam():
    """Adam overshoots to x ≈ 1.1, NAdam to x ≈ 0.27, and NAdam's final f is about 10 times lower."""
    adam, nadam = run("adam"), run("nadam")
    assert adam.points[:, 0].max() == pytest.approx(1.1, abs=0.05)
    assert nadam.points[:, 0].max() == pytest.approx(0.27, abs=0.02)
    assert 8 < adam.values[-1] / nadam.values[-1] < 15


def test_radam():
    """Steps 1–5 are −lr·m̂ (momentum SGD); step 6 is not, because the adaptive rule takes over."""
    r = run("radam")
    t = np.arange(1, STEPS + 1)[:, None]
    sgd_step = -0.1 * r.state["exp_avg"][1:] / (1 - 0.9**t)
    np.testing.assert_allclose(np.diff(r.points, axis=0)[:5], sgd_step[:5], rtol=1e-12)
    assert not np.allclose(np.diff(r.points, axis=0)[5], sgd_step[5], rtol=0.5)


def test_adamax():
    """u_y starts at |g_y| = 24 and is still ≈ 23 after 50 steps while |g_y| ≈ 1; at β₂ = 0.9 it tracks |g_y|."""
    slow = run("adamax")
    u, g = slow.state["exp_inf"][:, 1], np.abs(QUAD.grad(slow.points)[:, 1])
    assert u[1] == pytest.approx(24) and u[-1] == pytest.approx(23, abs=0.5) and g[-1] == pytest.approx(1, abs=0.5)
    fast = run("adamax", betas=(0.9, 0.9))
    u, g = fast.state["exp_inf"][:, 1], np.abs(QUAD.grad(fast.points)[:, 1])
    assert u[-1] < 1.5 * g[-1]


def test_adadelta():
    """eps 1e-6 makes the first step 100 times smaller and the 50-step journey about 0.3 long instead of 7."""
    moved = lambda r: float(np.linalg.norm(r.points[-1] - r.points[0]))
    default, small = run("adadelta"), run("adadelta", eps=1e-6)
    ratio = np.abs(default.points[1] - START) / np.abs(small.points[1] - START)
    assert np.all((ratio > 90) & (ratio < 110))
    assert moved(small) == pytest.approx(0.3, abs=0.1) and moved(default) == pytest.approx(7, abs=0.5)


def test_rprop():
    """etas (0.5, 2): x's step doubles 0.1 → 3.2, overshoots to 2.3, halves at the flip; f ≈ 3.4 against 1e-8."""
    r = run("rprop", etas=(0.5, 2.0))
    size, x = r.state["step_size"][:, 0], r.points[:, 0]
    np.testing.assert_allclose(size[1:8], [0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 1.6])
    assert x.max() == pytest.approx(2.3)
    assert r.values[-1] == pytest.approx(3.4, abs=0.1)
    assert run("rprop").values[-1] < 1e-7


def test_lion():
    """At lr 0.1 y needs 60 steps to reach 0; with 200 steps Lion overshoots to x ≈ 2.4, then rattles in the ±0.1 box."""

    def boxed(lr: float, steps: int) -> bool:
        r = run("lion", steps, lr=lr)
        last = r.points[-20:]
        moves = np.abs(np.diff(last, axis=0))
        return bool(np.all(np.abs(last) <= lr + 1e-12) and np.allclose(moves, lr))

    slow = run("lion", 200, lr=0.1)
    assert int(np.argmax(slow.points[:, 1] >= -1e-9)) == 60
    assert slow.points[:, 0].max() == pytest.approx(2.4)
    assert not boxed(0.1, STEPS)  # why the hint asks for more steps
    assert boxed(0.1, 200)


def test_schedulefree_adamw():
    """warmup_steps 20: a first step 20 times shorter, a smaller swing past the minimum, a lower end."""
    plain, warm = run("schedulefree_adamw"), run("schedulefree_adamw", warmup_steps=20)
    first = lambda r: np.linalg.norm(r.points[1] - r.points[0])
    assert first(plain) / first(warm) == pytest.approx(20, rel=1e-6)
    assert plain.points[:, 0].max() == pytest.approx(0.38, abs=0.005)
    assert warm.points[:, 0].max() == pytest.approx(0.26, abs=0.005)
    assert plain.values[-1] == pytest.approx(0.36, abs=0.005) and warm.values[-1] == pytest.approx(0.07, abs=0.005)


def test_schedulefree_sgd():
    """At step 50 the averaged point x beats the path's y; at momentum 0.5 y gets closer but x lags at −0.5."""
    r = run("schedulefree_sgd")
    np.testing.assert_allclose(r.state["x"][-1], (-0.02, -0.001), atol=0.005)
    np.testing.assert_allclose(r.points[-1], (0.10, -0.003), atol=0.005)
    assert np.linalg.norm(r.state["x"][-1]) < np.linalg.norm(r.points[-1])
    low = run("schedulefree_sgd", momentum=0.5)
    np.testing.assert_allclose(low.points[-1], (0.01, 0.0), atol=0.005)
    np.testing.assert_allclose(low.state["x"][-1], (-0.50, 0.0), atol=0.005)


def test_prodigy():
    """d grows ~2.6× a step from 1e-6, passes 1 at step 16, stops at 2.74; from d0 = 1e-3 it passes 1 at step 9."""
    d = run("prodigy").state["d"][:, 0]
    assert d[0] == 1e-6 and np.all(np.diff(d) >= 0)
    assert d[12] / d[11] == pytest.approx(2.6, abs=0.05)
    assert int(np.argmax(d >= 1)) == 16 and d[-1] == pytest.approx(2.74, abs=0.005)
    assert np.linalg.norm(START) == pytest.approx(7.2, abs=0.05)
    assert int(np.argmax(run("prodigy", d0=1e-3).state["d"][:, 0] >= 1)) == 9


def test_ademamix():
    """α = 0 is Adam; β₃ = 0.99 swings to x ≈ 1.9 (1.1 at the default) and ends at f ≈ 1.45 (0.17)."""
    np.testing.assert_allclose(run("ademamix", alpha=0.0).points, run("adam").points, rtol=1e-12)
    default, fast = run("ademamix"), run("ademamix", betas=(0.9, 0.999, 0.99))
    assert default.points[:, 0].max() == pytest.approx(1.1, abs=0.05)
    assert default.values[-1] == pytest.approx(0.17, abs=0.01)
    assert fast.points[:, 0].max() == pytest.approx(1.9, abs=0.05)
    assert fast.values[-1] == pytest.approx(1.45, abs=0.05)


def test_adopt():
    """Step 1 stays put, step 2 is 0.1·lr per coordinate; β₂ = 0.5 reaches the tolerance in 44 steps, 0.9999 not in 50."""
    default = run("adopt")
    np.testing.assert_array_equal(default.points[1], START)
    np.testing.assert_allclose(np.abs(default.points[2] - default.points[1]), 0.1 * 0.4, rtol=1e-9)
    assert steps_to_tol(default) == -1
    assert steps_to_tol(run("adopt", betas=(0.9, 0.5))) == 44


def test_adan():
    """β₁ = 0.9 instead of 0.98: the swing past the minimum shrinks from x ≈ 1.7 to 0.85, f from about 2 to 0.12."""
    default, short = run("adan"), run("adan", betas=(0.9, 0.92, 0.99))
    assert default.points[:, 0].max() == pytest.approx(1.7, abs=0.05)
    assert default.values[-1] == pytest.approx(2.0, abs=0.1)
    assert short.points[:, 0].max() == pytest.approx(0.85, abs=0.05)
    assert short.values[-1] == pytest.approx(0.12, abs=0.01)
