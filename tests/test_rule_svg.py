"""The update rule as an SVG from matplotlib's mathtext (issue 24: no KaTeX for a fresh optimizer page to load)."""

import re

import pytest

import core
from tests.apptest_helpers import count, open_page
from ui.plots import formula_svg

NEEDS_KATEX = re.compile(r"\\begin\{cases\}")  # what mathtext cannot typeset: those rules stay with KaTeX


@pytest.mark.parametrize("name", core.OPTIMIZERS)
def test_every_rule_is_an_svg_unless_mathtext_cannot_read_it(name):
    latex = core.get_spec(name).rule_latex
    svg = formula_svg(latex)
    if NEEDS_KATEX.search(latex):
        assert svg is None
        return
    assert svg is not None and svg.startswith("<svg ")
    assert 'fill="currentColor"' in svg and "#000000" not in svg  # the theme's text colour, light or dark
    assert "prefers-color-scheme: dark" in svg  # no theme given: the browser's scheme picks the colour
    assert "#fafafa" in formula_svg(latex, "dark") and "prefers-color-scheme" not in formula_svg(latex, "dark")
    assert 'role="img"' in svg and "aria-label=" in svg and "<script" not in svg


def test_the_optimizer_page_shows_the_rule_without_katex():
    at = open_page("pages/adam.py")
    assert not at.exception and len(at.latex) == 0
    assert count(at, "image") >= 2  # the contour and the rule
    radam = open_page("pages/radam.py")
    assert not radam.exception and len(radam.latex) == 1  # cases: typeset by KaTeX
