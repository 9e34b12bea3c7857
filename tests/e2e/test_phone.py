"""A phone-sized browser (390 × 844): nothing sticks out sideways, and the home page's list reads in order."""

from __future__ import annotations

import pytest

from .server import full_page_screenshot, wait_for_app

PHONE = {"width": 390, "height": 844}

# Elements sticking out past the right edge that no ancestor clips (a table's own scroller or KaTeX's hidden
# MathML may be wider, inside a box that is not).
_STICKING_OUT = """() => {
    const w = document.documentElement.clientWidth;
    const clipped = e => { for (let a = e.parentElement; a; a = a.parentElement) {
        if (getComputedStyle(a).overflowX !== 'visible') return a.getBoundingClientRect().right <= w + 1; }
        return false; };
    return [...document.querySelectorAll('[data-testid="stMain"] *')].filter(e => {
        const r = e.getBoundingClientRect();
        return r.width > 0 && (r.right > w + 1 || r.left < -1) && !clipped(e); })
      .slice(0, 10).map(e => `${e.tagName} ${e.getAttribute('data-testid') || e.className}`.slice(0, 80)); }"""
# The main area itself scrolls sideways when something in it is wider and has no scroller of its own.
_MAIN_SCROLLS_SIDEWAYS = """() => { const m = document.querySelector('[data-testid="stMain"]');
    return m.scrollWidth > m.clientWidth + 1; }"""
_IMAGES_LOADED = """() => { const imgs = [...document.querySelectorAll('[data-testid="stImage"] img')];
    return imgs.length > 0 && imgs.every(i => i.complete && i.naturalWidth > 0); }"""


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.mark.parametrize("path", ["/", "/adam", "/compare"])
def test_nothing_is_wider_than_a_phone(phone, base_url, artifacts, path):
    phone.goto(base_url + path, wait_until="domcontentloaded")
    wait_for_app(phone)
    phone.wait_for_function(_IMAGES_LOADED, timeout=15_000)
    name = path.strip("/") or "home"
    full_page_screenshot(phone, artifacts / "screenshots" / f"phone_{name}.png")
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    assert phone.evaluate(_STICKING_OUT) == []
    assert not phone.evaluate(_MAIN_SCROLLS_SIDEWAYS)


def test_a_table_wider_than_its_column_scrolls_in_its_own_box(browser, base_url):
    """Basins on Rastrigin names six minima: its table, twelve columns, is wider than a laptop's main column."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(base_url + "/basins?fn=rastrigin&n=64&color=steps", wait_until="domcontentloaded")
        wait_for_app(page)
        table = page.locator('[data-testid="stMain"] [data-testid="stMarkdownContainer"] > table').first
        table.wait_for(timeout=30_000)
        width, column = table.evaluate("t => [t.scrollWidth, t.parentElement.clientWidth]")
        assert width > column  # wider than its column (else this test shows nothing)
        assert table.evaluate("t => getComputedStyle(t.parentElement).overflowX") == "auto"
        assert not page.evaluate(_MAIN_SCROLLS_SIDEWAYS)
    finally:
        context.close()


@pytest.mark.parametrize("viewport", [PHONE, {"width": 1280, "height": 900}], ids=["phone", "laptop"])
def test_home_page_list_reads_row_by_row(browser, base_url, viewport):
    """Read left to right, then top to bottom, the page links come in the order of ``ui.pages``."""
    from ui.pages import SECTIONS

    context = browser.new_context(viewport=viewport)
    try:
        page = context.new_page()
        page.goto(base_url + "/", wait_until="domcontentloaded")
        wait_for_app(page)
        selector = '[data-testid="stMain"] [data-testid="stPageLink-NavLink"]'
        listed = [title for section, pages in SECTIONS.items() if section for _, title, _ in pages]
        # wait until every link is drawn, then read titles and places in one go (a busy machine draws them late)
        page.wait_for_function("([s, n]) => document.querySelectorAll(s).length >= n", arg=[selector, len(listed)])
        read = page.locator(selector).evaluate_all(
            "els => els.map(e => { const b = e.getBoundingClientRect(); return [e.innerText, b.x, b.y]; })"
        )
        placed = sorted((round(y), x, text.strip().split("\n")[-1]) for text, x, y in read)
        reading = [t for _, _, t in placed if t in listed]
        assert reading == listed
    finally:
        context.close()
