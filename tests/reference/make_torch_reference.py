"""Regenerate ``torch_trajectories.npz``: every case of ``cases.py`` run with torch.optim.

Needs torch (not a test requirement). From the repository root:

    pip install torch==2.13.0 && python -m tests.reference.make_torch_reference

Gradients come from ``core``'s analytic formulas, so the comparison tests the optimizer
updates alone; the gradients themselves are checked against finite differences elsewhere.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

import core
from tests.reference.cases import CASES, STEPS

TORCH_CLASS = {"gd": "SGD", "momentum": "SGD", "nesterov": "SGD"}


def torch_optimizer(opt_name: str, hp: dict, p: torch.Tensor) -> torch.optim.Optimizer:
    """The torch.optim optimizer that ``core.get_optimizer(opt_name, **hp)`` mirrors, over parameter ``p``."""
    kwargs = dict(hp)
    if opt_name == "nesterov":
        kwargs["nesterov"] = True
    cls = getattr(torch.optim, TORCH_CLASS.get(opt_name) or core.get_spec(opt_name).torch_name)
    return cls([p], **kwargs)


def run_case(opt_name: str, hp: dict, fn_name: str, start: tuple) -> np.ndarray:
    """The trajectory ``(STEPS + 1, 2)`` that torch.optim produces for one case."""
    fn = core.get_function(fn_name)
    p = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    opt = torch_optimizer(opt_name, hp, p)
    out = [p.detach().numpy().copy()]
    for _ in range(STEPS):
        g = fn.grad(p.detach().numpy())
        p.grad = torch.tensor(g, dtype=torch.float64)
        opt.step()
        out.append(p.detach().numpy().copy())
    return np.array(out)


def main() -> None:
    torch.set_default_dtype(torch.float64)
    torch.set_num_threads(1)
    arrays = {cid: run_case(o, hp, f, x0) for cid, o, hp, f, x0 in CASES}
    target = Path(__file__).with_name("torch_trajectories.npz")
    np.savez_compressed(target, torch_version=np.array(torch.__version__), **arrays)
    print(f"wrote {len(arrays)} trajectories of {STEPS} steps to {target}")


if __name__ == "__main__":
    main()
