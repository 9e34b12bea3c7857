"""Fixtures for the real-browser tests: one Streamlit server and one headless Chromium per session.

Run them alone with ``pytest -m e2e`` (add ``-s`` to see the measured timings); skip them
with ``-m "not e2e"``.
"""

from __future__ import annotations

import pytest

from .server import (
    ARTIFACTS,
    CHROMIUM,
    Server,
    chromium_available,
    launch_browser,
    new_page,
)


def _require_browser() -> None:
    if not chromium_available():
        pytest.skip(f"Chromium not found at {CHROMIUM} (install Debian's chromium, or set E2E_CHROMIUM)")
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed")


def start_server(request, **kw) -> Server:
    """Start a Streamlit server that is stopped when ``request``'s scope ends, even if a test fails."""
    srv = Server(**kw)
    request.addfinalizer(srv.stop)
    try:
        srv.start()
    except RuntimeError as err:
        pytest.fail(str(err), pytrace=False)
    return srv


@pytest.fixture(scope="session")
def server(request):
    """The app's Streamlit server (the ``Server`` object, for its log)."""
    _require_browser()
    srv = start_server(request)
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture(scope="session")
def base_url(server) -> str:
    """``http://127.0.0.1:<port>`` of the running app."""
    return server.url


@pytest.fixture(scope="module")
def fresh_server(request):
    """A second server, dark-themed, that no browser has visited yet.

    ``?embed_options=dark_theme`` and the browser's dark preference are both overridden by the custom
    ``[theme]`` in .streamlit/config.toml (and ``toolbarMode = "viewer"`` hides the Settings menu), so this
    server is started with ``--theme.base dark``.
    """
    _require_browser()
    srv = start_server(request, extra_args=("--theme.base", "dark"))
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture(scope="session")
def browser():
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = launch_browser(pw)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser):
    """A fresh browser context and page, 1280×900."""
    p = new_page(browser)
    try:
        yield p
    finally:
        p.context.close()


@pytest.fixture(scope="session")
def artifacts():
    (ARTIFACTS / "screenshots").mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
