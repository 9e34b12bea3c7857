"""Hostile load: the costliest link of each heavy page alone, and three hostile sessions while a fourth visitor
opens fresh tabs.

    python -m benchmarks.hostile_load [--links KINDS] [--hostile KINDS] [--clients socket|browser] [--seconds 90]
        [--loads 5] [--root DIR]

Starts ``streamlit run`` and headless Chromium (Debian's ``/usr/bin/chromium``). Links (``attack_urls``; each
load a new variant, a new formula or seed, so no cache helps): ``basins`` (an accepted but costly formula at
256² starts, 500 steps, six optimizers), ``custom`` (formulas whose symbolic gradient explodes), ``sweep`` and
``compare`` (the costly formula, every optimizer, 500 steps), ``race`` (every optimizer on every landscape of
the profile, budget 128, 16 starts × 5 noise seeds, 500 steps; ``race_fit``: the same with ten optimizers on
Rosenbrock, the largest this server accepts once the profile is left out), ``race_net`` (every optimizer on every data
set, the digits' network, budget 64, 2 seeds, 300 steps; ``race_net_fit``: Adam alone on MNIST-1D's CNN, budget
18, 40 steps, one job of nearly the race's whole limit), ``network`` (the network lab with all its optimizers on the
digits, 3 × 64 tanh, 2000 full-batch steps, 16 seeds: refused) and ``network_fit`` (the same with five
optimizers: cut to fit the lab's limit, then trained).

1. ``--links``: each link alone on a fresh server (after warm-up loads of Home and of a cheap formula, which
   import what every process imports once): the server's CPU-seconds
   (its own and its reaped children's, from ``/proc``) until it is idle again or ``LINK_WAIT_S`` passed, its
   peak resident set meanwhile, the page's first message, and how long after the tab is closed mid-work (at
   ``CLOSE_AFTER_S``, in a second visit) the server is idle (aim: 2 s).
2. ``--hostile`` (default ``race_fit,network,basins``): the fourth visitor opens Home and ``/adam`` ``--loads``
   times each in fresh browser contexts, on an idle server and then under three hostile sessions that keep
   loading their link and abandon a load after ``ABANDON_S`` seconds. By default (``--clients socket``) the
   hostile sessions speak the app's own websocket protocol, as a browser tab does (one request to run the page
   with its query; the session closed when the run ends or is abandoned): the server does the same work, minus
   serving images, and the attackers cost this machine next to nothing, as a real attacker's clients would. Each
   starts a load at most every ``--pace`` seconds (default ``PACE_S``, about what a tab takes to draw a page, so
   an attacker reloads as a browser can); ``--pace 0`` floods the server with loads as fast as it answers, a
   denial of service no per-request limit can stop (a proxy's rate limit does), measured apart. ``--split`` puts
   the server on one core and every client (the fourth visitor's browser among them) on the others, as a
   visitor's browser runs on the visitor's machine: the server then has one core for everything.
   ``--clients browser`` uses a Chromium at the lowest CPU priority (``SCHED_IDLE``) instead; on a 2-core machine
   its rendering takes most of the machine. The report says how many cores the server used during the attack and
   how many the rest of the machine (the browsers, the Playwright driver, this script).

Prints the table of links, both sets of load times and their ratio (aim: within 1.5x), the server's CPU in the
seconds after the hostile tabs are closed mid-load, and its memory: peak resident set (VmHWM) and the peak
sampled proportional set size of the server and its children together (the symbolic work runs in short-lived
forked children that share the server's pages). ``--root`` runs the app from another checkout (e.g.
``git archive main | tar -x -C /tmp/main``) for a before/after comparison.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import websockets
from playwright.async_api import TimeoutError as PlaywrightTimeout
from playwright.async_api import async_playwright
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

import core
from tests.e2e import server as e2e

ROOT = Path(__file__).resolve().parents[1]

WARMUP_S = 15.0
ABANDON_S = 25.0
PACE_S = 1.5  # a socket attacker's loads start at most this often: a browser tab takes about as long to draw a page
LINK_WAIT_S = 60.0  # a link still working after this long is closed and reported unfinished
CLOSE_AFTER_S = 4.0  # the second visit of a link closes its tab this long after opening it
IDLE_CPU = 0.05  # CPU-seconds per half second below which the server counts as idle
COSTLY = "(x+y)**(" * 24 + "x" + ")" * 24
EXPLODING = [
    "log(abs(" * 15 + "x" + ")+x)" * 15,
    "atan2(sin(" * 15 + "x" + "),y)" * 15,
    "log(abs(" * 11 + "x" + ")+x)" * 11,
    "atan2(" * 20 + "x" + ",y)" * 20,
]
ALL6 = "gd,momentum,adagrad,rmsprop,adam,lion"
LANDSCAPE_OPTIMIZERS = ",".join(core.OPTIMIZERS)
NETWORK_OPTIMIZERS = ",".join([*core.OPTIMIZERS, *core.NETWORK_OPTIMIZERS])
PROFILE = ",".join(n for n in core.list_functions() if math.isfinite(core.get_function(n).min_value))
# The network lab's link of the issue, but for its optimizers (every one; five for network_fit)
ISSUE_NETWORK_LINK = dict(data="digits", layers="3", width="64", steps="2000", bs="full", seeds="16", act="tanh")
IMAGE = '[data-testid="stMain"] [data-testid="stImage"] img'
ERROR = '[data-testid="stMain"] [data-testid="stAlertContentError"]'
CHART = '[data-testid="stMain"] [data-testid="stVegaLiteChart"]'
DRAWN = f"{IMAGE}, {ERROR}, {CHART}"
ALERTS = '[data-testid="stMain"] [data-testid="stAlert"] [data-testid="stMarkdownContainer"]'
KINDS = (
    "basins",
    "custom",
    "custom_costly",
    "sweep",
    "compare",
    "compare_seeds",
    "optimizer",
    "conditioning",
    "lesson_momentum",
    "lesson_stability",
    "lesson_article",
    "race",
    "race_fit",
    "race_net",
    "race_net_fit",
    "network",
    "network_fit",
)
# The page each kind opens, where it is not the kind's own name.
PATHS = {
    "sweep": "lr_sweep",
    "race_net": "race",
    "race_fit": "race",
    "race_net_fit": "race",
    "network_fit": "network",
    "custom_costly": "custom",
    "compare_seeds": "compare",
    "optimizer": "adam",
}
# A cheap formula opened once before a link is measured: SymPy and the formula machinery are imported once per
# server process (about a CPU-second), not by each request.
WARM_FORMULA = {"fn": "custom", "formula": "x**2 + y**2", "steps": "20"}
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


async def load_page(browser, url: str, path: str = "") -> float:
    """Seconds from navigation to a page with its image shown and its script finished, in a new session."""
    context = await browser.new_context(viewport=e2e.VIEWPORT)
    page = await context.new_page()
    try:
        t0 = time.perf_counter()
        await page.goto(f"{url}/{path}", wait_until="domcontentloaded", timeout=600_000)
        await page.wait_for_selector(IMAGE, state="visible", timeout=600_000)
        await finished(page, 600_000)
        return time.perf_counter() - t0 - 0.3  # minus the quiet period that confirms the end
    finally:
        await context.close()


def attack_urls(kind: str, url: str, start: int = 0):
    """An endless stream of ``kind``'s costliest link, each with a formula or seed no cache has seen."""
    k = start
    while True:
        k += 1
        costly = COSTLY.replace("**(x)", f"**({1 + k * 1e-9!r}*x)")  # as costly, same number of terms (99 of 100)
        if kind == "basins":
            q = {"fn": "custom", "formula": costly, "n": "256", "steps": "500", "opts": ALL6, "color": "steps"}
        elif kind == "custom":
            text = EXPLODING[k % len(EXPLODING)].replace("x", f"(x+{k}e-9)", 1)
            q = {"fn": "custom", "formula": text, "steps": "500", "opts": "gd,momentum,adam"}
        elif kind == "custom_costly":  # an accepted formula, every optimizer, the most steps
            q = {"fn": "custom", "formula": costly, "steps": "500", "opts": LANDSCAPE_OPTIMIZERS}
        elif kind == "compare_seeds":  # every optimizer on a costly formula, 50 noisy runs each
            q = {
                "fn": "custom",
                "formula": costly,
                "steps": "500",
                "opts": LANDSCAPE_OPTIMIZERS,
                "noise": "5.0",
                "seeds": "50",
                "seed": str(k % 1000),
            }
        elif kind == "optimizer":  # an optimizer page on a costly formula with gradient noise
            q = {"fn": "custom", "formula": costly, "steps": "500", "noise": "5.0", "seed": str(k % 1000)}
        elif kind == "conditioning":
            q = {"kappa": str(1000 - k % 7), "angle": "45.0", "steps": "500"}
        elif kind == "lesson_momentum":
            q = {"kappa": str(1000 - k % 7)}
        elif kind == "lesson_stability":
            q = {"fn": "rosenbrock", "steps": "3000", "lr": str(0.001 + k * 1e-9)}
        elif kind == "lesson_article":
            q = {"t": "0"}
        elif kind == "sweep":
            q = {"fn": "custom", "formula": costly, "steps": "500", "count": "300", "opts": LANDSCAPE_OPTIMIZERS}
        elif kind == "compare":
            q = {"fn": "custom", "formula": costly, "steps": "500", "opts": LANDSCAPE_OPTIMIZERS}
        elif kind == "race":
            q = {
                "opts": LANDSCAPE_OPTIMIZERS,
                "probs": PROFILE,
                "budget": "128",
                "starts": "16",
                "noise": "1.0",
                "seeds": "5",
                "steps": "500",
                "seed": str(k % 1000),
            }
        elif kind == "race_fit":  # the largest race this server accepts: the raced landscape alone fits
            q = {
                "opts": ",".join(core.OPTIMIZERS[:10]),
                "fn": "rosenbrock",
                "probs": PROFILE,
                "budget": "128",
                "starts": "16",
                "noise": "1.0",
                "seeds": "5",
                "steps": "500",
                "seed": str(k % 1000),
            }
        elif kind == "race_net":
            q = {
                "work": "net",
                "opts": NETWORK_OPTIMIZERS,
                "data": "digits",
                "nets": ",".join(core.DATASETS),
                "budget": "64",
                "inits": "2",
                "steps": "300",
                "seed": str(k % 1000),
            }
        elif kind == "race_net_fit":  # one optimizer's network tuning as one job of nearly the whole limit
            q = {
                "work": "net",
                "opts": "adam",
                "data": "mnist1d",
                "nets": "mnist1d",
                "budget": "18",
                "inits": "2",
                "steps": "40",
                "score": "final",
                "seed": str(k % 1000),
            }
        else:  # the issue's network-lab link; network_fit: with five optimizers, cut to the lab's limit, then trained
            opts = "gd,momentum,rmsprop,adam,lion" if kind == "network_fit" else NETWORK_OPTIMIZERS
            q = {**ISSUE_NETWORK_LINK, "opts": opts, "seed": str(k % 1000)}
        path = PATHS.get(kind, kind)
        yield f"{url}/{path}?{urlencode(q)}"


async def drawn(page, timeout_s: float) -> None:
    """Wait until the page shows a result (an image, a chart or an error) and its script has finished."""
    deadline = time.monotonic() + timeout_s
    await page.wait_for_selector(DRAWN, timeout=timeout_s * 1000)
    await finished(page, max(deadline - time.monotonic(), 0.5) * 1000)


async def attacker(browser, url: str, kind: str, stop: asyncio.Event, log: list, start: int = 0) -> None:
    context = await browser.new_context(viewport=e2e.VIEWPORT)
    page = await context.new_page()
    try:
        for target in attack_urls(kind, url, start):
            if stop.is_set():
                return
            t0 = time.perf_counter()
            try:
                await page.goto(target, wait_until="domcontentloaded", timeout=60_000)
                await drawn(page, ABANDON_S)
                log.append((kind, "done", time.perf_counter() - t0))
            except PlaywrightTimeout:
                log.append((kind, "abandoned", time.perf_counter() - t0))
    finally:
        await context.close()


async def socket_visit(target: str, timeout_s: float) -> bool:
    """Open ``target`` as a new session speaking Streamlit's own protocol (what a browser tab sends: one request
    to run the page with its query), wait for the run to finish, then close the session as a closed tab does.
    Returns whether the run finished within ``timeout_s``; the server does the same work as for a browser, minus
    serving the page's images, and the client costs next to nothing."""
    parts = urlsplit(target)
    origin = f"{parts.scheme}://{parts.netloc}"
    request = BackMsg()
    request.rerun_script.page_name = parts.path.strip("/")
    request.rerun_script.query_string = parts.query
    async with websockets.connect(
        f"ws://{parts.netloc}/_stcore/stream", subprotocols=["streamlit"], origin=origin, max_size=None
    ) as ws:
        await ws.send(request.SerializeToString())
        deadline = time.monotonic() + timeout_s
        while (left := deadline - time.monotonic()) > 0:
            try:
                data = await asyncio.wait_for(ws.recv(), left)
            except TimeoutError:
                return False
            msg = ForwardMsg()
            msg.ParseFromString(data)
            if msg.WhichOneof("type") == "script_finished":
                return True
    return False


async def socket_attacker(
    url: str, kind: str, stop: asyncio.Event, log: list, start: int = 0, pace: float = 0.0
) -> None:
    """``attacker`` without a browser: each link a new session over the app's websocket, closed when done or
    abandoned after ``ABANDON_S`` (a real attacker's client runs elsewhere and costs this machine nothing). A load
    starts at least ``pace`` seconds after the previous one started, as a browser tab needs that long to draw a
    page; 0 floods the server with loads as fast as it answers them."""
    for target in attack_urls(kind, url, start):
        if stop.is_set():
            return
        t0 = time.perf_counter()
        finished_run = await socket_visit(target, ABANDON_S)
        log.append((kind, "done" if finished_run else "abandoned", time.perf_counter() - t0))
        await asyncio.sleep(max(0.0, pace - (time.perf_counter() - t0)))


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
    """User + system CPU time of the server process so far, with its children that ended (the symbolic work)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def _machine_seconds() -> float:
    """CPU-seconds every process of the machine has used so far (``/proc/stat``'s busy time, all cores)."""
    fields = [int(f) for f in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle and iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


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
    so their rendering should not compete with the server and the fourth visitor here.

    Nice alone is not enough: Chromium sets its own processes' nice values (a foreground renderer back to 0, its
    browser process to -8 when it may), so the attackers' renderers competed with the fourth visitor's at full
    priority. ``SCHED_IDLE`` (``chrt --idle``), which every child inherits and Chromium leaves alone, runs them
    only on CPU time nobody else wants."""
    launcher = folder / "chromium-nice"
    idle = "chrt --idle 0 " if shutil.which("chrt") else ""
    launcher.write_text(f'#!/bin/sh\nexec {idle}nice -n 19 "{e2e.CHROMIUM}" "$@"\n')
    launcher.chmod(0o755)
    return str(launcher)


async def wait_idle(pid: int, limit_s: float) -> float:
    """Seconds until the server spends less than ``IDLE_CPU`` in half a second (``inf`` if not within ``limit_s``)."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < limit_s:
        before = _cpu_seconds(pid)
        await asyncio.sleep(0.5)
        if _cpu_seconds(pid) - before < IDLE_CPU:
            return time.monotonic() - t0 - 0.5
    return math.inf


async def sample_rss(pid: int, stop: asyncio.Event, peak: dict) -> None:
    while not stop.is_set():
        peak["rss"] = max(peak.get("rss", 0), _kb(pid, "VmRSS"))
        await asyncio.sleep(0.2)


def fresh_server(port: int | None) -> e2e.Server:
    """A started server on ``port``, waiting for a port just freed by the previous one (up to a minute)."""
    for _ in range(12):
        try:
            return e2e.Server(port=port).start()
        except RuntimeError as err:
            if "is not available" not in str(err):
                raise
            time.sleep(5.0)
    return e2e.Server(port=port).start()


async def one_link(pw, kind: str, port: int | None) -> dict:
    """``kind``'s costliest link alone on a fresh server: CPU-seconds, peak RSS, message; then idle after a close."""
    srv = fresh_server(port)
    with contextlib.ExitStack() as stack:
        stack.callback(srv.stop)
        pid = srv.proc.pid
        browser = await pw.chromium.launch(executable_path=e2e.CHROMIUM, args=e2e.CHROMIUM_ARGS, headless=True)
        await load_page(browser, srv.url)  # imports, first run
        await load_page(browser, srv.url, f"custom?{urlencode(WARM_FORMULA)}")  # the formula machinery's imports
        await wait_idle(pid, 10)
        print(f"{kind}: server ready on {srv.url}", flush=True)
        urls = attack_urls(kind, srv.url)
        stop, peak = asyncio.Event(), {"rss": _kb(pid, "VmRSS")}
        sampler = asyncio.create_task(sample_rss(pid, stop, peak))
        cpu0, t0 = _cpu_seconds(pid), time.perf_counter()
        context = await browser.new_context(viewport=e2e.VIEWPORT)
        page = await context.new_page()
        done = True
        await page.goto(next(urls), wait_until="domcontentloaded", timeout=60_000)
        try:
            await drawn(page, LINK_WAIT_S)
        except PlaywrightTimeout:
            done = False
        wall = time.perf_counter() - t0
        alerts = [t.strip().replace("\n", " ") for t in await page.locator(ALERTS).all_inner_texts()]
        await context.close()
        idle_after_end = await wait_idle(pid, 30)
        cpu = _cpu_seconds(pid) - cpu0
        stop.set()
        await sampler
        # a second visit, with a new variant, closed mid-work
        context = await browser.new_context(viewport=e2e.VIEWPORT)
        page = await context.new_page()
        await page.goto(next(urls), wait_until="domcontentloaded", timeout=60_000)
        await asyncio.sleep(CLOSE_AFTER_S)
        busy = not await page.evaluate(IDLE_JS)
        await context.close()
        idle_after_close = await wait_idle(pid, 30) if busy else 0.0
        print(f"{kind}: {cpu:.1f} CPU-s, finished: {done}, idle {idle_after_close:.1f} s after a close", flush=True)
        await browser.close()
        tracebacks = srv.output().count("Traceback")
    return {
        "kind": kind,
        "cpu": cpu,
        "wall": wall,
        "done": done,
        "rss": peak["rss"] / 1024,
        "message": alerts[0][:150] if alerts else "",
        "idle_after_end": idle_after_end,
        "busy_at_close": busy,
        "idle_after_close": idle_after_close,
        "tracebacks": tracebacks,
    }


async def links(kinds: list[str], port: int | None) -> None:
    async with async_playwright() as pw:
        # a new port for each server: the one just closed may not be free yet
        rows = [await one_link(pw, kind, None if port is None else port + i % 8) for i, kind in enumerate(kinds)]
    print("| link | server CPU-s | wall s | finished | peak RSS MB | idle after close | message |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        close = f"{r['idle_after_close']:.1f} s" if r["busy_at_close"] else "(done before close)"
        fin = "yes" if r["done"] else f"no, closed at {LINK_WAIT_S:g} s (idle {r['idle_after_end']:.1f} s later)"
        print(
            f"| {r['kind']} | {r['cpu']:.1f} | {r['wall']:.1f} | {fin} | {r['rss']:.0f} | {close} | "
            f"{r['message'] or '—'} |" + (f" {r['tracebacks']} tracebacks" if r["tracebacks"] else "")
        )


def split_cores(server: int) -> str:
    """Put the server (every thread; its children inherit) on the first core and this process (the Playwright
    driver and the browsers it starts inherit) on the others: a visitor's browser runs on the visitor's machine,
    not on the server's. Returns how the cores were split, for the report."""
    cores = sorted(os.sched_getaffinity(0))
    if len(cores) < 2:
        return "not split (one core)"
    for task in Path(f"/proc/{server}/task").iterdir():
        os.sched_setaffinity(int(task.name), {cores[0]})
    for task in Path("/proc/self/task").iterdir():
        os.sched_setaffinity(int(task.name), set(cores[1:]))
    return f"server on core {cores[0]}, clients on {', '.join(map(str, cores[1:]))}"


async def main(
    seconds: float, loads: int, hostile_kinds: list[str], port: int | None, clients: str, pace: float, split: bool
) -> None:
    with e2e.Server(port=port) as srv, tempfile.TemporaryDirectory() as tmp:
        pid = srv.proc.pid
        cores = split_cores(pid) if split else f"server and clients share the {os.cpu_count()} cores"
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=e2e.CHROMIUM, args=e2e.CHROMIUM_ARGS, headless=True)
            hostile = None
            if clients == "browser":
                hostile = await pw.chromium.launch(
                    executable_path=niced_chromium(Path(tmp)), args=e2e.CHROMIUM_ARGS, headless=True
                )
            paths = ("", "adam")
            for path in paths:
                await load_page(browser, srv.url, path)  # warm the server: imports, first run
            idle = {p: [await load_page(browser, srv.url, p) for _ in range(loads)] for p in paths}
            for p in paths:
                print(f"idle server, /{p}:      {_fmt(idle[p])}", flush=True)

            stop, peak, log = asyncio.Event(), {}, []
            sampler = asyncio.create_task(sample_memory(pid, stop, peak))
            attackers = [
                asyncio.create_task(
                    attacker(hostile, srv.url, kind, stop, log, start=100 * i)
                    if hostile is not None
                    else socket_attacker(srv.url, kind, stop, log, start=100 * i, pace=pace)
                )
                for i, kind in enumerate(hostile_kinds)
            ]
            t_attack = time.monotonic()
            used = (_cpu_seconds(pid), _machine_seconds())
            await asyncio.sleep(WARMUP_S)
            busy: dict[str, list[float]] = {p: [] for p in paths}
            for _ in range(loads):
                for p in paths:
                    busy[p].append(await load_page(browser, srv.url, p))
                await asyncio.sleep(1.0)
            remaining = seconds - (time.monotonic() - t_attack)
            if remaining > 0:
                await asyncio.sleep(remaining)
            server_cores = (_cpu_seconds(pid) - used[0]) / (time.monotonic() - t_attack)
            machine_cores = (_machine_seconds() - used[1]) / (time.monotonic() - t_attack)
            stop.set()
            for task in attackers:  # close the hostile tabs now, mid-load: their sessions end
                task.cancel()
            await asyncio.gather(*attackers, return_exceptions=True)
            t_closed = time.monotonic()
            idle_after = await wait_idle(pid, 30)
            await sampler
            if hostile is not None:
                await hostile.close()
            await browser.close()
        hwm = _kb(pid, "VmHWM")
        tracebacks = srv.output().count("Traceback")
    paced = f", a load at most every {pace:g} s" if clients == "socket" and pace > 0 else ""
    print(f"hostile sessions ({clients} clients{paced}; {cores}): {', '.join(hostile_kinds)}")
    for p in paths:
        ratio = statistics.median(busy[p]) / statistics.median(idle[p])
        print(f"under attack, /{p}:     {_fmt(busy[p])}; ratio of medians {ratio:.2f}x (aim: within 1.5x)")
    print(
        f"during the attack the server used {server_cores:.2f} cores and the rest of the machine (the browsers, the "
        f"Playwright driver, this script) {machine_cores - server_cores:.2f}, of {os.cpu_count()}"
    )
    for kind in dict.fromkeys(hostile_kinds):
        done = [t for k, what, t in log if k == kind and what == "done"]
        dropped = sum(1 for k, what, _ in log if k == kind and what == "abandoned")
        print(
            f"attack on {kind}: {len(done)} loads finished (median {statistics.median(done):.1f} s), "
            f"{dropped} abandoned after {ABANDON_S:g} s"
            if done
            else f"attack on {kind}: no load finished, {dropped} abandoned after {ABANDON_S:g} s"
        )
    print(
        f"server idle {idle_after:.1f} s after the hostile tabs closed mid-load "
        f"({time.monotonic() - t_closed:.1f} s measured; aim: within 2 s)"
    )
    print(
        f"server peak RSS (VmHWM): {hwm / 1024:.0f} MB (aim: under 690 MB); peak server + children (PSS): "
        f"{peak.get('total', 0) / 1024:.0f} MB, at most {peak.get('children', 0)} children at once; "
        f"tracebacks in the server log: {tracebacks}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--links", default=None, help=f"measure these links alone, comma-separated: {','.join(KINDS)}")
    parser.add_argument("--hostile", default="race_fit,network,basins", help="the three hostile sessions' links")
    parser.add_argument("--seconds", type=float, default=90.0, help="length of the attack")
    parser.add_argument("--loads", type=int, default=5, help="Home and /adam loads, idle and under attack")
    parser.add_argument(
        "--clients",
        choices=("socket", "browser"),
        default="socket",
        help="the hostile sessions' client: the app's websocket protocol (default) or a Chromium at idle priority",
    )
    parser.add_argument(
        "--pace",
        type=float,
        default=PACE_S,
        help="socket clients: seconds from one load's start to the next at the least (0: a flood)",
    )
    parser.add_argument(
        "--split",
        action="store_true",
        help="the server on one core, the browsers and this script on the others (clients off the server)",
    )
    parser.add_argument("--port", type=int, default=None, help="the server's port (default: a free one)")
    parser.add_argument("--root", type=Path, default=None, help="run the app from this checkout instead")
    args = parser.parse_args()
    if args.root is not None:
        e2e.ROOT = args.root.resolve()
    if args.links:
        asyncio.run(links(args.links.split(","), args.port))
    else:
        asyncio.run(
            main(args.seconds, args.loads, args.hostile.split(","), args.port, args.clients, args.pace, args.split)
        )
