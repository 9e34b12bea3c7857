"""Play in a real browser: the buttons sit with the plot, and a long run plays through in seconds."""

from __future__ import annotations

import time

from .server import MAIN_IMAGE, wait_for_app

_T_AT_LEAST = "n => +new URL(location.href).searchParams.get('t') >= n"


def test_play_runs_500_steps_in_about_ten_seconds(page, base_url):
    page.goto(base_url + "/gd?steps=500", wait_until="domcontentloaded")
    wait_for_app(page)
    play = page.get_by_role("button", name="Play")
    image = page.locator(MAIN_IMAGE).first
    assert play.bounding_box()["y"] < image.bounding_box()["y"] < play.bounding_box()["y"] + 150  # right above it
    play.click()
    page.get_by_role("button", name="Pause").wait_for(timeout=15_000)
    start = time.monotonic()
    page.wait_for_function("() => +new URL(location.href).searchParams.get('t') < 500", timeout=15_000)
    page.wait_for_function(_T_AT_LEAST, arg=250, timeout=30_000, polling=100)
    page.wait_for_function(_T_AT_LEAST, arg=500, timeout=30_000, polling=100)
    took = time.monotonic() - start
    page.get_by_role("button", name="Play").wait_for(timeout=15_000)  # stopped by itself at the end
    wait_for_app(page)
    assert page.evaluate("() => new URL(location.href).searchParams.get('t')") == "500"  # and stays there
    print(f"\n500 steps played in {took:.1f} s")
    # Play follows the clock (a busy machine drops frames, it does not slow the run): well under the
    # 2.5 minutes that 500 frames at a fixed rate took, even on a loaded machine.
    assert took < 60, took
