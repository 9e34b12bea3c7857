"""What a 2-D page's request costs besides its runs: the constants ``core.budget`` plans with, measured here.

    python -m benchmarks.page_cost [--server] [--port PORT]

Prints, for each constant of ``core/budget.py`` (``PAGE_SECONDS``, ``FIGURE_SECONDS``, ``LANDSCAPE_SECONDS``,
``CHART_ROW_SECONDS``, ``LABEL_POINT_SECONDS``, ``TABLE_ROW_SECONDS``), the CPU time measured on this machine beside
the constant: the figures in this thread's CPU time (best and median of five, after one warm-up), so other work
on the machine inflates them little. The constants are the measured medians on the 2-core development machine,
rounded up; a page plans its runs within what its limit leaves after them (``budget.drawing_seconds``).

``--server`` also measures ``PAGE_SECONDS`` where it applies, on a real server: the server's CPU-seconds (all its
threads, from ``/proc``) for a fresh tab of a page whose runs and pictures are already cached (Basins, the sweep,
Compare, Your own function at their defaults), the median of three tabs after one that fills the caches.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import time
from collections.abc import Callable

import streamlit  # noqa: F401  (its loggers exist from here on)

for _name in list(logging.root.manager.loggerDict):
    if _name.startswith("streamlit"):
        logging.getLogger(_name).setLevel(logging.ERROR)

import numpy as np  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

import core  # noqa: E402
from core import basins, budget  # noqa: E402
from ui import basin_maps, plots  # noqa: E402
from ui import basins as basins_page  # noqa: E402
from ui import sweep as sweep_page  # noqa: E402

MAP_OPTIMIZERS = ["gd", "momentum", "adagrad", "rmsprop", "adam", "lion"]


def thread_seconds(fn: Callable[[], object], repeats: int = 5) -> tuple[float, float]:
    """(best, median) of this thread's CPU seconds over ``repeats`` calls, after one call that warms up."""
    fn()
    times = []
    for _ in range(repeats):
        t0 = time.thread_time()
        fn()
        times.append(time.thread_time() - t0)
    return min(times), statistics.median(times)


def row(name: str, measured: tuple[float, float], constant: float, unit: str = "s") -> None:
    best, median = measured
    print(f"{name:22s} best {best:10.3g} {unit}  median {median:10.3g} {unit}   constant {constant:10.3g} {unit}")


def basin_maps_measured(side: int) -> dict[str, basins.BasinMap]:
    f = core.get_function("himmelblau")
    maps = [
        basins.basin_map(
            f, core.get_optimizer(n, lr=basins_page.LR[n]), side, 100, 1e-3, radius=basins.capture_radius(f)
        )
        for n in MAP_OPTIMIZERS
    ]
    return dict(zip(MAP_OPTIMIZERS, basins.relabel(f, maps), strict=True))


def figures() -> None:
    f = core.get_function("himmelblau")
    for side in (24, 64, 256):
        maps = basin_maps_measured(side)
        for mode in ("minimum", "steps"):
            row(
                f"basin map {side}², {mode}",
                thread_seconds(lambda maps=maps, mode=mode: basin_maps.draw(f, maps, "adam", mode)),
                budget.FIGURE_SECONDS,
            )
        ends = list(maps.values())
        best, median = thread_seconds(lambda ends=ends: basins.relabel(f, ends), 3)
        per = len(ends) * side * side
        row(f"labelling, {side}² × 6", (best / per, median / per), budget.LABEL_POINT_SECONDS, "s/point")

    key = ("himmelblau",)
    paths = tuple(
        (n, core.simulate(f, core.get_optimizer(n, lr=0.01), np.array(f.start), 500).points)
        for n in list(core.OPTIMIZERS)
    )
    size = (5.6, 4.4)
    plots.background(key, None, False, size)  # the raster, cached: the overlay alone is timed next
    row(
        f"contour paths ×{len(paths)}",
        thread_seconds(lambda: plots._contour_png.__wrapped__(key, paths, size=size)),  # type: ignore[attr-defined]
        budget.FIGURE_SECONDS,
    )
    grid = 160
    xs = np.linspace(-5, 5, grid)
    X, Y = np.meshgrid(xs, xs)
    evaluate = thread_seconds(lambda: f.value_xy(X, Y))

    def raster() -> None:
        fig = Figure(figsize=size, dpi=plots.DPI)
        plots.draw_landscape(fig, key)
        FigureCanvasAgg(fig).draw()

    best, median = thread_seconds(raster)
    row("contour raster", (best - evaluate[0], median - evaluate[1]), budget.LANDSCAPE_SECONDS)


def sweep_parts() -> None:
    f = core.get_function("rosenbrock")
    key, names = ("rosenbrock",), list(core.OPTIMIZERS)
    frames = []
    for n in names:
        hp = tuple(sorted((k, v) for k, v in core.get_spec(n).defaults.items() if k != "lr"))
        frames.append(sweep_page.sweep.__wrapped__(key, n, hp, tuple(f.start), 100, 1e-5, 3.0, 300))  # type: ignore[attr-defined]
    import pandas as pd

    data = pd.concat(frames, ignore_index=True)
    data = data.assign(**{"drawn at": data["final gap"].fillna(1e6), "diverged at step": data["diverged at"]})

    from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec

    def chart() -> None:  # what ``st.altair_chart`` does with it: the spec, and the rows as Arrow
        assert _convert_altair_to_vega_lite_spec(sweep_page._chart(data, names, None))

    best, median = thread_seconds(chart)
    row(f"sweep chart, {len(data)} rows", (best / len(data), median / len(data)), budget.CHART_ROW_SECONDS, "s/row")
    best, median = thread_seconds(lambda: sweep_page._thresholds(data, names))
    row(
        f"thresholds, {len(names)} rows",
        (best / len(names), median / len(names)),
        budget.TABLE_ROW_SECONDS,
        "s/row",
    )


async def server_pages(port: int | None) -> None:
    from playwright.async_api import async_playwright

    from benchmarks.hostile_load import _cpu_seconds, fresh_server, load_page, wait_idle
    from tests.e2e import server as e2e

    paths = ["basins", "lr_sweep", "compare", "custom"]
    srv = fresh_server(port)
    try:
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=e2e.CHROMIUM, args=e2e.CHROMIUM_ARGS, headless=True)
            pid = srv.proc.pid
            for path in paths:
                await load_page(browser, srv.url, path)  # fills the caches
                await wait_idle(pid, 20)
                spent = []
                for _ in range(3):
                    c0 = _cpu_seconds(pid)
                    await load_page(browser, srv.url, path)
                    await wait_idle(pid, 20)
                    spent.append(_cpu_seconds(pid) - c0)
                row(f"server: /{path} cached", (min(spent), statistics.median(spent)), budget.PAGE_SECONDS)
            await browser.close()
    finally:
        srv.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", action="store_true", help="also measure PAGE_SECONDS on a real server")
    parser.add_argument("--port", type=int, default=None, help="the server's port (default: a free one)")
    args = parser.parse_args()
    figures()
    sweep_parts()
    if args.server:
        asyncio.run(server_pages(args.port))


if __name__ == "__main__":
    main()
