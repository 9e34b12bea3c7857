"""End-to-end tests in a real browser: every page renders, widgets drive the charts, URLs round-trip."""

from __future__ import annotations

import itertools
import re
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from ui.pages import all_page_files

from .server import (
    MAIN_IMAGE,
    full_page_screenshot,
    new_page,
    page_path,
    slider_latencies,
    summarize,
    wait_for_app,
)

PAGE_FILES = all_page_files()
DEFAULT_PAGE = PAGE_FILES[0]

EXCEPTION = '[data-testid="stException"]'
VEGA = '[data-testid="stVegaLiteChart"]'

_VEGA_DRAWN = """(sel) => [...document.querySelectorAll(sel)].some(c => {
    const g = c.querySelector('canvas, svg'); if (!g) return false;
    const r = g.getBoundingClientRect(); return r.width > 0 && r.height > 0; })"""
_IMAGE_LOADED = """() => [...document.querySelectorAll('[data-testid="stImage"] img')].some(i => {
    const r = i.getBoundingClientRect(); return i.complete && i.naturalWidth > 0 && r.width > 0 && r.height > 0; })"""


def query(page) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlparse(page.url).query).items()}


def assert_no_exception(page) -> None:
    errors = page.locator(EXCEPTION)
    if errors.count():
        pytest.fail(f"{urlparse(page.url).path}: the app shows an exception:\n{errors.first.inner_text()[:2000]}")


def settled_query(page, name: str) -> dict[str, str]:
    """The URL's settings once the page has written ``name`` into it (it does so as its run ends, a state
    ``wait_for_app`` does not cover on a busy machine)."""
    page.wait_for_function("n => new URL(location.href).searchParams.has(n)", arg=name, timeout=20_000)
    return query(page)


def open_app(page, base_url: str, path: str) -> None:
    page.goto(base_url + path, wait_until="domcontentloaded")
    wait_for_app(page)


def open_expander(page, summary) -> None:
    """Open the on-demand expander whose summary is ``summary`` and wait until the app has drawn its body.

    A click that lands while a rerun (such as the URL rewrite after a first run) redraws the page can be
    undone by it, or leave the expander open in the page with nothing drawn in it; the expander is then
    clicked again (closed and reopened) until the settled page shows it open with its content.
    """
    details = summary.locator("xpath=ancestor::details[1]")
    body = details.locator('[data-testid="stExpanderDetails"] [data-testid="stElementContainer"]').first
    for _ in range(4):
        if not details.evaluate("d => d.open"):
            summary.click()
        wait_for_app(page)
        try:
            body.wait_for(state="attached", timeout=15_000)
        except PlaywrightTimeout:
            summary.click()  # open in the page only: close it, and the next round opens it again
            wait_for_app(page)
            continue
        if details.evaluate("d => d.open"):
            return
    pytest.fail("the expander did not stay open with its content drawn")


def nav_links(page) -> list[tuple[str, str]]:
    """(URL path, title) of every page in the top navigation bar, opening each section's dropdown in turn."""

    def read(test_id: str) -> list[tuple[str, str]]:
        links = page.get_by_test_id(test_id)
        hrefs = links.evaluate_all("els => els.map(e => e.getAttribute('href'))")
        titles = [t.strip().split("\n")[-1] for t in links.all_inner_texts()]
        return [(urlparse(h).path.rstrip("/") or "/", t) for h, t in zip(hrefs, titles, strict=True)]

    found = read("stTopNavLink")
    sections = page.get_by_test_id("stTopNavSection")
    for i in range(sections.count()):
        sections.nth(i).click()
        page.get_by_test_id("stTopNavPopover").wait_for()
        found += read("stTopNavDropdownLink")
        page.keyboard.press("Escape")
        page.get_by_test_id("stTopNavPopover").wait_for(state="detached")
    return found


def test_nav_links_match_the_page_list(page, base_url):
    """Every page of ``ui.pages`` is linked from the top bar, at the URL path st.navigation really serves."""
    open_app(page, base_url, "/")
    assert page.get_by_test_id("stSidebarNavViewButton").count() == 0  # no "View n more"
    served = [path for path, _ in nav_links(page)]
    expected = [page_path(f, f == DEFAULT_PAGE) for f in PAGE_FILES]
    assert served == expected


@pytest.mark.parametrize("file", PAGE_FILES, ids=[page_path(f).strip("/") or "home" for f in PAGE_FILES])
def test_every_page_renders(page, base_url, artifacts, file):
    path = page_path(file, file == DEFAULT_PAGE)
    open_app(page, base_url, path)
    assert urlparse(page.url).path == path, "the app redirected: the page was not found"
    assert_no_exception(page)
    name = path.strip("/") or "home"
    # a state, not a time: the cap only ends a test whose page never draws (a busy CI machine can take a minute)
    page.wait_for_function(_VEGA_DRAWN, arg=VEGA, timeout=120_000)
    page.wait_for_function(_IMAGE_LOADED, timeout=120_000)
    full_page_screenshot(page, artifacts / "screenshots" / f"{name}.png")
    assert_no_exception(page)


def test_learning_rate_slider_redraws_the_contour(page, base_url, artifacts):
    open_app(page, base_url, "/gd")
    lr0 = settled_query(page, "lr")["lr"]
    result = slider_latencies(page, "η", 10, key="ArrowLeft", param="lr")
    lrs = [lr0] + result["params"]
    assert all(a != b for a, b in itertools.pairwise(lrs)), f"lr did not change at every step: {lrs}"
    assert float(lrs[-1]) < float(lr0)
    assert_no_exception(page)
    src, loaded = summarize(result["src_ms"]), summarize(result["loaded_ms"])
    lines = [
        (
            f"slider->chart (gd, lr {lr0} -> {lrs[-1]}, n={src['n']}): median {src['median']:.0f} ms, "
            f"max {src['max']:.0f} ms (new src); image decoded: median {loaded['median']:.0f} ms, "
            f"max {loaded['max']:.0f} ms"
        ),
        "src ms: " + ", ".join(f"{v:.0f}" for v in result["src_ms"]),
    ]
    print("\n" + "\n".join(lines))
    (artifacts / "browser_timings.txt").write_text("\n".join(lines) + "\n")
    assert len(result["src_ms"]) >= 5, lines[0]  # every key press redrew the figure (timings: a benchmark)


def test_pointer_on_a_line_shows_its_values(page, base_url):
    """Resting the pointer on a line of Compare's loss chart shows a tooltip with series, step and value."""
    open_app(page, base_url, "/compare")
    page.wait_for_function(_VEGA_DRAWN, arg=VEGA, timeout=30_000)
    plot = page.locator(f"{VEGA} canvas, {VEGA} svg").first
    plot.scroll_into_view_if_needed()
    box = plot.bounding_box()
    tip = page.locator("#vg-tooltip-element.visible")
    for y in range(0, int(box["height"] * 0.6), 5):  # the plot's upper part: every loss line starts there
        for x in range(0, int(box["width"]), 5):
            page.mouse.move(box["x"] + x, box["y"] + y)
            if tip.count():
                text = tip.inner_text()
                assert "series" in text and "step" in text, text
                return
    pytest.fail("no tooltip anywhere over the lines")


def test_reproduce_the_article(page, base_url):
    import core

    open_app(page, base_url, "/compare")
    assert query(page).get("article") != "1"
    page.get_by_role("button", name=re.compile("Reproduce the article")).click()
    page.wait_for_function("() => new URL(location.href).searchParams.get('article') === '1'", timeout=15_000)
    wait_for_app(page)
    assert_no_exception(page)
    table = page.locator('[data-testid="stMain"] table').filter(has_text="path length").first
    table.wait_for(state="visible", timeout=15_000)
    assert table.locator("tbody tr").count() == 5
    text = table.inner_text()
    for n in core.ARTICLE_OPTIMIZERS:
        assert core.get_spec(n).display_name in text


def test_url_parameters_survive_loading(browser, base_url):
    page = new_page(browser)  # a fresh context: no session state to fall back on
    try:
        params = {"fn": "rosenbrock", "lr": "0.003", "steps": "120", "x0": "-1.2", "y0": "1.5"}
        open_app(page, base_url, "/momentum?" + "&".join(f"{k}={v}" for k, v in params.items()))
        assert_no_exception(page)
        q = query(page)
        assert {k: q.get(k) for k in params} == params
        page.wait_for_function(_IMAGE_LOADED, timeout=15_000)
        main = page.locator('[data-testid="stMain"]')
        assert main.get_by_text("Rosenbrock").count() > 0, main.inner_text()  # the contour plot's caption
        assert page.locator('[data-testid="stAlert"]').filter(has_text="was ignored").count() == 0
    finally:
        page.context.close()


def test_hostile_formula_is_refused(page, base_url):
    open_app(page, base_url, "/gd?fn=custom")
    box = page.get_by_role("textbox", name="f(x, y) =")
    box.fill("__import__('os').system('ls')")
    box.press("Enter")
    alert = page.locator('[data-testid="stAlert"]').filter(has_text=re.compile("not allowed|cannot be used"))
    alert.first.wait_for(timeout=15_000)
    wait_for_app(page)
    assert_no_exception(page)
    assert "not allowed" in alert.first.inner_text()
    # nothing was drawn for the refused formula (the update rule above it is an SVG picture, not a drawing of f)
    assert page.locator(MAIN_IMAGE + ':not([src*="svg"])').count() == 0


def test_deep_link_as_first_visit_shows_the_app_navigation(browser, fresh_server):
    """A deep link as the very first visit of a fresh server gets the app's navigation and the page.

    Regression test: Streamlit treats a ``pages/`` folder as a legacy multipage app until the
    entrypoint has run once, which showed file names ('streamlit app', 'adadelta', ...) in the sidebar.
    Must run first on ``fresh_server``.
    """
    page = new_page(browser)
    try:
        page.goto(fresh_server.url + "/gd")  # wait for "load", like a person's browser
        wait_for_app(page)
        assert_no_exception(page)
        assert urlparse(page.url).path == "/gd"
        assert page.locator('[data-testid="stMain"] h1').first.inner_text().strip() == "Gradient descent"
        titles = [title for _, title in nav_links(page)]
        assert "streamlit app" not in titles and "Home" in titles and "Gradient descent" in titles, titles[:6]
    finally:
        page.context.close()


def test_dark_theme(browser, fresh_server, artifacts):
    page = new_page(browser, color_scheme="dark")
    try:
        open_app(page, fresh_server.url, "/adam?embed_options=dark_theme")
        page.wait_for_function(_IMAGE_LOADED, timeout=15_000)
        assert_no_exception(page)
        bg = page.evaluate("() => getComputedStyle(document.querySelector('[data-testid=stApp]')).backgroundColor")
        full_page_screenshot(page, artifacts / "screenshots" / "adam_dark.png")
        r, g, b = (int(v) for v in re.findall(r"\d+", bg)[:3])
        assert r + g + b < 3 * 128, f"background is {bg}, not dark"
    finally:
        page.context.close()


def test_clicking_the_map_moves_the_start(page, base_url):
    """A click on the landscape map in the sidebar sets the start point (and the URL)."""
    open_app(page, base_url, "/gd")
    before = settled_query(page, "x0")
    page.get_by_text("Pick the start on a map").click()
    wait_for_app(page)  # opening the expander reruns the page, which draws the map: wait for that run to end
    chart = page.locator(f'[data-testid="stSidebar"] {VEGA}').first
    chart.wait_for(state="visible")
    page.wait_for_function(_VEGA_DRAWN, arg=f'[data-testid="stSidebar"] {VEGA}')
    chart.scroll_into_view_if_needed()
    wait_for_app(page)
    box = chart.locator("canvas, svg").first.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.75, box["y"] + box["height"] * 0.3)
    page.wait_for_function("old => !location.search.includes(old)", arg=f"x0={before['x0']}", timeout=20_000)
    wait_for_app(page)
    after = query(page)
    assert (after["x0"], after["y0"]) != (before["x0"], before["y0"])
    assert_no_exception(page)


def test_downloads_are_generated_on_click(browser, base_url):
    """The CSV and PNG downloads are produced when clicked (not on every rerun) and hold real files (the CSV with
    UTF-8's byte-order mark, so that Excel on Windows reads "∇" as it is)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    try:
        page = context.new_page()
        open_app(page, base_url, "/adam")
        page.get_by_role("tab", name="Steps table & downloads").click()
        wait_for_app(page)
        for label, magic in (
            ("Slide-ready contour plot (PNG)", b"\x89PNG"),
            ("Trajectory as CSV", "\ufeffstep,x,y".encode()),
        ):
            button = page.get_by_role("button", name=label)
            button.wait_for(state="visible")
            assert button.is_enabled(), label
            with page.expect_download(timeout=60_000) as download:
                button.click()
            with open(download.value.path(), "rb") as fh:
                assert fh.read(len(magic)) == magic, label
        assert_no_exception(page)
    finally:
        context.close()
