"""Play in a real browser: the buttons sit with the plot, a long run plays through to its end and stops, and
Compare's article view plays with the same player.

How fast it plays (it follows the clock: a busy machine drops frames, it does not slow the run) is
checked against a fake clock in ``tests/test_scrubber.py``; here every wait is for a state.
"""

from __future__ import annotations

from .server import MAIN_IMAGE, wait_for_app

_T_AT_LEAST = "n => +new URL(location.href).searchParams.get('t') >= n"
# Record the step in the URL every 50 ms (Streamlit rewrites the URL in place: the page stays loaded).
_RECORD_T = (
    "() => { window.__t = []; setInterval(() => window.__t.push(+new URL(location.href).searchParams.get('t')), 50); }"
)


def test_play_runs_a_500_step_run_through_to_its_end_and_stops_there(page, base_url):
    page.goto(base_url + "/gd?steps=500", wait_until="domcontentloaded")
    wait_for_app(page)
    play = page.get_by_role("button", name="Play")
    image = page.locator(MAIN_IMAGE).first
    assert play.bounding_box()["y"] < image.bounding_box()["y"] < play.bounding_box()["y"] + 150  # right above it
    at_the_end = image.get_attribute("src")
    page.evaluate(_RECORD_T)
    play.click()
    page.get_by_role("button", name="Pause").wait_for(timeout=15_000)
    page.wait_for_function("() => +new URL(location.href).searchParams.get('t') < 500", timeout=15_000)
    page.wait_for_function(_T_AT_LEAST, arg=250, timeout=60_000, polling=100)
    midway = image.get_attribute("src")
    page.wait_for_function(_T_AT_LEAST, arg=500, timeout=60_000, polling=100)
    page.get_by_role("button", name="Play").wait_for(timeout=15_000)  # stopped by itself at the end
    wait_for_app(page)
    assert page.evaluate("() => new URL(location.href).searchParams.get('t')") == "500"  # and stays there

    seen = page.evaluate("() => window.__t")
    played = seen[next(i for i, t in enumerate(seen) if t < 500) :]
    assert played == sorted(played), played  # it only ever moved forward, from the start to the end
    assert played[0] < 250 and played[-1] == 500
    assert len(set(played)) >= 5, played  # frames in between were drawn, not a jump to the end
    assert midway not in (at_the_end, image.get_attribute("src"))  # the plot showed a step in between


def test_the_article_view_plays_with_the_same_player(page, base_url):
    """Compare's "Reproduce the article" has the same buttons and speed as the optimizer pages, and plays its
    20 steps through to the end (Adam's path stops growing where the article stops it)."""
    page.goto(base_url + "/compare?article=1", wait_until="domcontentloaded")
    wait_for_app(page)
    image = page.locator(MAIN_IMAGE).first
    at_the_end = image.get_attribute("src")
    for name in ("Play", "Reset", "End"):
        assert page.get_by_role("button", name=name, exact=True).count() == 1
    page.evaluate(_RECORD_T)
    page.get_by_role("button", name="Play").click()
    page.get_by_role("button", name="Pause").wait_for(timeout=15_000)
    page.wait_for_function("() => +new URL(location.href).searchParams.get('t') < 20", timeout=15_000)
    page.wait_for_function(_T_AT_LEAST, arg=20, timeout=60_000, polling=100)
    page.get_by_role("button", name="Play").wait_for(timeout=15_000)  # stopped by itself at the end
    wait_for_app(page)
    played = page.evaluate("() => window.__t")
    played = played[next(i for i, t in enumerate(played) if t < 20) :]
    assert played == sorted(played) and played[-1] == 20 and len(set(played)) >= 5, played
    assert image.get_attribute("src") == at_the_end  # back at the whole runs
