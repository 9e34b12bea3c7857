"""Every optimizer against trajectories recorded from torch.optim (float64, 300 steps).

torch's CPU kernels fuse multiply-adds, which NumPy cannot express, so agreement is to
rounding, not bitwise; 1e-9 relative is the promised bound.
"""

from pathlib import Path

import numpy as np
import pytest

import core
from tests.reference.cases import CASES, STEPS

REFERENCE = np.load(Path(__file__).parent / "reference" / "torch_trajectories.npz")


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_matches_torch(case):
    cid, name, hp, fn, x0 = case
    run = core.simulate(core.get_function(fn), core.get_optimizer(name, **hp), x0, STEPS)
    np.testing.assert_allclose(run.points, REFERENCE[cid], rtol=1e-9, atol=0)


def test_every_torch_optimizer_has_a_reference():
    covered = {c[1] for c in CASES}
    assert covered == {n for n in core.OPTIMIZERS if core.get_spec(n).torch_name}


@pytest.mark.parametrize("case", CASES[:12], ids=[c[0] for c in CASES[:12]])
def test_batched_run_matches_reference_for_each_member(case):
    """A batch of the same start repeated gives the reference trajectory in every member."""
    cid, name, hp, fn, x0 = case
    run = core.simulate(core.get_function(fn), core.get_optimizer(name, **hp), np.tile(x0, (3, 1)), STEPS)
    for i in range(3):
        np.testing.assert_allclose(run.points[:, i], REFERENCE[cid], rtol=1e-9, atol=0)
