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
    "LIMITS",
    "SCALE_ENV",
    "Cost",
    "NetworkPlan",
    "Plan",
    "cost",
    "drawing_seconds",
    "fit",
    "fit_network",
    "forward_seconds",
    "heavy",
    "limit",
    "network_trial_seconds",
    "training_seconds",
    "tune_seconds",
]

# What one request (one page run) may make the server compute, in CPU-seconds: the one table every page reads.
# A hosted demo has about one core for everyone (Streamlit Community Cloud: 0.08–2 cores, 690 MB–2.7 GB), so a
# request beyond its page's limit is reduced (fewer starts, steps or workloads) or refused, with a message.
LIMITS: dict[str, float] = {
    "page": 2.0,  # a 2-D page: optimizer pages, compare, sweep, basins, conditioning, your own formula
    "race": 10.0,  # the Fair race: every tuning job of the request together, its default views included
    "network": 10.0,  # the network lab: every training run of the request together, its default view included
    "preset": 15.0,  # an explicit heavy preset a page names as such (e.g. the MNIST-1D paper run)
}
# A private deployment raises (or lowers) every limit by this factor: ``DESCENT_LAB_BUDGET_SCALE=10`` gives the
# race 100 CPU-s, ``inf`` lifts the limits (README, "Capacity").
SCALE_ENV = "DESCENT_LAB_BUDGET_SCALE"

# What network work costs on one BLAS thread (``benchmarks/network_view_bench.py`` prints the estimate beside
# the measured CPU time): a forward and backward pass per parameter and sample, a forward pass alone, and the
# Python and update-rule overhead of one training step of a batch of networks.
NET_PRODUCT_SECONDS = 4e-10
NET_FORWARD_SECONDS = 2e-10
NET_STEP_SECONDS = 1.5e-4
STEP_FIXED = 40e-6  # Python overhead of one optimizer step on a batch (simulate, update rule)
STEP_PER_POINT = 15e-9  # the update rule's own array work per point and step
SAMPLE_POINTS = 4096


def scale() -> float:
    """The deployment's factor on every limit (``SCALE_ENV``; 1 when unset or not a positive number)."""
    raw = os.environ.get(SCALE_ENV, "")
    try:
        factor = float(raw)
    except ValueError:
        return 1.0
    return factor if factor > 0 else 1.0


def limit(kind: str) -> float:
    """CPU-seconds one request of ``kind`` (a key of ``LIMITS``) may take on this server."""
    return LIMITS[kind] * scale()


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


# What a 2-D page's request costs besides its runs, in CPU-seconds of the server; ``python -m benchmarks.page_cost``
# measures each on the machine it runs on and prints it beside the constant (these: the 2-core development machine,
# rounded up). The runs' share of a page's limit is what is left after these and what the request has already
# spent (the formula check, measured: ``ui.work.spent``).
PAGE_SECONDS = 0.30  # a page's own run without runs or figures (controls, text, tables, chart data) and the
# server's share in opening it (session, sending the page and its images); measured on a page whose work is cached
FIGURE_SECONDS = 0.15  # one matplotlib figure drawn and encoded as a PNG (a basin map; paths over a contour's raster)
LANDSCAPE_SECONDS = 0.10  # a contour figure's level sets, colour bar and axes drawn to a raster (``ui.plots``)
LANDSCAPE_POINTS = 160 * 160  # evaluations of f behind those level sets (``ui.plots.draw_landscape``'s grid)
CHART_ROW_SECONDS = 2e-5  # a Vega-Lite chart's data, per row (the sweep draws every learning rate of every optimizer)
LABEL_POINT_SECONDS = 1e-6  # a basin map's start labelled by the minimum its end settled at (``core.basins.relabel``)
TABLE_ROW_SECONDS = 3e-3  # a table row computed with pandas (the sweep's thresholds, one row per optimizer)
SUGGEST_SECONDS = 0.06  # a starting lr suggested for one optimizer on a new formula (``core.defaults.suggest_lr``)


def drawing_seconds(c: Cost, figures: int = 0, landscapes: int = 0, rows: int = 0) -> float:
    """Estimated CPU-seconds of a 2-D page besides its runs: its own run (``PAGE_SECONDS``), ``figures`` PNGs,
    ``landscapes`` contour rasters of an objective of cost ``c`` and ``rows`` rows of chart data."""
    contour = LANDSCAPE_SECONDS + c.fixed + LANDSCAPE_POINTS * c.per_point
    return PAGE_SECONDS + figures * FIGURE_SECONDS + landscapes * contour + rows * CHART_ROW_SECONDS


@dataclass(frozen=True)
class Plan:
    """What fits the budget: ``points`` starts and ``steps`` steps per run, and whether that is less than asked."""

    points: int
    steps: int
    asked_points: int
    asked_steps: int
    seconds: float  # the estimate for all runs
    reserved: float = 0.0  # the rest of the request (spent, and drawing), which the runs' share left out

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
    reserved: float = 0.0,
) -> Plan:
    """The largest ``points`` (down to ``min_points``, a multiple of ``granularity``), then ``steps`` (down to
    one), such that ``runs`` runs are estimated to take at most ``seconds`` (default: the 2-D page's limit) of
    CPU less ``reserved``: what the rest of the request spends (its formula check, its drawing,
    ``drawing_seconds``)."""
    seconds = limit("page") if seconds is None else seconds
    runs = max(int(runs), 1)
    each = max(seconds - reserved, 0.0) / runs
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
    return Plan(
        points=p,
        steps=s,
        asked_points=int(points),
        asked_steps=int(steps),
        seconds=runs * c.run(p, s),
        reserved=reserved,
    )


# Tuning adds to the update rule what ``Cost`` leaves out: gradient noise, every step recorded and scored.
TUNE_PER_RUN_STEP = 80e-9


def tune_seconds(c: Cost, budget: int, runs: int, steps: int, rounds: int = 4, included: int = 2) -> float:
    """Estimated CPU-seconds of ``core.tune`` then ``core.tune.evaluate`` for one optimizer on a landscape.

    ``runs`` starts × noise seeds per trial; ``included`` settings join the first round (the page's own and
    torch's defaults). Every round is one batched ``simulate``, so each pays the per-step overhead once.
    """
    from .tune import round_sizes  # tune imports the optimizers and networks: only when a race is planned

    sizes = round_sizes(max(int(budget), 1), rounds)
    sizes[0] += included
    batches = [*(size * runs for size in sizes), runs]
    return sum(c.run(b, steps) + b * steps * TUNE_PER_RUN_STEP for b in batches)


def network_trial_seconds(networks: int, steps: int, samples: int, work: float, evaluated: int, rows: int) -> float:
    """Estimated CPU-seconds of one tuning trial on a network (``core.tune``; its evaluation costs one more): it
    trains ``networks`` seeded initialisations for ``steps`` steps on ``samples`` samples per step, then evaluates
    ``rows`` recorded rows of each on ``evaluated`` samples. ``work`` is a sample's training work in parameter units
    (``core.workloads.work_per_sample``: a CNN's convolutions cost far more than its parameter count), the same
    model as the network lab's ``training_seconds`` and ``forward_seconds``."""
    return training_seconds(work, samples, networks, steps) + forward_seconds(work, evaluated, networks * rows)


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


def training_seconds(dim: float, samples: int, networks: int, steps: int) -> float:
    """Estimated CPU seconds of ``steps`` training steps of ``networks`` networks of ``dim`` parameters at once,
    each gradient over ``samples`` samples (run-steps × parameters × samples)."""
    return steps * (NET_STEP_SECONDS + networks * samples * dim * NET_PRODUCT_SECONDS)


def forward_seconds(dim: float, samples: int, networks: int) -> float:
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
    (default the network lab's ``limit("network")``): fewer seeds first (down to one), then fewer steps
    (down to ``min_steps``, or what was asked if less); beyond that the plan does not fit."""
    cap = limit("network") if seconds is None else seconds
    asked = estimate(seeds, steps)
    if asked <= cap:
        return NetworkPlan(seeds, steps, seeds, steps, asked, asked, cap, True)
    s = seeds
    while s > 1 and estimate(s, steps) > cap:
        s -= 1
    if estimate(s, steps) <= cap:
        return NetworkPlan(s, steps, seeds, steps, estimate(s, steps), asked, cap, True)
    low = min(min_steps, steps)
    if estimate(1, low) > cap:
        return NetworkPlan(1, low, seeds, steps, asked, asked, cap, False)
    lo, hi = low, steps  # the largest step count that fits: estimate grows with steps
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if estimate(1, mid) <= cap else (lo, mid)
    return NetworkPlan(1, lo, seeds, steps, estimate(1, lo), asked, cap, True)
