"""Home: what the app is, the article's question and answer, a live teaser, links to every page, the glossary."""

from __future__ import annotations

import streamlit as st

import core
from core import article
from core.run import Landscape

from . import charts, plots, present
from .glossary import glossary_table
from .i18n import _, join, optimizer_name
from .pages import SECTIONS
from .runs import article_findings, article_run


def _torch_note() -> str:
    """Which optimizers match ``torch.optim``, which match a reference package instead (pytorch-optimizer) and
    which follow their paper, from the specs, so the claim stays true."""
    specs = [core.get_spec(n) for n in core.OPTIMIZERS + core.NETWORK_OPTIMIZERS]
    outside = [s for s in specs if not s.torch_name]
    if not outside:
        return _("Every optimizer here matches `torch.optim` step for step.")
    sentences = [
        _("Every optimizer here except {names} matches `torch.optim` step for step.").format(
            names=join(optimizer_name(s.name) for s in outside)
        )
    ]
    packages: dict[tuple[str, str], list[str]] = {}
    for spec in outside:
        if spec.reference is not None:
            packages.setdefault((spec.reference.package, spec.reference.version), []).append(optimizer_name(spec.name))
    for (package, version), names in packages.items():
        one = _("{names} matches {package} {version} step for step.")
        text = one if len(names) == 1 else _("{names} match {package} {version} step for step.")
        sentences.append(text.format(names=join(names), package=package, version=version))
    papers = [optimizer_name(s.name) for s in outside if s.reference is None]
    if len(papers) == 1:
        sentences.append(_("{names} follows the published paper.").format(names=papers[0]))
    elif papers:
        sentences.append(_("{names} follow the published papers.").format(names=join(papers)))
    return " ".join(sentences)


def render() -> None:
    """The landing page."""
    st.title("Descent Lab")
    st.markdown(
        _(
            "See how gradient-descent optimizers really move. Pick an optimizer, a landscape and a "
            "start, and watch every step: the path on the level sets, the loss, the gradient, the "
            "optimizer's own state."
        )
        + " "
        + _torch_note()
    )

    left, right = st.columns([1, 1], gap="large")
    with left:
        st.subheader(_("The question"))
        st.markdown(
            _(
                "The article *Comparative performance of deep learning optimization algorithms using NumPy* "
                "asks a simple question: on a badly scaled bowl, f(x, y) = 0.1x² + 2y² (curvature 20 times "
                "larger along y than along x), how do gradient descent, momentum, Adagrad, RMSprop and Adam "
                "move in 20 steps with the same learning rate 0.4?"
            )
        )
        st.subheader(_("The answer"))
        adam, momentum = article_findings("adam"), article_findings("momentum")
        st.markdown(
            _(
                "Gradient descent zig-zags across the steep y direction and crawls along x. Momentum damps "
                "the zig-zag by averaging gradients. Adagrad rescales each coordinate but its steps keep "
                "shrinking; RMSprop's decaying average fixes that. The article concludes that Adam, which combines "
                "momentum with RMSprop's scaling and bias correction, reaches the minimum's neighbourhood fastest "
                "and most smoothly. Its own numbers are less kind: Adam meets the article's stopping rule at step "
                "{adam_stop} (Momentum at {momentum_stop}) and is stopped there at f = {adam_loss}; Momentum "
                "gets to f − f* ≤ 1e-3 in {momentum_steps} steps, Adam never does, and run on it swings past "
                "the minimum."
            ).format(
                adam_stop=adam["stop_rule_step"],
                momentum_stop=momentum["stop_rule_step"],
                adam_loss=f"{adam['final_loss']:.2g}",
                momentum_steps=momentum["steps_to_tol"],
            )
        )
        st.page_link(
            "pages/compare.py",
            label=_("Reproduce the article on the Compare page"),
            icon=":material/play_arrow:",
            query_params={"article": "1"},
        )
        st.page_link(
            "pages/lesson_article.py",
            label=_("Lessons: the why, in three short guided pages"),
            icon=":material/school:",
        )
    with right:
        paths = tuple((n, article_run(n).points) for n in core.ARTICLE_OPTIMIZERS)
        present.figure().image(
            plots.contour_png(Landscape(article.FUNCTION), paths, box=article.BOX, article=True, size=(5.2, 4.0)),
            caption=_("The article's five runs (level sets of √f on [−8, 8]²)"),
            width="stretch",
        )
        charts.lines(
            {n: article_run(n).values for n in core.ARTICLE_OPTIMIZERS},
            _("Loss over the 20 steps"),
            "f",
            log=True,
            height=260,
        ).show(st)

    st.divider()
    st.subheader(_("All pages"))
    for section, pages in SECTIONS.items():
        if not section:
            continue
        st.markdown(f"**{_(section)}**")
        row = st.container(horizontal=True, gap="small")  # fills row by row, so a phone reads it in order
        for path, title, icon in pages:
            row.page_link(path, label=_(title), icon=icon, width=240)  # four a row on a laptop

    st.divider()
    st.subheader(_("Glossary"))
    st.markdown(glossary_table())
