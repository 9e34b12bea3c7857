"""The MNIST-1D paper's table as a preset: its models, its training setting, and training in blocks of steps.

Greydanus & Kobak ("Scaling down deep learning with MNIST-1D", ICML 2024) train logistic regression,
an MLP and a CNN with Adam (lr 1e-2) on minibatches of 100 taken in order, for 8000 steps, and report
32 / 68 / 94 % test accuracy (their README's table). ``model`` builds the three as the paper's
``notebooks/train.py`` does; ``train`` runs that setting one block of steps at a time, so a page can
draw progress and stop between blocks, with exactly ``simulate``'s updates (``tests/test_mnist1d_paper.py``
checks it against ``simulate(..., shuffle=False)``); ``plan`` shrinks the steps of a live run to a CPU
cap from a measured cost; ``measured`` reads what ``benchmarks/mnist1d_table.py --write`` committed.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np

from .conv import cnn
from .datasets import DATA_DIR, get_dataset
from .messages import N_, CoreError
from .network import Network, mlp
from .optimizers import get_optimizer
from .simulate import _flatten_hyperparameters, _Minibatches

PAPER = {"logistic": 32.0, "mlp": 68.0, "cnn": 94.0}  # test accuracy %, the mnist1d README's table
MODELS = tuple(PAPER)
LR, BATCH, STEPS, SEEDS = 1e-2, 100, 8000, 3
CURVE_POINTS = 40  # test accuracy is recorded this many times over a run (and at step 0)
MEASURED_FILE = DATA_DIR / "mnist1d_table.json"
LIVE_SECONDS = 15.0  # the CPU cap of a live run of the preset (issue 25: explicit heavy presets)
PLAN_SECONDS = 12.0  # what a live run plans for: the estimate's margin below the cap


def model(name: str) -> Network:
    """The paper's model ``name`` on MNIST-1D: ``mlp(hidden=())``, ``MLPBase`` (two residual ReLU layers of 100)
    or ``ConvBase`` (``cnn()``)."""
    data = get_dataset("mnist1d")
    if name == "logistic":
        return mlp(data, hidden=())
    if name == "mlp":
        return mlp(data, (100, 100), "relu", residual=True)
    if name == "cnn":
        return cnn(data)
    raise CoreError(N_("Unknown model {name}; valid names are: {names}"), name=repr(name), names=", ".join(MODELS))


@dataclass(frozen=True)
class Checkpoint:
    """Where a run stands after ``step`` steps: the test accuracy of every seed, and the parameters ``(seeds, D)``."""

    step: int
    test_accuracy: np.ndarray
    theta: np.ndarray


def record_every(steps: int) -> int:
    """Steps between the recorded test accuracies of a run of ``steps`` steps (about ``CURVE_POINTS`` of them)."""
    return max(1, int(steps) // CURVE_POINTS)


def train(name: str, steps: int = STEPS, seeds: int = 1, every: int | None = None) -> Iterator[Checkpoint]:
    """The paper's training of model ``name`` (seeds are initialisations ``init(0..seeds-1)``, trained at once),
    yielding a ``Checkpoint`` at step 0, every ``every`` steps and at the last step.

    The updates are ``simulate``'s (Adam, minibatches of ``BATCH`` in order, the same for every seed); a caller
    can stop between checkpoints, and the work between two of them is ``every`` steps.
    """
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 1:
        raise CoreError(N_("Invalid steps: {value} (expected an integer >= 0)"), value=repr(steps))
    f = model(name)
    every = record_every(steps) if every is None else max(1, int(every))
    adam = get_optimizer("adam", lr=LR)
    x = f.init(range(max(int(seeds), 1))).T.copy()  # (D, N), simulate's layout
    hp = _flatten_hyperparameters(adam, (x.shape[1],), x.shape[1])
    batches = _Minibatches(f.n_samples, BATCH, None, shuffle=False)
    g = np.empty_like(x)

    def checkpoint(t: int) -> Checkpoint:
        theta = x.T.copy()
        return Checkpoint(t, f.test_scores(theta)[1], theta)

    yield checkpoint(0)
    with np.errstate(all="ignore"):
        state = adam.spec.init(x, hp)
        for t in range(1, int(steps) + 1):
            f.grad_into(x, g, batches.next())
            adam.spec.step(x, g, state, t, hp)
            if t % every == 0 or t == steps:
                yield checkpoint(t)


@dataclass(frozen=True)
class Plan:
    """A run of the preset: ``steps`` per model, ``seeds`` networks each, and its estimated CPU seconds."""

    steps: int
    seeds: int
    seconds: float

    @property
    def reduced(self) -> bool:
        return self.steps < STEPS or self.seeds < SEEDS


MEASURED_STEPS = 10  # consecutive gradient steps timed by ``step_seconds``


@cache
def step_seconds(name: str) -> float:
    """Measured CPU seconds of one training step of one network of model ``name`` (gradient on a minibatch of
    ``BATCH`` and the Adam update), plus its share of the test evaluations; measured once per process.

    The process's CPU time over ``MEASURED_STEPS`` consecutive steps, not one call in this thread: a
    multi-threaded BLAS keeps its worker threads spinning between the small products of a training loop
    (with two OpenBLAS threads on a busy 2-core machine a CNN step cost 15 times the CPU of one thread),
    and the cap is on the server's CPU. Other sessions' work can only make the estimate larger, so a plan
    stays under its cap.
    """
    f = model(name)
    x = f.init(0)[:, None].copy()
    g = np.empty_like(x)
    rows = np.arange(BATCH)
    t0 = time.process_time()
    for _ in range(MEASURED_STEPS):
        f.grad_into(x, g, rows)
    t1 = time.process_time()
    f.test_scores(x.T)
    evaluation = time.process_time() - t1
    # Adam's update is a few passes over θ (about 10 ns per coordinate), and CURVE_POINTS evaluations per run.
    return (t1 - t0) / MEASURED_STEPS + 10e-9 * f.dim + evaluation * (CURVE_POINTS + 1) / STEPS


def estimate(steps: int, seeds: int, costs: dict[str, float]) -> float:
    """Estimated CPU seconds to train every model for ``steps`` steps with ``seeds`` networks each."""
    return float(steps) * seeds * sum(costs.values())


def plan(seconds: float, costs: dict[str, float], seeds: int = 1, granularity: int = 250, least: int = 50) -> Plan:
    """The most steps (at most the paper's ``STEPS``, a multiple of ``granularity``, or below it of ``least``, and at
    least ``least``) that train every model with ``seeds`` networks within ``seconds`` CPU seconds, given each
    model's ``step_seconds``."""
    per = estimate(1, seeds, costs)
    steps = min(STEPS, int(seconds / per)) if per > 0 else STEPS
    steps = max(least, steps - steps % (granularity if steps >= granularity else least))
    return Plan(steps, seeds, estimate(steps, seeds, costs))


@cache
def measured() -> dict[str, Any]:
    """The committed measurement of the table (``benchmarks/mnist1d_table.py --write``): how it was measured
    (``setting``: steps, seeds, date, machine) and per model the test accuracy of every seed, the seconds,
    the mean test accuracy curve (``steps``, ``curve``) and the mean test accuracy per class (``classes``)."""
    return json.loads(MEASURED_FILE.read_text(encoding="utf-8"))
