"""MNIST-1D: the package's default data set, its split, determinism and cache; its models against torch.

The torch numbers come from ``tests/reference/make_mnist1d_reference.py`` (``torch_mnist1d.npz``).
"""

from pathlib import Path

import numpy as np
import pytest

import core
from core import datasets
from tests.reference.mnist1d_cases import MLP_CONFIGS, MLP_TRAIN, STEPS, SUBSET

REFERENCE = np.load(Path(__file__).parent / "reference" / "torch_mnist1d.npz")

# Printed from ``mnist1d.data.make_dataset(get_dataset_args())`` (mnist1d 0.0.2.post1, scipy 1.17.1):
# the first labels and the first signal's first samples, so a different generator shows up.
FIRST_LABELS = [2, 6, 4, 5, 6, 6, 6, 0, 3, 1, 6, 9, 4, 3, 4, 5, 1, 9, 0, 3]


def test_default_mnist1d_has_the_packages_split_and_shapes():
    ds = core.get_dataset("mnist1d")
    assert (ds.n_train, ds.n_test, ds.features, ds.classes) == (4000, 1000, 40, 10)
    assert ds.y_train.dtype == np.int64 and ds.x_train.dtype == np.float64
    assert ds.y_train[:20].tolist() == FIRST_LABELS
    assert np.bincount(ds.y_train).min() > 350 and np.bincount(ds.y_test, minlength=10).min() > 80
    everything = np.concatenate([ds.x_train, ds.x_test])
    assert abs(everything.mean()) < 1e-12 and everything.std() == pytest.approx(1.0, abs=1e-12)  # the package's scaling


def test_committed_mnist1d_is_the_packages_generator_and_generation_leaves_the_global_random_state_alone():
    from mnist1d.data import get_dataset_args, make_dataset

    np.random.seed(123)
    expected_next = np.random.rand()
    np.random.seed(123)
    generated = datasets.generate_mnist1d()
    assert np.random.rand() == expected_next  # generation saved and restored the global state
    raw = make_dataset(get_dataset_args())
    for mine, fresh, key in zip(datasets.load_mnist1d(), generated, ("x", "y", "x_test", "y_test"), strict=True):
        np.testing.assert_array_equal(fresh, raw[key])
        np.testing.assert_array_equal(mine, raw[key])  # the committed file is the package's data to the bit
        assert mine.dtype == fresh.dtype


def test_mnist1d_is_read_once_and_read_only():
    first, again = datasets.load_mnist1d(), datasets.load_mnist1d()
    assert all(a is b for a, b in zip(first, again, strict=True))
    assert datasets.load_mnist1d.cache_info().currsize == 1
    with pytest.raises(ValueError):
        first[0][0, 0] = 1.0


def test_mnist1d_subset_is_seeded_and_keeps_the_split_proportions():
    full = core.get_dataset("mnist1d")
    a, b, c = (core.get_dataset("mnist1d", n=100, seed=s) for s in (5, 5, 6))
    assert (a.n_train, a.n_test) == (80, 20)
    np.testing.assert_array_equal(a.x_train, b.x_train)
    assert not np.array_equal(a.x_train, c.x_train)
    train_rows = {r.tobytes() for r in full.x_train}
    assert all(r.tobytes() in train_rows for r in a.x_train)  # drawn from the package's train part only
    assert not {r.tobytes() for r in a.x_test} & train_rows


@pytest.mark.parametrize("n", [5, 5001, 0])
def test_mnist1d_rejects_a_bad_subset_size(n):
    with pytest.raises(ValueError, match="mnist1d"):
        core.get_dataset("mnist1d", n=n)


def test_the_network_lab_offers_mnist1d():
    assert "mnist1d" in core.DATASETS and "mnist1d" in datasets.LAB_DATASETS


# ----- the paper's MLP and logistic regression against torch ---------------------------------------


def mlp_objective(cfg: str) -> core.MLP:
    hidden, activation, residual, seed = MLP_CONFIGS[cfg]
    return core.mlp(core.get_dataset("mnist1d", n=SUBSET, seed=seed), hidden, activation, residual)


@pytest.mark.parametrize("cfg", list(MLP_CONFIGS))
def test_mlp_loss_and_gradient_equal_torch_autograd(cfg):
    f = mlp_objective(cfg)
    thetas = np.random.default_rng(MLP_CONFIGS[cfg][-1]).normal(0.0, 0.4, (2, f.dim))
    np.testing.assert_allclose(f.value(thetas), REFERENCE[f"{cfg}/loss"], rtol=1e-12)
    grad = REFERENCE[f"{cfg}/grad"]
    assert np.abs(f.grad(thetas) - grad).max() <= 1e-10 * np.abs(grad).max()


def test_residual_mlp_trains_as_torch():
    cfg, name, hp = MLP_TRAIN
    f = mlp_objective(cfg)
    run = core.simulate(f, core.get_optimizer(name, **hp), f.init(MLP_CONFIGS[cfg][-1]), STEPS)
    np.testing.assert_allclose(run.points, REFERENCE[f"{cfg}/{name}"], rtol=1e-9, atol=0)


def test_logistic_regression_is_an_mlp_without_hidden_layers():
    f = mlp_objective("logistic")
    assert [b.name for b in f.layout] == ["0.weight", "0.bias"] and f.layout[0].shape == (10, 40)
    theta = f.init(0)
    W, b = theta[:400].reshape(10, 40), theta[400:]
    np.testing.assert_allclose(f.logits(theta, f.dataset.x_test), f.dataset.x_test @ W.T + b, rtol=1e-12)


def test_the_papers_mlp_is_residual_relu_100_100():
    f = core.mlp(core.get_dataset("mnist1d", n=50), (100, 100), "relu", residual=True)
    assert f.sizes == (40, 100, 100, 10) and f.dim == 40 * 100 + 100 + 100 * 100 + 100 + 100 * 10 + 10
    assert "residual" in f.display_name and "residual=True" in repr(f)
