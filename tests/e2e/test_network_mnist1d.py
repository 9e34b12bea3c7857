"""The network lab on MNIST-1D's CNN in a real browser: the link opens it, trains, and draws the loss curves."""

from __future__ import annotations

from .server import wait_for_app
from .test_browser import _VEGA_DRAWN, VEGA, assert_no_exception, settled_query


def test_mnist1d_cnn_link_draws_the_curves(page, base_url):
    page.goto(base_url + "/network?data=mnist1d&arch=cnn", wait_until="domcontentloaded")
    wait_for_app(page, timeout=240_000)
    page.wait_for_function(_VEGA_DRAWN, arg=VEGA, timeout=60_000)
    assert_no_exception(page)
    settings = settled_query(page, "arch")
    assert (settings["data"], settings["arch"]) == ("mnist1d", "cnn")
    main = page.locator('[data-testid="stMain"]')
    assert main.get_by_text("Training loss (one seed)").count() >= 1  # the curves' title
    assert main.get_by_text("Test accuracy per class").count() == 1
    sidebar = page.locator('[data-testid="stSidebar"]')
    assert sidebar.get_by_text("Hidden layers").count() == 0  # the CNN has its own layers
