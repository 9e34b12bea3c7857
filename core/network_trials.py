"""Trials of one optimizer on a network, scored on the held-out test split (what ``core.tune`` uses on networks).

A practitioner judges a setting by how the network does on data it was not trained on, over a few
seeds. So here the runs of a trial are ``seeds`` networks: network i starts from the network's own
seeded initialisation ``init(i)`` and, with minibatches, draws them in the order seeded by
``seed + i`` (or, with ``shared_batches``, all in the order seeded ``seed``, as the network lab trains
them). A run has diverged when its parameters stop being finite or its training loss ends
above ``GROWTH`` times its start (the landscapes' rule; a network's loss stays finite long after it
has blown up). Scores (lower is better; a diverged run scores ``inf``):

- ``"final"``: the final test loss;
- ``"steps"``: the first recorded step with test accuracy ≥ ``target`` (a run that never gets
  there counts ``MISSED`` × steps, as on landscapes);
- ``"auc"``: the mean test loss over the recorded steps (the area under the test-loss curve per step).

Full-batch trials run in one batched ``simulate`` call over trials × seeds; with minibatches, one
call per seed (networks of one call share their minibatches), or one call with ``shared_batches``. Trials whose recorded parameters
would exceed ``CHUNK_BYTES`` run in chunks of trials. Only the test split is evaluated at the
recorded steps: the scores never read the training split (the training loss that ``simulate``
records serves the divergence rule).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .messages import N_, CoreError
from .metrics import MISSED, growth_diverged_at
from .optimizers import Optimizer
from .simulate import Pulse, Trajectory, simulate

DEFAULT_TARGET = 0.9  # test accuracy for the "steps" score: every data set of the lab gets there when trained well
ROWS = 50  # recorded rows per run for the curve-based scores: test accuracy is judged every steps / ROWS steps
# Largest block of recorded parameters one simulate call keeps (rows × trials × seeds × D floats): more trials
# than fit run in several calls of the same minibatches, so a big budget on a big network does not exhaust memory.
CHUNK_BYTES = 64 << 20


@dataclass(frozen=True)
class NetworkTrials:
    """The runs of a batch of trials on a network, ``(trials, seeds)`` each.

    ``scores`` by the chosen metric; ``test_loss`` the final test loss; ``reached_at`` the first
    recorded step with test accuracy ≥ the target, or -1; ``diverged`` whether the run's
    parameters stopped being finite; ``steps`` the step of each recorded row and ``curves`` the test
    loss and accuracy at them, ``(rows, trials, seeds)`` each.
    """

    scores: np.ndarray
    test_loss: np.ndarray
    reached_at: np.ndarray
    diverged: np.ndarray
    steps: np.ndarray
    curves: dict[str, np.ndarray]


def diverged_at(run: Trajectory) -> np.ndarray:
    """The step at which each network of ``run`` diverged, or -1: parameters no longer finite, or the training
    loss ending above ``GROWTH`` times its start (the landscapes' rule, with the loss as its own gap)."""
    return growth_diverged_at(run.values, run)


def is_network(objective: Any) -> bool:
    """True for a network objective (``core.mlp``): it has a parameter layout and a test split to score on."""
    return hasattr(objective, "layout") and hasattr(objective, "evaluate")


def check_target(target: float) -> float:
    """A test accuracy in (0, 1]."""
    if isinstance(target, bool) or not isinstance(target, (int, float, np.number)) or not 0.0 < float(target) <= 1.0:
        raise CoreError(N_("Invalid target: {value} (expected a test accuracy in (0, 1])"), value=repr(target))
    return float(target)


def inits(network: Any, seeds: int, x0: Any = None) -> np.ndarray:
    """The starting parameters ``(S, D)``: ``x0`` (one θ or several), else the network's inits 0..seeds-1."""
    if x0 is None:
        return network.init(range(max(int(seeds), 1)))
    x = np.asarray(x0, dtype=float)
    if x.shape[-1] != network.dim:
        raise CoreError(
            N_("Invalid x0 shape {shape}: a network needs starts of {dim} parameters"),
            shape=str(x.shape),
            dim=network.dim,
        )
    return x.reshape(-1, network.dim)


def recorded_rows(steps: int, score: str) -> int:
    """The rows a trial's runs record and score on the test split: the first and the last for the final score,
    else every ``steps // ROWS`` steps and the last."""
    return 2 if score == "final" else steps // max(1, steps // ROWS) + 2


def run_trials(
    network: Any,
    optimizer: Optimizer,
    starts: np.ndarray,
    count: int,
    *,
    steps: int,
    score: str,
    target: float,
    batch_size: int | None = None,
    seed: int = 0,
    shared_batches: bool = False,
    pulse: Pulse | None = None,
) -> NetworkTrials:
    """Train ``count`` trials (the optimizer's hyperparameters are arrays ``(count, 1)``) from every start.

    ``shared_batches``: every network draws the minibatches seeded ``seed`` (one call for all of them, as the
    network lab trains its seeds) instead of its own ``seed + i``. ``pulse``: passed to ``simulate``, a stop point."""
    record = "last" if score == "final" else "all"
    every = max(1, steps // ROWS)
    seeds = starts.shape[0]
    minibatch = batch_size is not None and batch_size < network.n_samples
    own = minibatch and not shared_batches  # each network its own minibatch order: one call per network
    groups = [np.array([i]) for i in range(seeds)] if own else [np.arange(seeds)]
    rows = recorded_rows(steps, score)
    chunk = max(1, CHUNK_BYTES // (8 * rows * network.dim * len(groups[0])))
    losses, accuracies, diverged = [], [], []
    for i, cols in enumerate(groups):
        parts = []
        for first in range(0, count, chunk):
            size = min(chunk, count - first)
            batch = np.broadcast_to(starts[None, cols, :], (size, len(cols), network.dim))
            run = simulate(
                network,
                _trial_slice(optimizer, first, size, count),
                batch,
                steps,
                record,
                record_every=every,
                batch_size=batch_size if minibatch else None,
                seed=seed + i if own else seed,
                pulse=pulse,
            )
            parts.append((*network.test_scores(run.points), diverged_at(run) >= 0))
        losses.append(np.concatenate([p[0] for p in parts], axis=1))  # (rows, count, len(cols))
        accuracies.append(np.concatenate([p[1] for p in parts], axis=1))
        diverged.append(np.concatenate([p[2] for p in parts], axis=0))
    at = run.recorded_steps
    test_loss, test_accuracy = np.concatenate(losses, axis=2), np.concatenate(accuracies, axis=2)
    broken = np.concatenate(diverged, axis=1) | ~np.isfinite(test_loss[-1])
    with np.errstate(invalid="ignore"):
        reached = test_accuracy >= target
    hit = reached.any(axis=0)
    reached_at = np.where(hit, at[np.argmax(reached, axis=0)], -1)
    if score == "final":
        value = test_loss[-1]
    elif score == "steps":
        value = np.where(hit, reached_at, MISSED * steps).astype(float)
    else:
        value = test_loss.mean(axis=0)
    scores = np.where(broken | ~np.isfinite(value), np.inf, value)
    return NetworkTrials(
        scores=scores,
        test_loss=np.where(broken, np.inf, test_loss[-1]),
        reached_at=reached_at,
        diverged=broken,
        steps=at,
        curves={"test_loss": test_loss, "test_accuracy": test_accuracy},
    )


def _trial_slice(optimizer: Optimizer, first: int, size: int, count: int) -> Optimizer:
    """The optimizer of trials ``first .. first + size`` of ``count``: hyperparameter arrays ``(count, 1)`` cut."""
    if first == 0 and size == count:
        return optimizer

    def cut(v: Any) -> Any:
        if isinstance(v, tuple):
            return tuple(cut(e) for e in v)
        return v[first : first + size] if isinstance(v, np.ndarray) and v.ndim and v.shape[0] == count else v

    return Optimizer(optimizer.spec, {k: cut(v) for k, v in optimizer.hyperparameters.items()})
