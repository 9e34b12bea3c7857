"""The network objective, its data sets, and simulate's D-dimensional features (minibatches, record_every)."""

import pickle

import numpy as np
import pytest

import core
from core import network
from core.datasets import DATASETS


def small(name="moons", hidden=(5, 4), activation="tanh", n=60):
    return core.mlp(core.get_dataset(name, n=n, seed=3), hidden, activation)


# ----- data sets ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", DATASETS)
def test_dataset_shapes_labels_and_split(name):
    ds = core.get_dataset(name, n=200 if name != "digits" else None, seed=1)
    assert ds.x_train.ndim == 2 and ds.x_train.shape[1] == ds.features == ds.x_test.shape[1]
    assert ds.y_train.shape == (ds.n_train,) and ds.y_test.shape == (ds.n_test,)
    assert ds.y_train.dtype.kind == "i" and set(np.unique(ds.y_train)) == set(range(ds.classes))
    assert ds.y_test.min() >= 0 and ds.y_test.max() < ds.classes
    assert np.isfinite(ds.x_train).all()
    total = ds.n_train + ds.n_test
    assert ds.n_test == round((0.2 if name == "mnist1d" else 0.25) * total)  # MNIST-1D keeps the package's split
    if name == "mnist1d":
        assert (total, ds.features, ds.classes) == (200, 40, 10)
    elif name == "digits":
        assert (total, ds.features, ds.classes, ds.image_shape) == (1797, 64, 10, (8, 8))
        assert ds.x_train.min() >= 0 and ds.x_train.max() <= 1
    else:
        assert (total, ds.features, ds.classes) == (200, 2, 2) and ds.box is not None


@pytest.mark.parametrize("name", DATASETS)
def test_dataset_is_determined_by_its_seed(name):
    a, b, c = (core.get_dataset(name, n=100, seed=s) for s in (5, 5, 6))
    for field in ("x_train", "y_train", "x_test", "y_test"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field))
    assert not np.array_equal(a.x_train, c.x_train)


def test_train_and_test_are_disjoint_parts_of_the_digits():
    ds = core.get_dataset("digits")
    rows = {tuple(r) for r in ds.x_train}
    assert len(rows & {tuple(r) for r in ds.x_test}) < 5  # a few images are duplicated in UCI's data


@pytest.mark.parametrize(
    "kwargs",
    [
        {"name": "nope"},
        {"name": "moons", "n": 3},
        {"name": "moons", "noise": -1.0},
        {"name": "digits", "n": 5000},
        {"name": "moons", "test_fraction": 1.0},
    ],
)
def test_dataset_rejects_bad_arguments(kwargs):
    with pytest.raises(ValueError):
        core.get_dataset(**kwargs)


# ----- the objective ------------------------------------------------------------------------------


@pytest.mark.parametrize("activation", network.ACTIVATIONS)
@pytest.mark.parametrize("name", ["moons", "digits"])
def test_gradient_matches_finite_differences(activation, name):
    f = small(name, (6, 3) if name == "moons" else (4,), activation, n=80)
    rng = np.random.default_rng(0)
    theta = rng.normal(0, 0.7, (3, f.dim))
    g = f.grad(theta)
    # ReLU's kinks: a step of 1e-5 along a random direction flips a unit on some sample now and then.
    h, tol = (1e-7, 1e-6) if activation == "relu" else (1e-5, 1e-8)
    for direction in rng.standard_normal((4, f.dim)):
        fd = (f.value(theta + h * direction) - f.value(theta - h * direction)) / (2 * h)
        np.testing.assert_allclose(g @ direction, fd, rtol=1e-6, atol=tol)


def test_minibatch_gradient_is_the_gradient_on_those_rows():
    f = small()
    rows = np.array([3, 7, 11, 2])
    sub = core.Dataset(
        "sub", "sub", f.dataset.x_train[rows], f.dataset.y_train[rows], f.dataset.x_test, f.dataset.y_test, 2, ""
    )
    g_rows = core.mlp(sub, f.hidden, f.activation)
    theta = f.init([0, 1]).T.copy()
    out = np.empty_like(theta)
    f.grad_into(theta, out, rows)
    np.testing.assert_allclose(out, g_rows.grad(theta.T).T, rtol=1e-12)


def test_layout_blocks_tile_theta_in_torch_order():
    f = small(hidden=(5, 4))
    assert [b.name for b in f.layout] == ["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"]
    assert [b.shape for b in f.layout] == [(5, 2), (5,), (4, 5), (4,), (2, 4), (2,)]
    assert f.layout[0].offset == 0 and all(
        a.offset + a.size == b.offset for a, b in zip(f.layout, f.layout[1:], strict=False)
    )
    assert f.dim == 2 * 5 + 5 + 5 * 4 + 4 + 4 * 2 + 2
    assert [b.name for b in f.matrices] == ["0.weight", "2.weight", "4.weight"]


def test_init_follows_torch_linear_bounds_and_seeds():
    f = small("digits", (16,))
    theta = f.init(range(200))
    assert theta.shape == (200, f.dim)
    for b in f.layout:
        fan_in = 64 if b.name.startswith("0.") else 16
        part = theta[:, b.slice]
        assert np.abs(part).max() <= 1 / np.sqrt(fan_in)
        assert np.abs(part).max() > 0.95 / np.sqrt(fan_in)  # uniform over the whole interval
    np.testing.assert_array_equal(f.init(7), f.init([7])[0])
    assert not np.array_equal(f.init(7), f.init(8))


def test_value_grad_and_evaluate_broadcast_over_batches():
    f = small()
    theta = f.init(range(6)).reshape(2, 3, f.dim)
    assert f.value(theta).shape == (2, 3) and f.grad(theta).shape == (2, 3, f.dim)
    ev = f.evaluate(theta)
    assert ev.train_loss.shape == ev.test_accuracy.shape == (2, 3)
    np.testing.assert_allclose(ev.train_loss, f.value(theta), rtol=1e-12)
    assert ((ev.train_accuracy >= 0) & (ev.train_accuracy <= 1)).all()
    assert f.predict(theta, f.dataset.x_test).shape == (2, 3, f.dataset.n_test)


def test_values_in_chunks_equal_values_at_once(monkeypatch):
    f = small()
    P = f.init(range(10)).T
    whole = f.values(P)
    monkeypatch.setattr(network, "CHUNK_ELEMENTS", 1)
    np.testing.assert_allclose(f.values(P), whole, rtol=1e-14)


def test_network_pickles_without_its_scratch_space():
    f = small()
    f.grad(f.init(0))
    g = pickle.loads(pickle.dumps(f))
    np.testing.assert_array_equal(g.grad(f.init(1)), f.grad(f.init(1)))


def test_unknown_activation_is_rejected():
    with pytest.raises(ValueError, match="activation"):
        small(activation="gelu")


# ----- simulate on networks ------------------------------------------------------------------------


def test_training_lowers_the_loss_and_trajectory_has_theta_shape():
    f = small()
    run = core.simulate(f, core.get_optimizer("adam", lr=0.05), f.init(range(4)), 100)
    assert run.points.shape == (101, 4, f.dim) and run.values.shape == (101, 4)
    assert (run.values[-1] < 0.5 * run.values[0]).all()
    assert not run.diverged.any()


def test_record_every_keeps_every_kth_step_and_the_last():
    f = small()
    opt = core.get_optimizer("momentum", lr=0.1, momentum=0.9)
    full = core.simulate(f, opt, f.init([0, 1]), 23)
    sparse = core.simulate(f, opt, f.init([0, 1]), 23, record_every=5)
    assert sparse.recorded_steps.tolist() == [0, 5, 10, 15, 20, 23]
    np.testing.assert_array_equal(sparse.points, full.points[sparse.recorded_steps])
    np.testing.assert_array_equal(sparse.values, full.values[sparse.recorded_steps])
    assert full.recorded_steps.tolist() == list(range(24))


def test_minibatches_are_paired_across_the_batch_and_seeded():
    f = small(n=80)
    opt = core.get_optimizer("gd", lr=0.3)
    theta = f.init(0)
    both = core.simulate(f, opt, np.stack([theta, theta]), 30, batch_size=8, seed=4)
    again = core.simulate(f, opt, theta, 30, batch_size=8, seed=4)
    other = core.simulate(f, opt, theta, 30, batch_size=8, seed=5)
    full = core.simulate(f, opt, theta, 30)
    np.testing.assert_array_equal(both.points[:, 0], both.points[:, 1])
    np.testing.assert_array_equal(both.points[:, 0], again.points)
    assert not np.allclose(again.points, other.points) and not np.allclose(again.points, full.points)
    np.testing.assert_array_equal(core.simulate(f, opt, theta, 30, batch_size=10_000).points, full.points)


@pytest.mark.parametrize("escape", [np.inf, 1e3])
def test_divergence_is_dated_with_sparse_records(escape):
    f = small(activation="relu")
    opt = core.get_optimizer("gd", lr=np.array([0.1, 1e200]))
    run = core.simulate(f, opt, np.stack([f.init(0)] * 2), 20, record_every=7, escape=escape)
    dense = core.simulate(f, opt, np.stack([f.init(0)] * 2), 20, escape=escape)
    assert run.diverged.tolist() == [False, True]
    assert run.diverged_at.tolist() == dense.diverged_at.tolist()


@pytest.mark.parametrize("kwargs", [{"batch_size": 0}, {"record_every": 0}, {"record_every": 1.5}])
def test_bad_network_arguments_are_rejected(kwargs):
    f = small()
    with pytest.raises(ValueError):
        core.simulate(f, core.get_optimizer("adam"), f.init(0), 3, **kwargs)


def test_batch_size_needs_a_network_and_x0_needs_its_dimension():
    with pytest.raises(ValueError, match="batch_size"):
        core.simulate(core.get_function("quadratic"), core.get_optimizer("gd"), [1.0, 1.0], 3, batch_size=4)
    with pytest.raises(ValueError, match="parameters"):
        core.simulate(small(), core.get_optimizer("gd"), [1.0, 1.0], 3)


def test_every_hyperparameter_still_broadcasts_over_a_batch_of_networks():
    f = small()
    lrs = np.array([0.01, 0.05, 0.2])
    batched = core.simulate(
        f, core.get_optimizer("rmsprop", lr=lrs, alpha=np.array([0.9, 0.99, 0.5])), np.stack([f.init(0)] * 3), 15
    )
    for i, (lr, alpha) in enumerate(zip(lrs, (0.9, 0.99, 0.5), strict=False)):
        one = core.simulate(f, core.get_optimizer("rmsprop", lr=lr, alpha=alpha), f.init(0), 15)
        np.testing.assert_allclose(batched.points[:, i], one.points, rtol=1e-12, atol=1e-15)


# ----- network-only optimizers ---------------------------------------------------------------------


def test_network_optimizers_are_listed_apart_from_the_2d_catalogue():
    assert core.NETWORK_OPTIMIZERS and not set(core.NETWORK_OPTIMIZERS) & set(core.OPTIMIZERS)
    assert "muon" in core.NETWORK_OPTIMIZERS and core.get_spec("muon").torch_name == "Muon"


@pytest.mark.parametrize("name", core.NETWORK_OPTIMIZERS)
def test_network_optimizers_refuse_2d_landscapes_clearly(name):
    with pytest.raises(ValueError, match="only to networks"):
        core.simulate(core.get_function("quadratic"), core.get_optimizer(name), [1.0, 2.0], 5)


@pytest.mark.parametrize("name", ["muon", "adafactor"])
def test_network_optimizers_train_and_broadcast_lr(name):
    f = small()
    lrs = np.array([0.02, 0.05])
    run = core.simulate(f, core.get_optimizer(name, lr=lrs), np.stack([f.init(0)] * 2), 60)
    assert (run.values[-1] < run.values[0]).all()
    for i, lr in enumerate(lrs):
        one = core.simulate(f, core.get_optimizer(name, lr=lr), f.init(0), 60)
        # A batch and a single run sum their matrix products in different orders (BLAS kernels differ by CPU):
        # about 1e-14 apart after 40 steps, where a wrong broadcast of lr is off by 0.2 after 10. Later, Adafactor
        # at lr 0.05 on these moons multiplies rounding by about 3 a step (torch's own run drifts from ours alike).
        np.testing.assert_allclose(run.points[:41, i], one.points[:41], rtol=1e-8, atol=1e-11)


def test_newton_schulz_orthogonalises_roughly():
    g = np.random.default_rng(0).standard_normal((3, 4, 9))
    o = core.optimizers.network.newton_schulz(g, 5, 1e-7)
    singular = np.linalg.svd(o, compute_uv=False)
    assert o.shape == g.shape and (singular > 0.5).all() and (singular < 1.5).all()
    tall = core.optimizers.network.newton_schulz(np.swapaxes(g, 1, 2), 5, 1e-7)
    np.testing.assert_allclose(tall, np.swapaxes(o, 1, 2), rtol=1e-12)


@pytest.mark.parametrize("d", [0.5, 0.999, 0.0])
def test_adafactor_refuses_a_clipping_threshold_below_one_as_torch(d):
    """torch: "Clipping threshold d should be >= 1"."""
    with pytest.raises(ValueError, match=r"\bd\b.*\[1, inf\)"):
        core.get_optimizer("adafactor", d=d)
    assert core.get_optimizer("adafactor", d=1.0).hyperparameters["d"] == 1.0


def test_muon_rejects_fractional_ns_steps():
    with pytest.raises(ValueError, match="ns_steps"):
        core.get_optimizer("muon", ns_steps=2.5)


@pytest.mark.parametrize("activation", network.ACTIVATIONS)
def test_residual_gradient_matches_finite_differences(activation):
    """Two residual layers in a row (widths 5, 5, 5) and one that cannot add its input (width 3)."""
    f = core.mlp(core.get_dataset("moons", n=60, seed=3), (5, 5, 5, 3), activation, residual=True)
    assert f._skip == (False, True, True, False, False)
    rng = np.random.default_rng(2)
    theta = rng.normal(0, 0.6, (2, f.dim))
    g = f.grad(theta)
    h, tol = (1e-7, 1e-6) if activation == "relu" else (1e-5, 1e-8)
    for direction in rng.standard_normal((4, f.dim)):
        fd = (f.value(theta + h * direction) - f.value(theta - h * direction)) / (2 * h)
        np.testing.assert_allclose(g @ direction, fd, rtol=1e-6, atol=tol)
    plain = core.mlp(f.dataset, f.hidden, activation)
    assert f.layout == plain.layout and not np.allclose(f.value(theta), plain.value(theta))
