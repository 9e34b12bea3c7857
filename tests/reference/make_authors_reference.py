"""Regenerate ``authors_trajectories.npz`` and ``authors_networks.npz``: the cases of ``authors_cases.py`` run
with the authors' reference packages (a spec's ``reference``), float64, one thread.

Generated with torch 2.13.0, schedulefree 1.4.1 and prodigyopt 1.1.2 (dev-only, never imported by tests):

    pip install torch==2.13.0 schedulefree==1.4.1 prodigyopt==1.1.2
    python -m tests.reference.make_authors_reference

Schedule-Free runs in train mode (``optimizer.train()`` first), so the recorded parameter is ``y``, where
the gradient is taken. Beside it, ``<case>/x`` holds at each step the averaged point ``x`` that
``optimizer.eval()`` would put in ``p`` (the same lerp of ``p`` towards the package's ``z``, on a copy), and
``<case>/eval`` the parameter after calling ``optimizer.eval()`` itself at the end. On the landscapes the
gradients come from ``core``'s analytic formulas; the networks use autograd on ``nn.Sequential``
(``make_network_reference`` checks that layout against ``core.mlp``).
"""

from __future__ import annotations

import importlib
from importlib import metadata
from pathlib import Path

import numpy as np
import torch
from torch.nn.utils import parameters_to_vector, vector_to_parameters

import core
from tests.reference.authors_cases import CASES, NETWORK_CASES, NETWORK_STEPS, PACKAGES, STEPS
from tests.reference.make_network_reference import network, objective, torch_loss

HERE = Path(__file__).parent


def package_optimizer(name: str, hp: dict, params: list[torch.Tensor]) -> torch.optim.Optimizer:
    """The reference class that ``core.get_optimizer(name, **hp)`` mirrors, in train mode when it has one."""
    ref = core.get_spec(name).reference
    assert ref is not None
    kwargs = dict(hp)
    if kwargs.get("growth_rate", 0) is None:  # core's None is the package's float("inf")
        kwargs["growth_rate"] = float("inf")
    opt = getattr(importlib.import_module(ref.module), ref.cls)(params, **kwargs)
    if ref.train_mode:
        opt.train()
    return opt


def averaged(opt: torch.optim.Optimizer, params: list[torch.Tensor]) -> np.ndarray:
    """What ``opt.eval()`` would set the parameters to (Schedule-Free's x), computed on copies."""
    group = opt.param_groups[0]
    beta = group["betas"][0] if "betas" in group else group["momentum"]
    out = [p.detach().clone().lerp_(opt.state[p]["z"], 1 - 1 / beta) if "z" in opt.state[p] else p for p in params]
    return parameters_to_vector(out).detach().numpy().copy()


def run_case(name: str, hp: dict, fn_name: str, start: tuple) -> dict[str, np.ndarray]:
    """The trajectory ``(STEPS + 1, 2)`` and, for Schedule-Free, its averaged points and eval point."""
    fn = core.get_function(fn_name)
    p = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    opt = package_optimizer(name, hp, [p])
    points, xs = [p.detach().numpy().copy()], [p.detach().numpy().copy()]
    for _ in range(STEPS):
        p.grad = torch.tensor(fn.grad(p.detach().numpy()), dtype=torch.float64)
        opt.step()
        points.append(p.detach().numpy().copy())
        if PACKAGES[name].train_mode:
            xs.append(averaged(opt, [p]))
    out = {"points": np.array(points)}
    if PACKAGES[name].train_mode:
        opt.eval()
        out |= {"x": np.array(xs), "eval": p.detach().numpy().copy()}
    return out


def run_network(cfg: str, name: str, hp: dict) -> dict[str, np.ndarray]:
    """θ after each of ``NETWORK_STEPS`` full-batch steps ``(NETWORK_STEPS + 1, D)`` (and x, for Schedule-Free)."""
    f, theta = objective(cfg)
    model = network(f)
    vector_to_parameters(torch.tensor(theta), model.parameters())
    params = list(model.parameters())
    opt = package_optimizer(name, hp, params)
    points, xs = [theta], [theta]
    for _ in range(NETWORK_STEPS):
        opt.zero_grad()
        torch_loss(model, f).backward()
        opt.step()
        points.append(parameters_to_vector(params).detach().numpy().copy())
        if PACKAGES[name].train_mode:
            xs.append(averaged(opt, params))
    out = {"points": np.array(points)}
    if PACKAGES[name].train_mode:
        out["x"] = np.array(xs)
    return out


def _flat(cid: str, arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {f"{cid}/{k}": v for k, v in arrays.items()}


def main() -> None:
    torch.set_default_dtype(torch.float64)
    torch.set_num_threads(1)
    versions = {f"{ref.package}_version": np.array(metadata.version(ref.package)) for ref in PACKAGES.values()}
    for ref in PACKAGES.values():
        if metadata.version(ref.package) != ref.version:
            raise SystemExit(f"{ref.package} {metadata.version(ref.package)} installed; the snippets pin {ref.version}")
    landscapes: dict[str, np.ndarray] = {}
    for cid, name, hp, fn, x0 in CASES:
        landscapes |= _flat(cid, run_case(name, hp, fn, x0))
    networks: dict[str, np.ndarray] = {}
    for cid, cfg, name, hp in NETWORK_CASES:
        networks |= _flat(cid, run_network(cfg, name, hp))
    for file, arrays in (("authors_trajectories.npz", landscapes), ("authors_networks.npz", networks)):
        np.savez_compressed(HERE / file, torch_version=np.array(torch.__version__), **versions, **arrays)
        print(f"wrote {len(arrays)} arrays ({(HERE / file).stat().st_size / 1024:.0f} kB) to {HERE / file}")


if __name__ == "__main__":
    main()
