"""Learning-rate sweeps: many learning rates of one optimizer in a single batched run."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from . import metrics
from .functions import Objective
from .optimizers import Optimizer, get_optimizer
from .simulate import simulate


@dataclass(frozen=True)
class Sweep:
    """Per learning rate: final gap f − f*, first step with gap ≤ tol (−1: never), divergence step (−1: none).

    Divergence is ``metrics.diverged_at``'s, the one definition every page uses; a diverged run's final gap is inf.
    """

    lrs: np.ndarray
    final_gap: np.ndarray
    steps_to_tol: np.ndarray
    diverged_at: np.ndarray

    @property
    def divergence_threshold(self) -> float:
        """The smallest swept lr whose run diverged (NaN if none did)."""
        hit = self.diverged_at >= 0
        return float(self.lrs[hit].min()) if hit.any() else float("nan")


def lr_sweep(
    f: Objective, optimizer: Optimizer, x0: Any, steps: int, lrs: np.ndarray, tol: float = 1e-3, escape: float = np.inf
) -> Sweep:
    """Run ``optimizer`` once per lr in ``lrs`` (its own lr replaced; one ``simulate`` call) from the same start.

    ``escape`` is the radius past which a run has left the landscape (``Objective.escape_radius``).
    """
    lrs = np.asarray(lrs, dtype=float)
    opt = get_optimizer(optimizer.name, **{**optimizer.hyperparameters, "lr": lrs})
    start = np.broadcast_to(np.asarray(x0, dtype=float), (*lrs.shape, 2))
    run = simulate(f, opt, start, steps, escape=escape)
    gap = metrics.gap(f, run.values)
    diverged_at = metrics.diverged_at(f, run)
    final = np.where(diverged_at >= 0, np.inf, gap[-1])
    return Sweep(lrs=lrs, final_gap=final, steps_to_tol=metrics.steps_to_reach(gap, tol), diverged_at=diverged_at)
