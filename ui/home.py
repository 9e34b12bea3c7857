"""Home: what the app is, the article's question and answer, a live teaser, links to every page."""
from __future__ import annotations

import streamlit as st

import core
from core import article

from . import charts, plots
from .pages import SECTIONS
from .runs import article_run


def render() -> None:
    """The landing page."""
    st.title("Descent Lab")
    st.markdown(
        "See how gradient-descent optimizers really move. Pick an optimizer, a landscape and a "
        "start, and watch every step: the path on the level sets, the loss, the gradient, the "
        "optimizer's own state. Every optimizer here matches `torch.optim` step for step."
    )

    left, right = st.columns([1, 1], gap="large")
    with left:
        st.subheader("The question")
        st.markdown(
            "The article *Comparative performance of deep learning optimization algorithms using NumPy* "
            "asks a simple question: on a badly scaled bowl, f(x, y) = 0.1x² + 2y² (curvature 20 times "
            "larger along y than along x), how do gradient descent, momentum, Adagrad, RMSprop and Adam "
            "move in 20 steps with the same learning rate 0.4?"
        )
        st.subheader("The answer")
        st.markdown(
            "Gradient descent zig-zags across the steep y direction and crawls along x. Momentum damps "
            "the zig-zag by averaging gradients. Adagrad rescales each coordinate but its steps keep "
            "shrinking; RMSprop's decaying average fixes that. Adam combines momentum with RMSprop's "
            "scaling and bias correction and reaches the minimum's neighbourhood fastest and most smoothly."
        )
        st.page_link("pages/compare.py", label="Reproduce the article on the Compare page", icon=":material/play_arrow:")
    with right:
        paths = tuple((n, article_run(n).points) for n in core.ARTICLE_OPTIMIZERS)
        st.image(plots.contour_png(("quadratic",), paths, box=article.BOX, article=True, size=(5.2, 4.0)),
                 caption="The article's five runs (level sets of √f on [−8, 8]²)", width="stretch")
        charts.lines({n: article_run(n).values for n in core.ARTICLE_OPTIMIZERS},
                                     "Loss over the 20 steps", "f", log=True, height=260).show(st)

    st.divider()
    st.subheader("All pages")
    for section, pages in SECTIONS.items():
        if not section:
            continue
        st.markdown(f"**{section}**")
        row = st.container(horizontal=True, gap="small")    # fills row by row, so a phone reads it in order
        for path, title, icon in pages:
            row.page_link(path, label=title, icon=icon, width=240)     # four a row on a laptop
