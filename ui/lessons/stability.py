"""Lesson 3: stability and curvature, the sharpness along a path against 2/η, and what Adam's scaling does to it."""

from __future__ import annotations

import numpy as np
import streamlit as st

import core
from core import metrics
from core.run import Landscape, Run

from .. import charts, controls, plots, present, runs
from ..i18n import N_, _
from ..state import PageState
from ..theme import color
from . import Link, curvature, figures, lesson, run_link, try_it

FILE = "pages/lesson_stability.py"
FUNCTIONS = {"rosenbrock": "Rosenbrock", "quadratic": "0.1x² + 2y²"}
# Per landscape: GD's lr, Adam's lr and the number of steps the lesson starts from.
DEFAULTS: dict[str, dict[str, float]] = {
    "rosenbrock": {"lr": 0.0025, "adam_lr": 0.05, "steps": 3000},
    "quadratic": {"lr": 0.45, "adam_lr": 0.4, "steps": 60},
}
LIMIT_COLOR = "#888888"
RAW_COLOR = "#f4a09c"  # Adam's raw sharpness and the limit it is held to, 2/η
SHARPNESS = N_("sharpness λ_max(H)")
MAX_STEPS = 3000


def render() -> None:
    """The lesson page."""
    lesson(
        FILE,
        _("Stability and curvature"),
        _("the edge of stability (Cohen et al. 2021) and the sharpness Adam sees (Cohen et al. 2022)"),
        _body,
    )


def views(fn: str, lr: float, adam_lr: float, steps: int) -> dict[str, tuple[core.Trajectory, np.ndarray, np.ndarray]]:
    """Each method's run with the raw sharpness λ_max(H) along it, and for Adam the preconditioned one too.

    Runs go through ``runs.run_all`` (so a diverged run is reported once, with an lr that does not diverge);
    Adam keeps torch's defaults besides its lr.
    """
    f = core.get_function(fn)
    hps = {"gd": {"lr": lr}, "adam": {"lr": adam_lr}}
    out = {}
    for n, run in runs.run_all([Run.of(Landscape(fn), n, hp, steps=steps) for n, hp in hps.items()]).items():
        pre = np.array([])
        if n == "adam":
            hp = core.get_optimizer("adam", **hps["adam"]).hyperparameters
            pre = curvature.adam_sharpness_along(f, run.points, run.state["exp_avg_sq"], hp)
        out[n] = (run, curvature.sharpness(f, run.points), pre)
    return out


def _body(ps: PageState) -> None:
    st.markdown(
        _(
            "Near a point, a function looks like a quadratic whose curvature is given by its Hessian H. Gradient "
            "descent with step η multiplies the error along H's top eigenvector by (1 − η·λ_max) each step, so it "
            "is stable there only while the **sharpness** λ_max stays below **2/η**. On a bowl the sharpness is "
            "the same everywhere; on a curved valley it changes along the way, and the path has to live with it."
        )
    )
    top = st.columns(4)
    fn = controls.choice(
        ps,
        "fn",
        _("Landscape"),
        list(FUNCTIONS),
        "rosenbrock",
        labels=FUNCTIONS,
        where=top[0],
        on_change=lambda: ps.new_landscape(always=("lr", "adam_lr", "steps")),
    )
    d = DEFAULTS[fn]
    lr = controls.number(ps, "lr", _("GD step η"), 1e-4, 2.0, d["lr"], log=True, where=top[1])
    adam_lr = controls.number(ps, "adam_lr", _("Adam step η"), 1e-4, 2.0, d["adam_lr"], log=True, where=top[2])
    steps = controls.integer(ps, "steps", _("Steps"), 10, MAX_STEPS, int(d["steps"]), where=top[3])
    f = core.get_function(fn)
    ran = views(fn, lr, adam_lr, steps)
    (gd, gd_sharp, _unused), (adam, adam_sharp, adam_pre) = ran["gd"], ran["adam"]
    at_min = float(curvature.sharpness(f, np.array(f.minima[0].point)))

    left, right = st.columns([2, 3], gap="medium")
    with left:
        present.figure().image(
            plots.contour_png(Landscape(fn), (("gd", gd.points), ("adam", adam.points))),
            caption=_("Gradient descent and Adam from the same start"),
            width="stretch",
        )
    with right:
        figures.lines_with_limits(
            {_(SHARPNESS): gd_sharp, "2/η": np.full(len(gd_sharp), 2 / lr)},
            ("2/η",),
            _("Sharpness along gradient descent's path, against 2/η"),
            "λ_max",
            log=True,
            height=340,
            colors={_(SHARPNESS): color("gd"), "2/η": LIMIT_COLOR},
        ).show(st)
    _gd_story(f, lr, gd, gd_sharp, at_min)

    st.subheader(_("What Adam sees"))
    beta1 = core.get_optimizer("adam", lr=adam_lr).hyperparameters["betas"][0]
    limit = curvature.momentum_threshold(beta1)
    st.markdown(
        _(
            "Adam's step on coordinate i is η/(√v̂ᵢ + ε) times its momentum: a diagonal preconditioner "
            "P = diag(√v̂ + ε)/η. What decides its stability is not H but the **preconditioned Hessian** "
            "P^(−1/2) H P^(−1/2), whose top eigenvalue plays the part of η·λ_max. Without momentum the limit would "
            "be 2; with Adam's averaged momentum β₁ = {beta1:g} it is (2 + 2β₁)/(1 − β₁) = {limit:.3g}."
        ).format(beta1=beta1, limit=limit)
    )
    flat = np.ones(len(adam_pre))
    series = {
        _("raw sharpness λ_max(H)"): adam_sharp[:-1],
        _("2/η (what GD would need)"): flat * 2 / adam_lr,
        _("preconditioned sharpness"): adam_pre,
        _("limit with momentum, {limit:.3g}").format(limit=limit): flat * limit,
    }
    # 2/η dotted, the momentum limit dashed, in two colours: at the defaults they are 40 and 38, one on the other.
    chart = figures.lines_with_limits(
        series,
        tuple(series)[3:],
        _("Along Adam's path: raw and preconditioned sharpness"),
        _("eigenvalue"),
        dotted=tuple(series)[1:2],
        log=True,
        height=360,
        # Each limit in the colour of the sharpness it bounds: 2/η the raw one's, the momentum limit Adam's.
        colors=dict(zip(series, (RAW_COLOR, RAW_COLOR, color("adam"), color("adam")), strict=True)),
    )
    labels = list(series)
    last = len(flat) - 1
    # Named at the end of each line, one above and one below: 2/η and the limit may be a pixel apart.
    above = 2 / adam_lr >= limit
    gd_note, momentum_note = f"2/η = {2 / adam_lr:.3g}", f"(2 + 2β₁)/(1 − β₁) = {limit:.3g}"
    notes = ((labels[1], last, gd_note, -8 if above else 14), (labels[3], last, momentum_note, 14 if above else -8))
    charts.with_notes(chart, notes).show(st)
    _adam_story(f, adam_lr, adam, adam_sharp, adam_pre, limit)
    try_it(_links(), FILE)


def _gd_story(f: core.Objective, lr: float, run: core.Trajectory, sharp: np.ndarray, at_min: float) -> None:
    """What the sharpness chart says for these settings, in numbers."""
    gone = int(metrics.diverged_at(f, run))  # the one definition, as in the note at the top of the page
    if gone >= 0:
        what = _(
            "it diverged at step {step}: the sharpness where it started was "
            "{start:.4g}, above 2/η = {limit:.4g}, so each step overshot further."
        ).format(step=gone, start=sharp[0], limit=2 / lr)
    else:
        tail = sharp[-max(2, len(sharp) // 10) :]
        what = _(
            "over the last tenth of the run the sharpness under it averages {mean:.4g}, "
            "against 2/η = {limit:.4g}; f = {f_end:.3g} at the end."
        ).format(mean=np.nanmean(tail), limit=2 / lr, f_end=run.values[-1])
    st.markdown(
        _(
            "At the minimum the sharpness is **{at_min:.4g}**, so gradient descent can only settle there with "
            "η < 2/{at_min:.4g} = **{limit:.4g}**. With η = {lr:g}, {what}"
        ).format(at_min=at_min, limit=2 / at_min, lr=lr, what=what)
    )
    if f.name == "rosenbrock":
        st.markdown(
            _(
                "On Rosenbrock the valley floor gets sharper towards the minimum. With η a little too large to "
                "settle there (0.0025 over 3000 steps), gradient descent walks down the valley while the sharpness "
                "under it rises, past 2/η; there it starts to bounce across the valley, the bouncing throws it back "
                "to where the floor is flatter, and from then on the sharpness hovers around 2/η, hopping between "
                "two values either side of it, while f stops improving. Cohen et al. (2021) found full-batch "
                "gradient descent on neural networks doing the same at scale: the sharpness rises until it hovers "
                "at 2/η, the **edge of stability**."
            )
        )


def _adam_story(
    f: core.Objective, lr: float, run: core.Trajectory, raw: np.ndarray, pre: np.ndarray, limit: float
) -> None:
    """Raw against preconditioned sharpness along Adam's path, in numbers."""
    gone = int(metrics.diverged_at(f, run))
    if gone >= 0:
        st.markdown(_("With η = {lr:g} Adam diverged at step {step}.").format(lr=lr, step=gone))
        return
    top = float(np.nanmax(raw))
    gd_would = (
        _("plain gradient descent with this η would be unstable there")
        if top > 2 / lr
        else _("plain gradient descent with this η would be stable too")
    )
    seen = pre[np.isfinite(pre)]
    if not seen.size:
        return
    first, last = seen[0], seen[-1]
    st.markdown(
        _(
            "Along Adam's path the raw sharpness reaches **{top:.4g}**, against 2/η = {gd_limit:.4g}: {gd_would}. "
            "The preconditioned sharpness goes from {first:.3g} to **{last:.3g}** (highest {highest:.3g}; limit "
            "{limit:.3g}): dividing by √v̂ shrinks the steps along the steep coordinate, so it is this curvature, "
            "not the raw one, that Adam's steps meet. It ends at f = {f_end:.3g}."
        ).format(
            top=top,
            gd_limit=2 / lr,
            gd_would=gd_would,
            first=first,
            last=last,
            highest=np.nanmax(pre),
            limit=limit,
            f_end=run.values[-1],
        )
    )
    if last > 2 * first:
        st.markdown(
            _(
                "Why does it climb? As Adam closes in, its gradients shrink, v̂ shrinks with them and the effective "
                "step η/√v̂ grows, so the same curvature looks ever sharper to it, up towards the limit. Cohen et al. "
                "(2022) saw Adam training neural networks hover right at this limit: the adaptive edge of stability."
            )
        )


def _links() -> list[Link]:
    """Lab pages that show the same effects (the optimizer pages run at most 500 steps)."""
    bowl, valley = Landscape("quadratic"), Landscape("rosenbrock")
    return [
        run_link(
            Run.of(bowl, "gd", {"lr": 0.48}), _("Gradient descent just below the bowl's limit 2/4 = 0.5: η = 0.48")
        ),
        run_link(Run.of(bowl, "gd", {"lr": 0.52}), _("… and just above it: η = 0.52")),
        run_link(
            Run.of(valley, "gd", {"lr": 0.0025}, steps=500),
            _("Gradient descent on Rosenbrock at η = 0.0025, step by step (its first 500 steps)"),
        ),
        run_link(Run.of(valley, "adam", {"lr": 0.05}, steps=500), _("Adam on Rosenbrock at η = 0.05")),
    ]
