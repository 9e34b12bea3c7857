"""The Conditioning lab: measured convergence rates on the tunable quadratic against the textbook ones.

Gradient descent and heavy ball are compared with their theoretical rates (κ − 1)/(κ + 1) and
(√κ − 1)/(√κ + 1); the diagonal adaptive methods are swept over the valley's rotation angle.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

import core
from core import metrics, theory
from core.run import Landscape, Run

from . import charts, controls, layout, plots, present, problem, runs
from .i18n import N_, _, optimizer_name
from .state import PageState, page_state
from .theme import color

PAGE = "conditioning"
ADAPTIVE = ("adagrad", "rmsprop", "adam")
# One learning rate does not suit all three on this problem: Adagrad's steps shrink as it
# accumulates squared gradients, so it wants a large lr; RMSprop with a large lr never settles.
ADAPTIVE_LR = {"adagrad": 1.0, "rmsprop": 0.1, "adam": 0.3}
METHODS = ("gd", "momentum", *ADAPTIVE)
LABELS = {"gd": "GD", "momentum": N_("Heavy ball"), "adagrad": "Adagrad", "rmsprop": "RMSprop", "adam": "Adam"}
THEORY = {"gd": (N_("GD theory"), "#9ecae9"), "momentum": (N_("Heavy ball theory"), "#ffbb78")}
TOL = 1e-6
LANDSCAPE = "conditioned_quadratic"
PAGE_VALUES = {"condition": 50.0, "angle": 30.0}  # this page opens on a harder, rotated valley
SWEEP_ANGLES = tuple(float(a) for a in range(0, 91, 10))
SWEEP_STEPS = controls.MAX_STEPS
CHART_RANGE = (1e-16, 1e6)  # distances drawn on the log chart (outside: not drawn)


def render() -> None:
    st.title(_("Conditioning lab"))
    st.caption(
        _(
            "f = ½(u²/κ + v²) in coordinates rotated by an angle: Hessian eigenvalues μ = 1/κ and L = 1. "
            "How fast do the optimizers approach the minimum, and what does the textbook promise?"
        )
    )
    with page_state(PAGE) as ps:
        _body(ps)


def _body(ps: PageState) -> None:
    side = st.sidebar
    side.header(_("Landscape"))
    values = controls.params(ps, core.get_function(LANDSCAPE).params, PAGE_VALUES, where=side)
    kappa, angle = values["condition"], values["angle"]
    key = Landscape.of(LANDSCAPE, **values)
    f = problem.objective(key)
    assert f.curvature is not None  # a quadratic
    mu, L = f.curvature
    x0 = controls.start_picker(ps, f, where=side)
    steps = controls.steps_picker(ps, default=100, where=side)
    side.header(_("Gradient descent and heavy ball"))
    gd_lr = controls.number_box(ps, "gd_lr", _("GD learning rate η"), 0.0, 2.5, 1.0, side)
    hb_lr = controls.number_box(ps, "hb_lr", _("Heavy ball learning rate η"), 0.0, 4.0, 1.0, side)
    hb_mom = controls.number_box(ps, "hb_mom", _("Heavy ball momentum β"), 0.0, 0.999, 0.9, side)
    hps = {"gd": {"lr": gd_lr}, "momentum": {"lr": hb_lr, "momentum": hb_mom}}
    adaptive = controls.section(
        ps, "adaptive", _("Adaptive methods"), {f"{n}_lr": ADAPTIVE_LR[n] for n in ADAPTIVE}, side
    )
    for n in ADAPTIVE:
        hps[n] = {
            "lr": controls.number(
                ps,
                f"{n}_lr",
                _("{optimizer} lr").format(optimizer=_(LABELS[n])),
                1e-3,
                2.0,
                ADAPTIVE_LR[n],
                log=True,
                where=adaptive,
                help=_("Learning rate of {optimizer} (other settings: torch defaults).").format(optimizer=_(LABELS[n])),
            )
        }

    _formulas(ps, mu, L, gd_lr, hb_lr, hb_mom)
    trajectories = runs.run_all([Run.of(key, n, hps[n], steps=steps, start=x0) for n in METHODS])
    distances = {n: _distance(r.points) for n, r in trajectories.items()}
    rates = {"gd": theory.gd_rate(mu, L, gd_lr), "momentum": theory.heavy_ball_rate(mu, L, hb_lr, hb_mom)}

    _chart(distances, rates, steps).show(present.figure())
    st.caption(
        _(
            "Dashed: d₀·ρᵗ with the theoretical rate for your settings (at the heavy-ball optimum the "
            "distance decays like t·ρᵗ, so it stays above its line by a factor growing like t). Values "
            "outside [{lo:g}, {hi:g}] are not drawn."
        ).format(lo=CHART_RANGE[0], hi=CHART_RANGE[1])
    )
    # The table's six columns need the wider share: at 1280 px a half column cut its "steps" (issue 24).
    left, right = st.columns([2, 3], gap="medium")
    with left:
        st.image(
            plots.contour_png(key, tuple((n, r.points) for n, r in trajectories.items())),
            caption=_("{landscape}: start ○, ends ✕, minimum ★").format(landscape=layout.landscape_name(f)),
            width="stretch",
        )
    with right:
        layout.markdown_table(_table(hps, distances, rates))
        st.caption(
            _(
                "Measured ρ: per-step contraction of ‖θ − θ*‖ over the second half of the run (a "
                "least-squares fit of its logarithm). Theory ρ: for your settings (the adaptive methods have "
                "no such linear theory). Steps: first step with ‖θ − θ*‖ ≤ {tol:g}."
            ).format(tol=TOL)
        )
    _rotation_panel(kappa, angle, x0, hps)


def _use_optimal(ps: PageState) -> None:
    """Button callback (runs before the widgets exist): write the optimal settings for the current κ."""
    curvature = problem.objective(Landscape.of(LANDSCAPE, condition=ps.get("kappa"), angle=ps.get("angle"))).curvature
    assert curvature is not None  # a quadratic
    mu, L = curvature
    ps.set("gd_lr", theory.gd_optimal_lr(mu, L))
    hb_lr, hb_mom = theory.heavy_ball_optimal(mu, L)
    ps.set("hb_lr", hb_lr)
    ps.set("hb_mom", hb_mom)


def _formulas(ps: PageState, mu: float, L: float, gd_lr: float, hb_lr: float, hb_mom: float) -> None:
    kappa = L / mu
    eta = theory.gd_optimal_lr(mu, L)
    hb_eta, beta = theory.heavy_ball_optimal(mu, L)
    rho_gd = theory.gd_rate(mu, L, eta)
    rho_hb = (np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1)
    gd, hb = st.columns(2, gap="medium")
    gd_name, hb_name, at = optimizer_name("gd"), _("Heavy ball"), _("at")
    gd.latex(
        rf"\begin{{gathered}}\text{{{gd_name}: }}\rho^\star = \frac{{\kappa-1}}{{\kappa+1}} = {rho_gd:.4f}"
        rf"\\[4pt] \text{{{at} }}\eta^\star = \frac{{2}}{{L+\mu}} = {eta:.4g}\end{{gathered}}"
    )
    hb.latex(
        rf"\begin{{gathered}}\text{{{hb_name}: }}\rho^\star = \frac{{\sqrt\kappa-1}}{{\sqrt\kappa+1}} = {rho_hb:.4f}"
        rf"\\[4pt] \text{{{at} }}\eta^\star = \frac{{4}}{{(\sqrt L+\sqrt\mu)^2}} = {hb_eta:.4g}"
        rf"\\[4pt] \beta^\star = (\rho^\star)^2 = {beta:.4g}\end{{gathered}}"
    )
    st.caption(
        _(
            "κ = {kappa:g}. Shrinking the distance a million-fold takes about "
            "{gd_steps} steps for GD and {hb_steps} for heavy ball at their optimum; with your "
            "settings the rates are {gd_rate} (GD) and {hb_rate} (heavy ball)."
        ).format(
            kappa=kappa,
            gd_steps=_steps(rho_gd),
            hb_steps=_steps(rho_hb),
            gd_rate=_rate(theory.gd_rate(mu, L, gd_lr)),
            hb_rate=_rate(theory.heavy_ball_rate(mu, L, hb_lr, hb_mom)),
        )
    )
    st.button(
        _("Use the optimal hyperparameters"),
        on_click=_use_optimal,
        args=(ps,),
        type="primary",
        help=_("Set GD's η and heavy ball's (η, β) to the optimal values above for the current κ."),
    )


def _steps(rate: float) -> str:
    n = theory.steps_to_shrink(rate, TOL)
    return "∞" if not np.isfinite(n) else f"{int(n):,}"


def _rate(rate: float) -> str:
    return f"ρ = {rate:.4f}" + (_(" (no convergence)") if rate >= 1 else "")


def _distance(points: np.ndarray) -> np.ndarray:
    """‖θ − θ*‖ (the minimum is the origin); hypot does not underflow for tiny distances."""
    with np.errstate(all="ignore"):
        return np.hypot(points[..., 0], points[..., 1])


def _chart(distances: dict[str, np.ndarray], rates: dict[str, float], steps: int) -> charts.Chart:
    series, colors, dashed = {}, {}, []
    lo, hi = CHART_RANGE
    t = np.arange(steps + 1)
    for n, d in distances.items():
        series[_(LABELS[n])] = d
        colors[_(LABELS[n])] = color(n)
        if n in THEORY:
            name, c = _(THEORY[n][0]), THEORY[n][1]
            with np.errstate(all="ignore"):
                series[name] = d[0] * rates[n] ** t
            colors[name] = c
            dashed.append(name)
    with np.errstate(invalid="ignore"):
        series = {k: np.where((v >= lo) & (v <= hi), v, np.nan) for k, v in series.items()}
    chart = charts.lines(series, _("Distance to the minimum"), "‖θ − θ*‖", log=True, colors=colors, height=340)
    return charts.with_dashes(chart, tuple(series), tuple(dashed))


def _table(hps: dict, distances: dict[str, np.ndarray], rates: dict[str, float]) -> pd.DataFrame:
    rows = []
    for n, d in distances.items():
        hit = int(metrics.steps_to_reach(d, TOL))
        hp = hps[n]
        measured = theory.measured_rate(d)
        rows.append(
            {
                _("method"): _(LABELS[n]),
                "η": f"{hp['lr']:.4g}",
                "β": f"{hp['momentum']:.4g}" if "momentum" in hp else "—",
                _("measured ρ"): "—" if np.isnan(measured) else f"{measured:.4f}",
                _("theory ρ"): f"{rates[n]:.4f}" if n in rates else "—",
                _("steps"): _("never") if hit < 0 else str(hit),
            }
        )
    return pd.DataFrame(rows)


def _rotation_panel(kappa: float, angle: float, x0: tuple[float, float], hps: dict) -> None:
    st.subheader(_("What rotation does"))
    st.markdown(
        _(
            "Adagrad, RMSprop and Adam divide each **coordinate** of the gradient by its own running scale: "
            "a diagonal preconditioner that can only rescale x and y, so it straightens a valley that lies "
            "along an axis (at 0° their step counts do not even depend on κ) but not a rotated one. Gradient "
            "descent and heavy ball only see the Hessian's eigenvalues, so the angle changes nothing for them."
        )
    )
    angles = tuple(sorted(set(SWEEP_ANGLES) | {float(angle)}))
    table = _sweep(kappa, angle, (float(x0[0]), float(x0[1])), angles, tuple((n, runs.freeze(hps[n])) for n in METHODS))
    shown = table.assign(method=[_(m) for m in table["method"]]).replace("never", _("never"))
    layout.markdown_table(shown.rename(columns={"method": _("method")}))
    st.caption(
        _(
            "Steps to get within {tol:g} of the minimum (within {steps} steps), with the start rotated "
            "along with the valley so every angle poses the same problem; ◀ marks your angle. One batched run "
            "per method covers all angles."
        ).format(tol=TOL, steps=SWEEP_STEPS)
    )


@st.cache_data(max_entries=32, ttl=3600, show_spinner=False)
def _sweep(
    kappa: float, angle: float, x0: tuple[float, float], angles: tuple[float, ...], settings: tuple
) -> pd.DataFrame:
    """Steps to tolerance for each method at each angle: one ``core.simulate`` per method over all angles."""
    family = theory.rotated_quadratics(kappa, angles)
    starts = theory.rotate_start(x0, angle, angles)
    columns = [f"{a:g}°" + (" ◀" if a == angle else "") for a in angles]
    rows = []
    for n, hp in settings:
        try:
            r = core.simulate(
                family, core.get_optimizer(n, **dict(hp)), starts, SWEEP_STEPS, escape=family.escape_radius
            )
        except ValueError:
            continue
        hit = metrics.steps_to_reach(_distance(r.points), TOL)
        rows.append(
            {"method": LABELS[n], **{c: "never" if h < 0 else str(int(h)) for c, h in zip(columns, hit, strict=False)}}
        )
    return pd.DataFrame(rows)
