"""Screenshots of pages as people with deuteranopia or protanopia see them (Machado et al. 2009), to look at.

Issue 24 asks to check the palette (``ui.theme``) on the network lab's and the race's charts with a simulated
colour-vision deficiency; ``tests/test_palette.py`` checks the numbers, this shows the pages. Each page is
opened in headless Chromium against a running app, screenshot in the light and the dark theme, and every pixel
is passed through ``scripts.colour_vision.simulate``.

Run (with the app served, e.g. ``streamlit run streamlit_app.py --server.port 8597``):
``python -m scripts.cvd_screenshots http://127.0.0.1:8597 OUTDIR [/network,/race?…]``
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from matplotlib import image
from playwright.sync_api import sync_playwright

from scripts.colour_vision import simulate
from tests.e2e.server import CHROMIUM, CHROMIUM_ARGS, wait_for_app

PAGES = ("/network", "/race")
KINDS = ("deuteranopia", "protanopia")
VIEWPORT = {"width": 1280, "height": 2000}  # tall: the page's charts in one picture


def simulated(png: Path, kind: str) -> np.ndarray:
    """The screenshot ``png`` as seen with ``kind``, as an RGB array in [0, 1]."""
    rgb = image.imread(png)[..., :3]
    return np.clip(simulate(rgb, kind), 0, 1)


def main(base: str, out: Path, pages: tuple[str, ...] = PAGES) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--headless", *CHROMIUM_ARGS])
        for theme in ("light", "dark"):
            context = browser.new_context(viewport=VIEWPORT, color_scheme=theme)
            page = context.new_page()
            for path in pages:
                page.goto(base + path)
                wait_for_app(page, timeout=600_000, settle_ms=1000)
                page.wait_for_timeout(2000)  # charts drawn
                name = path.strip("/").replace("/", "_").replace("?", "_").replace("&", "_").replace("=", "-")
                shot = out / f"{name}_{theme}.png"
                page.screenshot(path=str(shot))
                for kind in KINDS:
                    image.imsave(out / f"{name}_{theme}_{kind}.png", simulated(shot, kind))
                print(shot)
            context.close()
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]), tuple(sys.argv[3].split(",")) if len(sys.argv) > 3 else PAGES)
