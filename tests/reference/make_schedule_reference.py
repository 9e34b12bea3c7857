"""Regenerate ``torch_schedules.npz``: the lr (and momentum / β₁) torch's schedulers use at each update.

Needs torch (not a test requirement). From the repository root:

    python -m tests.reference.make_schedule_reference

For every case a dummy optimizer (SGD with momentum 0.9 unless stated, lr 0.1) runs ``STEPS``
updates with the usual loop ``optimizer.step(); scheduler.step()``, recording the optimizer's lr
*before* each update. ``ReduceLROnPlateau`` gets ``scheduler.step(loss)`` with fixed loss
sequences (``losses``, generated with numpy seed 0 and stored too). Two end-to-end cases also
record torch trajectories on ``core``'s quadratic with a schedule, to check ``core.simulate``.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch

import core
from core.schedules import get_schedule

STEPS = 100
LR = 0.1
S = torch.optim.lr_scheduler

# (case id, schedule name, our parameters, optimizer: "sgd" | "adam" | "plain")
CASES = [
    ("step_0", "step", {"step_size": 10, "gamma": 0.5}, "sgd"),
    ("step_1", "step", {"step_size": 7, "gamma": 0.1}, "sgd"),
    ("step_2", "step", {"step_size": 1, "gamma": 0.97}, "sgd"),
    ("exponential_0", "exponential", {"gamma": 0.95}, "sgd"),
    ("exponential_1", "exponential", {"gamma": 0.8}, "sgd"),
    ("polynomial_0", "polynomial", {}, "sgd"),
    ("polynomial_1", "polynomial", {"total_iters": 60, "power": 2.0}, "sgd"),
    ("polynomial_2", "polynomial", {"total_iters": 100, "power": 0.5}, "sgd"),
    ("cosine_0", "cosine", {"T_max": 100}, "sgd"),
    ("cosine_1", "cosine", {"T_max": 30, "eta_min": 0.01}, "sgd"),
    ("cosine_2", "cosine", {"T_max": 7}, "sgd"),
    ("warmup_cosine_0", "warmup_cosine", {"warmup_steps": 10, "T_max": 90}, "sgd"),
    ("warmup_cosine_1", "warmup_cosine", {"warmup_steps": 5, "T_max": 20, "start_factor": 0.1, "eta_min": 0.001}, "sgd"),
    ("warmup_cosine_2", "warmup_cosine", {"warmup_steps": 0, "T_max": 50}, "sgd"),
    ("one_cycle_0", "one_cycle", {"max_lr": 0.5, "total_steps": 100}, "sgd"),
    ("one_cycle_1", "one_cycle", {"max_lr": 0.01, "total_steps": 100, "anneal_strategy": "linear",
                                  "three_phase": True, "pct_start": 0.25}, "adam"),
    ("one_cycle_2", "one_cycle", {"max_lr": None, "total_steps": 99, "pct_start": 0.4, "div_factor": 10.0,
                                  "final_div_factor": 100.0, "base_momentum": 0.8, "max_momentum": 0.9}, "sgd"),
    ("one_cycle_3", "one_cycle", {"max_lr": 1.0, "total_steps": 100, "cycle_momentum": False}, "plain"),
    ("plateau_0", "plateau", {"patience": 5, "factor": 0.5}, "sgd"),
    ("plateau_1", "plateau", {"patience": 3, "cooldown": 4, "threshold": 0.01, "threshold_mode": "abs",
                              "min_lr": 0.002, "factor": 0.3}, "sgd"),
    ("plateau_2", "plateau", {"mode": "max", "patience": 2, "factor": 0.2, "threshold": 0.05, "eps": 1e-3}, "sgd"),
]


def losses() -> np.ndarray:
    """Three deterministic, noisy, decreasing loss sequences with plateaus, ``(3, STEPS)``."""
    rng = np.random.default_rng(0)
    t = np.arange(STEPS)
    out = []
    for k in range(3):
        plateaus = np.floor(t / (12 + 6 * k))                  # staircase: flat stretches, then drops
        trend = np.exp(-0.15 * plateaus) + 0.2 * np.exp(-t / 40.0)
        out.append(trend * (1.0 + 0.02 * (k + 1) * rng.standard_normal(STEPS)))
    return np.array(out)


def make_optimizer(kind: str, p: torch.Tensor, lr: float = LR) -> torch.optim.Optimizer:
    if kind == "adam":
        return torch.optim.Adam([p], lr=lr)
    if kind == "plain":
        return torch.optim.SGD([p], lr=lr)
    return torch.optim.SGD([p], lr=lr, momentum=0.9)


def make_scheduler(name: str, params: dict, opt: torch.optim.Optimizer):
    full = core_params(name, params)
    if name == "step":
        return S.StepLR(opt, **full)
    if name == "exponential":
        return S.ExponentialLR(opt, **full)
    if name == "polynomial":
        return S.PolynomialLR(opt, **full)
    if name == "cosine":
        return S.CosineAnnealingLR(opt, **full)
    if name == "warmup_cosine":
        w = full["warmup_steps"]
        return S.SequentialLR(opt, [
            S.LinearLR(opt, start_factor=full["start_factor"], end_factor=1.0, total_iters=w),
            S.CosineAnnealingLR(opt, T_max=full["T_max"], eta_min=full["eta_min"]),
        ], milestones=[w])
    if name == "one_cycle":
        if full["max_lr"] is None:
            full["max_lr"] = LR
        return S.OneCycleLR(opt, **full)
    if name == "plateau":
        return S.ReduceLROnPlateau(opt, **full)
    raise ValueError(name)


def core_params(name: str, params: dict) -> dict:
    """All parameters of our schedule (defaults filled in), as plain Python values."""
    s = get_schedule(name, **params)
    return {h.name: getattr(s, h.name) for h in type(s).params}


def momentum_of(opt: torch.optim.Optimizer) -> float:
    g = opt.param_groups[0]
    return g["betas"][0] if "betas" in g else g.get("momentum", np.nan)


def record(name: str, params: dict, kind: str, loss_seq: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """lr and momentum/β₁ used at each of the STEPS updates."""
    p = torch.zeros(2, requires_grad=True)
    opt = make_optimizer(kind, p)
    sched = make_scheduler(name, params, opt)
    lrs, moms = [], []
    for t in range(STEPS):
        lrs.append(float(opt.param_groups[0]["lr"]))
        moms.append(float(momentum_of(opt)))
        p.grad = torch.ones(2)
        opt.step()
        if t < STEPS - 1:   # the step after the last update affects nothing recorded
            sched.step(float(loss_seq[t])) if name == "plateau" else sched.step()
    return np.array(lrs), np.array(moms)


def trajectory(opt_kind: str, lr: float, name: str, params: dict, fn_name: str, start: tuple) -> np.ndarray:
    """torch trajectory ``(STEPS + 1, 2)`` on a ``core`` function with a scheduler."""
    fn = core.get_function(fn_name)
    p = torch.tensor(start, requires_grad=True)
    opt = make_optimizer(opt_kind, p, lr)
    sched = make_scheduler(name, params, opt)
    out = [p.detach().numpy().copy()]
    for _ in range(STEPS):
        p.grad = torch.tensor(fn.grad(p.detach().numpy()))
        opt.step()
        x = p.detach().numpy().copy()
        out.append(x)
        sched.step(float(fn.value(x))) if name == "plateau" else sched.step()
    return np.array(out)


# End-to-end: (case id, optimizer kind, lr, schedule name, params, function, start)
TRAJECTORIES = [
    ("traj_adam_one_cycle", "adam", 0.1, "one_cycle", {"max_lr": 0.5, "total_steps": 100}, "quadratic", (-4.0, -6.0)),
    ("traj_sgd_plateau", "sgd", 1e-3, "plateau", {"patience": 3, "factor": 0.5}, "rosenbrock", (-1.5, 2.0)),
]


def main() -> None:
    torch.set_default_dtype(torch.float64)
    torch.set_num_threads(1)
    seqs = losses()
    arrays: dict[str, np.ndarray] = {"losses": seqs, "steps": np.array(STEPS), "base_lr": np.array(LR)}
    for cid, name, params, kind in CASES:
        arrays[f"{cid}/params"] = np.array(json.dumps(params))
        arrays[f"{cid}/optimizer"] = np.array(kind)
        if name == "plateau":
            res = [record(name, params, kind, seq) for seq in seqs]
            arrays[f"{cid}/lr"] = np.stack([r[0] for r in res], axis=1)          # (STEPS, 3)
        else:
            lr, mom = record(name, params, kind)
            arrays[f"{cid}/lr"] = lr
            if name == "one_cycle":
                arrays[f"{cid}/momentum"] = mom
    for cid, kind, lr, name, params, fn_name, start in TRAJECTORIES:
        arrays[f"{cid}/points"] = trajectory(kind, lr, name, params, fn_name, start)
        arrays[f"{cid}/params"] = np.array(json.dumps(params))
    target = Path(__file__).with_name("torch_schedules.npz")
    np.savez_compressed(target, torch_version=np.array(torch.__version__), **arrays)
    print(f"wrote {len(CASES)} schedule cases and {len(TRAJECTORIES)} trajectories ({STEPS} updates) to {target}")


if __name__ == "__main__":
    main()
