"""One colour and line style per optimizer, used by every chart on every page, plus plot styling and the app's CSS."""

from __future__ import annotations

from typing import Any

# One colour and one line style per optimizer (issue 24). Any optimizers may be shown together, so every pair
# must be told apart by people with normal vision and with deuteranopia, protanopia or tritanopia (Machado et
# al. 2009), on the light and the dark theme: optimizers drawn in the same style differ by at least
# ``tests/test_palette.py``'s SAME_STYLE in CIEDE2000 under every vision, those in different styles by its
# OTHER_STYLE and their dash. The practitioner's comparison set (GD, Momentum, RMSprop, Adam, AdamW, NAdam, Lion,
# Muon) is solid; families keep a hue (SGD blues, Adam reds and pinks) and differ in lightness and dash.
# Found by a max-min search over sRGB near hand-chosen family hues, then checked by the test.
COLORS = {
    # solid
    "gd": "#0066eb",
    "momentum": "#47b8f5",
    "rmsprop": "#14a37a",
    "adam": "#ff0029",
    "adamw": "#e070c2",
    "nadam": "#991f14",
    "lion": "#ebc200",
    "muon": "#7a3399",
    # dashed
    "nesterov": "#4ba2c4",
    "adagrad": "#47993d",
    "radam": "#eb298f",
    "adamax": "#e08585",
    "schedulefree_adamw": "#85705c",
    "prodigy": "#8f70eb",
    "adafactor": "#80e95a",
    "soap": "#ff85ff",
    # dash-dot
    "adadelta": "#21b582",
    "rprop": "#c2a300",
    "schedulefree_sgd": "#7a99a3",
    "ademamix": "#5c6666",
    "adopt": "#f56666",
    "adan": "#b85c1f",
    "lamb": "#9970ad",
}
DASHED = frozenset({"nesterov", "adagrad", "radam", "adamax", "schedulefree_adamw", "prodigy", "adafactor", "soap"})
DASH_DOT = frozenset({"adadelta", "rprop", "schedulefree_sgd", "ademamix", "adopt", "adan", "lamb"})
# Vega-Lite strokeDash arrays (px); matplotlib takes the same on/off lengths in line widths (``linestyle``).
DASHES = {"solid": (1, 0), "dashed": (6, 3), "dashdot": (8, 3, 2, 3)}

INK = "#808495"  # axis text, readable on light and dark backgrounds
# Arrows as (fill, outline, line style): black and white only, so no optimizer's path colour is
# mistaken for an arrow, and each shows on every level-set shade and on the legend's white box.
ARROWS: dict[str, tuple[str, str, Any]] = {
    "gradient": ("white", "black", "solid"),
    "velocity": ("black", "white", "solid"),
    "step": ("white", "black", (0, (2.5, 1.5))),
}
# The app's own CSS. A Markdown table wider than its column (many columns, a phone) scrolls in its own box; left
# alone it would make the whole main area scroll sideways, out of sight at the page's bottom. A multiselect's chip
# shows its whole name, wrapping if it must (Streamlit cuts "Momentum (heavy ball)" to "Momentum (heav…").
STYLE = """<style>
[data-testid="stMarkdownContainer"]:has(> table) { overflow-x: auto; }
[data-testid="stMultiSelect"] [data-tag] { max-width: 100%; height: auto; }
[data-testid="stMultiSelect"] [data-tag] > span[title] { white-space: normal; overflow-wrap: anywhere; }
</style>"""
MINIMUM = "#ffd400"  # known minima markers
CMAP = "viridis"


def color(name: str) -> str:
    """The colour of optimizer ``name`` (grey for anything unknown)."""
    return COLORS.get(name, "#888888")


def style(name: str) -> str:
    """The line style of optimizer ``name``: "solid", "dashed" or "dashdot" (solid for anything else)."""
    return "dashed" if name in DASHED else "dashdot" if name in DASH_DOT else "solid"


def dash(name: str) -> list[float]:
    """Optimizer ``name``'s Vega-Lite ``strokeDash`` (``[1, 0]``: solid)."""
    return list(DASHES[style(name)])


def linestyle(name: str) -> Any:
    """Optimizer ``name``'s matplotlib line style, the same dashes as on the charts (scaled by the line width)."""
    kind = style(name)
    return "-" if kind == "solid" else (0, tuple(d / 2 for d in DASHES[kind]))
