"""Start the Descent Lab Streamlit server and a headless Chromium, for the e2e tests and the browser benchmark.

Used by ``tests/e2e/conftest.py``, ``tests/e2e/test_browser.py`` and ``benchmarks/browser_bench.py``; it
imports nothing from pytest. Also holds the small browser helpers both need: ``wait_for_app``,
``full_page_screenshot`` and ``slider_latencies`` (key press on a slider -> new chart image).
"""

from __future__ import annotations

import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Self

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 900}
ARTIFACTS = ROOT / "artifacts"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A ``streamlit run <script>`` subprocess on a free local port (the app's entrypoint by default)."""

    def __init__(self, port: int | None = None, extra_args: tuple[str, ...] = (), script: str = "streamlit_app.py"):
        self.script = script
        self.port = port or free_port()
        self.extra_args = tuple(extra_args)
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the server

    def start(self, timeout: float = 60.0) -> Server:
        cmd = [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            self.script,
            "--server.headless",
            "true",
            "--server.port",
            str(self.port),
            "--server.address",
            "127.0.0.1",
            "--browser.gatherUsageStats",
            "false",
            "--server.fileWatcherType",
            "none",
            "--server.runOnSave",
            "false",
            *self.extra_args,
        ]
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(
            cmd, cwd=ROOT, stdout=self._log, stderr=subprocess.STDOUT, env=env, stdin=subprocess.DEVNULL
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self.stop()
                raise RuntimeError(f"streamlit exited with code {self.proc.returncode}:\n{self.output()}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return self
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            time.sleep(0.25)
        out = self.output()
        self.stop()
        raise RuntimeError(f"streamlit did not become healthy within {timeout:.0f} s:\n{out}")

    def output(self) -> str:
        """Everything the server printed so far (stdout and stderr)."""
        self._log.seek(0)
        return self._log.read().decode(errors="replace")[-20000:]

    def stop(self, timeout: float = 10.0) -> None:
        """Terminate the server; kill it if it has not exited after ``timeout`` seconds. Idempotent."""
        p = self.proc
        if p is None or p.poll() is not None:
            return
        p.terminate()
        try:
            p.wait(timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(timeout)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def chromium_available() -> bool:
    return Path(CHROMIUM).exists()


def launch_browser(playwright):
    """Headless Chromium from the system (Playwright's own download is not needed)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


def new_page(browser, **kw):
    """A page in a fresh context (no shared cookies/storage) with the standard 1280×900 viewport."""
    context = browser.new_context(viewport=VIEWPORT, **kw)
    return context.new_page()


# A click first sets "rerunRequested" and only then, once the server starts the run, "running".
_SCRIPT_BUSY = """() => ['running', 'rerunRequested'].includes(
    document.querySelector('[data-testid="stApp"]')?.dataset.testScriptState)"""


def wait_for_app(page, timeout: float = 30_000, settle_ms: int = 250) -> None:
    """Wait until Streamlit has finished running the script for the current page.

    The app root is ``[data-testid="stApp"]``; while a script runs, the status widget
    ``[data-testid="stStatusWidget"]`` (the "Running..." indicator) is shown, and the root's script state is
    ``running`` (or ``rerunRequested``, between a click and its run). We wait for the app root,
    for the main block to be rendered, for the status widget to be gone, and then for it to stay gone
    for ``settle_ms`` (a rerun triggered by a query-parameter rewrite may start right after).
    """
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout)
    page.wait_for_selector('[data-testid="stMainBlockContainer"]', timeout=timeout)
    deadline = time.monotonic() + timeout / 1000
    running = page.locator('[data-testid="stStatusWidget"]')
    quiet_since = None
    while time.monotonic() < deadline:
        busy = running.count() > 0 and running.first.is_visible()
        busy = busy or page.evaluate(_SCRIPT_BUSY)
        now = time.monotonic()
        if busy:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = now
        elif (now - quiet_since) * 1000 >= settle_ms:
            return
        page.wait_for_timeout(50)
    raise TimeoutError("the Streamlit script did not finish running in time")


def page_path(file: str, default: bool = False) -> str:
    """URL path of a page file as ``st.navigation`` derives it: ``pages/adam.py`` -> ``/adam``; the default page is ``/``."""
    return "/" if default else "/" + Path(file).stem


def full_page_screenshot(page, path: str | Path) -> None:
    """Screenshot the whole app, not just the viewport.

    Streamlit scrolls inside ``stMain`` (the document itself is only as tall as the viewport), so
    Playwright's ``full_page=True`` alone would stop at 900 px: grow the viewport to the content height first.
    """
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    height = page.evaluate("""() => Math.max(window.innerHeight, ...['stMain', 'stSidebarContent']
        .map(id => document.querySelector(`[data-testid="${id}"]`)).filter(Boolean).map(e => e.scrollHeight))""")
    size = page.viewport_size or VIEWPORT
    if height <= size["height"]:
        page.screenshot(path=str(path))
        return
    page.set_viewport_size({"width": size["width"], "height": int(min(height, 12000))})
    page.wait_for_timeout(150)  # let the charts re-layout at the new size
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(size)


MAIN_IMAGE = '[data-testid="stMain"] [data-testid="stImage"] img'

_SRC_CHANGED = (
    """([sel, old]) => { const i = document.querySelector(sel); return !!i && i.getAttribute('src') !== old; }"""
)
_LOADED = """(sel) => { const i = document.querySelector(sel); return !!i && i.complete && i.naturalWidth > 0; }"""


def slider(page, label_start: str, scope: str = "body"):
    """The ``stSlider`` (slider or select_slider) whose label starts with ``label_start``."""
    label = page.get_by_test_id("stWidgetLabel").filter(has_text=re.compile(r"^\s*" + re.escape(label_start)))
    return page.locator(f'{scope} [data-testid="stSlider"]').filter(has=label).first


def slider_latencies(
    page,
    label_start: str,
    n: int,
    key: str = "ArrowLeft",
    scope: str = "body",
    image: str = MAIN_IMAGE,
    param: str | None = None,
    timeout: float = 20_000,
) -> dict:
    """Press ``key`` on the slider ``n`` times; time each press until the first main image's ``src`` changes.

    Returns ``{"src_ms": [...], "loaded_ms": [...], "params": [...]}``: milliseconds from the key press to
    the new ``src`` and to the new image being decoded, and the URL query parameter ``param`` after each
    change (the app rewrites its URL at the end of each run).
    """
    from urllib.parse import parse_qs, urlparse

    # the thumb: role="slider", or (Streamlit >= 1.5x, react-aria) a visually hidden <input type="range">
    thumb = slider(page, label_start, scope).get_by_role("slider").first
    src_ms, loaded_ms, params = [], [], []
    for i in range(n):
        if i == 0 or not param:  # with ``param`` the previous iteration already waited for the run to end
            wait_for_app(page, settle_ms=150)
        old = page.locator(image).first.get_attribute("src")
        thumb.focus()
        t0 = time.perf_counter()
        page.keyboard.press(key)
        page.wait_for_function(_SRC_CHANGED, arg=[image, old], polling="raf", timeout=timeout)
        t1 = time.perf_counter()
        page.wait_for_function(_LOADED, arg=image, polling="raf", timeout=timeout)
        t2 = time.perf_counter()
        src_ms.append((t1 - t0) * 1000)
        loaded_ms.append((t2 - t0) * 1000)
        if param:
            wait_for_app(page, settle_ms=150)
            params.append(parse_qs(urlparse(page.url).query).get(param, [None])[0])
    return {"src_ms": src_ms, "loaded_ms": loaded_ms, "params": params}


def summarize(ms: list[float]) -> dict:
    """Median, 95th percentile and max of a list of milliseconds."""
    s = sorted(ms)
    p95 = s[min(len(s) - 1, max(0, round(0.95 * (len(s) - 1))))]
    return {"n": len(s), "median": statistics.median(s), "p95": p95, "max": s[-1], "min": s[0]}
