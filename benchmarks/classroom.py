"""A class of thirty: 30 visitors open 30 different links within 20 s, each then moves one slider.

    python -m benchmarks.classroom [--visitors 30] [--within 20] [--port PORT] [--root DIR]

The links: the three lessons, every optimizer page, Compare (and its article view), the Fair race and the
network lab at their defaults, Home, the sweep, basins, the conditioning lab and your own formula (as many as
``--visitors``, in that order). Visitor k opens its link at k × ``--within`` / ``--visitors`` seconds in its
own browser context (a new session), waits until the page is fully drawn (an image, a chart or an error shown
and the script finished for 300 ms), then moves the first slider of the page (or of the sidebar) by one step
with the keyboard (to the left if it is at its right end), waits until the rerun has started (the app's script
state) and then until it has finished.

Reports per-visitor time to fully drawn and to the slider's rerun (median, p95, max), pages with an error or
an exception, the server's CPU-seconds (its own and its reaped children's, from ``/proc``) per visitor from
after one warm-up load of Home (the imports), and its peak resident set (VmHWM; aim: at most 690 MB, the
smallest Streamlit Community Cloud allotment, and at most 1 CPU-s per visitor on average).

The client is one Chromium with 30 contexts, at the lowest CPU priority (``nice 19``): the lightest honest
client, a real class would run 30 browsers elsewhere. Its own CPU (the Chromium process tree, from
``/proc``) is printed: on a 2-core machine it competes with the server, so the times are longer than a real
class would see, while the server's CPU-seconds and memory are its own and unaffected.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from playwright.async_api import TimeoutError as PlaywrightTimeout
from playwright.async_api import async_playwright

import core
from benchmarks.hostile_load import DRAWN, ERROR, _cpu_seconds, _kb, finished, wait_idle
from tests.e2e import server as e2e

LESSONS = ["lesson_article", "lesson_momentum", "lesson_stability"]
OTHERS = ["compare", "race", "network", "", "compare?article=1", "lr_sweep", "basins", "conditioning", "custom"]
EXCEPTION = '[data-testid="stException"]'
TIMEOUT_S = 180.0
RERUN_START_S = 60.0  # a slider move whose rerun has not started by then counts as not registered
SLIDER_WAIT_S = 10.0  # how long a drawn page may take to show its first slider, and a move its rerun, before
# the benchmark tries the other direction
RUNNING_JS = (
    """() => document.querySelector('[data-testid="stApp"]')?.getAttribute('data-test-script-state') === 'running'"""
)


def links(count: int) -> list[str]:
    """The lessons, every optimizer page, then the other pages: ``count`` different links."""
    every = [*LESSONS, *core.OPTIMIZERS[:3], "compare", "race", "network", *core.OPTIMIZERS[3:], *OTHERS[3:]]
    return every[:count]


def launcher(folder: Path) -> tuple[str, Path]:
    """A launcher running Chromium at the lowest CPU priority, writing its process id (Chromium's, after exec)."""
    pid_file = folder / "chromium.pid"
    script = folder / "chromium-nice"
    script.write_text(f'#!/bin/sh\necho $$ > "{pid_file}"\nexec nice -n 19 "{e2e.CHROMIUM}" "$@"\n')
    script.chmod(0o755)
    return str(script), pid_file


def tree_cpu(root: int) -> float:
    """CPU-seconds of a process and its live descendants (with the ended children each has reaped)."""
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        try:
            total += _cpu_seconds(pid)
            for task in Path(f"/proc/{pid}/task").glob("*"):
                todo += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return total


async def visitor(browser, url: str, link: str, delay: float, out: list[dict]) -> None:
    await asyncio.sleep(delay)
    context = await browser.new_context(viewport=e2e.VIEWPORT)
    page = await context.new_page()
    row: dict = {"link": link or "home", "drawn": None, "slider": None, "error": ""}
    try:
        t0 = time.perf_counter()
        await page.goto(f"{url}/{link}", wait_until="domcontentloaded", timeout=TIMEOUT_S * 1000)
        await page.wait_for_selector(DRAWN, timeout=TIMEOUT_S * 1000)
        await finished(page, TIMEOUT_S * 1000)
        row["drawn"] = time.perf_counter() - t0 - 0.3  # minus the quiet period that confirms the end
        if await page.locator(f"{ERROR}, {EXCEPTION}").count():
            row["error"] = (await page.locator(f"{ERROR}, {EXCEPTION}").first.inner_text())[:120]
        thumb = page.locator('[data-testid="stSlider"]').get_by_role("slider").first
        try:  # the sidebar's widgets may be drawn after the main figure
            await thumb.wait_for(state="attached", timeout=SLIDER_WAIT_S * 1000)
        except PlaywrightTimeout:
            row["slider"] = "none"
        else:
            await thumb.focus()
            t1 = time.perf_counter()
            row["slider"] = "no rerun"
            # a slider at its end does not move to the right: then one step to the left
            for key, wait in (("ArrowRight", SLIDER_WAIT_S), ("ArrowLeft", RERUN_START_S)):
                await page.keyboard.press(key)
                try:
                    await page.wait_for_function(RUNNING_JS, timeout=wait * 1000, polling=10)
                except PlaywrightTimeout:
                    continue
                await finished(page, TIMEOUT_S * 1000)
                row["slider"] = time.perf_counter() - t1 - 0.3
                break
            if await page.locator(EXCEPTION).count():
                row["error"] = (await page.locator(EXCEPTION).first.inner_text())[:120]
    except PlaywrightTimeout as err:
        row["error"] = f"timeout: {err}"[:120]
    finally:
        out.append(row)
        await context.close()


def _stats(xs: list[float]) -> str:
    if not xs:
        return "none"
    s = sorted(xs)
    p95 = s[min(len(s) - 1, round(0.95 * (len(s) - 1)))]
    return f"median {statistics.median(s):.1f} s, p95 {p95:.1f} s, max {s[-1]:.1f} s"


async def main(visitors: int, within: float, port: int | None) -> None:
    chosen = links(visitors)
    with e2e.Server(port=port) as srv, tempfile.TemporaryDirectory() as tmp:
        pid = srv.proc.pid
        executable, pid_file = launcher(Path(tmp))
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=executable, args=e2e.CHROMIUM_ARGS, headless=True)
            chromium = int(pid_file.read_text())
            warm = await browser.new_context(viewport=e2e.VIEWPORT)
            page = await warm.new_page()
            await page.goto(srv.url, wait_until="domcontentloaded")
            await page.wait_for_selector(DRAWN, timeout=120_000)
            await finished(page, 120_000)
            await warm.close()
            await wait_idle(pid, 10)
            cpu0, client0, t0 = _cpu_seconds(pid), tree_cpu(chromium), time.perf_counter()
            rows: list[dict] = []
            await asyncio.gather(
                *(visitor(browser, srv.url, link, k * within / visitors, rows) for k, link in enumerate(chosen))
            )
            wall = time.perf_counter() - t0
            await wait_idle(pid, 30)
            cpu, client = _cpu_seconds(pid) - cpu0, tree_cpu(chromium) - client0
            await browser.close()
        hwm = _kb(pid, "VmHWM")
        tracebacks = srv.output().count("Traceback")
    drawn = [r["drawn"] for r in rows if r["drawn"] is not None]
    moved = [r["slider"] for r in rows if isinstance(r["slider"], float)]
    sliderless = [r["link"] for r in rows if r["slider"] == "none"]
    unregistered = [r["link"] for r in rows if r["slider"] == "no rerun"]
    print(f"{len(chosen)} visitors on {len(set(chosen))} different links, opened within {within:g} s")
    print(f"fully drawn: {len(drawn)} of {len(chosen)}; {_stats(drawn)}")
    print(
        f"slider moved and redrawn: {len(moved)} visitors; {_stats(moved)}; pages without a slider: "
        f"{', '.join('/' + link for link in sliderless) or 'none'}; moves whose rerun did not start within "
        f"{RERUN_START_S:g} s: {', '.join('/' + link for link in unregistered) or 'none'}"
    )
    errors = [r for r in rows if r["error"]]
    print(f"pages with an error: {len(errors)}" + "".join(f"\n  /{r['link']}: {r['error']}" for r in errors))
    print(
        f"server CPU: {cpu:.1f} s in all, {cpu / len(chosen):.2f} CPU-s per visitor (aim: at most 1); "
        f"peak RSS (VmHWM) {hwm / 1024:.0f} MB (aim: at most 690 MB); tracebacks in its log: {tracebacks}"
    )
    print(
        f"client (one Chromium, {len(chosen)} contexts, nice 19): {client:.1f} CPU-s over {wall:.0f} s, "
        f"{client / max(wall, 1e-9):.2f} cores on average"
    )
    slowest = sorted((r for r in rows if r["drawn"] is not None), key=lambda r: -r["drawn"])[:5]
    print("slowest to draw: " + ", ".join(f"/{r['link']} {r['drawn']:.1f} s" for r in slowest))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visitors", type=int, default=30)
    parser.add_argument("--within", type=float, default=20.0, help="seconds over which the visitors arrive")
    parser.add_argument("--port", type=int, default=None, help="the server's port (default: a free one)")
    parser.add_argument("--root", type=Path, default=None, help="run the app from this checkout instead")
    args = parser.parse_args()
    if args.root is not None:
        e2e.ROOT = args.root.resolve()
    asyncio.run(main(args.visitors, args.within, args.port))
