"""The body of every optimizer page; a page file only names its optimizer."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

import core
from core import metrics

from . import charts, controls, layout, plots, runs, tune
from .state import PageState, page_state
from .theme import GRADIENT, VELOCITY, color


def render(name: str) -> None:
    """Draw the page of optimizer ``name``: controls, contour + scrubber, charts, table, downloads."""
    spec = core.get_spec(name)
    layout.optimizer_header(spec)
    with page_state(name) as ps:
        _body(ps, spec)


def _body(ps: PageState, spec: core.OptimizerSpec) -> None:
    name = spec.name
    side = st.sidebar
    side.header("Landscape")
    run_setup = controls.setup(ps, where=side, start_map=True)
    if run_setup is None:
        return
    key, f, x0, steps = run_setup.key, run_setup.f, run_setup.x0, run_setup.steps
    side.header("Hyperparameters")
    hp = controls.hyperparameters(ps, spec, key, where=side)
    tune.tune_button(ps, key, name, x0, steps, where=side, hyperparameters=hp)
    side.header("Learning-rate schedule")
    schedule = controls.schedule_picker(ps, steps, (name,), where=side)
    side.header("Gradient noise")
    noise = controls.number(ps, "noise", "noise σ", 0.0, 5.0, 0.0, where=side,
                            help="Standard deviation of Gaussian noise added to every gradient (a stochastic gradient).")
    seed = controls.integer(ps, "seed", "seed", 0, 999, 0, where=side) if noise > 0 else 0

    ran = runs.run_all(key, {name: hp}, x0, steps, noise=noise, seed=seed, schedule=schedule)
    if name not in ran:
        return
    run = ran[name]

    _scrubber(ps, key, f, spec, run)
    _charts(f, spec, run)
    _tables(ps, key, f, spec, run, Settings(hp, schedule, noise, seed))


def _arrows(f: core.Objective, spec: core.OptimizerSpec, run: core.Trajectory, t: int) -> tuple:
    """Gradient, velocity and next-step arrows at step ``t``, on one common scale."""
    p = run.points[t]
    if not np.isfinite(p).all():
        return ()
    with np.errstate(all="ignore"):
        vectors = [("−∇f (descent direction)", -f.grad(p), GRADIENT)]
        if spec.velocity and spec.velocity in run.state:
            vectors.append(("−velocity / momentum", -run.state[spec.velocity][t], VELOCITY))
        longest = max(float(np.linalg.norm(v)) for _, v, _ in vectors)
    xmin, xmax, ymin, ymax = f.box
    scale = 0.18 * max(xmax - xmin, ymax - ymin) / longest if longest > 0 and np.isfinite(longest) else 0.0
    arrows = tuple((label, p, v * scale, c) for label, v, c in vectors if scale > 0)
    if t + 1 < len(run.points) and np.isfinite(run.points[t + 1]).all():
        arrows += (("next step Δθ", p, run.points[t + 1] - p, "white"),)
    return arrows


PLAY_INTERVAL = 0.3  # seconds per animation frame
_NUMBERS = {c: st.column_config.NumberColumn(format="%.4g") for c in ("x", "y")}


def _scrubber(ps: PageState, key, f, spec, run) -> None:
    """Play/pause/reset buttons, then the contour + step slider fragment (animated while playing)."""
    playing = ps.key("playing")
    a, b, c, _ = st.columns([1, 1, 1, 5])
    if st.session_state.get(playing):
        a.button("Pause", icon=":material/pause:", on_click=lambda: st.session_state.__setitem__(playing, False),
                 key=ps.key("pause"))
    else:
        a.button("Play", icon=":material/play_arrow:", on_click=_play, args=(ps, run.steps), key=ps.key("play"),
                 help="Animate the path step by step.")
    b.button("Reset", icon=":material/skip_previous:", on_click=_jump, args=(ps, 0), key=ps.key("reset"))
    c.button("End", icon=":material/skip_next:", on_click=_jump, args=(ps, run.steps), key=ps.key("end"))
    interval = PLAY_INTERVAL if st.session_state.get(playing) else None
    st.fragment(_scrub_view, run_every=interval)(ps, key, f, spec, run)


def _play(ps: PageState, steps: int) -> None:
    if st.session_state.get(ps.key("t"), steps) >= steps:
        st.session_state[ps.key("t")] = 0
    st.session_state[ps.key("playing")] = True


def _jump(ps: PageState, t: int) -> None:
    st.session_state[ps.key("playing")] = False
    st.session_state[ps.key("t")] = t


def _scrub_view(ps: PageState, key, f, spec, run) -> None:
    """Contour plot plus a step slider; moving the slider reruns only this fragment."""
    left, right = st.columns([3, 2], gap="medium")
    steps = run.steps
    t_key = ps.key("t")
    if t_key in st.session_state and st.session_state[t_key] > steps:
        st.session_state[t_key] = steps
    if st.session_state.get(ps.key("playing")):
        now = st.session_state.get(t_key, 0)
        if now >= steps:
            st.session_state[ps.key("playing")] = False
            st.rerun()
        st.session_state[t_key] = now + 1
    with right:
        t = controls.integer(ps, "t", "Step t (scrub through the run)", 0, steps, steps)
        if st.query_params.get("t") != str(t):
            st.query_params["t"] = str(t)
        p = run.points[t]
        st.markdown(f"**Step {t}** · f = `{run.values[t]:.6g}`")
        rows = {"point θ": p}
        with np.errstate(all="ignore"):
            rows["gradient ∇f"] = f.grad(p)
        for k, label in spec.state_labels.items():
            if k in run.state:
                rows[label] = run.state[k][t]
        if t < steps:
            rows["next step Δθ"] = run.points[t + 1] - p
        st.dataframe(pd.DataFrame({"x": [v[0] for v in rows.values()], "y": [v[1] for v in rows.values()]},
                                  index=list(rows)), width="stretch", column_config=_NUMBERS)
        s = metrics.summary(f, run)
        a, b = st.columns(2)
        a.metric("final f", f"{s['final_loss']:.3g}")
        b.metric("distance to minimum", "—" if not np.isfinite(s["distance"]) else f"{s['distance']:.3g}")
        a.metric("steps to f − f* ≤ 1e-3", "never" if s["steps_to_tol"] < 0 else s["steps_to_tol"])
        b.metric("path length", f"{s['path_length']:.3g}")
    with left:
        png = plots.contour_png(key, ((spec.name, run.points),), marker=tuple(p) if np.isfinite(p).all() else None,
                                arrows=_arrows(f, spec, run, t))
        st.image(png, caption=f"{spec.display_name} on {layout.landscape_name(f)}: start ○, end ✕, known minima ★",
                 width="stretch")


def _charts(f, spec, run) -> None:
    name = spec.name
    values = run.values
    positive = charts.all_positive(values)
    with np.errstate(all="ignore"):
        dist = f.nearest_minimum_distance(run.points)
        gnorm = metrics.gradient_norms(f, run.points)
    c1, c2, c3 = st.columns(3)
    charts.lines({name: values}, "Loss", "f(θ)", log=positive).show(c1)
    if np.isfinite(dist).any():
        charts.lines({name: dist}, "Distance to nearest minimum", "‖θ − θ*‖", log=True).show(c2)
    else:
        c2.info("This landscape has no minimum (it is unbounded below), so there is no distance to show.")
    charts.lines({name: gnorm}, "Gradient norm", "‖∇f‖", log=True).show(c3)
    if run.lr is not None and len(run.lr):
        charts.schedule_chart(run.lr).show(st)
    if spec.adaptive:
        eff = metrics.effective_step_sizes(f, run.points)
        charts.lines({"x": eff[:, 0], "y": eff[:, 1]},
                                     "Effective step size per coordinate |Δθᵢ| / |gᵢ|", "effective lr",
                                     log=True, colors={"x": color(name), "y": "#4C6EF5"}, height=280).show(st)


@dataclass(frozen=True)
class Settings:
    """What the run was made with, for the exports that reproduce it."""

    hp: dict
    schedule: tuple | None
    noise: float
    seed: int


def _tables(ps, key, f, spec, run, settings: Settings) -> None:
    # Only the open tab is drawn (a fresh tab draws the light first one); the others on demand.
    tab3d, tabtable, tabexport = st.tabs(["3-D surface", "Steps table & downloads", "PyTorch & animation export"],
                                         key=ps.key("tab"), on_change="rerun")
    with tab3d:
        if tab3d.open is not False:
            if st.toggle("Draw the 3-D surface", key=ps.key("surface")):
                st.image(plots.surface_png(key, ((spec.name, run.points),)), width="stretch")
            else:
                st.caption("Switch on to draw the surface with the path lifted onto it (a heavier figure).")
    with tabtable:
        if tabtable.open is not False:
            frame = steps_frame(f, spec, run)
            st.dataframe(frame, height=280, width="stretch", hide_index=True,
                         column_config={c: _NUMBERS["x"] for c in frame.columns if c != "step"})
            a, b = st.columns(2)
            # Generated on click (the PNG would otherwise be a second figure drawn on every rerun), and the
            # click must not rerun the page: a rerun re-registers the button and revokes the file being made.
            a.download_button("Trajectory as CSV", lambda: frame.to_csv(index=False).encode(),
                              f"{spec.name}_trajectory.csv", "text/csv", on_click="ignore")
            b.download_button("Contour plot as PNG", lambda: plots.contour_png(key, ((spec.name, run.points),)),
                              f"{spec.name}_contour.png", "image/png", on_click="ignore")
    with tabexport:
        if tabexport.open is not False:
            from . import export

            export.optimizer_exports(ps, key, spec, run, settings.hp, settings.schedule, settings.noise, settings.seed)


def steps_frame(f, spec, run) -> pd.DataFrame:
    """One row per step: position, loss, gradient and optimizer state, named as in the step panel."""
    with np.errstate(all="ignore"):
        g = f.grad(run.points)
    cols = {"step": np.arange(len(run.points)), "x": run.points[:, 0], "y": run.points[:, 1], "f": run.values,
            "gradient ∇f (x)": g[:, 0], "gradient ∇f (y)": g[:, 1]}
    for k, label in spec.state_labels.items():
        if k in run.state:
            cols[f"{label} (x)"] = run.state[k][:, 0]
            cols[f"{label} (y)"] = run.state[k][:, 1]
    return pd.DataFrame(cols)
