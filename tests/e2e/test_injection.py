"""Text that arrives in a link is shown as text: no link, image or heading that the app did not put there."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlparse

import pytest

from ui.pages import all_page_files

from .server import page_path, wait_for_app

EVIL = "evil.example"
PAYLOAD = (
    f"1\n\n# Injected heading\n[Sign in again](https://{EVIL}/login) ![t](http://{EVIL}/p.png) "
    f"<img src='http://{EVIL}/q.png'> <a href='//{EVIL}'>x</a> **bold** :red[red]"
)
FORMULA = f"x**2+y**2 # [Sign in again](https://{EVIL}/login) ![t](http://{EVIL}/p.png)"
PAGE_FILES = all_page_files()

_FOREIGN = """(evil) => ({
    links: [...document.querySelectorAll('a[href]')].filter(a => new URL(a.href).hostname.endsWith(evil)).length,
    images: [...document.querySelectorAll('img[src]')].filter(i => new URL(i.src).hostname.endsWith(evil)).length,
    headings: [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')]
        .filter(h => h.textContent.includes('Injected heading')).length,
    html: [...document.querySelectorAll('[data-testid="stMain"] b, [data-testid="stMain"] strong')]
        .filter(b => b.textContent.trim() === 'bold').length,
})"""


def _params(page, base_url: str, path: str) -> list[str]:
    """The URL parameters the page publishes with its defaults."""
    page.goto(base_url + path, wait_until="domcontentloaded")
    wait_for_app(page)
    return sorted(parse_qs(urlparse(page.url).query))


@pytest.mark.parametrize("file", PAGE_FILES, ids=[page_path(f).strip("/") or "home" for f in PAGE_FILES])
def test_link_text_never_becomes_markup(file, page, base_url):
    path = page_path(file, file == PAGE_FILES[0])
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url) if urlparse(r.url).hostname == EVIL else None)
    names = _params(page, base_url, path)
    for query in ({n: PAYLOAD for n in [*names, "opts", "zzz"]}, {"fn": "custom", "formula": FORMULA}):
        page.goto(f"{base_url}{path}?{urlencode(query)}", wait_until="domcontentloaded")
        wait_for_app(page)
        found = page.evaluate(_FOREIGN, EVIL)
        assert found == {"links": 0, "images": 0, "headings": 0, "html": 0}, (file, query.keys(), found)
    assert not requests, requests
