"""Peak server memory (RSS) after visiting every page with its heaviest settings.

Starts the app on a free local port, opens each page in headless Chromium with the largest
values the controls allow, then reads the server's peak resident set size (VmHWM).
Target: under 600 MB (Community Cloud's smallest limit is about 690 MB).
Run: ``python -m benchmarks.memory_bench``.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

from playwright.sync_api import sync_playwright

import core
from tests.e2e.server import Server, launch_browser, new_page, wait_for_app

ALL = ",".join(core.OPTIMIZERS)
HEAVY = {
    "": {},
    "compare": {"opts": ALL, "steps": "500", "noise": "5.0", "seeds": "50", "sched": "plateau"},
    "lr_sweep": {"opts": ALL, "steps": "500", "count": "300", "lrmin": "1e-05", "lrmax": "50.0"},
    "basins": {"opts": "gd,momentum,adagrad,rmsprop,adam,lion", "n": "256", "steps": "500", "color": "steps"},
    "conditioning": {"kappa": "1000.0", "steps": "500"},
    "custom": {"steps": "500", "opts": ALL},
    **{name: {"steps": "500", "fn": "rastrigin", "sched": "one_cycle"} for name in core.OPTIMIZERS},
}


def memory_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def main() -> None:
    with Server() as server, sync_playwright() as pw:
        browser = launch_browser(pw)
        page = new_page(browser)
        base = memory_kb(server.proc.pid, "VmRSS")
        print(f"server RSS at start: {base / 1024:.0f} MB")
        for path, query in HEAVY.items():
            page.goto(f"{server.url}/{path}?{urlencode(query)}")
            wait_for_app(page, timeout=120_000, settle_ms=500)
            errors = page.locator('[data-testid="stException"]').count()
            rss = memory_kb(server.proc.pid, "VmRSS")
            print(f"/{path:14s} RSS {rss / 1024:6.0f} MB{'  EXCEPTION' if errors else ''}")
        peak = memory_kb(server.proc.pid, "VmHWM")
        browser.close()
    verdict = "ok" if peak / 1024 < 600 else "OVER"
    print(f"peak server RSS (VmHWM): {peak / 1024:.0f} MB (target < 600 MB: {verdict})")


if __name__ == "__main__":
    main()
