"""Tests for the objective catalogue: gradients against finite differences, minima, shapes and the registry."""

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from core.functions import (
    FUNCTIONS,
    Objective,
    get_function,
    list_functions,
    make_conditioned_quadratic,
)

EXTRA_QUADRATICS = {
    "cq_k100_a30": make_conditioned_quadratic(100.0, 30.0),
    "cq_k1_a0": make_conditioned_quadratic(1.0, 0.0),
    "cq_k1000_a-45": make_conditioned_quadratic(1000.0, -45.0),
}
ALL_OBJECTIVES = {**FUNCTIONS, **EXTRA_QUADRATICS}
IDS = list(ALL_OBJECTIVES)

unit = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)


def _box_point(obj: Objective, tx: float, ty: float) -> np.ndarray:
    xmin, xmax, ymin, ymax = obj.box
    return np.array([xmin + tx * (xmax - xmin), ymin + ty * (ymax - ymin)])


def _random_box_points(obj: Objective, n: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    xmin, xmax, ymin, ymax = obj.box
    return np.column_stack([rng.uniform(xmin, xmax, n), rng.uniform(ymin, ymax, n)])


def _fd_grad(obj: Objective, p: np.ndarray, h: float = 1e-6) -> np.ndarray:
    ex, ey = np.array([h, 0.0]), np.array([0.0, h])
    return np.array(
        [
            (obj.value(p + ex) - obj.value(p - ex)) / (2 * h),
            (obj.value(p + ey) - obj.value(p - ey)) / (2 * h),
        ]
    )


def test_registry_lists_every_function_under_its_name():
    """The catalogue is read from ``FUNCTIONS`` (a new landscape joins every test below by being registered)."""
    assert list_functions() == list(FUNCTIONS) and list_functions()[0] == "quadratic"  # the pages' default first
    for name, obj in FUNCTIONS.items():
        assert obj.name == name and get_function(name) is obj
        assert obj.display_name and obj.latex and obj.description


@pytest.mark.parametrize("key", IDS)
@settings(max_examples=50, deadline=None)
@given(tx=unit, ty=unit)
def test_gradient_matches_finite_differences(key, tx, ty):
    obj = ALL_OBJECTIVES[key]
    p = _box_point(obj, tx, ty)
    if key == "ackley":
        assume(np.hypot(*p) > 1e-4)  # gradient is discontinuous at the origin
    h = 1e-6
    fd = _fd_grad(obj, p, h)
    g = obj.grad(p)
    f_scale = max(1.0, float(np.max(np.abs(obj.value(np.stack([p, p + h, p - h]))))))
    np.testing.assert_allclose(g, fd, rtol=1e-5, atol=1e-6 * f_scale)


@pytest.mark.parametrize("key", IDS)
def test_values_and_gradients_finite_in_box(key):
    obj = ALL_OBJECTIVES[key]
    xmin, xmax, ymin, ymax = obj.box
    X, Y = np.meshgrid(np.linspace(xmin, xmax, 101), np.linspace(ymin, ymax, 101))
    with np.errstate(all="raise"):
        Z = obj.value_xy(X, Y)
        gx, gy = obj.df(X, Y)
    assert Z.shape == X.shape
    assert np.all(np.isfinite(Z)) and np.all(np.isfinite(gx)) and np.all(np.isfinite(gy))


@pytest.mark.parametrize("key", IDS)
def test_minima_are_stationary_with_stated_values(key):
    obj = ALL_OBJECTIVES[key]
    for m in obj.all_minima:
        p = np.array(m.point)
        assert np.linalg.norm(obj.grad(p)) < 1e-7, (key, m)
        assert obj.value(p) == pytest.approx(m.value, abs=1e-9)
        # a genuine local minimum: no lower value on a small circle around it
        angles = np.linspace(0, 2 * np.pi, 32, endpoint=False)
        ring = p + 1e-3 * np.column_stack([np.cos(angles), np.sin(angles)])
        assert np.all(obj.value(ring) > m.value)


@pytest.mark.parametrize("key", IDS)
def test_global_minima_are_global(key):
    obj = ALL_OBJECTIVES[key]
    if not obj.minima:
        pytest.skip("unbounded below")
    pts = _random_box_points(obj, 20_000)
    assert np.all(obj.value(pts) >= obj.min_value - 1e-9)
    assert all(m.value == obj.min_value for m in obj.minima)
    for m in obj.local_minima:
        assert m.value > obj.min_value


@pytest.mark.parametrize("key", IDS)
def test_metadata_consistent(key):
    obj = ALL_OBJECTIVES[key]
    xmin, xmax, ymin, ymax = obj.box
    assert xmin < xmax and ymin < ymax
    sx, sy = obj.start
    assert xmin <= sx <= xmax and ymin <= sy <= ymax
    assert np.linalg.norm(obj.grad(obj.start)) > 1e-3
    for m in obj.all_minima:
        assert xmin <= m.point[0] <= xmax and ymin <= m.point[1] <= ymax
    if obj.curvature is not None:
        mu, L = obj.curvature
        # constant Hessian from finite differences of the gradient
        h = 1e-4
        H = np.column_stack(
            [
                (obj.grad([h, 0.0]) - obj.grad([-h, 0.0])) / (2 * h),
                (obj.grad([0.0, h]) - obj.grad([0.0, -h])) / (2 * h),
            ]
        )
        np.testing.assert_allclose(np.linalg.eigvalsh(H), [mu, L], rtol=1e-7)


@pytest.mark.parametrize("key", IDS)
@pytest.mark.parametrize("shape", [(2,), (5, 2), (3, 4, 2)])
def test_shapes(key, shape):
    obj = ALL_OBJECTIVES[key]
    rng = np.random.default_rng(1)
    pts = rng.uniform(-1, 1, shape)
    assert obj.value(pts).shape == shape[:-1]
    assert obj.grad(pts).shape == shape
    assert obj.nearest_minimum_distance(pts).shape == shape[:-1]
    np.testing.assert_array_equal(obj.value_xy(pts[..., 0], pts[..., 1]), obj.value(pts))


@pytest.mark.parametrize("key", IDS)
def test_grad_into_matches_grad(key):
    obj = ALL_OBJECTIVES[key]
    pts = _random_box_points(obj, 257, seed=2)
    P = np.ascontiguousarray(pts.T)
    out = np.empty_like(P)
    res = obj.grad_into(P, out)
    assert res is out
    np.testing.assert_allclose(out, obj.grad(pts).T, rtol=1e-13, atol=1e-13)


def test_nearest_minimum_distance():
    him = get_function("himmelblau")
    pts = np.array([m.point for m in him.minima]) + np.array([0.3, -0.4])  # each 0.5 from its minimum
    np.testing.assert_allclose(him.nearest_minimum_distance(pts), 0.5)
    saddle = get_function("saddle")
    d = saddle.nearest_minimum_distance(np.zeros((4, 2)))
    assert d.shape == (4,) and np.all(np.isnan(d))
    assert math.isnan(saddle.min_value)
    assert saddle.log_scale is False


def test_ackley_gradient_at_origin():
    ack = get_function("ackley")
    with np.errstate(all="raise"):
        g = ack.grad([0.0, 0.0])
        g_batch = ack.grad(np.zeros((3, 2)))
    np.testing.assert_array_equal(g, [0.0, 0.0])
    np.testing.assert_array_equal(g_batch, 0.0)
    assert ack.value([0.0, 0.0]) == pytest.approx(0.0, abs=1e-12)


def test_quadratic_exact():
    q = get_function("quadratic")
    rng = np.random.default_rng(3)
    x, y = rng.uniform(-8, 8, (2, 100))
    np.testing.assert_allclose(q.value_xy(x, y), 0.1 * x**2 + 2 * y**2, rtol=1e-15)
    np.testing.assert_array_equal(q.grad(np.column_stack([x, y])), np.column_stack([0.2 * x, 4 * y]))
    P = np.vstack([x, y])
    out = np.empty_like(P)
    np.testing.assert_array_equal(q.grad_into(P, out), np.vstack([0.2 * x, 4 * y]))
    assert q.curvature == (0.2, 4.0) and q.convex


def test_conditioned_quadratic_factory():
    default = get_function("conditioned_quadratic")
    assert default is FUNCTIONS["conditioned_quadratic"]
    assert default.curvature == (0.1, 1.0)
    cq = get_function("conditioned_quadratic", condition=100, angle=30)
    assert cq.name == "conditioned_quadratic"
    assert "100" in cq.display_name and "30" in cq.display_name
    assert cq.curvature == pytest.approx((0.01, 1.0))
    # along the rotated valley direction the curvature is 1/κ
    a = math.radians(30)
    u = np.array([math.cos(a), math.sin(a)])
    assert cq.value(u) == pytest.approx(0.5 / 100)
    assert cq.value(np.array([-u[1], u[0]])) == pytest.approx(0.5)


@pytest.mark.parametrize(
    "name, params, words",
    [
        ("nope", {}, ["nope", *FUNCTIONS]),  # every valid name
        ("rosenbrock", {"condition": 3}, ["condition", "rosenbrock", "none"]),
        ("conditioned_quadratic", {"kappa": 3}, ["kappa", "condition", "angle"]),
        ("conditioned_quadratic", {"condition": 0.5}, ["condition", ">= 1"]),
        ("conditioned_quadratic", {"condition": float("inf")}, ["condition", ">= 1"]),
        ("conditioned_quadratic", {"condition": float("nan")}, ["condition", ">= 1"]),
        ("conditioned_quadratic", {"condition": "ten"}, ["condition", ">= 1"]),
        ("conditioned_quadratic", {"angle": float("nan")}, ["angle", "finite"]),
    ],
)
def test_get_function_errors(name, params, words):
    with pytest.raises(ValueError) as excinfo:
        get_function(name, **params)
    message = str(excinfo.value)
    for word in words:
        assert word in message
