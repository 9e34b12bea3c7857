"""Tuning cost: all 13 optimizers, budget 64, 200 steps, on 2-D landscapes (target: well under 1 s in total).

Also times the Fair race page's heavier setting (8 starts × 4 noise seeds per trial).
Run from the repository root: ``python -m benchmarks.tune_bench``.
"""

from __future__ import annotations

import statistics
import time

import core
from core.tune import SCORES, starts

REPEATS = 7
LANDSCAPES = ("quadratic", "rosenbrock", "himmelblau")


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


def main() -> None:
    print(f"all {len(core.OPTIMIZERS)} optimizers, budget 64, 200 steps, one start (median of {REPEATS}):")
    for fn in LANDSCAPES:
        f = core.get_function(fn)
        times = {score: median_time(f, budget=64, steps=200, score=score) for score in SCORES}
        print(f"  {fn:<12}" + "  ".join(f"{score}: {t * 1e3:6.0f} ms" for score, t in times.items()))
    f = core.get_function("rosenbrock")
    heavy = median_time(f, budget=64, steps=200, x0=starts(f, 8, seed=0), noise=0.5, seeds=4)
    print(f"  rosenbrock, 8 starts x 4 noise seeds per trial (2048 runs per optimizer): {heavy * 1e3:.0f} ms")


if __name__ == "__main__":
    main()
