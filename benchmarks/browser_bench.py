"""Slider -> chart latency in a real browser: Streamlit server + headless Chromium.

    python -m benchmarks.browser_bench [--n 20] [--pages gd,compare]

For each page, presses ArrowLeft on the learning-rate slider ``n`` times (each press is a new value,
so nothing is served from the app's caches) and measures, from the key press, the time until the
main contour image gets a new ``src`` and until that image is decoded. Prints median / p95 / max.
On /compare the slider is the η of the first optimizer (in its sidebar expander). Target: 500 ms.
"""

from __future__ import annotations

import argparse
import sys
import time

from tests.e2e.server import (
    Server,
    chromium_available,
    launch_browser,
    new_page,
    slider_latencies,
    summarize,
    wait_for_app,
)

TARGET_MS = 500


def bench_page(browser, url: str, page_name: str, n: int) -> dict:
    page = new_page(browser)
    try:
        page.goto(f"{url}/{page_name}", wait_until="domcontentloaded")
        wait_for_app(page)
        scope = '[data-testid="stSidebar"]'
        if page_name == "compare":
            # the first optimizer's hyperparameters are folded under its name
            page.locator(f'{scope} [data-testid="stExpander"] summary', has_text="Gradient descent").first.click()
            wait_for_app(page)
        return slider_latencies(page, "η", n, key="ArrowLeft", scope=scope)
    finally:
        page.context.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=20, help="slider changes per page")
    ap.add_argument("--pages", default="gd,compare")
    args = ap.parse_args()
    if not chromium_available():
        print("Chromium not found (set E2E_CHROMIUM)", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    t0 = time.perf_counter()
    with Server() as srv, sync_playwright() as pw:
        print(f"server up in {time.perf_counter() - t0:.1f} s at {srv.url}")
        browser = launch_browser(pw)
        try:
            for name in args.pages.split(","):
                r = bench_page(browser, srv.url, name, args.n)
                for what, key in (("new src", "src_ms"), ("decoded", "loaded_ms")):
                    s = summarize(r[key])
                    flag = "ok" if s["median"] <= TARGET_MS else f"over the {TARGET_MS} ms target"
                    print(
                        f"/{name:<8} slider->chart ({what:7}, n={s['n']}): median {s['median']:6.0f} ms  "
                        f"p95 {s['p95']:6.0f} ms  max {s['max']:6.0f} ms  [{flag}]"
                    )
        finally:
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
