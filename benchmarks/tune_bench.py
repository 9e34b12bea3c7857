"""Tuning cost: all 13 optimizers, budget 64, 200 steps, on 2-D landscapes (target: well under 1 s in total).

Also times the Fair race page's heavier setting (8 starts × 4 noise seeds per trial), and the page's
network race: its network default optimizers × budget 16 × 2 seeds × 300 steps on each data set's
practitioner workload (``core.workloads``), tune and evaluate as ``ui.race.network_entry`` runs them.
Target: at most 30 CPU-seconds on digits (minibatches of 128). CPU-seconds are the process's own
(``time.process_time``: every BLAS thread counts, and OpenBLAS threads spin on these small matrix
products: measured on 2 shared cores, digits cost 20 CPU-s with ``OPENBLAS_NUM_THREADS=1`` and 152 with
the default two threads). Run from the repository root:
``python -m benchmarks.tune_bench`` (``--net`` for the network race only, ``--mnist1d`` for MNIST-1D's:
each architecture at the page's MNIST-1D defaults, and the default profile's data sets at those settings;
``--estimate`` for single network race jobs, measured beside the page's estimate ``ui.race.job_seconds``,
which must not fall below the measurement: the page plans its limit with it).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from dataclasses import replace

import core
from core.tune import SCORES, evaluate, starts
from core.workloads import Workload, architectures, default_workload

# ui.race.DATA_DEFAULTS["mnist1d"]
MNIST1D_DEFAULTS = {"opts": ("gd", "momentum", "adam", "muon"), "steps": 20, "budget": 8, "inits": 1, "score": "final"}

REPEATS = 7
LANDSCAPES = ("quadratic", "rosenbrock", "himmelblau")
NET_RACE = ("gd", "momentum", "adam", *core.NETWORK_OPTIMIZERS)  # ui.race.NET_OPTIMIZERS
NET_DATA = ("moons", "spiral", "digits")


def tune_all(f: core.Objective, **kwargs: object) -> float:
    """Seconds to tune every optimizer once on ``f``."""
    t0 = time.perf_counter()
    for name in core.OPTIMIZERS:
        core.tune(f, name, **kwargs)  # type: ignore[arg-type]
    return time.perf_counter() - t0


def median_time(f: core.Objective, **kwargs: object) -> float:
    """Median over ``REPEATS`` runs of ``tune_all`` (after one warm-up)."""
    tune_all(f, **kwargs)
    return statistics.median(tune_all(f, **kwargs) for _ in range(REPEATS))


def network_race(
    data: str,
    budget: int = 16,
    seeds: int = 2,
    steps: int = 300,
    score: str = "steps",
    workload: Workload | None = None,
    optimizers: tuple[str, ...] = NET_RACE,
) -> tuple[float, float, dict]:
    """CPU-seconds and wall seconds of the page's network race on ``data``, and each optimizer's CPU-seconds."""
    w = workload or default_workload(data)
    net = w.network()
    each = {}
    cpu0, wall0 = time.process_time(), time.perf_counter()
    for name in optimizers:
        t0 = time.process_time()
        result = core.tune(net, name, budget=budget, steps=steps, seeds=seeds, score=score, batch_size=w.batch_size)
        evaluate(net, name, result.best, steps=steps, seeds=seeds, score=score, batch_size=w.batch_size)
        each[name] = time.process_time() - t0
    return time.process_time() - cpu0, time.perf_counter() - wall0, each


def mnist1d_main() -> None:
    """The race page's default view with MNIST-1D chosen (the CNN, profile over MNIST-1D alone) and the other
    architectures, at ``ui.race.DATA_DEFAULTS["mnist1d"]``; then what the usual profile's data sets would add."""
    own = MNIST1D_DEFAULTS
    print(
        f"MNIST-1D race defaults: {', '.join(own['opts'])} x budget {own['budget']} x {own['inits']} seed x "
        f"{own['steps']} steps, score: {own['score']}"
    )
    race = {
        "budget": own["budget"],
        "seeds": own["inits"],
        "steps": own["steps"],
        "score": own["score"],
        "optimizers": own["opts"],
    }
    base = default_workload("mnist1d")
    for arch in architectures("mnist1d"):
        cpu, wall, each = network_race("mnist1d", workload=replace(base, architecture=arch), **race)
        per = "  ".join(f"{n} {t:.1f}" for n, t in each.items())
        print(f"  mnist1d {arch:<8} minibatches of {base.batch_size}: {cpu:5.1f} CPU-s ({wall:.1f} s wall)  [{per}]")
    total = 0.0
    for data in NET_DATA:
        cpu, wall, _ = network_race(data, **race)
        total += cpu
        print(f"  profile {data:<7}: {cpu:5.1f} CPU-s ({wall:.1f} s wall)")
    print(f"  the profile's data sets together: {total:.1f} CPU-s")


# (data, architecture, budget, seeds, steps, score): small and large jobs of each kind of network
ESTIMATED_JOBS = (
    ("moons", "mlp", 16, 2, 300, "steps"),
    ("digits", "mlp", 12, 2, 190, "steps"),
    ("mnist1d", "cnn", 8, 1, 20, "final"),
    ("mnist1d", "cnn", 4, 2, 100, "final"),
    ("mnist1d", "cnn", 15, 2, 100, "final"),
    ("mnist1d", "cnn", 15, 2, 100, "steps"),
    ("mnist1d", "mlp", 16, 2, 300, "steps"),
)


def estimate_main() -> None:
    """One optimizer's network race job (tune, then evaluate): measured CPU-s beside the page's estimate."""
    from ui.race import Race, job_seconds

    print("one network race job (Adam): measured CPU-s, the page's estimate, estimate / measured")
    for data, arch, budget, seeds, steps, score in ESTIMATED_JOBS:
        w = replace(default_workload(data), architecture=arch)
        cpu, _wall, _each = network_race(
            data, budget=budget, seeds=seeds, steps=steps, score=score, workload=w, optimizers=("adam",)
        )
        race = Race(budget, steps, score, 1, seeds, 0.0, 0, 0.9, network=True)
        guess = job_seconds(w, "adam", race)
        print(
            f"  {data:<7} {arch:<8} budget {budget:>2} x {seeds} seeds x {steps:>3} steps, {score:<5}: "
            f"{cpu:6.1f} CPU-s, estimate {guess:6.1f} ({guess / cpu:.1f}x)",
            flush=True,
        )


def network_main() -> None:
    threads = os.environ.get("OPENBLAS_NUM_THREADS", "default")
    print(f"network race: {len(NET_RACE)} optimizers x budget 16 x 2 seeds x 300 steps, score: steps to 0.9")
    print(f"  (OPENBLAS_NUM_THREADS={threads})")
    for data in NET_DATA:
        w = default_workload(data)
        cpu, wall, each = network_race(data)
        feed = "full batch" if w.batch_size is None else f"minibatches of {w.batch_size}"
        per = "  ".join(f"{n} {t:.1f}" for n, t in each.items())
        print(f"  {data:<7} {w.hidden} {w.activation}, {feed}: {cpu:5.1f} CPU-s ({wall:.1f} s wall)  [{per}]")


def main() -> None:
    if "--estimate" in sys.argv:
        estimate_main()
        return
    if "--mnist1d" in sys.argv:
        mnist1d_main()
        return
    if "--net" in sys.argv:
        network_main()
        mnist1d_main()
        return
    print(f"all {len(core.OPTIMIZERS)} optimizers, budget 64, 200 steps, one start (median of {REPEATS}):")
    for fn in LANDSCAPES:
        f = core.get_function(fn)
        times = {score: median_time(f, budget=64, steps=200, score=score) for score in SCORES}
        print(f"  {fn:<12}" + "  ".join(f"{score}: {t * 1e3:6.0f} ms" for score, t in times.items()))
    f = core.get_function("rosenbrock")
    heavy = median_time(f, budget=64, steps=200, x0=starts(f, 8, seed=0), noise=0.5, seeds=4)
    print(f"  rosenbrock, 8 starts x 4 noise seeds per trial (2048 runs per optimizer): {heavy * 1e3:.0f} ms")
    network_main()


if __name__ == "__main__":
    main()
