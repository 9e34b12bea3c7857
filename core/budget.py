"""Bound the numeric work of one page run before it starts: measure what one evaluation of an
objective costs, then shrink starts × steps until the estimate fits a CPU budget.

A formula that passed every check can still cost a microsecond per point where a built-in
function costs ten nanoseconds, and a basin map runs 256² starts × 500 steps × 6 optimizers.
`cost` measures the objective once (gradient plus value, on one point and on a batch) and
`fit` turns a request into the largest one whose estimate fits, saying what was cut.

>>> import core
>>> c = cost(core.get_function("himmelblau"))
>>> plan = fit(c, points=256 * 256, steps=500, runs=6, seconds=1e-9)
>>> plan.reduced, plan.steps >= 1
(True, True)
"""

from __future__ import annotations

import contextlib
import math
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

from .functions import Objective
from .lru import LRU

__all__ = [
    "NETWORK_SECONDS",
    "PAGE_SECONDS",
    "Cost",
    "NetworkPlan",
    "Plan",
    "cost",
    "fit",
    "fit_network",
    "forward_seconds",
    "heavy",
    "training_seconds",
]

PAGE_SECONDS = 10.0  # CPU seconds of numeric work one page run may plan for


def _seconds_from_env(name: str, default: float) -> float:
    """A positive number of seconds from environment variable ``name`` (a private deployment's own limit), else ``default``."""
    try:
        value = float(os.environ.get(name, default))
    except ValueError:
        return default
    return value if math.isfinite(value) and value > 0 else default


# CPU seconds one request of the network lab may plan for (training, evaluation, the loss slice, tuning);
# a private deployment raises it with the environment variable DESCENT_LAB_NETWORK_SECONDS.
NETWORK_SECONDS = _seconds_from_env("DESCENT_LAB_NETWORK_SECONDS", 10.0)
# What network work costs on one BLAS thread (``benchmarks/network_view_bench.py`` prints the estimate beside
# the measured CPU time): a forward and backward pass per parameter and sample, a forward pass alone, and the
# Python and update-rule overhead of one training step of a batch of networks.
NET_PRODUCT_SECONDS = 4e-10
NET_FORWARD_SECONDS = 2e-10
NET_STEP_SECONDS = 1.5e-4
STEP_FIXED = 40e-6  # Python overhead of one optimizer step on a batch (simulate, update rule)
STEP_PER_POINT = 15e-9  # the update rule's own array work per point and step
SAMPLE_POINTS = 4096


@dataclass(frozen=True)
class Cost:
    """CPU seconds of one gradient-and-value evaluation: ``fixed`` per call plus ``per_point`` per point."""

    fixed: float
    per_point: float

    def step(self, points: int) -> float:
        """Estimated CPU seconds of one optimizer step over a batch of ``points`` starts."""
        return self.fixed + STEP_FIXED + points * (self.per_point + STEP_PER_POINT)

    def run(self, points: int, steps: int) -> float:
        """Estimated CPU seconds of ``steps`` steps over ``points`` starts."""
        return steps * self.step(points)


@dataclass(frozen=True)
class Plan:
    """What fits the budget: ``points`` starts and ``steps`` steps per run, and whether that is less than asked."""

    points: int
    steps: int
    asked_points: int
    asked_steps: int
    seconds: float  # the estimate for all runs

    @property
    def reduced(self) -> bool:
        return self.points < self.asked_points or self.steps < self.asked_steps


_COSTS: LRU[Cost] = LRU(128)


def cost(f: Objective) -> Cost:
    """What evaluating ``f`` and its gradient costs (measured once per objective, then cached).

    The best of three timings in this thread's CPU time, on one point and on ``SAMPLE_POINTS``
    points spread over the box, so other sessions' work does not inflate it.
    """
    known = _COSTS.get(f)
    if known is not None:
        return known
    xmin, xmax, ymin, ymax = f.box
    rng = np.random.default_rng(0)
    batch = np.stack([rng.uniform(xmin, xmax, SAMPLE_POINTS), rng.uniform(ymin, ymax, SAMPLE_POINTS)])
    one = batch[:, :1].copy()
    small, large = _time(f, one), _time(f, batch)
    per_point = max(large - small, 0.0) / (SAMPLE_POINTS - 1)
    measured = Cost(fixed=small, per_point=per_point)
    _COSTS.put(f, measured)
    return measured


def _time(f: Objective, points: np.ndarray, repeats: int = 3) -> float:
    out = np.empty_like(points)
    best = math.inf
    with np.errstate(all="ignore"):
        for _ in range(repeats):
            t0 = time.thread_time()
            f.grad_into(points, out)
            f.value_xy(points[0], points[1])
            best = min(best, time.thread_time() - t0)
    return best


def fit(
    c: Cost,
    points: int,
    steps: int,
    runs: int = 1,
    seconds: float | None = None,
    min_points: int = 1,
    granularity: int = 1,
) -> Plan:
    """The largest ``points`` (down to ``min_points``, a multiple of ``granularity``), then ``steps``,
    such that ``runs`` runs are estimated to take at most ``seconds`` (default ``PAGE_SECONDS``) of CPU."""
    seconds = PAGE_SECONDS if seconds is None else seconds
    runs = max(int(runs), 1)
    each = seconds / runs
    p, s = int(points), int(steps)
    if c.run(p, s) > each:
        # largest p with s * (fixed + p * per) <= each
        per = c.per_point + STEP_PER_POINT
        fixed = c.fixed + STEP_FIXED
        room = each / max(s, 1) - fixed
        p = int(room / per) if room > 0 else 0
        p = max(min(p - p % granularity, int(points)), min(int(points), int(min_points)))
        if c.run(p, s) > each:
            s = max(1, int(each / c.step(p)))
    return Plan(points=p, steps=s, asked_points=int(points), asked_steps=int(steps), seconds=runs * c.run(p, s))


HEAVY_NICE = 10  # CPU priority of a thread doing heavy work (Linux schedules threads one by one)
_HEAVY = threading.Semaphore(1)


@contextmanager
def heavy(timeout: float) -> Iterator[bool]:
    """Hold the process-wide slot for heavy numeric work (one at a time), waiting at most ``timeout`` s.

    Yields whether the slot was obtained; callers loop, so that a waiting page still reaches
    points where it can be stopped. With one heavy computation at a time, one core stays free
    for every other visitor of the server; and while it holds the slot the thread runs at a
    lower CPU priority, so short page runs of other visitors go first on a busy machine.
    """
    got = _HEAVY.acquire(timeout=timeout)
    try:
        if got:
            with _lower_priority():
                yield got
        else:
            yield got
    finally:
        if got:
            _HEAVY.release()


@contextmanager
def _lower_priority() -> Iterator[None]:
    """Raise this thread's nice value to ``HEAVY_NICE`` for the block (Linux only; restored where allowed)."""
    if not sys.platform.startswith("linux"):
        yield
        return
    tid = threading.get_native_id()
    try:
        before = os.getpriority(os.PRIO_PROCESS, tid)
        os.setpriority(os.PRIO_PROCESS, tid, max(before, HEAVY_NICE))
    except OSError:
        yield
        return
    try:
        yield
    finally:
        # Raising the priority back needs CAP_SYS_NICE; the script thread ends with its run anyway.
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, tid, before)


def training_seconds(dim: int, samples: int, networks: int, steps: int) -> float:
    """Estimated CPU seconds of ``steps`` training steps of ``networks`` networks of ``dim`` parameters at once,
    each gradient over ``samples`` samples (run-steps × parameters × samples)."""
    return steps * (NET_STEP_SECONDS + networks * samples * dim * NET_PRODUCT_SECONDS)


def forward_seconds(dim: int, samples: int, networks: int) -> float:
    """Estimated CPU seconds of evaluating ``networks`` networks of ``dim`` parameters on ``samples`` samples."""
    return networks * samples * dim * NET_FORWARD_SECONDS


@dataclass(frozen=True)
class NetworkPlan:
    """The seeds and steps a network comparison runs within its limit, and its estimate.

    ``fits`` is False when even the smallest run (one seed, ``min_steps``) is estimated above the limit:
    the page then refuses rather than show a run too short to mean anything.
    """

    seeds: int
    steps: int
    asked_seeds: int
    asked_steps: int
    seconds: float  # the estimate of what runs (of what was asked when it does not fit)
    asked_seconds: float
    limit: float
    fits: bool

    @property
    def reduced(self) -> bool:
        return self.fits and (self.seeds < self.asked_seeds or self.steps < self.asked_steps)


def fit_network(
    estimate: Callable[[int, int], float],
    seeds: int,
    steps: int,
    *,
    seconds: float | None = None,
    min_steps: int = 50,
) -> NetworkPlan:
    """The most seeds, then steps, whose ``estimate(seeds, steps)`` (CPU seconds) fits ``seconds``
    (default ``NETWORK_SECONDS``): fewer seeds first (down to one), then fewer steps (down to
    ``min_steps``, or what was asked if less); beyond that the plan does not fit."""
    limit = NETWORK_SECONDS if seconds is None else seconds
    asked = estimate(seeds, steps)
    if asked <= limit:
        return NetworkPlan(seeds, steps, seeds, steps, asked, asked, limit, True)
    s = seeds
    while s > 1 and estimate(s, steps) > limit:
        s -= 1
    if estimate(s, steps) <= limit:
        return NetworkPlan(s, steps, seeds, steps, estimate(s, steps), asked, limit, True)
    low = min(min_steps, steps)
    if estimate(1, low) > limit:
        return NetworkPlan(1, low, seeds, steps, asked, asked, limit, False)
    lo, hi = low, steps  # the largest step count that fits: estimate grows with steps
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if estimate(1, mid) <= limit else (lo, mid)
    return NetworkPlan(1, lo, seeds, steps, estimate(1, lo), asked, limit, True)
