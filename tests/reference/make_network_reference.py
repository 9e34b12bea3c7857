"""Regenerate ``torch_networks.npz``: small MLPs trained with torch.optim, full batch, float64.

Needs torch (not a test requirement). From the repository root:

    python -m tests.reference.make_network_reference

For every config it first checks that ``core.mlp``'s θ layout is torch's: θ loaded into
``nn.Sequential`` with ``vector_to_parameters`` gives the same loss and, flattened back with
``parameters_to_vector``, the same gradient (stored too, for the test). Then it records, for every
case, torch's parameters after each step. Muon is recorded twice: with torch's Newton–Schulz as
shipped (bfloat16) and with the same iteration in float64 (``…/muon`` vs ``…/muon-bf16``), since
the NumPy core runs it in float64.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
import torch.optim._muon as torch_muon
from torch import nn
from torch.nn.utils import parameters_to_vector, vector_to_parameters

import core
from tests.reference.network_cases import CASES, CONFIGS, STEPS

TORCH_CLASS = {"gd": "SGD", "momentum": "SGD", "nesterov": "SGD"}
ACTIVATION = {"tanh": nn.Tanh, "relu": nn.ReLU, "sigmoid": nn.Sigmoid}
BF16_NS = torch_muon._zeropower_via_newtonschulz


def float64_newton_schulz(grad, ns_coefficients, ns_steps, eps):
    """torch's ``_zeropower_via_newtonschulz`` with the bfloat16 cast removed (everything else unchanged)."""
    a, b, c = ns_coefficients
    ortho = grad.clone()
    if grad.size(0) > grad.size(1):
        ortho = ortho.T
    ortho.div_(ortho.norm().clamp(min=eps))
    for _ in range(ns_steps):
        gram = ortho @ ortho.T
        update = torch.addmm(gram, gram, gram, beta=b, alpha=c)
        ortho = torch.addmm(ortho, update, ortho, beta=a)
    if grad.size(0) > grad.size(1):
        ortho = ortho.T
    return ortho


def network(f: core.MLP) -> nn.Sequential:
    """``nn.Sequential(Linear, act, ..., Linear)`` with the sizes of ``f``."""
    layers: list[nn.Module] = []
    for i, (a, b) in enumerate(zip(f.sizes[:-1], f.sizes[1:], strict=False)):
        if i:
            layers.append(ACTIVATION[f.activation]())
        layers.append(nn.Linear(a, b))
    return nn.Sequential(*layers).double()


def objective(cfg: str) -> tuple[core.MLP, np.ndarray]:
    dataset, n, hidden, activation, seed = CONFIGS[cfg]
    f = core.mlp(core.get_dataset(dataset, n=n, seed=seed), hidden, activation)
    return f, f.init(seed)


def torch_loss(model: nn.Module, f: core.MLP) -> torch.Tensor:
    x = torch.tensor(f.dataset.x_train)
    y = torch.tensor(f.dataset.y_train)
    return nn.functional.cross_entropy(model(x), y)


def check_layout(cfg: str) -> np.ndarray:
    """Assert θ's layout and the loss agree with torch; return torch's gradient at θ0."""
    f, theta = objective(cfg)
    model = network(f)
    names = [name for name, _ in model.named_parameters()]
    assert names == [b.name for b in f.layout], (names, f.layout)
    assert parameters_to_vector(model.parameters()).numel() == f.dim
    vector_to_parameters(torch.tensor(theta), model.parameters())
    loss = torch_loss(model, f)
    loss.backward()
    grad = parameters_to_vector(p.grad for p in model.parameters()).detach().numpy()
    np.testing.assert_allclose(f.value(theta), loss.item(), rtol=1e-12)
    np.testing.assert_allclose(f.grad(theta), grad, rtol=1e-9, atol=1e-15)
    return grad


def optimizers(name: str, hp: dict, model: nn.Module) -> list[torch.optim.Optimizer]:
    """torch.optim optimizers for case ``name``: Muon takes the matrices, AdamW the biases."""
    params = list(model.parameters())
    if name == "muon":
        kw = {k: v for k, v in hp.items() if not k.startswith("adamw_")}
        adamw = {
            k[len("adamw_") :]: v
            for k, v in core.get_optimizer("muon", **hp).hyperparameters.items()
            if k.startswith("adamw_")
        }
        return [
            torch.optim.Muon([p for p in params if p.ndim == 2], **kw),
            torch.optim.AdamW([p for p in params if p.ndim != 2], **adamw),
        ]
    kwargs = dict(hp, nesterov=True) if name == "nesterov" else dict(hp)
    cls = getattr(torch.optim, TORCH_CLASS.get(name) or core.get_spec(name).torch_name)
    return [cls(params, **kwargs)]


def trajectory(model: nn.Module, loss, theta: np.ndarray, make_opts, steps: int) -> np.ndarray:
    """θ ``(steps + 1, D)`` of ``model`` started at ``theta`` and trained full batch on ``loss()`` by the
    optimizers ``make_opts()`` builds once θ is in place."""
    vector_to_parameters(torch.tensor(theta), model.parameters())
    opts = make_opts()
    out = [theta]
    for _ in range(steps):
        for opt in opts:
            opt.zero_grad()
        loss().backward()
        for opt in opts:
            opt.step()
        out.append(parameters_to_vector(model.parameters()).detach().numpy().copy())
    return np.array(out)


def run_case(cfg: str, name: str, hp: dict) -> np.ndarray:
    """θ after each of ``STEPS`` full-batch steps, ``(STEPS + 1, D)``."""
    f, theta = objective(cfg)
    model = network(f)
    return trajectory(model, lambda: torch_loss(model, f), theta, lambda: optimizers(name, hp, model), STEPS)


def main() -> None:
    torch.set_default_dtype(torch.float64)  # scalar state (step counts, NAdam's mu_product) in float64 too
    torch.set_num_threads(1)
    arrays = {f"{cfg}/grad0": check_layout(cfg) for cfg in CONFIGS}
    torch_muon._zeropower_via_newtonschulz = float64_newton_schulz
    arrays.update({cid: run_case(cfg, name, hp) for cid, cfg, name, hp in CASES})
    torch_muon._zeropower_via_newtonschulz = BF16_NS
    arrays.update({f"{cid}-bf16": run_case(cfg, name, hp) for cid, cfg, name, hp in CASES if name == "muon"})
    target = Path(__file__).with_name("torch_networks.npz")
    np.savez_compressed(target, torch_version=np.array(torch.__version__), **arrays)
    print(f"wrote {len(arrays)} arrays ({target.stat().st_size / 1024:.0f} kB) to {target}")


if __name__ == "__main__":
    main()
