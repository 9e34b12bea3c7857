"""The app's page list, in one place: the entrypoint and the tests both read it.

Titles and section names are English (marked with ``N_``); show them through ``i18n._``.
"""

from __future__ import annotations

import core

from .i18n import N_

HOME = ("pages/home.py", N_("Home"), ":material/home:")
# One Material icon per optimizer family, so the optimizer rows line up and a family reads at a glance.
FAMILY_ICONS = {
    ":material/trending_down:": ("gd",),  # plain gradient steps
    ":material/speed:": ("momentum", "nesterov"),  # momentum
    ":material/equalizer:": ("adagrad", "rmsprop", "adadelta"),  # per-coordinate scaling
    ":material/merge:": ("adam", "adamw", "nadam", "radam", "adamax"),  # momentum + scaling
    ":material/swap_vert:": ("rprop", "lion"),  # sign of the gradient
    ":material/auto_mode:": ("schedulefree_adamw", "schedulefree_sgd", "prodigy"),  # no schedule, no lr to tune
    ":material/call_split:": ("ademamix", "adopt", "adan"),  # Adam's descendants of 2022–2024
}
ICONS = {name: icon for icon, names in FAMILY_ICONS.items() for name in names}
OPTIMIZER_PAGES = tuple(
    (f"pages/{n}.py", core.get_spec(n).display_name, ICONS.get(n, ":material/function:")) for n in core.OPTIMIZERS
)
COMPARE = (
    ("pages/compare.py", N_("Compare optimizers"), ":material/compare_arrows:"),
    ("pages/race.py", N_("Fair race"), ":material/trophy:"),
)
EXPLORE = (
    ("pages/lr_sweep.py", N_("Learning-rate sweep"), ":material/tune:"),
    ("pages/basins.py", N_("Basins of attraction"), ":material/grid_on:"),
    ("pages/conditioning.py", N_("Conditioning lab"), ":material/architecture:"),
    ("pages/custom.py", N_("Your own function"), ":material/function:"),
    ("pages/network.py", N_("Network lab"), ":material/hub:"),
    ("pages/mnist1d.py", N_("Reproduce MNIST-1D"), ":material/show_chart:"),
)

LESSONS = (
    ("pages/lesson_article.py", N_("1 · Five optimizers, one bowl"), ":material/school:"),
    ("pages/lesson_momentum.py", N_("2 · Conditioning and momentum"), ":material/speed:"),
    ("pages/lesson_stability.py", N_("3 · Stability and curvature"), ":material/landscape:"),
)

SECTIONS = {
    "": (HOME,),  # no header: a plain first link in the top bar
    N_("Lessons"): LESSONS,
    N_("Optimizers"): OPTIMIZER_PAGES,
    N_("Compare"): COMPARE,
    N_("Explore"): EXPLORE,
}


def all_page_files() -> list[str]:
    """Every page file, in navigation order."""
    return [p[0] for pages in SECTIONS.values() for p in pages]
