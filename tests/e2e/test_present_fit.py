"""Presenter mode on a projector's screen: every page's main figure, with its player, in the first screen.

Every page of ``ui/pages.py`` is opened with ``?present=1`` at 1280×800, and one page of each layout at 1920×1080
(``SCREENS``), one browser context per screen and the pages in sequence. A page marks its main figure with ``present.figure`` (the container keyed
``present.FIGURE``); the player marks its buttons and its step slider (``present.PLAYER``, ``present.STEP``).
Without any scrolling, every image and chart inside the figure's container and the player's controls must lie
within the viewport, body text must be at least ``MIN_TEXT_PX`` and a metric's value larger than its label.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from ui import present
from ui.pages import HOME, OPTIMIZER_PAGES, all_page_files

from .server import ARTIFACTS, page_path, wait_for_app

ALL = [page_path(f, f == HOME[0]) for f in all_page_files()]
# Every page at 1280×800; at 1920×1080 one optimizer page stands for all of them (``ui.optimizer_page`` draws each
# alike), which keeps the test's time within a few minutes on two busy cores.
LAYOUTS = [p for p in ALL if p not in {page_path(f) for f, _title, _icon in OPTIMIZER_PAGES[1:]}]
SCREENS = {(1280, 800): ALL, (1920, 1080): LAYOUTS}
MIN_TEXT_PX = 24  # body text: 1.3 rem of presenter mode's 20 px root is 26 px (Streamlit's own is 16 px)
METRIC_OVER_LABEL = 1.5  # a metric's value at least this many times its label's size
FIGURE = f".st-key-{present.FIGURE}"
DRAWN = """[data-testid="stImage"] img, [data-testid="stVegaLiteChart"]"""

# The figure is drawn: its images decoded, its charts rendered, nothing of the page still a skeleton.
_READY = f"""() => {{
    const fig = document.querySelector('{FIGURE}');
    if (!fig || document.querySelector('[data-testid="stMain"] [data-testid="stSkeleton"]')) return false;
    const images = [...fig.querySelectorAll('[data-testid="stImage"] img')];
    const charts = [...fig.querySelectorAll('[data-testid="stVegaLiteChart"]')];
    return images.length + charts.length > 0 && images.every(i => i.complete && i.naturalWidth > 0)
        && charts.every(c => c.querySelector('canvas, svg'));
}}"""

# Boxes relative to the viewport (nothing was scrolled), and the computed text sizes.
_MEASURE = f"""() => {{
    const box = e => {{ const b = e.getBoundingClientRect();
        return {{top: b.top, left: b.left, bottom: b.bottom, right: b.right}}; }};
    const main = document.querySelector('[data-testid="stMain"]');
    const px = e => parseFloat(getComputedStyle(e).fontSize);
    const parts = [...document.querySelectorAll('{FIGURE} :is({DRAWN})')].map(e => ['figure', box(e)]);
    for (const key of ['{present.PLAYER}', '{present.STEP}'])
        for (const e of document.querySelectorAll('.st-key-' + key)) parts.push([key, box(e)]);
    const text = [...main.querySelectorAll('[data-testid="stMarkdownContainer"] p')]
        .filter(p => !p.closest('[data-testid="stMetricLabel"], [data-testid="stCaptionContainer"], .st-key-{present.BAR}'))
        .map(px);
    const metrics = [...main.querySelectorAll('[data-testid="stMetric"]')].map(m => [
        px(m.querySelector('[data-testid="stMetricValue"]')),
        px(m.querySelector('[data-testid="stMetricLabel"] p') || m.querySelector('[data-testid="stMetricLabel"]'))]);
    return {{parts, scrolled: main.scrollTop, width: innerWidth, height: innerHeight, text, metrics}};
}}"""


def problems(m: dict) -> list[str]:
    """What does not fit the screen or is too small, from one page's measurement."""
    out = []
    if m["scrolled"]:
        out.append(f"the page scrolled by {m['scrolled']} px")
    if not any(name == "figure" for name, _box in m["parts"]):
        out.append("no main figure")
    for name, b in m["parts"]:
        if b["top"] < 0 or b["left"] < 0 or b["bottom"] > m["height"] + 0.5 or b["right"] > m["width"] + 0.5:
            out.append(f"{name} at {[round(b[k]) for k in ('left', 'top', 'right', 'bottom')]} leaves the screen")
    small = [s for s in m["text"] if s < MIN_TEXT_PX]
    if small or not m["text"]:
        out.append(f"body text of {min(small, default=0):g} px (at least {MIN_TEXT_PX} px)")
    for value, label in m["metrics"]:
        if value < METRIC_OVER_LABEL * label:
            out.append(f"a metric's value of {value:g} px beside its label of {label:g} px")
    return out


@pytest.mark.parametrize(("width", "height"), list(SCREENS), ids=[f"{w}x{h}" for w, h in SCREENS])
def test_every_pages_main_figure_and_player_fit_the_screen(browser, base_url, width, height):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    found = {}
    try:
        for path in SCREENS[width, height]:
            page.goto(f"{base_url}{path}?present=1", wait_until="domcontentloaded")
            wait_for_app(page, timeout=90_000)
            try:
                page.wait_for_function(_READY, timeout=60_000)
                wrong = problems(page.evaluate(_MEASURE))
            except PlaywrightTimeout:
                wrong = [f"no main figure ({FIGURE}) drawn within a minute"]
            if wrong:
                found[path] = wrong
                shot = ARTIFACTS / "screenshots" / "present_fit" / f"{path.strip('/') or 'home'}_{width}x{height}.png"
                shot.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(shot))
    finally:
        context.close()
    assert not found, "\n".join(f"{path}: {'; '.join(w)}" for path, w in found.items())
