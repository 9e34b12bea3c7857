"""The learning-rate sweep page: final loss against lr for whole ranges of lr at once."""

from __future__ import annotations

import math
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

import core
from core import budget, metrics
from core.defaults import demo_hyperparameters
from core.run import Run
from core.sweeps import lr_sweep
from core.theory import gd_stability_limit

from . import controls, layout, plots, present, problem, runs, work
from .i18n import N_, _, optimizer_name
from .state import PageState, page_state
from .theme import INK, color, dash

PAGE = "sweep"
TOL = 1e-3
MIN_COUNT = 20  # a sweep is never cut below 20 learning rates
# The sweep table's status values and columns (English in the data, translated where shown).
STATUS = {"reached tolerance": N_("reached tolerance"), "not yet": N_("not yet"), "diverged": N_("diverged")}


@st.cache_data(max_entries=64, show_spinner=False)
def sweep(
    key: problem.Surface, name: str, hp: runs.HyperItems, x0: tuple, steps: int, lo: float, hi: float, count: int
) -> pd.DataFrame:
    """One batched run over ``count`` log-spaced learning rates, as a table for the charts (no display name: the
    cache is shared by visitors in every language, ``_sweeps`` adds it).

    A diverged run (``core.metrics.diverged_at``, the one definition) has no final gap: it is drawn on the
    band above every finite gap that ``_sweeps`` sets for all optimizers together.
    """
    f = problem.objective(key)
    s = lr_sweep(
        f, core.get_optimizer(name, **dict(hp)), x0, steps, np.geomspace(lo, hi, count), tol=TOL, escape=f.escape_radius
    )
    status = np.where(s.diverged_at >= 0, "diverged", np.where(s.steps_to_tol >= 0, "reached tolerance", "not yet"))
    return pd.DataFrame(
        {
            "optimizer": name,
            "lr": s.lrs,
            "final gap": np.where(s.diverged_at >= 0, np.nan, np.clip(s.final_gap, 1e-16, None)),
            "steps to tolerance": np.where(s.steps_to_tol >= 0, s.steps_to_tol, np.nan),
            "status": status,
            "diverged at": s.diverged_at,
        }
    )


def diverged_band(data: pd.DataFrame, start_gap: float) -> float:
    """Where every diverged run is drawn: one band ten times above every finite final gap of every optimizer and
    above the divergence bound (``GROWTH`` times the starting gap), so no ✕ sits among the runs that did not."""
    finite = data["final gap"].to_numpy(dtype=float)
    finite = finite[np.isfinite(finite)]
    bound = metrics.GROWTH * start_gap if np.isfinite(start_gap) and start_gap > 0 else 0.0
    return 10.0 * float(max(finite.max() if finite.size else 0.0, bound, 1.0))


def render() -> None:
    st.title(_("Learning-rate sweep"))
    st.markdown(
        _(
            "Each optimizer runs once per learning rate — up to 300 log-spaced values in one batched call — "
            "from the same start. Too small and it crawls; too large and it diverges. **Click a point** to "
            "see that run's path."
        )
    )
    with page_state(PAGE) as ps:
        _body(ps)


def _body(ps: PageState) -> None:
    side = st.sidebar
    ps.depends_on_landscape("chart")  # a clicked run belongs to the landscape it was clicked on
    chosen = controls.optimizers(ps, ["gd", "momentum", "adam"], where=side)
    run_setup = controls.setup(ps, where=side, steps=100)
    if run_setup is None:
        return
    key, f, x0, steps = run_setup.key, run_setup.f, run_setup.x0, run_setup.steps
    lo = controls.number(ps, "lrmin", _("smallest lr"), 1e-5, 1.0, 1e-3, log=True, where=side)
    hi = controls.number(ps, "lrmax", _("largest lr"), 1e-3, 50.0, 3.0, log=True, where=side)
    count = controls.integer(ps, "count", _("learning rates"), 100, 300, 200, where=side)
    if not chosen:
        st.info(_("Choose at least one optimizer."))
        return
    if lo >= hi:
        st.error(_("The smallest lr must be below the largest."))
        return
    count, steps = _reduce(f, count, steps, len(chosen))
    data = _sweeps(key, chosen, x0, steps, lo, hi, count)

    limit = gd_stability_limit(f)
    chart = _chart(data, chosen, limit)
    event = present.figure().altair_chart(
        chart, on_select="rerun", selection_mode="pick", key=ps.key("chart"), width="stretch"
    )
    st.caption(
        (
            _(
                "Gap f − f* after {steps} steps; diverged runs are drawn as ✕ on one band at the top. Dashed "
                "lines: the smallest lr that diverged for each optimizer; solid grey: the gradient-descent stability "
                "limit 2/L = {limit:.3g}. {rule}"
            )
            if limit
            else _(
                "Gap f − f* after {steps} steps; diverged runs are drawn as ✕ on one band at the top. Dashed "
                "lines: the smallest lr that diverged for each optimizer. {rule}"
            )
        ).format(steps=steps, limit=limit or 0.0, rule=layout.divergence_rule())
    )
    steps_label = _("Steps to f − f* ≤ {tol:g}, against the learning rate").format(tol=TOL)
    with layout.on_demand(steps_label, ps.key("stepsopen"), ":material/show_chart:") as shown:
        if shown:  # a second chart would make a fresh tab wait for it
            _steps_chart(data, chosen)
    _thresholds(data, chosen)
    picked = _picked(event, data)
    note = _("the clicked run")
    if picked is None:
        first = data[data["optimizer"] == chosen[0]]
        picked = (chosen[0], float(first.loc[first["drawn at"].idxmin(), "lr"]))
        note = _("the best run of the first optimizer; click a point in the chart to see another")
    name, lr = picked
    spec = core.get_spec(name)
    try:
        run = runs.run(Run.of(key, name, {**demo_hyperparameters(name), "lr": lr}, steps=steps, start=x0))
    except ValueError as err:
        layout.bad_settings(err)
        return
    left, right = st.columns([3, 2])
    left.image(
        plots.contour_png(key, ((name, run.points),)),
        width="stretch",
        caption=_("{optimizer} with lr = {lr:.4g} ({note})").format(
            optimizer=optimizer_name(spec.name), lr=lr, note=note
        ),
    )
    with right:
        st.markdown(
            _(
                "**Reading the chart.** Each optimizer has a window of learning rates that work. Below it the "
                "run is too slow to reach the tolerance; above it the steps overshoot and grow. On a quadratic, "
                "plain gradient descent is stable exactly when lr < 2/L, where L is the largest curvature. "
                "Adaptive methods rescale the step per coordinate, so their window sits elsewhere and is "
                "often wider."
            )
        )


def _optimizer_colors(names: list[str]) -> alt.Color:
    """Colour by display name (the legend's labels), one colour per optimizer as on every page."""
    scale = alt.Scale(domain=[optimizer_name(n) for n in names], range=[color(n) for n in names])
    return alt.Color("name:N", scale=scale, title=None, legend=alt.Legend(orient="bottom"))


# A filled ✕ in Vega's [-1, 1] symbol box, so the legend and the caption show the same mark.
X_SHAPE = "M-1,-0.7L-0.7,-1L0,-0.3L0.7,-1L1,-0.7L0.3,0L1,0.7L0.7,1L0,0.3L-0.7,1L-1,0.7L-0.3,0Z"


def _chart(data: pd.DataFrame, names: list[str], limit: float | None) -> Any:
    pick = alt.selection_point(name="pick", fields=["optimizer", "lr"], on="click")
    data = data.assign(shown=[_(STATUS.get(s, s)) for s in data["status"]])
    base = alt.Chart(data).encode(
        x=alt.X("lr:Q", scale=alt.Scale(type="log"), title=_("learning rate")),
        y=alt.Y("drawn at:Q", scale=alt.Scale(type="log"), title=_("final f − f*")),
        color=_optimizer_colors(names),
    )
    shown = [optimizer_name(n) for n in names]
    dashes = alt.StrokeDash("name:N", scale=alt.Scale(domain=shown, range=[dash(n) for n in names]), legend=None)
    line = base.mark_line(strokeWidth=1.5, opacity=0.6).encode(strokeDash=dashes)  # each optimizer's dash
    points = (
        base.mark_point(filled=True, size=28)
        .encode(
            shape=alt.Shape(
                "shown:N",
                scale=alt.Scale(domain=[_(s) for s in STATUS.values()], range=["circle", "triangle-down", X_SHAPE]),
                legend=alt.Legend(orient="bottom", title=None, symbolFillColor=INK, symbolStrokeColor=INK),
            ),
            opacity=alt.condition(pick, alt.value(1.0), alt.value(0.55)),
            tooltip=[
                alt.Tooltip("name:N", title=_("optimizer")),
                alt.Tooltip("lr:Q", format=".4g"),
                alt.Tooltip("final gap:Q", format=".3g", title=_("final gap")),
                alt.Tooltip("shown:N", title=_("status")),
                alt.Tooltip("steps to tolerance:Q", format=".0f", title=_("steps to tolerance")),
                alt.Tooltip("diverged at step:Q", format=".0f", title=_("diverged at step")),
            ],
        )
        .add_params(pick)
    )
    thresholds = data[data["status"] == "diverged"].groupby(["optimizer", "name"], as_index=False)["lr"].min()
    rules = (
        alt.Chart(thresholds)
        .mark_rule(strokeDash=[5, 4], strokeWidth=1.5)
        .encode(x="lr:Q", color=_optimizer_colors(names))
    )
    layers = [line, points, rules]
    if limit:
        layers.append(alt.Chart(pd.DataFrame({"lr": [limit]})).mark_rule(color=INK, strokeWidth=2).encode(x="lr:Q"))
    return alt.layer(*layers).properties(height=380)


def _steps_chart(data: pd.DataFrame, names: list[str]) -> None:
    """Steps needed to reach the tolerance against lr (runs that never reach it are left out)."""
    reached = data[data["status"] == "reached tolerance"]
    if reached.empty:
        st.caption(_("No run reached f − f* ≤ {tol:g} in this range of learning rates.").format(tol=TOL))
        return
    chart = (
        alt.Chart(reached)
        .mark_line(point=alt.OverlayMarkDef(size=14))
        .encode(
            x=alt.X("lr:Q", scale=alt.Scale(type="log"), title=_("learning rate")),
            y=alt.Y(
                "steps to tolerance:Q",
                scale=alt.Scale(type="log"),
                title=_("steps to f − f* ≤ {tol:g}").format(tol=TOL),
            ),
            color=_optimizer_colors(names),
            tooltip=[
                alt.Tooltip("name:N", title=_("optimizer")),
                alt.Tooltip("lr:Q", format=".4g"),
                alt.Tooltip("steps to tolerance:Q", format=".0f", title=_("steps to tolerance")),
            ],
        )
    )
    st.altair_chart(chart, width="stretch", height=260)


def _thresholds(data: pd.DataFrame, names: list[str]) -> None:
    rows = []
    for n in names:
        d = data[data["optimizer"] == n]
        div = d[d["status"] == "diverged"]["lr"]
        ok = d[d["status"] == "reached tolerance"]
        kept = d[d["status"] != "diverged"]
        best = kept.loc[kept["final gap"].idxmin()] if len(kept) else None
        rows.append(
            {
                _("optimizer"): optimizer_name(n),
                _("diverges from lr"): f"{div.min():.3g}" if len(div) else _("never (in range)"),
                _("best lr"): "—" if best is None else f"{best['lr']:.3g}",
                _("best final gap"): "—" if best is None else f"{best['final gap']:.3g}",
                _("fewest steps to gap ≤ {tol:g}").format(tol=TOL): f"{int(ok['steps to tolerance'].min())}"
                if len(ok)
                else _("never"),
            }
        )
    layout.markdown_table(pd.DataFrame(rows))


def _picked(event, data: pd.DataFrame) -> tuple[str, float] | None:
    """The (optimizer, lr) of the clicked point, if it is one of the points drawn.

    The selection comes from the browser and may be forged: anything but an optimizer of the
    chart and a finite lr within a relative 1e-9 of one of its swept values is ignored, and the
    lr used is the swept value itself.
    """
    try:
        item = event.selection["pick"][0]
        name, lr = item.get("optimizer"), item.get("lr")
    except (AttributeError, KeyError, IndexError, TypeError):
        return None
    if not isinstance(name, str) or isinstance(lr, bool) or not isinstance(lr, (int, float)):
        return None
    lr = float(lr)
    if not (math.isfinite(lr) and lr > 0):
        return None
    swept = data.loc[data["optimizer"] == name, "lr"].to_numpy(dtype=float)
    if swept.size == 0:
        return None
    nearest = swept[int(np.argmin(np.abs(np.log(swept / lr))))]
    if abs(nearest - lr) > 1e-9 * nearest:
        return None
    return name, float(nearest)


def _reduce(f: core.Objective, count: int, steps: int, runs_: int) -> tuple[int, int]:
    """Learning rates and steps that fit ``budget.limit("page")`` for ``runs_`` optimizers, counting the whole
    request (``plan``), with a note if cut."""
    c = budget.cost(f)  # measured before the clock is read: the measurement is part of the request
    fitted = plan(c, count, steps, runs_, spent=work.spent())
    cuts = (
        [_("{fitted} learning rates instead of {count}").format(fitted=fitted.points, count=count)]
        if fitted.points != count
        else []
    )
    cuts += (
        [_("{fitted} steps instead of {steps}").format(fitted=fitted.steps, steps=steps)]
        if fitted.steps != steps
        else []
    )
    work.reduced_note(c, cuts, fitted.reserved)
    return fitted.points, fitted.steps


def plan(c: budget.Cost, count: int, steps: int, runs_: int, spent: float = 0.0) -> budget.Plan:
    """The learning rates and steps of ``runs_`` sweeps on a landscape of cost ``c`` within ``budget.limit("page")``
    after ``spent`` (what the request used already: a new formula's check) and the rest of the page: the chart of
    every point, the thresholds table, the clicked run and its contour figure (``budget.drawing_seconds``)."""
    rest = budget.drawing_seconds(c, figures=1, landscapes=1, rows=count * runs_)
    rest += runs_ * budget.TABLE_ROW_SECONDS + c.run(1, steps)
    return budget.fit(c, count, steps, runs=runs_, min_points=MIN_COUNT, reserved=spent + rest)


def _sweeps(
    key: problem.Surface, chosen: list[str], x0: tuple, steps: int, lo: float, hi: float, count: int
) -> pd.DataFrame:
    """Every chosen optimizer's sweep, one at a time across sessions, with a progress bar (stop points), and where
    each point is drawn: its final gap, or the diverged runs' common band (``diverged_band``)."""
    heavy = budget.cost(problem.objective(key)).run(count, steps) > work.HEAVY_SECONDS
    bar = st.progress(0.0, text=_("Running the sweeps…"))
    frames = []
    for i, n in enumerate(chosen):
        spec = core.get_spec(n)
        hp = runs.freeze({k: v for k, v in demo_hyperparameters(n).items() if k != "lr"})
        text = _("Sweeping {optimizer}…").format(optimizer=optimizer_name(spec.name))
        if heavy:
            with work.heavy(bar, i / len(chosen), text):
                frames.append(sweep(key, n, hp, x0, steps, lo, hi, count))
        else:
            bar.progress(i / len(chosen), text=text)
            frames.append(sweep(key, n, hp, x0, steps, lo, hi, count))
    bar.empty()
    data = pd.concat(frames, ignore_index=True)
    f = problem.objective(key)
    band = diverged_band(data, float(metrics.gap(f, f.value(np.asarray(x0, dtype=float)))))
    gone = data["status"] == "diverged"
    return data.assign(
        **{
            "name": data["optimizer"].map({n: optimizer_name(n) for n in chosen}),
            "drawn at": data["final gap"].where(~gone, band),
            "diverged at step": data["diverged at"].where(gone),
        }
    )
