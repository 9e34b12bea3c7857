"""The body of every optimizer page; a page file only names its optimizer."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

import core
from core import metrics
from core.run import Run

from . import charts, controls, layout, player, plots, present, runs, tune
from .i18n import N_, _, optimizer_name
from .problem import Surface
from .state import PageState, page_state
from .theme import color


def render(name: str) -> None:
    """Draw the page of optimizer ``name``: controls, contour + scrubber, charts, table, downloads."""
    spec = core.get_spec(name)
    layout.optimizer_header(spec)
    with page_state(name) as ps:
        if not _body(ps, spec):  # no run to show (a refused setting says why): the rule still explains the method
            layout.optimizer_rule(spec)


def _body(ps: PageState, spec: core.OptimizerSpec) -> bool:
    """Controls, then the run: figure and step panel first (in view), the rule, curves and tabs below."""
    name = spec.name
    side = st.sidebar
    side.header(_("Landscape"))
    run_setup = controls.setup(ps, where=side, start_map=True)
    if run_setup is None:
        return False
    key, f, x0, steps = run_setup.key, run_setup.f, run_setup.x0, run_setup.steps
    side.header(_("Hyperparameters"))
    hp = controls.hyperparameters(ps, spec, key, where=side, more=True)
    tune.tune_button(ps, key, name, x0, steps, where=side, hyperparameters=hp)
    extra = controls.section(ps, "extra", _("Schedule and gradient noise"), controls.EXTRA_DEFAULTS, side)
    schedule = controls.schedule_picker(ps, steps, (name,), where=extra)
    noise = controls.number(
        ps,
        "noise",
        _("noise σ"),
        0.0,
        5.0,
        0.0,
        where=extra,
        help=_("Standard deviation of Gaussian noise added to every gradient (a stochastic gradient)."),
    )
    seed = controls.integer(ps, "seed", _("seed"), 0, 999, 0, where=extra) if noise > 0 else 0

    described = Run.of(key, name, hp, schedule, steps=steps, start=x0, noise=noise, seed=seed)
    ran = runs.run_all([described])
    if name not in ran:
        return False
    run = ran[name]

    _scrubber(ps, key, f, spec, run)
    layout.optimizer_rule(spec)
    _charts(ps, f, spec, run)
    _tables(ps, f, spec, run, described)
    return True


ARROW_SHARE = 0.18  # the longest gradient or velocity along the run is drawn this share of the box
MIN_ARROW = 0.004  # arrows shorter than this share of the box are not drawn (only a head would show)


def arrow_scale(f: core.Objective, spec: core.OptimizerSpec, run: core.Trajectory) -> float:
    """Plot units per vector unit, one for the whole run, so a converged point (‖∇f‖ ≈ 0) shows no long arrows.

    The longest finite gradient or velocity along the path is drawn ``ARROW_SHARE`` of the box; 0 if there is none.
    """
    with np.errstate(all="ignore"):
        norms = [metrics.gradient_norms(f, run.points)]
        if spec.velocity and spec.velocity in run.state:
            norms.append(np.linalg.norm(run.state[spec.velocity], axis=-1))
        lengths = np.concatenate(norms)
        longest = float(lengths[np.isfinite(lengths)].max(initial=0.0))
    xmin, xmax, ymin, ymax = f.box
    return ARROW_SHARE * max(xmax - xmin, ymax - ymin) / longest if longest > 0 else 0.0


def _arrows(f: core.Objective, spec: core.OptimizerSpec, run: core.Trajectory, t: int, scale: float) -> tuple:
    """Gradient and velocity arrows at step ``t`` times the run's fixed ``scale`` (tiny ones left out), and the next
    step."""
    p = run.points[t]
    if not np.isfinite(p).all():
        return ()
    xmin, xmax, ymin, ymax = f.box
    shortest = MIN_ARROW * max(xmax - xmin, ymax - ymin)
    with np.errstate(all="ignore"):
        vectors = [(f"−∇f × {scale:.3g}", -f.grad(p), "gradient")]
        if spec.velocity and spec.velocity in run.state:
            vectors.append(
                (
                    plots.figure_text(N_("−velocity × {scale}")).format(scale=f"{scale:.3g}"),
                    -run.state[spec.velocity][t],
                    "velocity",
                )
            )
    arrows: tuple = ()
    for label, v, kind in vectors:
        drawn = v * scale
        if not np.linalg.norm(drawn) >= shortest:  # also NaN
            label, drawn = label + plots.figure_text(N_(" (≈ 0)")), np.zeros(2)
        arrows += ((label, p, drawn, kind),)
    if t + 1 < len(run.points) and np.isfinite(run.points[t + 1]).all():
        arrows += ((plots.figure_text(N_("next step")), p, run.points[t + 1] - p, "step"),)
    return arrows


_NUMBERS = {c: st.column_config.NumberColumn(format="%.4g") for c in ("x", "y")}


def _scrubber(ps: PageState, key: Surface, f: core.Objective, spec: core.OptimizerSpec, run: core.Trajectory) -> None:
    """The contour + step slider, with the player's buttons and speed (animated while playing)."""
    player.show(ps, run.steps, _scrub_view, key, f, spec, run)


def _scrub_view(
    ps: PageState,
    interval: float | None,
    key: Surface,
    f: core.Objective,
    spec: core.OptimizerSpec,
    run: core.Trajectory,
) -> None:
    """Buttons, contour plot and step slider together (the player's fragment: the slider and buttons rerun only
    this; ``interval`` is its timer)."""
    left, right = st.columns([3, 2], gap="medium")
    steps = run.steps
    with left:
        player.controls(ps, steps, interval, help=_("Animate the path step by step."))
    s = metrics.summary(f, run)
    gone = int(s["diverged_at"])  # the step the run diverged at (the one definition, as in the note above), or -1
    with right:
        # A diverged run opens at the step it diverged, where the note above says it did.
        t = player.slider(ps, steps, _("Step t (scrub through the run)"), gone if gone >= 0 else steps)
        p = run.points[t]
        head = _("**Step {t}** · f = {value}").format(t=t, value=f"`{run.values[t]:.6g}`")
        if gone >= 0:
            head += " · " + _("diverged at step {step}").format(step=gone)
        st.markdown(head)
        rows = {_("point θ"): p}
        with np.errstate(all="ignore"):
            rows[_("gradient ∇f")] = f.grad(p)
        for k, label in spec.state_labels.items():
            if k in run.state:
                rows[_(label)] = run.state[k][t]
        if t < steps:
            rows[_("next step Δθ")] = run.points[t + 1] - p
        # A Markdown table: a table element would make a fresh tab download a large formatting module first.
        st.markdown(
            "| | x | y |\n|:--|--:|--:|\n"
            + "\n".join(f"| {label} | {v[0]:.4g} | {v[1]:.4g} |" for label, v in rows.items())
        )
        loss_chart(spec, run).show(st)  # in view beside the contour, as the step panel is
        a, b = st.columns(2)
        a.metric(_("final f"), f"{s['final_loss']:.3g}")
        b.metric(_("distance to minimum"), "—" if not np.isfinite(s["distance"]) else f"{s['distance']:.3g}")
        a.metric(_("steps to f − f* ≤ 1e-3"), _("never") if s["steps_to_tol"] < 0 else s["steps_to_tol"])
        b.metric(_("path length"), f"{s['path_length']:.3g}")
    with left:
        scale = arrow_scale(f, spec, run)
        png = plots.contour_png(
            key,
            ((spec.name, run.points),),
            marker=tuple(p) if np.isfinite(p).all() else None,
            arrows=_arrows(f, spec, run, t, scale),
            upto=t,
        )
        present.figure().image(
            png,
            caption=_(
                "{optimizer} on {landscape} up to step {t} (the rest faint): start ○, end ✕, known minima ★, "
                "step t ◯. Arrows: gradient and velocity × {scale}, one scale for the whole run (the longest on "
                "the path is {share} of the box; ≈ 0: too short to draw); the next step Δθ as it is."
            ).format(
                optimizer=optimizer_name(spec.name),
                landscape=layout.landscape_name(f),
                t=t,
                scale=f"{scale:.3g}",
                share=f"{ARROW_SHARE:.0%}",
            ),
            width="stretch",
        )


LOSS_HEIGHT = 220  # px: the loss chart beside the contour, under the step table (in view on a laptop)


def loss_chart(spec: core.OptimizerSpec, run: core.Trajectory) -> charts.Chart:
    """The run's loss over the steps, in the first view beside the contour (log when every value is positive)."""
    with np.errstate(all="ignore"):
        log = charts.all_positive(run.values)
    return charts.lines({spec.name: run.values}, _("Loss"), "f(θ)", log=log, height=LOSS_HEIGHT)


def _charts(ps: PageState, f: core.Objective, spec: core.OptimizerSpec, run: core.Trajectory) -> None:
    """The run's other curves, one tab each, in a section drawn on demand: below the fold, they would make a
    fresh tab load more charts before it is done; only the open tab is drawn. The loss is in the first view."""
    label = _("More curves: distance to the minimum, gradient norm…")
    with layout.on_demand(label, ps.key("curves"), ":material/show_chart:", ps=ps) as shown:
        if shown:
            _curve_tabs(ps, f, spec, run)


def _curve_tabs(ps: PageState, f: core.Objective, spec: core.OptimizerSpec, run: core.Trajectory) -> None:
    name = spec.name
    curves = {"distance": _("Distance to nearest minimum"), "gnorm": _("Gradient norm")}
    lrs = run.lr if run.lr is not None else np.empty(0)
    if len(lrs):
        curves["lr"] = _("Learning rate")
    if spec.adaptive:
        curves["step"] = _("Effective step size")
    tabs = layout.tabs_on_demand(list(curves.values()), ps.key("curve"), ps, list(curves))
    for which, tab in zip(curves, tabs, strict=True):
        if tab is None:
            continue
        with tab, np.errstate(all="ignore"):
            if which == "distance":
                dist = f.nearest_minimum_distance(run.points)
                if np.isfinite(dist).any():
                    charts.lines({name: dist}, _("Distance to nearest minimum"), "‖θ − θ*‖", log=True).show(st)
                else:
                    st.info(
                        _("This landscape has no minimum (it is unbounded below), so there is no distance to show.")
                    )
            elif which == "gnorm":
                gnorm = metrics.gradient_norms(f, run.points)
                charts.lines({name: gnorm}, _("Gradient norm"), "‖∇f‖", log=True).show(st)
            elif which == "lr":
                charts.schedule_chart(lrs, height=280).show(st)
            else:
                eff = metrics.effective_step_sizes(f, run.points)
                charts.lines(
                    {"x": eff[:, 0], "y": eff[:, 1]},
                    _("Effective step size per coordinate |Δθᵢ| / |gᵢ|"),
                    _("effective lr"),
                    log=True,
                    colors={"x": color(name), "y": "#4C6EF5"},
                ).show(st)


def _tables(ps: PageState, f: core.Objective, spec: core.OptimizerSpec, run: core.Trajectory, described: Run) -> None:
    """The 3-D surface, the steps table with its downloads, and the exports of the run ``described``."""
    from . import export, slide

    # Only the open tab is drawn (a fresh tab draws the light first one); the others on demand. The open one is
    # kept in the URL, so a link reopens it.
    tab3d, tabtable, tabexport = layout.tabs_on_demand(
        [_("3-D surface"), _("Steps table & downloads"), _("PyTorch & animation export")],
        ps.key("tab"),
        ps,
        ["surface", "table", "export"],
    )
    if tab3d is not None:
        with tab3d:
            if st.toggle(_("Draw the 3-D surface"), key=ps.key("surface")):
                st.image(plots.surface_png(described.surface, ((spec.name, run.points),)), width="stretch")
            else:
                st.caption(_("Switch on to draw the surface with the path lifted onto it (a heavier figure)."))
    if tabtable is not None:
        with tabtable:
            frame = steps_frame(f, spec, run)
            shown = frame.rename(columns=_column_names(spec))
            st.dataframe(
                shown,
                height=280,
                width="stretch",
                hide_index=True,
                column_config={c: _NUMBERS["x"] for c in shown.columns if c != _("step")},
            )
            a, b = st.columns(2)
            # Generated on click (the PNG would otherwise be a second figure drawn on every rerun), and the
            # click must not rerun the page: a rerun re-registers the button and revokes the file being made.
            a.download_button(
                _("Trajectory as CSV"),
                lambda: layout.csv_bytes(frame),
                f"{spec.name}_trajectory.csv",
                "text/csv",
                on_click="ignore",
            )
            b.download_button(
                _("Slide-ready contour plot (PNG)"),
                lambda: slide.png(
                    described.surface,
                    ((spec.name, run.points),),
                    export.title_for([spec.name], f, {spec.name: described.hp}, run.steps, described.schedule),
                ),
                f"{spec.name}_contour.png",
                "image/png",
                on_click="ignore",
            )
    if tabexport is not None:
        with tabexport:
            export.optimizer_exports(ps, described, run)


def _column_names(spec: core.OptimizerSpec) -> dict[str, str]:
    """The steps table's English column names (kept in the CSV) in the current language."""
    names = {
        "step": _("step"),
        "gradient ∇f (x)": _("gradient ∇f") + " (x)",
        "gradient ∇f (y)": _("gradient ∇f") + " (y)",
    }
    for label in spec.state_labels.values():
        names |= {f"{label} (x)": f"{_(label)} (x)", f"{label} (y)": f"{_(label)} (y)"}
    return names


def steps_frame(f, spec, run) -> pd.DataFrame:
    """One row per step: position, loss, gradient and optimizer state, named as in the step panel."""
    with np.errstate(all="ignore"):
        g = f.grad(run.points)
    cols = {
        "step": np.arange(len(run.points)),
        "x": run.points[:, 0],
        "y": run.points[:, 1],
        "f": run.values,
        "gradient ∇f (x)": g[:, 0],
        "gradient ∇f (y)": g[:, 1],
    }
    for k, label in spec.state_labels.items():
        if k in run.state:
            cols[f"{label} (x)"] = run.state[k][:, 0]
            cols[f"{label} (y)"] = run.state[k][:, 1]
    return pd.DataFrame(cols)
