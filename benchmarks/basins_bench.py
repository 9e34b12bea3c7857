"""Basins page speed: the core part and the whole page, each from a cold cache.

Core: ``core.basins.basin_map`` for the page's five default optimizers (with the page's
default hyperparameters) on Himmelblau, 256 x 256 starts x 200 steps. Target < 1 s.
Page: one run of ``pages/basins.py`` through AppTest with ``n=256, steps=200`` in a fresh
session (empty caches; the app's entry run that precedes it is not counted). Target < 2 s.
Run: ``python -m benchmarks.basins_bench``.
"""

from __future__ import annotations

import logging
import time

import streamlit  # noqa: F401  (its loggers exist from here on)

for _name in list(logging.root.manager.loggerDict):
    if _name.startswith("streamlit"):
        logging.getLogger(_name).setLevel(logging.ERROR)

import core  # noqa: E402
from core.basins import basin_map  # noqa: E402
from ui import basins as page  # noqa: E402

N, STEPS = 256, 200


def core_seconds() -> tuple[float, float]:
    """(wall-clock, CPU) seconds; CPU time is the fairer number on a busy machine."""
    f = core.get_function("himmelblau")
    c0, t0 = time.process_time(), time.perf_counter()
    for name in page.DEFAULT_OPTIMIZERS:
        spec = core.get_spec(name)
        hp = {**spec.defaults, **spec.demo, "lr": page.LR[name]}
        basin_map(f, core.get_optimizer(name, **hp), N, STEPS, page.TOL)
    return time.perf_counter() - t0, time.process_time() - c0


def page_seconds() -> tuple[float, float]:
    from streamlit.testing.v1 import AppTest

    from tests.apptest_helpers import ENTRY, count

    at = AppTest.from_file(ENTRY, default_timeout=120)
    at.run()
    at.switch_page("pages/basins.py")
    at.query_params["n"] = str(N)
    at.query_params["steps"] = str(STEPS)
    c0, t0 = time.process_time(), time.perf_counter()
    at.run()
    seconds = time.perf_counter() - t0, time.process_time() - c0
    assert not at.exception, at.exception
    assert count(at, "image") == len(page.DEFAULT_OPTIMIZERS)
    assert at.session_state[f"{page.PAGE}:n"] == str(N)
    return seconds


def main() -> None:
    # The page first (a truly cold process), then the core on its own.
    p = page_seconds()
    c = core_seconds()
    print(
        f"core: 5 optimizers x {N}x{N} starts x {STEPS} steps on Himmelblau: {c[0]:.2f} s "
        f"(CPU {c[1]:.2f} s; target < 1 s)"
    )
    print(
        f"page: pages/basins.py with n={N}, steps={STEPS}, cold cache:        {p[0]:.2f} s "
        f"(CPU {p[1]:.2f} s; target < 2 s)"
    )


if __name__ == "__main__":
    main()
