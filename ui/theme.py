"""One colour per optimizer, used by every chart on every page, plus plot styling and the app's one CSS rule."""

from __future__ import annotations

from typing import Any

COLORS = {
    "gd": "#1f77b4",
    "momentum": "#ff7f0e",
    "nesterov": "#8c564b",
    "adagrad": "#2ca02c",
    "rmsprop": "#9467bd",
    "adam": "#d62728",
    "adamw": "#e377c2",
    "nadam": "#bcbd22",
    "radam": "#17becf",
    "adamax": "#7f7f7f",
    "adadelta": "#393b79",
    "rprop": "#637939",
    "lion": "#e7ba52",
    "schedulefree_adamw": "#1b9e77",  # issue 23: schedule- and learning-rate-free (teals, a violet)
    "schedulefree_sgd": "#01665e",
    "prodigy": "#785ef0",
    "muon": "#a55194",  # network-only optimizers (core.NETWORK_OPTIMIZERS)
    "adafactor": "#8ca252",
    # pytorch-optimizer's: AdEMAMix, ADOPT, Adan (2-D), LAMB and SOAP (networks only)
    "ademamix": "#843c39",
    "adopt": "#6b6ecf",
    "adan": "#0b7a75",
    "lamb": "#b5cf6b",
    "soap": "#e7298a",
}

INK = "#808495"  # axis text, readable on light and dark backgrounds
# Arrows as (fill, outline, line style): black and white only, so no optimizer's path colour is
# mistaken for an arrow, and each shows on every level-set shade and on the legend's white box.
ARROWS: dict[str, tuple[str, str, Any]] = {
    "gradient": ("white", "black", "solid"),
    "velocity": ("black", "white", "solid"),
    "step": ("white", "black", (0, (2.5, 1.5))),
}
# The app's own CSS, one rule: a Markdown table wider than its column (many columns, a phone) scrolls in its own
# box; left alone it would make the whole main area scroll sideways, out of sight at the page's bottom.
STYLE = """<style>
[data-testid="stMarkdownContainer"]:has(> table) { overflow-x: auto; }
</style>"""
MINIMUM = "#ffd400"  # known minima markers
CMAP = "viridis"


def color(name: str) -> str:
    """The colour of optimizer ``name`` (grey for anything unknown)."""
    return COLORS.get(name, "#888888")
