"""The 1-D convolutional network: torch's layout and initialisation, exact gradients, torch.optim training.

The torch numbers come from ``tests/reference/make_mnist1d_reference.py`` (``torch_mnist1d.npz``):
autograd's loss and gradient at random θ, ``nn.Sequential``'s state_dict, 10 steps of every
torch-backed optimizer (Muon on the 2-D weights only, as torch.optim.Muon requires).
"""

import itertools
from pathlib import Path

import numpy as np
import pytest

import core
from core import landscape, network
from tests.reference.mnist1d_cases import CASES, CONFIGS, OPTIMIZER_CASES, POINTS, STEPS, SUBSET

REFERENCE = np.load(Path(__file__).parent / "reference" / "torch_mnist1d.npz")


def objective(cfg: str) -> core.CNN:
    channels, kernels, stride, padding, activation, seed = CONFIGS[cfg]
    return core.cnn(core.get_dataset("mnist1d", n=SUBSET, seed=seed), channels, kernels, stride, padding, activation)


def points(cfg: str, dim: int) -> np.ndarray:
    seed, *scales = POINTS[cfg]
    rng = np.random.default_rng(seed)
    return np.stack([rng.normal(0.0, s, dim) for s in scales])


@pytest.fixture(scope="module")
def small() -> core.CNN:
    return core.cnn(core.get_dataset("mnist1d", n=60, seed=4), (3, 4), (5, 3), activation="tanh")


# ----- layout and initialisation ---------------------------------------------------------------------


def test_default_layout_is_torchs_state_dict():
    f = core.cnn(core.get_dataset("mnist1d", n=SUBSET))
    names, shapes = REFERENCE["default/names"].tolist(), REFERENCE["default/shapes"]
    assert [b.name for b in f.layout] == names
    assert [b.shape for b in f.layout] == [tuple(int(d) for d in s if d) for s in shapes]
    assert f.layout[0].offset == 0 and all(a.offset + a.size == b.offset for a, b in itertools.pairwise(f.layout))
    assert f.dim == 25 * 5 + 25 + 2 * (25 * 25 * 3 + 25) + 10 * 125 + 10 and f.lengths == (40, 19, 10, 5)
    assert [b.name for b in f.matrices] == ["7.weight"]  # Muon's: torch.optim.Muon takes 2-D weights only


def test_init_follows_torch_conv_and_linear_bounds():
    f = core.cnn(core.get_dataset("mnist1d", n=SUBSET))
    theta = f.init(range(100))
    fan_in = {"0": 5, "2": 75, "4": 75, "7": 125}  # in_channels × kernel, or in_features
    for b in f.layout:
        bound = 1 / np.sqrt(fan_in[b.name.split(".")[0]])
        part = np.abs(theta[:, b.slice])
        assert part.max() <= bound and part.max() > 0.95 * bound
    np.testing.assert_array_equal(f.init(3), f.init([3])[0])


@pytest.mark.parametrize(
    "kwargs",
    [
        {"channels": (4, 4), "kernels": (3,)},
        {"channels": ()},
        {"channels": (0,), "kernels": (3,)},
        {"stride": 0},
        {"padding": -1},
        {"kernels": (43, 3, 3)},  # longer than the padded signal
        {"activation": "gelu"},
    ],
)
def test_bad_cnn_arguments_are_rejected(kwargs):
    with pytest.raises(ValueError):
        core.cnn(core.get_dataset("mnist1d", n=SUBSET), **kwargs)


# ----- loss and gradient -------------------------------------------------------------------------------


@pytest.mark.parametrize("cfg", list(CONFIGS))
def test_loss_and_gradient_equal_torch_autograd(cfg):
    f = objective(cfg)
    thetas = points(cfg, f.dim)
    np.testing.assert_allclose(f.value(thetas), REFERENCE[f"{cfg}/loss"], rtol=1e-12)
    grad = REFERENCE[f"{cfg}/grad"]
    assert np.abs(f.grad(thetas) - grad).max() <= 1e-10 * np.abs(grad).max()


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
def test_gradient_matches_finite_differences(activation):
    f = core.cnn(core.get_dataset("mnist1d", n=40, seed=2), (3, 2), (4, 3), stride=2, padding=2, activation=activation)
    rng = np.random.default_rng(1)
    theta = rng.normal(0, 0.5, (2, f.dim))
    g = f.grad(theta)
    h, tol = (1e-7, 1e-6) if activation == "relu" else (1e-5, 1e-8)  # ReLU's kinks, as for the MLP
    for direction in rng.standard_normal((4, f.dim)):
        fd = (f.value(theta + h * direction) - f.value(theta - h * direction)) / (2 * h)
        np.testing.assert_allclose(g @ direction, fd, rtol=1e-6, atol=tol)


def test_batched_networks_equal_one_at_a_time(small):
    thetas = small.init(range(4))
    G = small.grad(thetas)
    for i, theta in enumerate(thetas):
        np.testing.assert_allclose(G[i], small.grad(theta), rtol=1e-12, atol=1e-15)
        assert small.value(thetas)[i] == pytest.approx(small.value(theta), rel=1e-13)


def test_minibatch_gradient_is_the_gradient_on_those_rows(small):
    rows = np.array([5, 0, 17, 3])
    ds = small.dataset
    sub = core.Dataset("sub", "sub", ds.x_train[rows], ds.y_train[rows], ds.x_test, ds.y_test, 10, "")
    on_rows = core.cnn(sub, small.channels, small.kernels, small.stride, small.padding, small.activation)
    P = small.init([0, 1]).T.copy()
    out = np.empty_like(P)
    small.grad_into(P, out, rows)
    np.testing.assert_allclose(out, on_rows.grad(P.T).T, rtol=1e-12)


def test_evaluate_logits_and_chunks_broadcast(small, monkeypatch):
    thetas = small.init(range(6)).reshape(2, 3, small.dim)
    ev = small.evaluate(thetas)
    assert ev.test_accuracy.shape == ev.train_loss.shape == (2, 3)
    np.testing.assert_allclose(ev.train_loss, small.value(thetas), rtol=1e-12)
    logits = small.logits(thetas, small.dataset.x_test)
    assert logits.shape == (2, 3, small.dataset.n_test, 10)
    np.testing.assert_array_equal(small.predict(thetas, small.dataset.x_test), logits.argmax(-1))
    monkeypatch.setattr(network, "CHUNK_ELEMENTS", 1)  # one network per chunk
    np.testing.assert_allclose(small.evaluate(thetas).test_loss, ev.test_loss, rtol=1e-13)


# ----- training against torch.optim ---------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_training_matches_torch(case):
    cid, cfg, name, hp = case
    f = objective(cfg)
    run = core.simulate(f, core.get_optimizer(name, **hp), f.init(CONFIGS[cfg][-1]), STEPS)
    np.testing.assert_allclose(run.points, REFERENCE[cid], rtol=1e-9, atol=0)


def test_every_torch_optimizer_has_a_cnn_reference():
    torch_backed = {n for n in core.OPTIMIZERS + core.NETWORK_OPTIMIZERS if core.get_spec(n).torch_name}
    assert {c[2] for c in CASES} == torch_backed == {c[0] for c in OPTIMIZER_CASES}


# ----- the rest of the core on a CNN -------------------------------------------------------------------


def test_simulate_with_in_order_minibatches_trains_a_cnn(small):
    opt = core.get_optimizer("adam", lr=0.02)
    run = core.simulate(small, opt, small.init(range(2)), 60, batch_size=16, shuffle=False)
    assert (run.values[-1] < run.values[0]).all() and not run.diverged.any()
    again = core.simulate(small, opt, small.init(range(2)), 60, batch_size=16, shuffle=False, seed=9)
    np.testing.assert_array_equal(run.points, again.points)  # in order: the seed draws nothing


def test_in_order_minibatches_are_consecutive_rows(small):
    """One gd step on the first 16 rows, then on the next 16: the same as two steps on those subsets."""
    opt = core.get_optimizer("gd", lr=0.1)
    theta = small.init(0)
    run = core.simulate(small, opt, theta, 2, batch_size=16, shuffle=False)
    P = theta[:, None].copy()
    g = np.empty_like(P)
    for rows in (np.arange(16), np.arange(16, 32)):
        small.grad_into(P, g, rows)
        P -= 0.1 * g
    np.testing.assert_allclose(run.points[-1], P[:, 0], rtol=1e-13)


def test_tune_runs_on_a_cnn(small):
    result = core.tune(small, "adam", budget=3, steps=10, seeds=2, rounds=1)
    assert len(result.trials["score"]) >= 3 and np.isfinite(result.score)


def test_landscape_slice_normalises_every_conv_filter(small):
    paths = [core.simulate(small, core.get_optimizer("adam", lr=0.05), small.init(0), 5).points]
    centre = paths[0][-1]
    plane = landscape.random_plane(small.layout, centre, seed=2)
    for block in small.layout:
        part = plane.directions[0][block.slice]
        if block.is_weight:
            np.testing.assert_allclose(
                np.linalg.norm(part.reshape(block.shape[0], -1), axis=1),
                np.linalg.norm(centre[block.slice].reshape(block.shape[0], -1), axis=1),
                rtol=1e-12,
            )
        else:
            assert not part.any()
    s = landscape.loss_slice(small, paths, method="random", resolution=5)
    assert np.isfinite(s.values).all()
