"""A page opened in a new tab until it is fully drawn: app pages against a minimal page served beside them.

Each round opens every page once in a new tab, interleaved, and waits for the state "script finished,
no element still loading (a skeleton), every chart drawn, every image decoded"; the report gives
medians and each page's ratio to the minimal page (one slider, one Altair chart, one contour:
``benchmarks/minimal_app.py``). A third page, ``floor``, is the minimal page plus Compare's controls and
text in plain Streamlit (``benchmarks/floor_app.py``): the least Compare can cost with those controls in
view. Two conditions, both reported:

- ``tab``: a new tab of a browser that has been to both servers before, so Streamlit's script
  chunks (served ``immutable``) come from its cache, as for anyone opening a second page or link;
- ``cold``: a new browser profile for every load (empty cache), a first visit ever: every chunk of
  every element type on the page is downloaded and compiled before it is drawn.

Run: ``python -m benchmarks.first_load_bench [rounds] [all | /path,/path…]`` (home, an optimizer
page and Compare by default; ``all`` measures every page of the app).
"""

from __future__ import annotations

import statistics
import sys
import time

from playwright.sync_api import sync_playwright

from tests.e2e.server import VIEWPORT, Server, launch_browser, page_path, wait_for_app

PAGES = ("/", "/adam", "/compare")
_DRAWN = """() => {
    const charts = [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')];
    const images = [...document.querySelectorAll('[data-testid="stImage"] img')];
    return charts.every(c => c.querySelector('canvas, svg')) && images.every(i => i.complete && i.naturalWidth > 0)
        && (charts.length + images.length) > 0 && !document.querySelector('[data-testid="stSkeleton"]'); }"""


def first_load(browser, url: str, context=None) -> float:
    """Milliseconds from navigation to a fully drawn page, in a new tab of ``context`` (a fresh one if None)."""
    own = context is None
    context = context or browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    t0 = time.perf_counter()
    page.goto(url, wait_until="domcontentloaded")
    wait_for_app(page, settle_ms=100)
    page.wait_for_function(_DRAWN, timeout=60_000)
    ms = (time.perf_counter() - t0) * 1000
    page.close()
    if own:
        context.close()
    return ms


def main(rounds: int = 4, pages: tuple[str, ...] = PAGES) -> None:
    with (
        Server() as app,
        Server(script="benchmarks/minimal_app.py") as minimal,
        Server(script="benchmarks/floor_app.py") as floor,
        sync_playwright() as p,
    ):
        browser = launch_browser(p)
        targets = {"minimal": minimal.url + "/", "floor": floor.url + "/", **{path: app.url + path for path in pages}}
        tabs = browser.new_context(viewport=VIEWPORT)
        for url in targets.values():  # warm both servers' caches and imports, and the browser's cache
            first_load(browser, url, tabs)
        times: dict[str, dict[str, list[float]]] = {"tab": {}, "cold": {}}
        for _ in range(rounds):
            for name, url in targets.items():
                times["tab"].setdefault(name, []).append(first_load(browser, url, tabs))
                times["cold"].setdefault(name, []).append(first_load(browser, url))
        for condition, measured in times.items():
            base = statistics.median(measured["minimal"])
            print(f"-- {condition}")
            for name, ms in measured.items():
                med = statistics.median(ms)
                print(
                    f"{name:18s} median {med:7.0f} ms  ratio {med / base:4.2f}  ({', '.join(f'{m:.0f}' for m in ms)})"
                )


def _pages(arg: str) -> tuple[str, ...]:
    if arg != "all":
        return tuple(arg.split(","))
    from ui.pages import all_page_files

    files = all_page_files()
    return tuple(page_path(f, f == files[0]) for f in files)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 4, _pages(sys.argv[2]) if len(sys.argv) > 2 else PAGES)
