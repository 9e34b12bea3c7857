"""The 2-D sets that claim a source follow it: moons is scikit-learn's make_moons, circle Playground's.

scikit-learn is not a dependency: its points below were printed by scikit-learn 1.9.1's
``make_moons(9, shuffle=False)`` and are committed as numbers.
"""

import numpy as np
import pytest

import core
from core.datasets import MOONS_CENTRE, MOONS_SCALE

# sklearn.datasets.make_moons(9, shuffle=False): 4 points of class 0, then 5 of class 1.
SKLEARN_MOONS_9 = np.array(
    [
        [1.0, 0.0],
        [5.0000000000000011e-01, 8.6602540378443860e-01],
        [-4.9999999999999978e-01, 8.6602540378443871e-01],
        [-1.0, 1.2246467991473532e-16],
        [0.0, 0.5],
        [2.9289321881345243e-01, -2.0710678118654746e-01],
        [9.9999999999999989e-01, -0.5],
        [1.7071067811865475e00, -2.0710678118654757e-01],
        [2.0, 4.9999999999999989e-01],
    ]
)
SKLEARN_LABELS_9 = np.array([0, 0, 0, 0, 1, 1, 1, 1, 1])


def points(name: str, **kwargs) -> tuple[np.ndarray, np.ndarray]:
    """All points and labels of a set, train then test."""
    ds = core.get_dataset(name, **kwargs)
    return np.concatenate([ds.x_train, ds.x_test]), np.concatenate([ds.y_train, ds.y_test])


def in_sklearn_units(x: np.ndarray) -> np.ndarray:
    return x * MOONS_SCALE + MOONS_CENTRE


# ----- moons ---------------------------------------------------------------------------------------


def test_noise_free_moons_are_sklearns_points():
    """t evenly spaced as sklearn's linspace: without noise, exactly make_moons's points (after the affine map)."""
    x, y = points("moons", n=9, noise=0.0, seed=4)
    ours, theirs = np.lexsort((x[:, 0], y)), np.lexsort((SKLEARN_MOONS_9[:, 0], SKLEARN_LABELS_9))
    np.testing.assert_array_equal(y[ours], SKLEARN_LABELS_9[theirs])
    np.testing.assert_allclose(in_sklearn_units(x[ours]), SKLEARN_MOONS_9[theirs], rtol=0, atol=1e-15)


@pytest.mark.parametrize("n", [9, 41, 401])
def test_moons_give_the_odd_sample_to_class_one(n):
    _, y = points("moons", n=n, seed=0)
    assert np.bincount(y).tolist() == [n // 2, n - n // 2]


@pytest.mark.parametrize("sigma", [0.05, 0.2])
def test_moons_noise_is_sklearns_standard_deviation(sigma):
    """The same seed with and without noise: the difference, in make_moons's units, has standard deviation σ."""
    clean, y0 = points("moons", n=4000, noise=0.0, seed=2)
    noisy, y1 = points("moons", n=4000, noise=sigma, seed=2)
    np.testing.assert_array_equal(y0, y1)
    diff = in_sklearn_units(noisy) - in_sklearn_units(clean)
    assert diff.std() == pytest.approx(sigma, rel=0.03)
    assert abs(diff.mean()) < 0.05 * sigma


# ----- circle --------------------------------------------------------------------------------------


def test_noise_free_circle_is_a_disc_inside_a_ring_with_the_odd_point_in_the_disc():
    x, y = points("circle", n=401, noise=0.0, seed=1)
    r = np.hypot(x[:, 0], x[:, 1])
    np.testing.assert_array_equal(y, (r < 0.5).astype(int))
    assert r[y == 1].max() <= 0.5 and r[y == 0].min() >= 0.7 and r.max() <= 1.0
    assert np.bincount(y).tolist() == [200, 201]


def test_circle_noise_moves_no_point_but_labels_by_the_shifted_point():
    """Playground draws the points unshifted and labels each by where its shifted copy lands."""
    clean, y0 = points("circle", n=2000, noise=0.0, seed=7)
    noisy, y1 = points("circle", n=2000, noise=0.3, seed=7)
    np.testing.assert_array_equal(noisy, clean)
    r = np.hypot(clean[:, 0], clean[:, 1])
    assert ((r < 0.5) | (r >= 0.7)).all()  # still a disc and a ring: the noise is in the labels
    flipped = y1 != y0
    assert flipped.any() and (y1[r < 0.5] == 0).any() and (y1[r >= 0.7] == 1).any()
    # a shift of at most 0.3 in x and in y moves a point by at most 0.3·√2
    assert not flipped[np.abs(r - 0.5) > 0.3 * np.sqrt(2)].any()


@pytest.mark.parametrize("noise", [0.1, 0.5])
def test_circle_label_noise_is_playgrounds_uniform_shift(noise):
    """How many labels flip, against Playground's model simulated apart: a shift uniform in ±noise (radius 1)."""
    x, y = points("circle", n=20000, noise=noise, seed=5)
    r = np.hypot(x[:, 0], x[:, 1])
    disc = r < 0.5
    rng = np.random.default_rng(123)
    m = 400_000
    angle = rng.uniform(0, 2 * np.pi, m)
    for inside, radii in ((True, rng.uniform(0, 0.5, m)), (False, rng.uniform(0.7, 1.0, m))):
        p = np.stack([radii * np.sin(angle), radii * np.cos(angle)], 1) + noise * rng.uniform(-1, 1, (m, 2))
        expected = np.mean((np.hypot(p[:, 0], p[:, 1]) < 0.5) != inside)
        observed = np.mean(y[disc == inside] != int(inside))
        assert observed == pytest.approx(expected, abs=4 * np.sqrt(expected * (1 - expected) / 10_000) + 1e-3)
