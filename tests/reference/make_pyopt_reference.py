"""Regenerate ``pyopt_trajectories.npz`` and ``pyopt_networks.npz``: the runs of ``pyopt_cases.py`` with pytorch-optimizer.

Needs torch and the pinned reference package (dev only, never a test requirement). From the repository root:

    pip install torch==2.13.0 pytorch-optimizer==4.1.0 && python -m tests.reference.make_pyopt_reference

2-D runs take their gradients from ``core``'s analytic formulas (as ``make_torch_reference`` does); networks
are the ``nn.Sequential`` twins of ``make_network_reference``, trained full batch. SOAP's reference casts the
power iteration's QR to float32; it is recorded twice, as shipped (``…-f32``) and with that QR in float64
(the core's arithmetic), as Muon's bfloat16 Newton–Schulz is.
"""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

import numpy as np
import pytorch_optimizer
import torch

import core
from tests.reference import pyopt_cases as cases
from tests.reference.make_network_reference import network, torch_loss, trajectory

PACKAGE_VERSION = importlib.metadata.version("pytorch-optimizer")
SHIPPED_QR = pytorch_optimizer.SOAP.get_orthogonal_matrix_qr


def float64_orthogonal_matrix_qr(self, state, max_precondition_dim=10000, merge_dims=False):
    """pytorch-optimizer's ``SOAP.get_orthogonal_matrix_qr`` without the float32 cast (2-D parameters, no merging)."""
    exp_avg_sq = state["exp_avg_sq"]
    matrices = []
    for ind, (m, o) in enumerate(zip(state["GG"], state["Q"], strict=True)):
        if len(m) == 0:
            matrices.append([])
            continue
        matrix_product = m @ o
        est_eig = (o * matrix_product).sum(dim=0)
        sort_idx = torch.argsort(est_eig, descending=True)
        exp_avg_sq = exp_avg_sq.index_select(ind, sort_idx)
        q, _ = torch.linalg.qr(matrix_product.index_select(1, sort_idx))
        matrices.append(q)
    state["exp_avg_sq"] = exp_avg_sq
    return matrices


def reference_optimizer(name: str, hp: dict, params: list) -> torch.optim.Optimizer:
    """The reference class of ``core``'s optimizer ``name`` with the same keyword arguments."""
    ref = core.get_spec(name).reference
    assert ref is not None and ref.module == "pytorch_optimizer"
    assert ref.version == PACKAGE_VERSION, (PACKAGE_VERSION, ref.version)
    return getattr(pytorch_optimizer, ref.cls)(params, **hp)


def run_case(name: str, hp: dict, fn_name: str, start: tuple) -> np.ndarray:
    """The 2-D trajectory ``(STEPS + 1, 2)`` of one case."""
    fn = core.get_function(fn_name)
    p = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    opt = reference_optimizer(name, hp, [p])
    out = [p.detach().numpy().copy()]
    for _ in range(cases.STEPS):
        p.grad = torch.tensor(fn.grad(p.detach().numpy()), dtype=torch.float64)
        opt.step()
        out.append(p.detach().numpy().copy())
    return np.array(out)


def objective(cfg: str) -> tuple[core.MLP, np.ndarray]:
    dataset, n, hidden, activation, seed = cases.NETWORK_CONFIGS[cfg]
    f = core.mlp(core.get_dataset(dataset, n=n, seed=seed), hidden, activation)
    return f, f.init(seed)


def run_network(cfg: str, name: str, hp: dict) -> np.ndarray:
    """θ after each of ``NETWORK_STEPS`` full-batch steps, ``(NETWORK_STEPS + 1, D)``."""
    f, theta = objective(cfg)
    model = network(f)
    make = lambda: [reference_optimizer(name, hp, list(model.parameters()))]
    return trajectory(model, lambda: torch_loss(model, f), theta, make, cases.NETWORK_STEPS)


def main() -> None:
    torch.set_default_dtype(torch.float64)
    torch.set_num_threads(1)
    here = Path(__file__).parent
    meta = {"torch_version": np.array(torch.__version__), "package_version": np.array(PACKAGE_VERSION)}
    arrays = {cid: run_case(o, hp, f, x0) for cid, o, hp, f, x0 in cases.CASES}
    np.savez_compressed(here / "pyopt_trajectories.npz", **meta, **arrays)
    pytorch_optimizer.SOAP.get_orthogonal_matrix_qr = float64_orthogonal_matrix_qr
    nets = {cid: run_network(*case) for cid, case in zip(cases.NETWORK_IDS, cases.NETWORK_CASES, strict=True)}
    pytorch_optimizer.SOAP.get_orthogonal_matrix_qr = SHIPPED_QR
    for cid, (cfg, name, hp) in zip(cases.NETWORK_IDS, cases.NETWORK_CASES, strict=True):
        if name == "soap":
            nets[cid + "-f32"] = run_network(cfg, name, hp)
    np.savez_compressed(here / "pyopt_networks.npz", **meta, **nets)
    print(f"wrote {len(arrays)} trajectories and {len(nets)} network runs to {here}")


if __name__ == "__main__":
    main()
