"""Load: concurrent browser sessions against one local server, each moving controls for a while.

Every session opens an optimizer page in its own browser context and keeps changing the
learning-rate slider (and now and then the step count), timing each change until the contour
image is redrawn. Prints the number of interactions, exceptions seen and rerun-time quantiles.
Run: ``python -m benchmarks.load_test [sessions] [seconds]`` (defaults: 20 sessions, 60 s).
"""

from __future__ import annotations

import asyncio
import random
import statistics
import sys
import time

from playwright.async_api import async_playwright

from tests.e2e.server import CHROMIUM, CHROMIUM_ARGS, MAIN_IMAGE, VIEWPORT, Server, summarize

PAGES = ["gd", "momentum", "adam", "rmsprop", "adagrad", "lion", "nadam"]
SRC_CHANGED = "([sel, old]) => { const i = document.querySelector(sel); return !!i && i.getAttribute('src') !== old; }"


async def session(browser, url: str, seconds: float, seed: int, times: list[float], errors: list[str]) -> int:
    """One user: open a page, then change the lr slider until time is up; returns the number of changes."""
    rng = random.Random(seed)
    context = await browser.new_context(viewport=VIEWPORT)
    page = await context.new_page()
    name = rng.choice(PAGES)
    await page.goto(f"{url}/{name}", timeout=120_000)
    await page.wait_for_selector(MAIN_IMAGE, timeout=120_000)
    thumb = page.locator('[data-testid="stSlider"]').filter(has_text="lr").get_by_role("slider").first
    changes, deadline = 0, time.monotonic() + seconds
    while time.monotonic() < deadline:
        old = await page.locator(MAIN_IMAGE).first.get_attribute("src")
        await thumb.focus()
        t0 = time.perf_counter()
        await page.keyboard.press(rng.choice(["ArrowLeft", "ArrowRight"]))
        try:
            await page.wait_for_function(SRC_CHANGED, arg=[MAIN_IMAGE, old], polling="raf", timeout=30_000)
            times.append((time.perf_counter() - t0) * 1000)
        except Exception as err:  # a press at the slider's end does not redraw; count, move on
            errors.append(f"{name}: no redraw ({type(err).__name__})")
        if await page.locator('[data-testid="stException"]').count():
            errors.append(f"{name}: exception shown")
        changes += 1
        await asyncio.sleep(rng.uniform(0.2, 0.8))
    await context.close()
    return changes


async def run(sessions: int, seconds: float) -> None:
    with Server() as server:
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            times: list[float] = []
            errors: list[str] = []
            counts = await asyncio.wait_for(
                asyncio.gather(*(session(browser, server.url, seconds, i, times, errors) for i in range(sessions))),
                timeout=seconds + 300,
            )
            await browser.close()
        server_errors = server.output().count("Traceback")
    s = summarize(times) if times else {"n": 0}
    print(f"{sessions} sessions x {seconds:.0f} s: {sum(counts)} slider changes, {len(times)} redraws timed")
    if times:
        print(
            f"change -> redraw: median {s['median']:.0f} ms, p95 {s['p95']:.0f} ms, max {s['max']:.0f} ms "
            f"(mean {statistics.mean(times):.0f} ms)"
        )
    shown = [e for e in errors if "exception" in e]
    print(
        f"exceptions shown in pages: {len(shown)}; tracebacks in the server log: {server_errors}; "
        f"presses without redraw: {len(errors) - len(shown)}"
    )


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    secs = float(sys.argv[2]) if len(sys.argv) > 2 else 60.0
    asyncio.run(run(n, secs))
