"""The update rule as an SVG from matplotlib's mathtext (issue 24: no KaTeX for a fresh optimizer page to load)."""

import re

import pytest

import core
from tests.apptest_helpers import open_page
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
    assert re.search(r'width="[\d.]+em" height="[\d.]+em"', svg)  # grows with the text (presenter mode)
    assert 'role="img"' in svg and "aria-label=" in svg and "<script" not in svg
    # one line per equation of the rule (written "a,\quad b")
    equations = len(re.split(r",\\qquad|,\\quad", latex))
    assert len(re.findall(r'<g transform="translate', svg)) >= equations


def test_the_optimizer_page_shows_the_rule_without_katex():
    at = open_page("pages/adam.py")
    assert not at.exception and len(at.latex) == 0
    assert any("<svg " in m.value and 'aria-label="m_t = ' in m.value for m in at.markdown)
    radam = open_page("pages/radam.py")
    assert not radam.exception and len(radam.latex) == 1  # cases: typeset by KaTeX
