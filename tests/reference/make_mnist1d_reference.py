"""Regenerate ``torch_mnist1d.npz``: MNIST-1D's models by torch autograd and torch.optim, float64.

Needs torch (not a test requirement) and the mnist1d package. From the repository root:

    python -m tests.reference.make_mnist1d_reference

It records, for every config of ``cnn_cases.py``: the loss and the gradient (``parameters_to_vector``
of the ``.grad``s) of ``nn.Sequential(Conv1d, act, ..., Flatten, Linear)`` at random θ loaded with
``vector_to_parameters``; the ``state_dict`` names and shapes of the paper's default CNN; and, for
every case, the parameters after each of ``STEPS`` full-batch steps of torch.optim. Muon takes the
2-D weights only (torch refuses the 3-D kernels) and AdamW the rest, with torch's Newton–Schulz run
in float64 as the core runs it (see ``make_network_reference``). For the MLPs of ``MLP_CONFIGS``
(the paper's residual MLP in miniature, logistic regression): loss and gradient at random θ, and
the residual MLP trained by Adam.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
import torch.optim._muon as torch_muon
from torch import nn
from torch.nn.utils import parameters_to_vector, vector_to_parameters

import core
from tests.reference.make_network_reference import BF16_NS, float64_newton_schulz, optimizers, trajectory
from tests.reference.mnist1d_cases import CASES, CONFIGS, MLP_CONFIGS, MLP_TRAIN, POINTS, STEPS, SUBSET

ACTIVATION = {"tanh": nn.Tanh, "relu": nn.ReLU, "sigmoid": nn.Sigmoid}


def objective(cfg: str) -> core.CNN:
    channels, kernels, stride, padding, activation, seed = CONFIGS[cfg]
    return core.cnn(core.get_dataset("mnist1d", n=SUBSET, seed=seed), channels, kernels, stride, padding, activation)


def network(f: core.CNN) -> nn.Sequential:
    """``nn.Sequential(Conv1d, act, ..., Flatten, Linear)`` with the shape of ``f``."""
    layers: list[nn.Module] = []
    c_in = 1
    for c, k in zip(f.channels, f.kernels, strict=True):
        layers += [nn.Conv1d(c_in, c, k, stride=f.stride, padding=f.padding), ACTIVATION[f.activation]()]
        c_in = c
    layers += [nn.Flatten(), nn.Linear(f.channels[-1] * f.lengths[-1], f.dataset.classes)]
    return nn.Sequential(*layers).double()


def torch_loss(model: nn.Module, f: core.CNN) -> torch.Tensor:
    x = torch.tensor(f.dataset.x_train)[:, None, :]  # one input channel
    return nn.functional.cross_entropy(model(x), torch.tensor(f.dataset.y_train))


class Residual(nn.Module):
    """The MNIST-1D paper's ``MLPBase`` pattern: ``h + act(linear(h))``."""

    def __init__(self, linear: nn.Linear, act: nn.Module) -> None:
        super().__init__()
        self.linear, self.act = linear, act

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        return h + self.act(self.linear(h))


def mlp_objective(cfg: str) -> core.MLP:
    hidden, activation, residual, seed = MLP_CONFIGS[cfg]
    return core.mlp(core.get_dataset("mnist1d", n=SUBSET, seed=seed), hidden, activation, residual)


def mlp_network(f: core.MLP) -> nn.Module:
    """Linear, act; then per hidden layer act(Linear h), or h + act(Linear h) between equal widths with ``residual``."""
    layers: list[nn.Module] = []
    for i, (a, b) in enumerate(zip(f.sizes[:-1], f.sizes[1:], strict=False)):
        linear = nn.Linear(a, b)
        if i == len(f.sizes) - 2:
            layers.append(linear)
        elif i and f.residual and a == b:
            layers.append(Residual(linear, ACTIVATION[f.activation]()))
        else:
            layers += [linear, ACTIVATION[f.activation]()]
    return nn.Sequential(*layers).double()


def mlp_loss(model: nn.Module, f: core.MLP) -> torch.Tensor:
    return nn.functional.cross_entropy(model(torch.tensor(f.dataset.x_train)), torch.tensor(f.dataset.y_train))


def mlp_references() -> dict[str, np.ndarray]:
    """Loss and gradient at two random θ per MLP config, and the residual MLP's Adam steps."""
    out: dict[str, np.ndarray] = {}
    for cfg in MLP_CONFIGS:
        f = mlp_objective(cfg)
        model = mlp_network(f)
        assert parameters_to_vector(model.parameters()).numel() == f.dim
        losses, grads = [], []
        for theta in np.random.default_rng(MLP_CONFIGS[cfg][-1]).normal(0.0, 0.4, (2, f.dim)):
            vector_to_parameters(torch.tensor(theta), model.parameters())
            model.zero_grad()
            loss = mlp_loss(model, f)
            loss.backward()
            losses.append(loss.item())
            grads.append(parameters_to_vector(p.grad for p in model.parameters()).detach().numpy().copy())
        out[f"{cfg}/loss"], out[f"{cfg}/grad"] = np.array(losses), np.array(grads)
    cfg, name, hp = MLP_TRAIN
    f = mlp_objective(cfg)
    model = mlp_network(f)
    theta = f.init(MLP_CONFIGS[cfg][-1])
    vector_to_parameters(torch.tensor(theta), model.parameters())
    (opt,) = optimizers(name, hp, model)
    path = [theta]
    for _ in range(STEPS):
        opt.zero_grad()
        mlp_loss(model, f).backward()
        opt.step()
        path.append(parameters_to_vector(model.parameters()).detach().numpy().copy())
    out[f"{cfg}/{name}"] = np.array(path)
    return out


def points(cfg: str, dim: int) -> np.ndarray:
    seed, *scales = POINTS[cfg]
    rng = np.random.default_rng(seed)
    return np.stack([rng.normal(0.0, s, dim) for s in scales])


def loss_and_grad(cfg: str) -> dict[str, np.ndarray]:
    f = objective(cfg)
    model = network(f)
    assert [n for n, _ in model.named_parameters()] == [b.name for b in f.layout]
    losses, grads = [], []
    for theta in points(cfg, f.dim):
        vector_to_parameters(torch.tensor(theta), model.parameters())
        model.zero_grad()
        loss = torch_loss(model, f)
        loss.backward()
        losses.append(loss.item())
        grads.append(parameters_to_vector(p.grad for p in model.parameters()).detach().numpy().copy())
    return {f"{cfg}/loss": np.array(losses), f"{cfg}/grad": np.array(grads)}


def default_layout() -> dict[str, np.ndarray]:
    """``state_dict`` names and shapes of the MNIST-1D paper's CNN as torch builds it."""
    f = core.cnn(core.get_dataset("mnist1d", n=SUBSET))
    state = network(f).state_dict()
    shapes = np.zeros((len(state), 3), dtype=np.int64)  # padded with zeros past each tensor's rank
    for i, v in enumerate(state.values()):
        shapes[i, : v.ndim] = v.shape
    return {"default/names": np.array(list(state)), "default/shapes": shapes}


def run_case(cfg: str, name: str, hp: dict) -> np.ndarray:
    """θ after each of ``STEPS`` full-batch steps from the config's initialisation, ``(STEPS + 1, D)``."""
    f = objective(cfg)
    model = network(f)
    theta = f.init(CONFIGS[cfg][-1])
    return trajectory(model, lambda: torch_loss(model, f), theta, lambda: optimizers(name, hp, model), STEPS)


def main() -> None:
    torch.set_default_dtype(torch.float64)
    torch.set_num_threads(1)
    arrays: dict[str, np.ndarray] = {**default_layout(), **mlp_references()}
    for cfg in CONFIGS:
        arrays.update(loss_and_grad(cfg))
    torch_muon._zeropower_via_newtonschulz = float64_newton_schulz
    arrays.update({cid: run_case(cfg, name, hp) for cid, cfg, name, hp in CASES})
    torch_muon._zeropower_via_newtonschulz = BF16_NS
    target = Path(__file__).with_name("torch_mnist1d.npz")
    np.savez_compressed(target, torch_version=np.array(torch.__version__), **arrays)
    print(f"wrote {len(arrays)} arrays ({target.stat().st_size / 1024:.0f} kB) to {target}")


if __name__ == "__main__":
    main()
