"""The article's exact setting ("Comparative performance of deep learning optimization
algorithms using NumPy"): function, starts, learning rate and its eps-inside-sqrt convention."""
from __future__ import annotations

from typing import Any

import numpy as np

from .functions import get_function
from .optimizers import ARTICLE_OPTIMIZERS, Optimizer, get_optimizer
from .simulate import Trajectory, simulate

FUNCTION = "quadratic"
LR = 0.4
STEPS = 20
EPS = 1e-6
BOX = (-8.0, 8.0, -8.0, 8.0)
STARTS = {"gd": (-4.0, -6.0), "momentum": (-4.0, -6.0), "adagrad": (-4.0, -6.0),
          "rmsprop": (-4.0, -6.0), "adam": (-6.0, -6.0)}
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


def run(name: str) -> Trajectory:
    """The article's run of ``name`` (one of ``ARTICLE_OPTIMIZERS``)."""
    return simulate(get_function(FUNCTION), optimizer(name), STARTS[name], STEPS,
                    stop_when=adam_stop if name == "adam" else None)


__all__ = ["FUNCTION", "LR", "STEPS", "EPS", "BOX", "STARTS", "HYPERPARAMETERS", "CONCLUSIONS",
           "ARTICLE_OPTIMIZERS", "adam_stop", "optimizer", "run"]
