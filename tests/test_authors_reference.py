"""Optimizers outside torch.optim against their authors' packages (Schedule-Free, Prodigy), float64.

The references come from ``tests/reference/make_authors_reference.py`` (the packages are dev-only). On the
landscapes gradients are ``core``'s, so any gap is the update rule; on the networks torch sums in another
order, so agreement is to rounding. The promised bound is 1e-9 relative, everywhere.
"""

from pathlib import Path

import numpy as np
import pytest

import core
from tests.reference.authors_cases import CASES, NETWORK_CASES, NETWORK_STEPS, PACKAGES, STEPS
from tests.test_network_reference import objective

HERE = Path(__file__).parent / "reference"
LANDSCAPES = np.load(HERE / "authors_trajectories.npz")
NETWORKS = np.load(HERE / "authors_networks.npz")
RTOL = 1e-9


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_trajectory_matches_the_authors_package(case):
    """Every step's point (Schedule-Free: y, where the gradient is taken) equals the package's parameter."""
    cid, name, hp, fn, x0 = case
    run = core.simulate(core.get_function(fn), core.get_optimizer(name, **hp), x0, STEPS, record_state=True)
    np.testing.assert_allclose(run.points, LANDSCAPES[f"{cid}/points"], rtol=RTOL, atol=0)
    if PACKAGES[name].train_mode:
        np.testing.assert_allclose(run.state["x"], LANDSCAPES[f"{cid}/x"], rtol=RTOL, atol=0)
        np.testing.assert_allclose(run.state["x"][-1], LANDSCAPES[f"{cid}/eval"], rtol=RTOL, atol=0)


@pytest.mark.parametrize("case", NETWORK_CASES, ids=[c[0] for c in NETWORK_CASES])
def test_network_training_matches_the_authors_package(case):
    """Every parameter of the network after each of 10 full-batch steps (and Schedule-Free's x)."""
    cid, cfg, name, hp = case
    f, theta = objective(cfg)
    run = core.simulate(f, core.get_optimizer(name, **hp), theta, NETWORK_STEPS, record_state=True)
    np.testing.assert_allclose(run.points, NETWORKS[f"{cid}/points"], rtol=RTOL, atol=0)
    if PACKAGES[name].train_mode:
        np.testing.assert_allclose(run.state["x"], NETWORKS[f"{cid}/x"], rtol=RTOL, atol=0)


@pytest.mark.parametrize("case", [c for c in CASES if c[1] == "prodigy"][:2], ids=lambda c: c[0])
def test_batch_keeps_one_distance_estimate_per_run(case):
    """Prodigy's d is the package's per-group scalar: in a batch with per-run lrs each run follows its own reference."""
    cid, name, hp, fn, x0 = case
    lr = hp.get("lr", 1.0)
    opt = core.get_optimizer(name, **{**hp, "lr": np.array([lr, 10 * lr, lr])})
    run = core.simulate(core.get_function(fn), opt, np.array([x0, x0, x0]), STEPS)
    for i in (0, 2):
        np.testing.assert_allclose(run.points[:, i], LANDSCAPES[f"{cid}/points"], rtol=RTOL, atol=0)
    assert not np.allclose(run.points[:, 1], run.points[:, 0])


def test_every_package_optimizer_has_references():
    """Each optimizer with a reference package has landscape cases (several functions) and network cases."""
    assert {c[1] for c in CASES} == set(PACKAGES) == {c[2] for c in NETWORK_CASES}
    for name in PACKAGES:
        assert len({c[3] for c in CASES if c[1] == name}) >= 3
        assert not core.get_spec(name).torch_name  # not in torch.optim: no torch reference, no maximize
    for ref in PACKAGES.values():
        assert str(LANDSCAPES[f"{ref.package}_version"]) == ref.version == str(NETWORKS[f"{ref.package}_version"])
