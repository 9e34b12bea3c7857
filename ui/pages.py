"""The app's page list, in one place: the entrypoint and the tests both read it."""
from __future__ import annotations

import core

HOME = ("pages/home.py", "Home", ":material/home:")
OPTIMIZER_PAGES = tuple((f"pages/{n}.py", core.get_spec(n).display_name, None) for n in core.OPTIMIZERS)
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
    "Descent Lab": (HOME,),
    "Lessons": LESSONS,
    "Optimizers": OPTIMIZER_PAGES,
    "Compare": COMPARE,
    "Explore": EXPLORE,
}


def all_page_files() -> list[str]:
    """Every page file, in navigation order."""
    return [p[0] for pages in SECTIONS.values() for p in pages]
