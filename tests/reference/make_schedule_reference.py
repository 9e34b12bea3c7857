"""Regenerate ``torch_schedules.npz``: the lr (and momentum / β₁) torch's schedulers use at each update.

Needs torch (not a test requirement). From the repository root:

    python -m tests.reference.make_schedule_reference

For every case a dummy optimizer (SGD with momentum 0.9 unless stated, lr 0.1) runs ``STEPS``
updates with the usual loop ``optimizer.step(); scheduler.step()``, recording the optimizer's lr
*before* each update. ``ReduceLROnPlateau`` gets ``scheduler.step(loss)`` with fixed loss
sequences (``losses``, generated with numpy seed 0 and stored too). End-to-end cases record torch
trajectories on ``core``'s functions with a scheduler, to check ``core.simulate``; ``refusal/...``
holds the message torch raises for ``cycle_momentum`` with an optimizer that has no momentum.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch

import core
from core.schedules import Schedule, get_schedule
from tests.reference.make_torch_reference import torch_optimizer

STEPS = 100
LR = 0.1
S = torch.optim.lr_scheduler

# (case id, schedule name, our parameters, optimizer: "sgd" | "adam" | "plain")
CASES = [
    ("step_0", "step", {"step_size": 10, "gamma": 0.5}, "sgd"),
    ("step_1", "step", {"step_size": 7, "gamma": 0.1}, "sgd"),
    ("step_2", "step", {"step_size": 1, "gamma": 0.97}, "sgd"),
    ("multistep_0", "multistep", {"milestone_1": 30, "milestone_2": 80}, "sgd"),
    ("multistep_1", "multistep", {"milestone_1": 50, "milestone_2": 20, "milestone_3": 50, "gamma": 0.5}, "sgd"),
    ("multistep_2", "multistep", {"milestone_1": 1, "gamma": 0.9}, "plain"),
    ("multistep_3", "multistep", {"milestones": [70, 10, 20, 20, 50], "gamma": 0.7}, "sgd"),
    ("exponential_0", "exponential", {"gamma": 0.95}, "sgd"),
    ("exponential_1", "exponential", {"gamma": 0.8}, "sgd"),
    ("polynomial_0", "polynomial", {}, "sgd"),
    ("polynomial_1", "polynomial", {"total_iters": 60, "power": 2.0}, "sgd"),
    ("polynomial_2", "polynomial", {"total_iters": 100, "power": 0.5}, "sgd"),
    ("linear_0", "linear", {}, "sgd"),
    ("linear_1", "linear", {"start_factor": 1.0, "end_factor": 0.0, "total_iters": 60}, "sgd"),
    ("linear_2", "linear", {"start_factor": 0.1, "end_factor": 0.5, "total_iters": 100}, "adam"),
    ("cosine_0", "cosine", {"T_max": 100}, "sgd"),
    ("cosine_1", "cosine", {"T_max": 30, "eta_min": 0.01}, "sgd"),
    ("cosine_2", "cosine", {"T_max": 7}, "sgd"),
    ("cosine_warm_restarts_0", "cosine_warm_restarts", {"T_0": 10}, "sgd"),
    ("cosine_warm_restarts_1", "cosine_warm_restarts", {"T_0": 5, "T_mult": 2, "eta_min": 0.01}, "sgd"),
    ("cosine_warm_restarts_2", "cosine_warm_restarts", {"T_0": 3, "T_mult": 3}, "sgd"),
    ("warmup_cosine_0", "warmup_cosine", {"warmup_steps": 10, "T_max": 90}, "sgd"),
    (
        "warmup_cosine_1",
        "warmup_cosine",
        {"warmup_steps": 5, "T_max": 20, "start_factor": 0.1, "eta_min": 0.001},
        "sgd",
    ),
    ("warmup_cosine_2", "warmup_cosine", {"warmup_steps": 0, "T_max": 50}, "sgd"),
    ("one_cycle_0", "one_cycle", {"max_lr": 0.5, "total_steps": 100}, "sgd"),
    (
        "one_cycle_1",
        "one_cycle",
        {"max_lr": 0.01, "total_steps": 100, "anneal_strategy": "linear", "three_phase": True, "pct_start": 0.25},
        "adam",
    ),
    (
        "one_cycle_2",
        "one_cycle",
        {
            "max_lr": None,
            "total_steps": 99,
            "pct_start": 0.4,
            "div_factor": 10.0,
            "final_div_factor": 100.0,
            "base_momentum": 0.8,
            "max_momentum": 0.9,
        },
        "sgd",
    ),
    ("one_cycle_3", "one_cycle", {"max_lr": 1.0, "total_steps": 100, "cycle_momentum": False}, "plain"),
    ("cyclic_0", "cyclic", {"base_lr": 0.01, "max_lr": 0.5, "step_size_up": 10}, "sgd"),
    (
        "cyclic_1",
        "cyclic",
        {"base_lr": 0.001, "max_lr": 0.1, "step_size_up": 7, "step_size_down": 13, "mode": "triangular2"},
        "adam",
    ),
    (
        "cyclic_2",
        "cyclic",
        {"step_size_up": 15, "mode": "exp_range", "gamma": 0.98, "base_momentum": 0.7, "max_momentum": 0.95},
        "sgd",
    ),
    (
        "cyclic_3",
        "cyclic",
        {"base_lr": 0.05, "max_lr": 0.2, "step_size_up": 8, "step_size_down": 0, "cycle_momentum": False},
        "plain",
    ),
    (
        "cyclic_4",
        "cyclic",
        {"max_lr": 0.3, "step_size_up": 6, "step_size_down": 4, "mode": "exp_range", "gamma": 0.95},
        "plain",
    ),
    ("plateau_0", "plateau", {"patience": 5, "factor": 0.5}, "sgd"),
    (
        "plateau_1",
        "plateau",
        {"patience": 3, "cooldown": 4, "threshold": 0.01, "threshold_mode": "abs", "min_lr": 0.002, "factor": 0.3},
        "sgd",
    ),
    ("plateau_2", "plateau", {"mode": "max", "patience": 2, "factor": 0.2, "threshold": 0.05, "eps": 1e-3}, "sgd"),
]
MOMENTUM_CYCLES = ("one_cycle", "cyclic")


def losses() -> np.ndarray:
    """Three deterministic, noisy, decreasing loss sequences with plateaus, ``(3, STEPS)``."""
    rng = np.random.default_rng(0)
    t = np.arange(STEPS)
    out = []
    for k in range(3):
        plateaus = np.floor(t / (12 + 6 * k))  # staircase: flat stretches, then drops
        trend = np.exp(-0.15 * plateaus) + 0.2 * np.exp(-t / 40.0)
        out.append(trend * (1.0 + 0.02 * (k + 1) * rng.standard_normal(STEPS)))
    return np.array(out)


def make_optimizer(kind: str, p: torch.Tensor) -> torch.optim.Optimizer:
    """The dummy optimizer of a schedule-only case."""
    if kind == "adam":
        return torch.optim.Adam([p], lr=LR)
    if kind == "plain":
        return torch.optim.SGD([p], lr=LR)
    return torch.optim.SGD([p], lr=LR, momentum=0.9)


def make_scheduler(name: str, params: dict, opt: torch.optim.Optimizer) -> S.LRScheduler | S.ReduceLROnPlateau:
    """torch's scheduler for our schedule ``name``; None-valued lrs follow our documented defaults."""
    s = get_schedule(name, **params)
    full = core_params(s)
    lr = opt.param_groups[0]["lr"]
    if name == "multistep":
        return S.MultiStepLR(opt, milestones=list(s.milestones), gamma=full["gamma"])
    if name == "warmup_cosine":
        w = full["warmup_steps"]
        return S.SequentialLR(
            opt,
            [
                S.LinearLR(opt, start_factor=full["start_factor"], end_factor=1.0, total_iters=w),
                S.CosineAnnealingLR(opt, T_max=full["T_max"], eta_min=full["eta_min"]),
            ],
            milestones=[w],
        )
    if name in MOMENTUM_CYCLES and full["max_lr"] is None:
        full["max_lr"] = lr  # both: max_lr defaults to the optimizer's lr
    if name == "cyclic" and full["base_lr"] is None:
        full["base_lr"] = full["max_lr"] / 4.0  # cyclic: base_lr defaults to max_lr / 4
    cls = {
        "step": S.StepLR,
        "exponential": S.ExponentialLR,
        "polynomial": S.PolynomialLR,
        "linear": S.LinearLR,
        "cosine": S.CosineAnnealingLR,
        "cosine_warm_restarts": S.CosineAnnealingWarmRestarts,
        "one_cycle": S.OneCycleLR,
        "cyclic": S.CyclicLR,
        "plateau": S.ReduceLROnPlateau,
    }[name]
    return cls(opt, **full)


def core_params(s: Schedule) -> dict:
    """All parameters of our schedule (defaults filled in), as plain Python values."""
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
        if t < STEPS - 1:  # the step after the last update affects nothing recorded
            sched.step(float(loss_seq[t])) if name == "plateau" else sched.step()
    return np.array(lrs), np.array(moms)


def trajectory(opt_name: str, hp: dict, name: str, params: dict, fn_name: str, start: tuple) -> np.ndarray:
    """torch trajectory ``(STEPS + 1, 2)`` of ``core``'s ``opt_name`` on a ``core`` function, with a scheduler.

    ``OneCycleLR`` refuses to step past ``total_steps``: the loop stops stepping it there, as the
    app's PyTorch snippet does, so the lr stays where it ended.
    """
    fn = core.get_function(fn_name)
    p = torch.tensor(start, requires_grad=True)
    opt = torch_optimizer(opt_name, hp, p)
    sched = make_scheduler(name, params, opt)
    last = params.get("total_steps", STEPS) if name == "one_cycle" else STEPS
    out = [p.detach().numpy().copy()]
    for t in range(STEPS):
        p.grad = torch.tensor(fn.grad(p.detach().numpy()))
        opt.step()
        x = p.detach().numpy().copy()
        out.append(x)
        if name == "plateau":
            sched.step(float(fn.value(x)))
        elif t < last:
            sched.step()
    return np.array(out)


# End-to-end: (case id, core optimizer, its hyperparameters, schedule name, params, function, start).
# The gd and rmsprop cases have momentum 0, which torch's cycle_momentum sets before the first step.
TRAJECTORIES = [
    (
        "traj_adam_one_cycle",
        "adam",
        {"lr": 0.1},
        "one_cycle",
        {"max_lr": 0.5, "total_steps": 100},
        "quadratic",
        (-4.0, -6.0),
    ),
    (
        "traj_sgd_plateau",
        "momentum",
        {"lr": 1e-3, "momentum": 0.9},
        "plateau",
        {"patience": 3, "factor": 0.5},
        "rosenbrock",
        (-1.5, 2.0),
    ),
    (
        "traj_gd_one_cycle",
        "gd",
        {"lr": 0.1},
        "one_cycle",
        {"max_lr": 0.3, "total_steps": 100},
        "quadratic",
        (-4.0, -6.0),
    ),
    (
        "traj_rmsprop_one_cycle",
        "rmsprop",
        {"lr": 0.01},
        "one_cycle",
        {"max_lr": 0.05, "total_steps": 100},
        "himmelblau",
        (0.0, 0.0),
    ),
    ("traj_gd_cyclic", "gd", {"lr": 0.1}, "cyclic", {"step_size_up": 10}, "quadratic", (-4.0, -6.0)),
    (
        "traj_rmsprop_cyclic",
        "rmsprop",
        {"lr": 0.01, "alpha": 0.9},
        "cyclic",
        {"base_lr": 0.001, "max_lr": 0.02, "step_size_up": 12, "mode": "triangular2"},
        "rosenbrock",
        (-1.5, 2.0),
    ),
    (
        "traj_adam_cyclic",
        "adam",
        {"lr": 0.05},
        "cyclic",
        {"step_size_up": 20, "mode": "exp_range", "gamma": 0.99},
        "beale",
        (1.0, 1.5),
    ),
    (
        "traj_momentum_multistep",
        "momentum",
        {"lr": 0.01, "momentum": 0.9},
        "multistep",
        {"milestone_1": 30, "milestone_2": 60},
        "himmelblau",
        (0.0, 0.0),
    ),
    (
        "traj_nesterov_warm_restarts",
        "nesterov",
        {"lr": 0.01, "momentum": 0.9},
        "cosine_warm_restarts",
        {"T_0": 10, "T_mult": 2},
        "booth",
        (-8.0, 8.0),
    ),
    (
        "traj_adamw_linear",
        "adamw",
        {"lr": 0.05},
        "linear",
        {"start_factor": 0.25, "total_iters": 40},
        "rosenbrock",
        (-1.5, 2.0),
    ),
]

TRAJECTORIES += [
    # Rprop's step sizes start at the lr in effect at the first step, not at the optimizer's lr.
    (
        "traj_rprop_linear",
        "rprop",
        {"lr": 0.1},
        "linear",
        {"start_factor": 0.1, "total_iters": 20},
        "quadratic",
        (-4.0, -6.0),
    ),
    (
        "traj_rprop_warmup_cosine",
        "rprop",
        {"lr": 0.05},
        "warmup_cosine",
        {"warmup_steps": 10, "T_max": 90, "start_factor": 0.2},
        "rosenbrock",
        (-1.5, 2.0),
    ),
    (
        "traj_rprop_one_cycle",
        "rprop",
        {"lr": 0.2},
        "one_cycle",
        {"total_steps": 100, "cycle_momentum": False},
        "himmelblau",
        (0.0, 0.0),
    ),
    (
        "traj_rprop_cyclic",
        "rprop",
        {"lr": 0.1},
        "cyclic",
        {"step_size_up": 10, "cycle_momentum": False},
        "booth",
        (-8.0, 8.0),
    ),
    # Momentum is 0 at the first update and the buffer is made later from the undamped gradient.
    (
        "traj_momentum_cyclic_late_buffer",
        "momentum",
        {"lr": 0.02, "momentum": 0.9, "dampening": 0.5},
        "cyclic",
        {"step_size_up": 10, "base_momentum": 0.9, "max_momentum": 0.0},
        "quadratic",
        (-4.0, -6.0),
    ),
    # total_steps below the run's length: torch's scheduler stops there, the lr is held.
    (
        "traj_momentum_one_cycle_short",
        "momentum",
        {"lr": 0.05, "momentum": 0.9},
        "one_cycle",
        {"total_steps": 40},
        "quadratic",
        (-4.0, -6.0),
    ),
]

# RMSprop whose momentum a schedule turns on after the first step: torch fails (no momentum buffer).
LATE_MOMENTUM = ("rmsprop", {"lr": 0.01}, "cyclic", {"step_size_up": 5, "base_momentum": 0.9, "max_momentum": 0.0})


def late_momentum_failure() -> str:
    """What torch raises for ``LATE_MOMENTUM`` (its type and message)."""
    opt_name, hp, name, params = LATE_MOMENTUM
    p = torch.tensor([1.0, 1.0], requires_grad=True)
    opt = torch_optimizer(opt_name, hp, p)
    sched = make_scheduler(name, params, opt)
    try:
        for _ in range(STEPS):
            p.grad = torch.ones(2)
            opt.step()
            sched.step()
    except Exception as err:  # any failure is what we record
        return f"{type(err).__name__}: {err}"
    raise AssertionError("torch ran RMSprop with momentum turned on after its first step")


# Optimizers torch refuses with cycle_momentum=True (no momentum, no betas).
REFUSED = ("adagrad", "adadelta", "rprop")


def refusal(opt_name: str, name: str) -> str:
    """The message of the ValueError torch raises for scheduler ``name`` on optimizer ``opt_name``."""
    opt = torch_optimizer(opt_name, {"lr": LR}, torch.zeros(2, requires_grad=True))
    try:
        make_scheduler(name, {}, opt)
    except ValueError as err:
        return str(err)
    raise AssertionError(f"torch accepted {name} with {opt_name}")


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
            arrays[f"{cid}/lr"] = np.stack([r[0] for r in res], axis=1)  # (STEPS, 3)
        else:
            lr, mom = record(name, params, kind)
            arrays[f"{cid}/lr"] = lr
            if name in MOMENTUM_CYCLES:
                arrays[f"{cid}/momentum"] = mom
    for cid, opt_name, hp, name, params, fn_name, start in TRAJECTORIES:
        arrays[f"{cid}/points"] = trajectory(opt_name, hp, name, params, fn_name, start)
        arrays[f"{cid}/case"] = np.array(
            json.dumps({"optimizer": opt_name, "hp": hp, "schedule": name, "params": params, "function": fn_name})
        )
    for opt_name in REFUSED:
        for name in MOMENTUM_CYCLES:
            arrays[f"refusal/{name}/{opt_name}"] = np.array(refusal(opt_name, name))
    arrays["refusal/late_momentum/rmsprop"] = np.array(late_momentum_failure())
    arrays["refusal/late_momentum/setting"] = np.array(json.dumps(LATE_MOMENTUM))
    target = Path(__file__).with_name("torch_schedules.npz")
    np.savez_compressed(target, torch_version=np.array(torch.__version__), **arrays)
    print(
        f"wrote {len(CASES)} schedule cases, {len(TRAJECTORIES)} trajectories ({STEPS} updates) and "
        f"{len(REFUSED) * len(MOMENTUM_CYCLES)} refusals to {target}"
    )


if __name__ == "__main__":
    main()
