"""Presenter decks in a real browser: build a two-scenario deck with the sidebar panel, present it, step with N."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

from ui import present

from .server import full_page_screenshot, wait_for_app

PANEL = '[data-testid="stSidebar"]'


def _query(page) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlparse(page.url).query).items()}


def _add_this_view(page) -> None:
    page.locator(f"{PANEL} .st-key-present-add button").click()
    wait_for_app(page)


def test_build_a_deck_in_the_panel_and_step_through_it(page, base_url, artifacts):
    page.goto(base_url + "/gd?fn=rosenbrock&lr=0.001", wait_until="domcontentloaded")
    wait_for_app(page)
    page.locator(f"{PANEL} [data-testid='stExpander'] summary").filter(has_text="Lecture deck").click()
    page.locator(f"{PANEL} .st-key-present-add button").wait_for()
    wait_for_app(page)
    _add_this_view(page)
    assert [(s.page, dict(s.query)["lr"]) for s in present.parse_deck(_query(page)["deck"])[0]] == [
        ("pages/gd.py", "0.001")
    ]

    # the top bar's link to another page: the session keeps the deck (and the panel open)
    page.get_by_test_id("stTopNavSection").filter(has_text="Compare").click()
    page.get_by_test_id("stTopNavDropdownLink").filter(has_text="Compare optimizers").click()
    page.wait_for_url(re.compile(r"/compare\b"))
    wait_for_app(page)
    _add_this_view(page)
    deck = _query(page)["deck"]
    assert [s.page for s in present.parse_deck(deck)[0]] == ["pages/gd.py", "pages/compare.py"]
    panel = page.locator(f"{PANEL} [data-testid='stExpander']").filter(has_text="Lecture deck")
    rows = panel.get_by_test_id("stMarkdownContainer").filter(has_text=re.compile(r"^\s*\d+ · "))
    assert rows.all_inner_texts() == ["1 · Gradient descent", "2 · Compare optimizers"]
    full_page_screenshot(page, artifacts / "screenshots" / "present_deck_panel.png")

    page.locator(f"{PANEL} .st-key-present-present button").click()
    page.wait_for_url(re.compile(r"/gd\?.*slide=1"))
    wait_for_app(page)
    query = _query(page)
    assert query["present"] == "1" and query["deck"] == deck and query["lr"] == "0.001"
    assert page.locator("h1").first.inner_text() == "Gradient descent"

    page.keyboard.press("n")
    page.wait_for_url(re.compile(r"/compare\?.*slide=2"))
    wait_for_app(page)
    assert page.locator("h1").first.inner_text() == "Compare optimizers"
    assert _query(page)["deck"] == deck
    assert page.locator(".st-key-present-next button").is_disabled()
    full_page_screenshot(page, artifacts / "screenshots" / "present_deck_slide2.png")

    page.keyboard.press("p")
    page.wait_for_url(re.compile(r"/gd\?.*slide=1"))
    wait_for_app(page)
    assert page.locator("h1").first.inner_text() == "Gradient descent"
