"""The shared 2-D slice of a network's loss: plane construction, projections and the batched grid."""

import numpy as np
import pytest

import core
from core import landscape


@pytest.fixture(scope="module")
def trained():
    f = core.mlp(core.get_dataset("moons", n=60, seed=0), (5,), "tanh")
    theta = f.init(0)
    paths = [
        core.simulate(f, core.get_optimizer(name, **hp), theta, 30).points
        for name, hp in (("adam", {"lr": 0.05}), ("momentum", {"lr": 0.2, "momentum": 0.9}), ("gd", {"lr": 0.5}))
    ]
    return f, paths


def test_pca_plane_is_orthonormal_through_the_centre(trained):
    _, paths = trained
    plane = landscape.pca_plane(paths, paths[0][0])
    np.testing.assert_allclose(plane.directions @ plane.directions.T, np.eye(2), atol=1e-12)
    np.testing.assert_array_equal(plane.points(0.0, 0.0), paths[0][0])
    np.testing.assert_allclose(plane.project(plane.points(0.3, -1.2)), [0.3, -1.2], atol=1e-12)


def test_paths_inside_a_plane_are_fully_explained_and_recovered():
    rng = np.random.default_rng(1)
    centre, basis = rng.standard_normal(50), np.linalg.qr(rng.standard_normal((50, 2)))[0].T
    coords = [rng.standard_normal((20, 2)) for _ in range(3)]
    paths = [centre + c @ basis for c in coords]
    plane = landscape.pca_plane(paths, centre)
    for path in paths:
        assert plane.explained(path) == pytest.approx(1.0, abs=1e-12)
        np.testing.assert_allclose(plane.points(*plane.project(path).T), path, atol=1e-10)


def test_explained_fraction_is_between_zero_and_one_and_drops_for_orthogonal_motion(trained):
    f, paths = trained
    plane = landscape.pca_plane(paths, paths[0][0])
    fractions = [plane.explained(p) for p in paths]
    assert all(0.0 <= x <= 1.0 + 1e-12 for x in fractions)
    away = paths[0][0] + np.outer(
        np.linspace(0, 1, 10), np.linalg.svd(np.eye(f.dim) - plane.directions.T @ plane.directions)[0][:, 0]
    )
    assert plane.explained(away) < 1e-10


def test_filter_normalised_directions_match_the_centres_filters(trained):
    f, paths = trained
    centre = paths[0][-1]
    plane = landscape.random_plane(f.layout, centre, seed=3)
    for direction in plane.directions:
        for block in f.layout:
            part = direction[block.slice]
            if block.is_matrix:
                np.testing.assert_allclose(
                    np.linalg.norm(part.reshape(block.shape), axis=1),
                    np.linalg.norm(centre[block.slice].reshape(block.shape), axis=1),
                    rtol=1e-12,
                )
            else:
                assert not part.any()
    again = landscape.random_plane(f.layout, centre, seed=3)
    np.testing.assert_array_equal(plane.directions, again.directions)


@pytest.mark.parametrize("method", ["pca", "random"])
@pytest.mark.parametrize("center", ["init", "best"])
def test_loss_slice_is_the_loss_at_the_grid_points_and_covers_the_paths(trained, method, center):
    f, paths = trained
    s = landscape.loss_slice(f, paths, method=method, center=center, resolution=15)
    assert s.values.shape == (15, 15) and len(s.paths) == len(s.explained) == 3
    for i, j in [(0, 0), (7, 3), (14, 14)]:
        assert s.values[i, j] == pytest.approx(float(f.value(s.plane.points(s.alpha[j], s.beta[i]))), rel=1e-12)
    for p in s.paths:
        assert s.alpha[0] <= p[:, 0].min() and p[:, 0].max() <= s.alpha[-1]
        assert s.beta[0] <= p[:, 1].min() and p[:, 1].max() <= s.beta[-1]
    if center == "best":
        ends = [float(f.value(p[-1])) for p in paths]
        np.testing.assert_array_equal(s.plane.center, paths[int(np.argmin(ends))][-1])


def test_bad_method_or_centre_is_rejected(trained):
    f, paths = trained
    with pytest.raises(ValueError):
        landscape.loss_slice(f, paths, method="tsne")
    with pytest.raises(ValueError):
        landscape.loss_slice(f, paths, center="middle")
