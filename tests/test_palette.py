"""The optimizers' colours stay apart for everyone, on both themes (issue 24: "Colours for twenty optimizers").

Pure computation (``scripts.colour_vision``): CIEDE2000 between colours as seen with normal vision and with
full deuteranopia, protanopia and tritanopia (Machado et al. 2009, severity 1, the hardest case of each). Any
optimizers can be chosen together (Compare, the network lab and the race take any five or more), so every pair
is checked: five chosen optimizers are told apart exactly when each of their pairs is.

Thresholds (CIEDE2000): SAME_STYLE is about the smallest difference within Okabe & Ito's colour-blind-safe
palette under these simulations (11-12), for lines drawn alike; lines in different dashes need OTHER_STYLE
(their colours still differ at a glance, the dash tells them apart where they overlap). Every colour keeps
BACKGROUND from the light (white) and the dark (#0e1117) theme's background, so no line fades into either.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pytest

import core
from scripts.colour_vision import MACHADO, VISIONS, ciede2000, distances, hex_rgb, lab, simulate
from ui import theme

SAME_STYLE = 10.0  # CIEDE2000, every vision, two optimizers drawn in the same dash
SAME_STYLE_NORMAL = 20.0  # CIEDE2000, normal vision, the same
OTHER_STYLE = 5.0  # CIEDE2000, every vision, two optimizers in different dashes
BACKGROUND = 25.0  # CIEDE2000, every vision, a colour against each theme's background
BACKGROUNDS = {"light": "#ffffff", "dark": "#0e1117"}

ALL = (*core.OPTIMIZERS, *core.NETWORK_OPTIMIZERS)


def test_ciede2000_matches_sharma_wu_dalal():
    """Pairs from Sharma, Wu & Dalal (2005)'s test data, to their four decimals."""
    pairs = [
        ((50, 2.6772, -79.7751), (50, 0, -82.7485), 2.0425),
        ((50, 0, 0), (50, -1, 2), 2.3669),
        ((50, 2.5, 0), (73, 25, -18), 27.1492),
        ((2.0776, 0.0795, -1.135), (0.9033, -0.0636, -0.5514), 0.9082),
        ((50, 2.5, 0), (50, 0, -2.5), 4.3065),
    ]
    for a, b, expected in pairs:
        assert float(ciede2000(np.array(a), np.array(b))) == pytest.approx(expected, abs=1e-4)


def test_simulation_keeps_greys_and_white():
    """Each Machado matrix's rows sum to 1, so greys (and the backgrounds' white) look the same to everyone."""
    for matrix in MACHADO.values():
        assert matrix.sum(axis=1) == pytest.approx(np.ones(3), abs=1e-3)
    grey = np.array([0.5, 0.5, 0.5])
    for vision in VISIONS:
        assert simulate(grey, vision) == pytest.approx(grey, abs=2e-3)


def test_simulation_confuses_what_deuteranopes_confuse():
    """A red and a green of equal lightness, far apart for normal vision, come close under deuteranopia."""
    red_green = ["#c05050", "#6f8f3f"]
    assert distances(red_green, "normal")[0, 1] > 30
    assert distances(red_green, "deuteranopia")[0, 1] < 12


def test_every_optimizer_has_its_own_colour_and_style():
    assert set(ALL) <= set(theme.COLORS)
    assert len(set(theme.COLORS.values())) == len(theme.COLORS)
    assert {theme.style(n) for n in ALL} == set(theme.DASHES)


def worst_pairs() -> dict[str, dict[str, float]]:
    """The smallest CIEDE2000 over pairs in the same style and over pairs in different styles, per vision."""
    colours = [theme.color(n) for n in ALL]
    styles = np.array([theme.style(n) for n in ALL])
    same = styles[:, None] == styles[None, :]
    off = ~np.eye(len(ALL), dtype=bool)
    out = {}
    for vision in VISIONS:
        d = distances(colours, vision)
        out[vision] = {"same style": float(d[same & off].min()), "any": float(d[off].min())}
    return out


@pytest.mark.parametrize("vision", VISIONS)
def test_any_two_optimizers_are_told_apart(vision):
    colours = [theme.color(n) for n in ALL]
    d = distances(colours, vision)
    failures = []
    for i, j in combinations(range(len(ALL)), 2):
        a, b = ALL[i], ALL[j]
        alike = theme.style(a) == theme.style(b)
        need = SAME_STYLE_NORMAL if alike and vision == "normal" else SAME_STYLE if alike else OTHER_STYLE
        if d[i, j] < need:
            failures.append(f"{a}/{b}: {d[i, j]:.1f} < {need}")
    assert not failures, failures


@pytest.mark.parametrize("vision", VISIONS)
@pytest.mark.parametrize("background", BACKGROUNDS)
def test_every_line_shows_on_both_themes(vision, background):
    bg = lab(simulate(hex_rgb(BACKGROUNDS[background]), vision))
    faint = {}
    for n in ALL:
        d = float(ciede2000(lab(simulate(hex_rgb(theme.color(n)), vision)), bg))
        if d < BACKGROUND:
            faint[n] = round(d, 1)
    assert not faint


def test_the_practitioners_five_are_far_apart():
    """Adam, AdamW, Muon, Lion and NAdam (issue 24's confused set) are all solid and apart by SAME_STYLE."""
    five = ["adam", "adamw", "muon", "lion", "nadam"]
    assert {theme.style(n) for n in five} == {"solid"}
    for vision in VISIONS:
        d = distances([theme.color(n) for n in five], vision)
        assert d[~np.eye(5, dtype=bool)].min() >= (SAME_STYLE_NORMAL if vision == "normal" else SAME_STYLE)


if __name__ == "__main__":  # the numbers for a report: python -m tests.test_palette
    for vision, worst in worst_pairs().items():
        print(f"{vision:13s} same style ≥ {worst['same style']:5.1f}   any pair ≥ {worst['any']:5.1f}")
