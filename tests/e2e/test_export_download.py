"""The optimizer page's animation export, downloaded in a real browser: a GIF with one frame per step, an MP4
that shows each step as long (``export.frame_repeats`` frames) and holds the last."""

from __future__ import annotations

import imageio.v3 as iio
import pytest

from ui import export

from .server import VIEWPORT, wait_for_app

STEPS = 12  # a short run: one frame per step plus the start (under the 120-frame cap)


@pytest.mark.parametrize("kind", ["GIF", "MP4"])
def test_animation_downloads_with_a_frame_per_step(kind, browser, base_url, tmp_path):
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    try:
        page = context.new_page()
        page.goto(f"{base_url}/gd?steps={STEPS}", wait_until="domcontentloaded")
        wait_for_app(page)
        page.get_by_role("tab", name="PyTorch & animation export").click()
        wait_for_app(page)
        page.get_by_text(kind, exact=True).click()
        wait_for_app(page)
        page.get_by_role("button", name=f"Make the {kind}").click()
        download_button = page.get_by_role("button", name=f"Download the {kind}")
        download_button.wait_for(state="visible", timeout=120_000)
        wait_for_app(page)
        with page.expect_download(timeout=120_000) as download:
            download_button.click()
        target = tmp_path / f"movie.{kind.lower()}"
        download.value.save_as(target)
        data = target.read_bytes()
        if kind == "GIF":
            frames = list(iio.imread(data, extension=".gif", index=None))
        else:
            frames = list(iio.imiter(data, extension=".mp4", plugin="FFMPEG"))
        shown = STEPS + 1
        if kind == "MP4":  # one frame rate: a step is several frames, the last held HOLD_SECONDS more
            shown = shown * export.frame_repeats(shown) + round(export.HOLD_SECONDS * export.FPS)
        assert len(frames) == shown
        assert frames[0].shape[:2] == (800, 1280)
    finally:
        context.close()
