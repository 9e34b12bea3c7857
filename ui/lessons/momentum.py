"""Lesson 2: conditioning and momentum, why the optimal heavy ball needs about √κ times fewer steps than GD."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

import core
from core import metrics, theory
from core.run import Landscape

from .. import charts, controls, layout, plots, present
from ..i18n import N_, _
from ..state import PageState, format_value
from ..theme import color
from . import Link, figures, lesson, try_it

FILE = "pages/lesson_momentum.py"
TOL = 1e-6  # "converged": the distance shrank a million-fold
MAX_STEPS = 20000  # enough for GD at κ = 1000 (about 6,900 steps)
SWEEP_KAPPAS = (1.0, 3.0, 10.0, 30.0, 100.0, 300.0, 1000.0)
LABELS = {"gd": N_("GD at its best η"), "momentum": N_("Heavy ball at its best (η, β)")}
SHORT = {"gd": "GD", "momentum": N_("Heavy ball")}  # chart legends
# The table's columns, for translation where it is shown.
COLUMNS = (
    N_("method"),
    N_("textbook ρ"),
    N_("measured ρ"),
    N_("textbook steps"),
    N_("measured steps"),
)
THEORY_COLORS = {"gd": "#9ecae9", "momentum": "#ffbb78"}


def render() -> None:
    """The lesson page."""
    lesson(
        FILE,
        _("Conditioning and momentum"),
        _(
            "why a heavy ball rolls √κ times faster down a narrow valley "
            "(after Goh, *Why Momentum Really Works*, Distill 2017)"
        ),
        _body,
    )


def landscape(kappa: float) -> Landscape:
    """The lesson's valley: ½(x²/κ + y²), curvatures μ = 1/κ and L = 1, along the axes."""
    return Landscape.of("conditioned_quadratic", condition=float(kappa), angle=0.0)


def best_settings(kappa: float) -> dict[str, dict[str, float]]:
    """GD's optimal step 2/(L + μ) and heavy ball's optimal (η, β) for condition number ``kappa``."""
    mu, L = 1.0 / kappa, 1.0
    lr, beta = theory.heavy_ball_optimal(mu, L)
    return {"gd": {"lr": theory.gd_optimal_lr(mu, L)}, "momentum": {"lr": lr, "momentum": beta}}


@st.cache_data(max_entries=64, show_spinner=False)
def race(kappa: float) -> dict[str, np.ndarray]:
    """Distance to the minimum of each method at its best settings until it shrank by ``TOL`` (≤ ``MAX_STEPS``)."""
    f = landscape(kappa).objective()
    gd_rate = theory.gd_rate(1 / kappa, 1.0, best_settings(kappa)["gd"]["lr"])
    steps = int(min(MAX_STEPS, 1.2 * theory.steps_to_shrink(gd_rate, TOL) + 50))
    out = {}
    for n, hp in best_settings(kappa).items():
        r = core.simulate(f, core.get_optimizer(n, **hp), f.start, steps)
        out[n] = np.hypot(r.points[:, 0], r.points[:, 1])
    return out


def table(kappa: float) -> pd.DataFrame:
    """Textbook against measured, at ``kappa``: rates, and steps to shrink the distance a million-fold."""
    mu, L = 1.0 / kappa, 1.0
    settings = best_settings(kappa)
    textbook = {
        "gd": theory.gd_rate(mu, L, settings["gd"]["lr"]),
        "momentum": theory.heavy_ball_rate(mu, L, **settings["momentum"]),
    }
    rows = []
    for n, d in race(kappa).items():
        hit = int(metrics.steps_to_reach(d / d[0], TOL))
        rows.append(
            {
                "method": LABELS[n],
                "η": settings[n]["lr"],
                "β": settings[n].get("momentum", 0.0),
                "textbook ρ": textbook[n],
                "measured ρ": theory.measured_rate(d),
                "textbook steps": int(theory.steps_to_shrink(textbook[n], TOL)),
                "measured steps": hit if hit >= 0 else np.nan,
            }
        )
    return pd.DataFrame(rows)


def _body(ps: PageState) -> None:
    st.markdown(
        _(
            "Take the simplest narrow valley, f = ½(x²/κ + y²): curvature 1 across it, 1/κ along it. The condition "
            "number κ says how narrow it is. Gradient descent must keep its step below 2 (the steep direction's "
            "stability limit, 2/L), so along the floor each step only gains a fraction of about 2/κ: it needs "
            "about κ steps per e-fold. Move κ and watch what momentum does about it."
        )
    )
    kappa = controls.number(
        ps,
        "kappa",
        _("Condition number κ"),
        1.0,
        1000.0,
        100.0,
        log=True,
        help=_("How many times steeper the valley is across than along."),
    )
    result = table(kappa)
    gd, hb = result.iloc[0], result.iloc[1]
    bound = _("textbook bound: {value}")
    ratio = gd["measured steps"] / hb["measured steps"]
    metrics_shown = (
        (_("GD: steps to a millionth, measured"), _steps(gd["measured steps"]), f"{int(gd['textbook steps']):,}"),
        (
            _("Heavy ball: steps to a millionth, measured"),
            _steps(hb["measured steps"]),
            f"{int(hb['textbook steps']):,}",
        ),
        (
            _("Ratio of the measured steps (√κ ≈ {root:.3g})").format(root=np.sqrt(kappa)),
            f"{ratio:.3g}×" if np.isfinite(ratio) else "—",
            f"{gd['textbook steps'] / hb['textbook steps']:.3g}×",
        ),
    )
    for column, (label, measured, textbook) in zip(st.columns(3), metrics_shown, strict=True):
        column.metric(label, measured, bound.format(value=textbook), delta_color="off", delta_arrow="off")
    left, right = st.columns([1, 1], gap="medium")
    distances = race(kappa)
    with left:
        _distance_chart(distances, result).show(st)
    with right:
        shown = int(min(len(distances["momentum"]) - 1, 3 * max(hb["textbook steps"], 10)))
        paths = tuple((n, _path(kappa, n, shown)) for n in ("gd", "momentum"))
        present.figure().image(
            plots.contour_png(landscape(kappa), paths),
            caption=_(
                "The first {n} steps of each from the same start. At its best η GD bounces across "
                "the valley as slowly as it crawls along it: both shrink by (κ − 1)/(κ + 1) per step."
            ).format(n=shown),
            width="stretch",
        )
    st.subheader(_("Why √κ"))
    st.markdown(
        _(
            "In each eigen-direction with curvature λ, heavy ball's pair (θₜ, θₜ₋₁) is multiplied by the 2×2 "
            "matrix [[1 + β − ηλ, −β], [1, 0]]. Its eigenvalues are complex, of size √β, whenever (1 − √β)² ≤ ηλ ≤ "
            "(1 + √β)²: the ball oscillates but every mode shrinks by the same √β per step. Choosing η and β so "
            "that this window just covers [μ, L] gives √β = (√κ − 1)/(√κ + 1) ≈ 1 − 2/√κ, against GD's best "
            "(κ − 1)/(κ + 1) ≈ 1 − 2/κ."
        )
    )
    st.latex(
        rf"\rho_\mathrm{{GD}} = \frac{{\kappa-1}}{{\kappa+1}} = {gd['textbook ρ']:.4f}, \qquad "
        rf"\rho_\mathrm{{HB}} = \frac{{\sqrt\kappa-1}}{{\sqrt\kappa+1}} = {hb['textbook ρ']:.4f}"
    )
    shown_table = result.assign(method=[_(m) for m in result["method"]]).rename(columns={c: _(c) for c in COLUMNS})
    layout.markdown_table(shown_table)
    st.caption(
        _(
            "Measured ρ: per-step shrink of ‖θ − θ*‖ over the second half of the run (a least-squares fit of "
            "its logarithm). Steps: first step with ‖θ − θ*‖ ≤ {tol:g}·‖θ₀ − θ*‖. At its optimum heavy ball's "
            "matrix has a double eigenvalue, so it decays like t·ρᵗ and needs a few more steps than ρᵗ says."
        ).format(tol=TOL)
    )
    _sweep_chart(kappa).show(st)
    try_it(_links(kappa), FILE)


def _steps(measured: float) -> str:
    """A measured step count as the metrics show it (a run that did not get there within the lesson's budget: "—")."""
    return f"{int(measured):,}" if np.isfinite(measured) else "—"


def _path(kappa: float, name: str, steps: int) -> np.ndarray:
    f = landscape(kappa).objective()
    return core.simulate(f, core.get_optimizer(name, **best_settings(kappa)[name]), f.start, steps).points


def _distance_chart(distances: dict[str, np.ndarray], result: pd.DataFrame) -> charts.Chart:
    """Measured distances with the textbook d₀·ρᵗ beside each."""
    series, colors, dashed = {}, {}, []
    for (n, d), rho in zip(distances.items(), result["textbook ρ"], strict=True):
        short = _(SHORT[n])
        theory_name = _("{method} textbook d₀ρᵗ").format(method=short)
        series[short] = d
        colors[short] = color(n)
        series[theory_name] = d[0] * rho ** np.arange(len(d))
        colors[theory_name] = THEORY_COLORS[n]
        dashed.append(theory_name)
    with np.errstate(invalid="ignore"):
        series = {k: np.where(v >= 1e-12, v, np.nan) for k, v in series.items()}
    return figures.lines_with_limits(
        series, tuple(dashed), _("Distance to the minimum"), "‖θ − θ*‖", log=True, colors=colors, height=360
    )


@st.cache_data(max_entries=8, show_spinner=False)
def _sweep_frame(kappa: float, language: str = "") -> pd.DataFrame:
    """The sweep chart's points (``language`` only keys the cache: series names are translated)."""
    grid = np.geomspace(1.0, 1000.0, 61)
    rows = []
    rates = {"gd": lambda k: (k - 1) / (k + 1), "momentum": lambda k: (np.sqrt(k) - 1) / (np.sqrt(k) + 1)}
    for n, rate in rates.items():
        rows += [
            {"x": k, "y": theory.steps_to_shrink(rate(k), TOL), "series": _textbook(n), "kind": "line"} for k in grid
        ]
    for k in sorted(set(SWEEP_KAPPAS) | {kappa}):
        for n, steps in zip(SHORT, table(k)["measured steps"], strict=True):
            if np.isfinite(steps):
                rows.append({"x": k, "y": steps, "series": _measured(n), "kind": "point"})
    return pd.DataFrame(rows)


def _textbook(n: str) -> str:
    return _("{method} textbook").format(method=_(SHORT[n]))


def _measured(n: str) -> str:
    return _("{method} measured").format(method=_(SHORT[n]))


def _sweep_chart(kappa: float) -> charts.Chart:
    colors = {_textbook(n): THEORY_COLORS[n] for n in SHORT}
    colors.update({_measured(n): color(n) for n in SHORT})
    return figures.xy(
        _sweep_frame(kappa, _textbook("gd")),
        _("Steps to shrink the distance a million-fold, against κ"),
        _("condition number κ"),
        _("steps"),
        colors,
        log_x=True,
        log_y=True,
    )


def _links(kappa: float) -> list[Link]:
    """Links into the lab at this κ, with both methods at their best settings."""
    best = best_settings(kappa)
    k = format_value(kappa)
    optimal = {
        "gd_lr": format_value(best["gd"]["lr"]),
        "hb_lr": format_value(best["momentum"]["lr"]),
        "hb_mom": format_value(best["momentum"]["momentum"]),
    }
    return [
        (
            "pages/conditioning.py",
            _("Conditioning lab at κ = {kappa:g}, both at their optimum").format(kappa=kappa),
            {"kappa": k, "angle": format_value(0.0), **optimal},
        ),
        (
            "pages/conditioning.py",
            _("… and with the valley rotated by 45°: nothing changes for GD and heavy ball, Adam and friends lose"),
            {"kappa": k, "angle": format_value(45.0), **optimal},
        ),
        (
            "pages/conditioning.py",
            _("The conditioning lab at κ = 100, with its own defaults"),
            {"kappa": format_value(100.0)},
        ),
    ]
