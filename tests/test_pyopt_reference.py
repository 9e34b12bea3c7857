"""AdEMAMix, ADOPT, Adan, LAMB and SOAP against pytorch-optimizer, the reference each spec names (float64).

The references come from ``tests/reference/make_pyopt_reference.py``. Agreement is to rounding: 1e-9
relative on the 2-D landscapes and on networks. SOAP is the exception where a layer's gradient is rank
deficient (always in the output layer: softmax's gradient rows sum to zero): Adam then divides rounding
noise in the missing directions by about ε, so its bound is 1e-9 of how far the parameters moved.
"""

from pathlib import Path

import numpy as np
import pytest

import core
from tests.reference import pyopt_cases as cases

HERE = Path(__file__).parent / "reference"
TRAJECTORIES = np.load(HERE / "pyopt_trajectories.npz")
NETWORKS = np.load(HERE / "pyopt_networks.npz")
NETWORK_CASES = list(zip(cases.NETWORK_IDS, cases.NETWORK_CASES, strict=True))


def objective(cfg: str) -> tuple[core.MLP, np.ndarray]:
    dataset, n, hidden, activation, seed = cases.NETWORK_CONFIGS[cfg]
    f = core.mlp(core.get_dataset(dataset, n=n, seed=seed), hidden, activation)
    return f, f.init(seed)


def _network_run(cfg: str, name: str, hp: dict) -> np.ndarray:
    f, theta = objective(cfg)
    return core.simulate(f, core.get_optimizer(name, **hp), theta, cases.NETWORK_STEPS).points


@pytest.mark.parametrize("case", cases.CASES, ids=[c[0] for c in cases.CASES])
def test_matches_reference_on_landscapes(case):
    cid, name, hp, fn, x0 = case
    run = core.simulate(core.get_function(fn), core.get_optimizer(name, **hp), x0, cases.STEPS)
    np.testing.assert_allclose(run.points, TRAJECTORIES[cid], rtol=1e-9, atol=0)


@pytest.mark.parametrize("case", cases.CASES[::3], ids=[c[0] for c in cases.CASES[::3]])
def test_batched_run_matches_reference_in_every_member(case):
    """Three members with per-member learning rates, each following the reference run."""
    cid, name, hp, fn, x0 = case
    lr = np.full(3, hp["lr"])
    opt = core.get_optimizer(name, **{**hp, "lr": lr})
    run = core.simulate(core.get_function(fn), opt, np.tile(x0, (3, 1)), cases.STEPS)
    for i in range(3):
        np.testing.assert_allclose(run.points[:, i], TRAJECTORIES[cid], rtol=1e-9, atol=0)


@pytest.mark.parametrize("case", NETWORK_CASES, ids=[c[0] for c in NETWORK_CASES])
def test_matches_reference_on_networks(case):
    cid, (cfg, name, hp) = case
    run = _network_run(cfg, name, hp)
    ref = NETWORKS[cid]
    if name == "soap":
        moved = np.abs(ref[-1] - ref[0]).max()
        assert np.abs(run - ref).max() <= 1e-9 * moved
    else:
        np.testing.assert_allclose(run, ref, rtol=1e-9, atol=0)


@pytest.mark.parametrize("case", [c for c in NETWORK_CASES if c[1][1] == "soap"], ids=lambda c: c[0])
def test_soap_against_the_shipped_float32_qr(case):
    """pytorch-optimizer's SOAP as shipped does its power-iteration QR in float32; ours stays in float64.

    Measured with 4.1.0: identical until the first refresh (the default refreshes at step 11), then a gap
    of 4 % to 12 % of how far the parameters moved, as the float32 basis's rounding is divided by ε
    in the rank-deficient directions (the float64 variant agrees to 1e-9, above).
    """
    cid, (cfg, name, hp) = case
    run = _network_run(cfg, name, hp)
    shipped = NETWORKS[cid + "-f32"]
    assert np.abs(run - shipped).max() < 0.2 * np.abs(shipped[-1] - shipped[0]).max()


def test_every_reference_backed_optimizer_is_covered():
    """Each optimizer with a pytorch-optimizer reference has 2-D cases (if on landscapes) and network cases."""
    backed = {
        n
        for n in core.OPTIMIZERS + core.NETWORK_OPTIMIZERS
        if (ref := core.get_spec(n).reference) and ref.module == "pytorch_optimizer"
    }
    assert {c[1] for c in cases.CASES} == backed & set(core.OPTIMIZERS)
    assert {c[1] for c in cases.NETWORK_CASES} == backed
    assert str(TRAJECTORIES["package_version"]) == core.get_spec("adan").reference.version
