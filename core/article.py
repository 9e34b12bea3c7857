"""The article's exact setting ("Comparative performance of deep learning optimization
algorithms using NumPy"): function, starts, learning rate and its eps-inside-sqrt convention."""

from __future__ import annotations

from typing import Any

import numpy as np

from .functions import get_function
from .metrics import summary
from .optimizers import ARTICLE_OPTIMIZERS, Optimizer, get_optimizer
from .simulate import Trajectory, simulate

FUNCTION = "quadratic"
LR = 0.4
STEPS = 20
EPS = 1e-6
BOX = (-8.0, 8.0, -8.0, 8.0)
STOP_RULE = "|x| ≤ 0.1 and |y| < 0.1"  # Adam's stopping rule, as ``adam_stop`` applies it
STARTS = {
    "gd": (-4.0, -6.0),
    "momentum": (-4.0, -6.0),
    "adagrad": (-4.0, -6.0),
    "rmsprop": (-4.0, -6.0),
    "adam": (-6.0, -6.0),
}
HYPERPARAMETERS: dict[str, dict[str, Any]] = {
    "gd": {"lr": LR},
    "momentum": {"lr": LR, "momentum": 0.5},
    "adagrad": {"lr": LR, "eps": EPS, "eps_inside_sqrt": True},
    "rmsprop": {"lr": LR, "alpha": 0.9, "eps": EPS, "eps_inside_sqrt": True},
    "adam": {"lr": LR, "betas": (0.9, 0.999), "eps": EPS, "eps_inside_sqrt": True},
}
CONCLUSIONS = {
    "gd": "Oscillates along the steep y axis and converges slowly in x.",
    "momentum": "Damps the oscillation and speeds up convergence.",
    "adagrad": "Steps shrink as squared gradients accumulate, so it slows down.",
    "rmsprop": "A decaying average fixes Adagrad's shrinking steps.",
    "adam": "Momentum + RMSprop + bias correction: reaches the optimum's neighbourhood fastest and most smoothly.",
}


def adam_stop(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The article stops Adam as soon as |x| <= 0.1 and |y| < 0.1."""
    return (np.abs(x) <= 0.1) & (np.abs(y) < 0.1)


def optimizer(name: str) -> Optimizer:
    """One of the article's five optimizers with the article's hyperparameters."""
    return get_optimizer(name, **HYPERPARAMETERS[name])


def run(name: str, stop: bool = True) -> Trajectory:
    """The article's run of ``name`` (one of ``ARTICLE_OPTIMIZERS``); ``stop=False`` lets Adam run on past its rule."""
    return simulate(
        get_function(FUNCTION),
        optimizer(name),
        STARTS[name],
        STEPS,
        stop_when=adam_stop if name == "adam" and stop else None,
    )


def stop_rule_step(points: np.ndarray) -> int:
    """First step at which a path ``(T, 2)`` meets Adam's stopping rule, or -1: the article's own yardstick."""
    hit = adam_stop(points[:, 0], points[:, 1])
    return int(np.argmax(hit)) if hit.any() else -1


def findings(name: str) -> dict[str, float | int]:
    """What the article's own run of ``name`` shows, to set beside its conclusion.

    The step at which it meets the stopping rule, the step at which f − f* ≤ 1e-3 (the app's
    tolerance), its final loss, and its loss after all ``STEPS`` steps without Adam's early stop.
    """
    f = get_function(FUNCTION)
    r = run(name)
    return {
        "stop_rule_step": stop_rule_step(r.points),
        "steps_to_tol": int(summary(f, r)["steps_to_tol"]),
        "final_loss": float(r.values[-1]),
        "stopped_at": int(r.stopped_at),
        "unstopped_final_loss": float(run(name, stop=False).values[-1]),
    }


__all__ = [
    "ARTICLE_OPTIMIZERS",
    "BOX",
    "CONCLUSIONS",
    "EPS",
    "FUNCTION",
    "HYPERPARAMETERS",
    "LR",
    "STARTS",
    "STEPS",
    "STOP_RULE",
    "adam_stop",
    "findings",
    "optimizer",
    "run",
    "stop_rule_step",
]
