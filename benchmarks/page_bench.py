"""Page rerun times through AppTest: median of reruns after a widget change.

Targets: an optimizer page rerun ≤ 150 ms, the compare page with 5 optimizers ≤ 300 ms.
Run: ``python -m benchmarks.page_bench`` (prints one line per page). ``--mnist1d`` instead times the
default views that involve MNIST-1D, in CPU-seconds of this process (AppTest runs the page in it): the
"Reproduce MNIST-1D" page opened first in a fresh process (generating the data set and measuring the
preset's step costs), then in a second session, then rerun after a control change; and the Fair race's
network view linked with MNIST-1D (its own defaults: the CNN, four optimizers, a tiny race), computed
with an empty cache.
"""

from __future__ import annotations

import statistics
import sys
import time

from tests.apptest_helpers import open_page

RERUNS = 12


def time_reruns(page: str, change, query: dict | None = None) -> list[float]:
    """Seconds per rerun, each after ``change(at, i)`` moved a control to a new value."""
    at = open_page(page, query)
    times = []
    for i in range(RERUNS):
        change(at, i)
        t0 = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - t0)
        assert not at.exception, at.exception
    return times


def lr_slider(key: str):
    def change(at, i):
        slider = at.select_slider(key=key)
        options = [float(o) for o in slider.options]
        slider.set_value(options[(len(options) // 3 + i) % len(options)])

    return change


def report(label: str, times: list[float], target_ms: float | None = None) -> None:
    med = statistics.median(times) * 1e3
    verdict = "" if target_ms is None else f" (target ≤ {target_ms} ms: {'ok' if med <= target_ms else 'MISSED'})"
    print(f"{label:38s} median {med:6.1f} ms   max {max(times) * 1e3:6.1f} ms{verdict}")


def cpu_open(page: str, query: dict | None = None) -> tuple[float, float]:
    """CPU-seconds and wall seconds of opening ``page`` in a new AppTest session."""
    c0, w0 = time.process_time(), time.perf_counter()
    at = open_page(page, query, timeout=600)
    assert not at.exception, at.exception
    return time.process_time() - c0, time.perf_counter() - w0


def mnist1d_main() -> None:
    for label in ("fresh process", "second session"):
        cpu, wall = cpu_open("pages/mnist1d.py")
        print(f"/mnist1d default view, {label:15s} {cpu:6.2f} CPU-s  {wall:6.2f} s wall")
    at = open_page("pages/mnist1d.py")
    c0 = time.process_time()
    at.slider(key="mnist1d:seeds").set_value(2).run()
    print(f"/mnist1d rerun after a seeds change          {time.process_time() - c0:6.2f} CPU-s")
    cpu, wall = cpu_open("pages/race.py", {"work": "net", "data": "mnist1d"})
    print(f"/race?work=net&data=mnist1d, empty cache     {cpu:6.2f} CPU-s  {wall:6.2f} s wall")


def main() -> None:
    if "--mnist1d" in sys.argv:
        mnist1d_main()
        return
    for name in ("gd", "adam", "rmsprop", "lion"):
        report(f"optimizer page /{name} (lr change)", time_reruns(f"pages/{name}.py", lr_slider(f"{name}:lr")), 150)
    report("compare, 5 optimizers (adam lr change)", time_reruns("pages/compare.py", lr_slider("compare:adam.lr")), 300)
    report("lr sweep, 3 x 200 lrs (lrmin change)", time_reruns("pages/lr_sweep.py", lr_slider("sweep:lrmin")))


if __name__ == "__main__":
    main()
