"""The app's page list, in one place: the entrypoint and the tests both read it."""

from __future__ import annotations

import core

HOME = ("pages/home.py", "Home", ":material/home:")
# One Material icon per optimizer family, so the optimizer rows line up and a family reads at a glance.
FAMILY_ICONS = {
    ":material/trending_down:": ("gd",),  # plain gradient steps
    ":material/speed:": ("momentum", "nesterov"),  # momentum
    ":material/equalizer:": ("adagrad", "rmsprop", "adadelta"),  # per-coordinate scaling
    ":material/merge:": ("adam", "adamw", "nadam", "radam", "adamax"),  # momentum + scaling
    ":material/swap_vert:": ("rprop", "lion"),  # sign of the gradient
}
ICONS = {name: icon for icon, names in FAMILY_ICONS.items() for name in names}
OPTIMIZER_PAGES = tuple(
    (f"pages/{n}.py", core.get_spec(n).display_name, ICONS.get(n, ":material/function:")) for n in core.OPTIMIZERS
)
COMPARE = (
    ("pages/compare.py", "Compare optimizers", ":material/compare_arrows:"),
    ("pages/race.py", "Fair race", ":material/trophy:"),
)
EXPLORE = (
    ("pages/lr_sweep.py", "Learning-rate sweep", ":material/tune:"),
    ("pages/basins.py", "Basins of attraction", ":material/grid_on:"),
    ("pages/conditioning.py", "Conditioning lab", ":material/architecture:"),
    ("pages/custom.py", "Your own function", ":material/function:"),
    ("pages/network.py", "Network lab", ":material/hub:"),
)

LESSONS = (
    ("pages/lesson_article.py", "1 · Five optimizers, one bowl", ":material/school:"),
    ("pages/lesson_momentum.py", "2 · Conditioning and momentum", ":material/speed:"),
    ("pages/lesson_stability.py", "3 · Stability and curvature", ":material/landscape:"),
)

SECTIONS = {
    "": (HOME,),  # no header: a plain first link in the top bar
    "Lessons": LESSONS,
    "Optimizers": OPTIMIZER_PAGES,
    "Compare": COMPARE,
    "Explore": EXPLORE,
}


def all_page_files() -> list[str]:
    """Every page file, in navigation order."""
    return [p[0] for pages in SECTIONS.values() for p in pages]
