"""Lesson 1: the article's question, why five optimizers move as they do on 0.1x² + 2y², told with its own numbers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

import core
from core import article, metrics, theory
from core.run import Landscape, Run

from .. import charts, controls, layout, plots, present
from ..i18n import N_, _, optimizer_name
from ..runs import article_findings, article_run
from ..state import PageState
from . import Link, lesson, run_link, try_it

FILE = "pages/lesson_article.py"
TOL = 1e-3
MU, L = 0.2, 4.0  # the bowl's curvatures along x and y (Hessian diag(0.2, 4))
NAMES = list(core.ARTICLE_OPTIMIZERS)
STOP_RULE = N_("meets the stop rule |x| ≤ 0.1, |y| < 0.1 at")
FIRST_STEP = f"first step with f − f* ≤ {TOL:g}"  # a column of ``numbers`` (shown translated by ``_shown``)
COLUMNS = {
    "optimizer": N_("optimizer"),
    "start": N_("start"),
    "updates": N_("updates"),
    "final f": N_("final f"),
    STOP_RULE: STOP_RULE,
    FIRST_STEP: N_("first step with f − f* ≤ 0.001"),
    "measured rate ρ": N_("measured rate ρ"),
    "textbook rate ρ": N_("textbook rate ρ"),
}
MOMENTUM = float(article.optimizer("momentum").hyperparameters["momentum"])  # the article's γ
_BOWL = Landscape(article.FUNCTION)
_START = (-4.0, -6.0)
TRY_IT: list[Link] = [
    ("pages/compare.py", N_("The article's five runs, exactly as published"), {"article": "1"}),
    run_link(
        Run.of(_BOWL, "gd", {"lr": 0.4}, steps=article.STEPS, start=_START),
        N_("Gradient descent's zig-zag, step by step"),
    ),
    run_link(
        Run.of(_BOWL, "momentum", {"lr": 0.4, "momentum": 0.5}, steps=article.STEPS, start=_START),
        N_("Momentum (γ = 0.5) from the same start"),
    ),
    run_link(Run.of(_BOWL, "gd", {"lr": 0.52}), N_("Gradient descent just past its stability limit (lr 0.52 > 2/4)")),
]


def render() -> None:
    """The lesson page."""
    lesson(
        FILE,
        _("Five optimizers, one bowl"),
        _(
            "the question of the article *Comparative performance of deep "
            "learning optimization algorithms using NumPy*, answered with its own runs"
        ),
        _body,
    )


def numbers() -> pd.DataFrame:
    """The article's runs in numbers: start, updates, final f, when each meets the article's stop rule and
    f − f* ≤ 1e-3, and the measured and textbook rates."""
    f = core.get_function(article.FUNCTION)
    rates = {"gd": theory.gd_rate(MU, L, article.LR), "momentum": theory.heavy_ball_rate(MU, L, article.LR, MOMENTUM)}
    rows = []
    for n in NAMES:
        found = article_findings(n)
        moved = found["stopped_at"] if found["stopped_at"] >= 0 else article.STEPS
        dist = f.nearest_minimum_distance(article_run(n).points[: moved + 1])
        rows.append(
            {
                "optimizer": optimizer_name(n),
                "start": f"({article.STARTS[n][0]:g}, {article.STARTS[n][1]:g})",
                "updates": moved,
                "final f": found["final_loss"],
                STOP_RULE: _step(found["stop_rule_step"]),
                FIRST_STEP: _step(found["steps_to_tol"]),
                "measured rate ρ": float(theory.measured_rate(dist)),
                "textbook rate ρ": float(rates[n]) if n in rates else np.nan,
            }
        )
    return pd.DataFrame(rows)


def _step(step: int | float) -> str:
    return _("not within 20") if step < 0 else str(int(step))


def _body(ps: PageState) -> None:
    st.markdown(
        _(
            "The bowl **f(x, y) = 0.1x² + 2y²** is twenty times steeper across y than along x: its curvatures are "
            "{mu:g} and {L:g}. Every method gets the same learning rate η = {lr:g} and {steps} steps. "
            "Drag the step slider and watch who goes where."
        ).format(mu=MU, L=L, lr=article.LR, steps=article.STEPS)
    )
    left, right = st.columns([3, 2], gap="large")
    with right:
        t = controls.integer(
            ps, "t", _("After step t"), 0, article.STEPS, article.STEPS, help=_("Show every path up to this step.")
        )
        chosen = controls.multi(ps, "opts", _("Optimizers"), NAMES, NAMES, labels={n: optimizer_name(n) for n in NAMES})
        f = core.get_function(article.FUNCTION)
        for n in chosen:
            r = article_run(n)
            gap = metrics.gap(f, r.values[t])
            st.markdown(_("**{name}** at step {t}: f − f* = `{gap:.3g}`").format(name=optimizer_name(n), t=t, gap=gap))
    with left:
        paths = tuple((n, article_run(n).points[: t + 1]) for n in chosen)
        present.figure().image(
            plots.contour_png(Landscape(article.FUNCTION), paths, box=article.BOX, article=True),
            caption=_("The paths up to step {t} (level sets of √f, as in the article)").format(t=t),
            width="stretch",
        )
    if chosen:
        charts.lines(
            {n: metrics.gap(core.get_function(article.FUNCTION), article_run(n).values) for n in chosen},
            _("How far from the bottom: f − f* (dashed: 1e-3)"),
            "f − f*",
            log=True,
            height=320,
            rule_at=TOL,
        ).show(st)
    _story()
    st.subheader(_("What the numbers say"))
    layout.markdown_table(numbers().rename(columns={k: _(v) for k, v in COLUMNS.items()}))
    st.caption(
        _(
            "Measured rate: the per-step shrink factor of the distance to the minimum over the second half of "
            "the run (while it moves). Textbook rate: the linear theory of gradient descent and heavy ball "
            "on a quadratic with curvatures 0.2 and 4; the adaptive methods have no such formula."
        )
    )
    try_it(TRY_IT, FILE)


def _story() -> None:
    """The explanation, one optimizer at a time, with every number computed from the runs."""
    table = numbers().set_index("optimizer")
    gd, mom, ada, rms, adam = (table.loc[optimizer_name(n)] for n in NAMES)
    x_factor, y_factor = 1 - article.LR * MU, 1 - article.LR * L
    gd_end = article_run("gd").points[-1]
    adam_run = article_run("adam")
    st.subheader(_("Why they move as they do"))
    st.markdown(
        _(
            "**Gradient descent** multiplies each coordinate by (1 − η·curvature) every step: y by "
            "1 − {lr:g}·{L:g} = {y_factor:.2g}, which flips its sign each time (the zig-zag) while shrinking it, "
            "and x by 1 − {lr:g}·{mu:g} = {x_factor:.2g}, a crawl: after {steps} steps x is still "
            "{x_end:.2f} and f = {f_end:.3g}. Its rate is the slower of the two, {x_factor:.2g}."
        ).format(
            lr=article.LR,
            L=L,
            mu=MU,
            y_factor=y_factor,
            x_factor=x_factor,
            steps=article.STEPS,
            x_end=gd_end[0],
            f_end=gd["final f"],
        )
    )
    st.markdown(
        _(
            "**Momentum** (γ = 0.5) adds half of the previous step to each new one. Across y the alternating "
            "gradients cancel, along x they add up, so it is the only one of the five that gets within f − f* ≤ "
            "{tol:g} in the 20 steps: at step {step}, ending at f = {f_end:.2g}."
        ).format(tol=TOL, step=mom[FIRST_STEP], f_end=mom["final f"])
    )
    st.markdown(
        _(
            "**Adagrad** divides each step by the square root of the *sum* of all squared gradients so far, so both "
            "coordinates move at the same pace at first, then ever more slowly: after 20 steps it has covered a "
            "short path and f is still {f_end:.3g}."
        ).format(f_end=ada["final f"])
    )
    st.markdown(
        _(
            "**RMSprop** divides by a decaying *average* instead (γ = 0.9), so its steps stop shrinking, but they "
            "stay about η in size, so it ends bouncing across the valley floor with f = {f_end:.2g}."
        ).format(f_end=rms["final f"])
    )
    st.markdown(
        _(
            "**Adam** adds momentum and bias correction to RMSprop's scaling. It starts further out, at (−6, −6) "
            "(f = {f_start:.3g}), and the article stops it as soon as |x| ≤ 0.1 and |y| < 0.1: after "
            "{updates} updates, at f = {f_end:.2g}. So its smooth, direct path reaches the "
            "minimum's neighbourhood within the 20 steps, but by the f − f* ≤ {tol:g} yardstick it is momentum that "
            "arrives first here (and it meets the same stop rule at step {stop}). Left to run all "
            "20 steps, Adam's momentum carries it past the minimum: f is back up to {unstopped:.2g} at step 20."
        ).format(
            f_start=adam_run.values[0],
            updates=int(adam["updates"]),
            f_end=adam["final f"],
            tol=TOL,
            stop=mom[STOP_RULE],
            unstopped=article_findings("adam")["unstopped_final_loss"],
        )
    )
