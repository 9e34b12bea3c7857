"""Page rerun times through AppTest: median of reruns after a widget change.

Targets: an optimizer page rerun ≤ 150 ms, the compare page with 5 optimizers ≤ 300 ms.
Run: ``python -m benchmarks.page_bench`` (prints one line per page).
"""

from __future__ import annotations

import statistics
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


def main() -> None:
    for name in ("gd", "adam", "rmsprop", "lion"):
        report(f"optimizer page /{name} (lr change)", time_reruns(f"pages/{name}.py", lr_slider(f"{name}:lr")), 150)
    report("compare, 5 optimizers (adam lr change)", time_reruns("pages/compare.py", lr_slider("compare:adam.lr")), 300)
    report("lr sweep, 3 x 200 lrs (lrmin change)", time_reruns("pages/lr_sweep.py", lr_slider("sweep:lrmin")))


if __name__ == "__main__":
    main()
