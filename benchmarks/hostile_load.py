"""Hostile load: three sessions push the heaviest formulas and settings while a fourth visitor opens Home.

    python -m benchmarks.hostile_load [--seconds 90] [--loads 5] [--root DIR]

Starts ``streamlit run`` on a free port and headless Chromium (Debian's ``/usr/bin/chromium``), then:

1. idle: the fourth visitor opens Home ``--loads`` times, each in a fresh browser context (a new
   session), timed from navigation until the page's image is shown and the script has finished;
2. attack: three sessions keep loading, each time with a new variant of its formula so that no
   cache helps, and abandoning a load after ``ABANDON_S`` seconds (the session goes away):
   two on the basins page with an accepted but costly formula at 256² starts, 500 steps and six
   optimizers, one on the custom page with formulas whose symbolic gradient explodes;
   after ``WARMUP_S`` seconds the fourth visitor opens Home ``--loads`` times again. The three
   hostile sessions use their own Chromium at the lowest CPU priority (a real attacker's browser
   would not run on the server).

Prints both sets of load times, their ratio (aim: within 1.5x), the server's CPU use in the
seconds after the hostile tabs are closed mid-load (their work should stop), and its memory: its
peak resident set (VmHWM; aim: under 600 MB) and the peak sampled proportional set size of the
server and its children together (the symbolic work runs in short-lived forked children that
share the server's pages). ``--root`` runs the app from
another checkout (e.g. ``git archive main | tar -x -C /tmp/main``) for a before/after comparison.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from playwright.async_api import TimeoutError as PlaywrightTimeout
from playwright.async_api import async_playwright

from tests.e2e import server as e2e

ROOT = Path(__file__).resolve().parents[1]

WARMUP_S = 15.0
ABANDON_S = 25.0
COSTLY = "(x+y)**(" * 24 + "x" + ")" * 24
EXPLODING = [
    "log(abs(" * 15 + "x" + ")+x)" * 15,
    "atan2(sin(" * 15 + "x" + "),y)" * 15,
    "log(abs(" * 11 + "x" + ")+x)" * 11,
    "atan2(" * 20 + "x" + ",y)" * 20,
]
ALL6 = "gd,momentum,adagrad,rmsprop,adam,lion"
IMAGE = '[data-testid="stMain"] [data-testid="stImage"] img'
ERROR = '[data-testid="stMain"] [data-testid="stAlertContentError"]'
IDLE_JS = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    const status = document.querySelector('[data-testid="stStatusWidget"]');
    return !!app && app.getAttribute('data-test-script-state') !== 'running' && !status;
}"""


async def finished(page, timeout_ms: float) -> None:
    """Wait until the script run is over: not running, no status widget, for 300 ms in a row."""
    deadline = time.monotonic() + timeout_ms / 1000
    quiet = None
    while time.monotonic() < deadline:
        if await page.evaluate(IDLE_JS):
            quiet = quiet or time.monotonic()
            if time.monotonic() - quiet >= 0.3:
                return
        else:
            quiet = None
        await asyncio.sleep(0.05)
    raise PlaywrightTimeout("the script did not finish")


async def load_home(browser, url: str) -> float:
    """Seconds from navigation to Home with its image shown and its script finished, in a new session."""
    context = await browser.new_context(viewport=e2e.VIEWPORT)
    page = await context.new_page()
    try:
        t0 = time.perf_counter()
        await page.goto(url + "/", wait_until="domcontentloaded", timeout=600_000)
        await page.wait_for_selector(IMAGE, state="visible", timeout=600_000)
        await finished(page, 600_000)
        return time.perf_counter() - t0 - 0.3  # minus the quiet period that confirms the end
    finally:
        await context.close()


def attack_urls(kind: str, url: str):
    """An endless stream of URLs, each with a formula no cache has seen."""
    k = 0
    while True:
        k += 1
        if kind == "basins":  # the innermost x scaled: as costly, same number of terms (99 of 100)
            text = COSTLY.replace("**(x)", f"**({1 + k * 1e-9!r}*x)")
            q = {"fn": "custom", "formula": text, "n": "256", "steps": "500", "opts": ALL6, "color": "steps"}
            yield f"{url}/basins?{urlencode(q)}"
        else:
            text = EXPLODING[k % len(EXPLODING)].replace("x", f"(x+{k}e-9)", 1)
            q = {"fn": "custom", "formula": text, "steps": "500", "opts": "gd,momentum,adam"}
            yield f"{url}/custom?{urlencode(q)}"


async def attacker(browser, url: str, kind: str, stop: asyncio.Event, log: list) -> None:
    context = await browser.new_context(viewport=e2e.VIEWPORT)
    page = await context.new_page()
    try:
        for target in attack_urls(kind, url):
            if stop.is_set():
                return
            t0 = time.perf_counter()
            try:
                await page.goto(target, wait_until="domcontentloaded", timeout=60_000)
                await page.wait_for_selector(f"{IMAGE}, {ERROR}", timeout=ABANDON_S * 1000)
                await finished(page, ABANDON_S * 1000)
                log.append((kind, "done", time.perf_counter() - t0))
            except PlaywrightTimeout:
                log.append((kind, "abandoned", time.perf_counter() - t0))
    finally:
        await context.close()


def _kb(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            out += [int(c) for c in (task / "children").read_text().split()]
    return out


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of the server process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _pss_kb(pid: int) -> int:
    """Proportional set size: memory shared with the parent after a fork is counted once overall."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


async def sample_memory(pid: int, stop: asyncio.Event, peak: dict) -> None:
    while not stop.is_set():
        kids = _children(pid)
        total = _pss_kb(pid) + sum(_pss_kb(c) for c in kids)
        peak["total"] = max(peak.get("total", 0), total)
        peak["children"] = max(peak.get("children", 0), len(kids))
        await asyncio.sleep(0.2)


def _fmt(xs: list[float]) -> str:
    return f"median {statistics.median(xs):.2f} s, max {max(xs):.2f} s ({', '.join(f'{x:.2f}' for x in xs)})"


def niced_chromium(folder: Path) -> str:
    """A launcher running Chromium at the lowest CPU priority: the attackers' browsers would be elsewhere,
    so their rendering should not compete with the server and the fourth visitor here."""
    launcher = folder / "chromium-nice"
    launcher.write_text(f'#!/bin/sh\nexec nice -n 19 "{e2e.CHROMIUM}" "$@"\n')
    launcher.chmod(0o755)
    return str(launcher)


async def main(seconds: float, loads: int) -> None:
    with e2e.Server() as srv, tempfile.TemporaryDirectory() as tmp:
        pid = srv.proc.pid
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=e2e.CHROMIUM, args=e2e.CHROMIUM_ARGS, headless=True)
            hostile = await pw.chromium.launch(
                executable_path=niced_chromium(Path(tmp)), args=e2e.CHROMIUM_ARGS, headless=True
            )
            await load_home(browser, srv.url)  # warm the server: imports, first run
            idle = [await load_home(browser, srv.url) for _ in range(loads)]
            print(f"idle server, Home:      {_fmt(idle)}", flush=True)

            stop, peak, log = asyncio.Event(), {}, []
            sampler = asyncio.create_task(sample_memory(pid, stop, peak))
            attackers = [
                asyncio.create_task(attacker(hostile, srv.url, kind, stop, log))
                for kind in ("basins", "basins", "custom")
            ]
            t_attack = time.monotonic()
            await asyncio.sleep(WARMUP_S)
            busy = []
            for _ in range(loads):
                busy.append(await load_home(browser, srv.url))
                await asyncio.sleep(1.0)
            remaining = seconds - (time.monotonic() - t_attack)
            if remaining > 0:
                await asyncio.sleep(remaining)
            stop.set()
            for task in attackers:  # close the hostile tabs now, mid-load: their sessions end
                task.cancel()
            await asyncio.gather(*attackers, return_exceptions=True)
            await asyncio.sleep(1.0)
            cpu0 = _cpu_seconds(pid)
            await asyncio.sleep(5.0)
            after = _cpu_seconds(pid) - cpu0
            await sampler
            await hostile.close()
            await browser.close()
        hwm = _kb(pid, "VmHWM")
        tracebacks = srv.output().count("Traceback")
    print(f"under attack, Home:     {_fmt(busy)}")
    print(f"ratio of medians: {statistics.median(busy) / statistics.median(idle):.2f}x (aim: within 1.5x)")
    for kind in ("basins", "custom"):
        done = [t for k, what, t in log if k == kind and what == "done"]
        dropped = sum(1 for k, what, _ in log if k == kind and what == "abandoned")
        print(
            f"attack on /{kind}: {len(done)} loads finished (median {statistics.median(done):.1f} s), "
            f"{dropped} abandoned after {ABANDON_S:g} s"
            if done
            else f"attack on /{kind}: no load finished, {dropped} abandoned after {ABANDON_S:g} s"
        )
    print(
        f"server CPU in the 5 s from 1 s after the hostile tabs closed mid-load: {after:.2f} s "
        "(their work stops at the next tile)"
    )
    print(
        f"server peak RSS (VmHWM): {hwm / 1024:.0f} MB (aim: under 600 MB); peak server + children (PSS): "
        f"{peak.get('total', 0) / 1024:.0f} MB, at most {peak.get('children', 0)} children at once; "
        f"tracebacks in the server log: {tracebacks}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=90.0, help="length of the attack")
    parser.add_argument("--loads", type=int, default=5, help="Home loads, idle and under attack")
    parser.add_argument("--root", type=Path, default=None, help="run the app from this checkout instead")
    args = parser.parse_args()
    if args.root is not None:
        e2e.ROOT = args.root.resolve()
    asyncio.run(main(args.seconds, args.loads))
