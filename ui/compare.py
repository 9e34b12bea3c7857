"""The Compare page: several optimizers on one landscape, and the article's exact setting."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

import core
from core import article, budget, metrics
from core.run import Formula, Landscape, Run

from . import charts, controls, layout, player, plots, present, runs, tune, work
from .export import article_exports, compare_exports
from .i18n import _, optimizer_name
from .problem import Surface
from .state import PageState, page_state
from .text import plain

PAGE = "compare"


def render() -> None:
    st.title(_("Compare optimizers"))
    with page_state(PAGE) as ps:
        _body(ps)


def _body(ps: PageState) -> None:
    side = st.sidebar
    article_key = ps.init("article", False, _zero_or_one)
    st.button(
        _("Reproduce the article"),
        icon=":material/play_arrow:",
        on_click=lambda: st.session_state.__setitem__(article_key, True),
        help=_(
            "Exactly the article's setting: lr 0.4, 20 steps, ε inside the square root, Adam from (−6, −6) "
            "with its early stop."
        ),
        type="primary",
    )
    on = controls.toggle(
        ps,
        "article",
        _("Article setting"),
        False,
        where=side,
        help=_("Show the article's five runs exactly as published."),
    )
    if on:
        _article(ps)
    else:
        _free(ps, side)


def _zero_or_one(raw: str) -> bool:
    """The article switch from the URL: exactly "1" or "0"."""
    if raw not in ("0", "1"):
        raise ValueError(_("expected 1 or 0"))
    return raw == "1"


def _article(ps: PageState) -> None:
    st.caption(
        _(
            "f(x, y) = 0.1x² + 2y², lr 0.4 for every method, 20 steps, c = 1e-6 inside the square root; "
            "GD, Momentum (γ = 0.5), Adagrad and RMSprop (γ = 0.9) start at (−4, −6), Adam (β = 0.9, 0.999) at "
            "(−6, −6) and stops once |x| ≤ 0.1 and |y| < 0.1."
        )
    )
    names = list(core.ARTICLE_OPTIMIZERS)
    trajectories = {n: runs.article_run(n) for n in names}
    found = {n: runs.article_findings(n) for n in names}
    paths = tuple((n, trajectories[n].points) for n in names)
    left, right = st.columns([3, 2], gap="large")
    with left:
        animation(
            ps,
            Landscape(article.FUNCTION),
            paths,
            article.STEPS,
            _("Level sets of √f on [−8, 8]², as in the article: start ○, ends ✕"),
            box=article.BOX,
            article_look=True,
        )
    with right:
        charts.lines({n: trajectories[n].values for n in names}, _("Loss"), "f", log=True, height=360).show(st)
        adam = found["adam"]
        st.caption(
            _(
                "Adam's line goes flat after step {stopped}: the article stops Adam once {rule}, which it meets "
                "after {stopped} updates (f = {loss}); the other four run all {steps} steps. Run on, Adam swings "
                "past the minimum: f = {unstopped} at step {steps}."
            ).format(
                stopped=adam["stopped_at"],
                rule=_(article.STOP_RULE),
                loss=f"{adam['final_loss']:.2g}",
                steps=article.STEPS,
                unstopped=f"{adam['unstopped_final_loss']:.2g}",
            )
        )
    st.subheader(_("What the article concludes, and what its own numbers show"))
    layout.markdown_table(_claims_table(found))
    st.caption(
        _(
            "Two yardsticks: the article's own stopping rule ({rule}) and this app's f − f* ≤ 1e-3. Adam starts "
            "farther out than the others, at (−6, −6)."
        ).format(rule=_(article.STOP_RULE))
    )
    table = _metrics_table(core.get_function("quadratic"), trajectories)
    table.insert(1, _("start"), ["({:g}, {:g})".format(*article.STARTS[n]) for n in names])
    table.insert(
        4,
        _("first step with {rule}").format(rule=_(article.STOP_RULE)),
        [_step_or_never(found[n]["stop_rule_step"]) for n in names],
    )
    _show_metrics(table)
    article_exports(ps, paths)
    with layout.on_demand(_("3-D surface (√f)"), "compare:surfaceopen") as shown:
        if not shown:
            return
        st.image(
            plots.surface_png(
                Landscape(article.FUNCTION),
                tuple((n, trajectories[n].points) for n in names),
                box=article.BOX,
                article=True,
            ),
            width="stretch",
        )


def animation(
    ps: PageState,
    key: Surface,
    paths: tuple[plots.Path, ...],
    steps: int,
    caption: str,
    box: tuple | None = None,
    article_look: bool = False,
) -> None:
    """The contour of every path with the player: Play / Pause, speed and a step slider (the paths grow with t)."""
    player.show(ps, steps, _animation_view, key, paths, steps, caption, box, article_look)


def _animation_view(
    ps: PageState,
    interval: float | None,
    key: Surface,
    paths: tuple[plots.Path, ...],
    steps: int,
    caption: str,
    box: tuple | None,
    article_look: bool,
) -> None:
    """Buttons, the contour with every path cut at step t, and the step slider (the player's fragment)."""
    player.controls(ps, steps, interval, help=_("Move every optimizer one step at a time, together."))
    figure = present.figure()
    t = player.slider(ps, steps, _("Step t (every optimizer)"), steps)
    figure.image(
        plots.contour_png(key, tuple((n, p[: t + 1]) for n, p in paths), box=box, article=article_look),
        caption=caption + " · " + _("All optimizers after {t} of {steps} steps").format(t=t, steps=steps),
        width="stretch",
    )


def _step_or_never(step: int) -> str:
    """A step number for a table cell, or "never" for -1."""
    return _("never") if step < 0 else str(step)


def _claims_table(found: dict[str, dict]) -> pd.DataFrame:
    """The article's conclusion for each method beside what its own run measures, so a reader can judge them."""
    first_stop = min((f["stop_rule_step"] for f in found.values() if f["stop_rule_step"] >= 0), default=-1)
    first_tol = min((f["steps_to_tol"] for f in found.values() if f["steps_to_tol"] >= 0), default=-1)
    rows = []
    for n, f in found.items():
        stop, tol = f["stop_rule_step"], f["steps_to_tol"]
        first = _(" (first)")
        shown = [
            _("meets the stopping rule at step {step}").format(step=stop) + (first if stop == first_stop else "")
            if stop >= 0
            else _("never meets the stopping rule in {steps} steps").format(steps=article.STEPS),
            _("f − f* ≤ 1e-3 at step {step}").format(step=tol) + (first if tol == first_tol else "")
            if tol >= 0
            else _("never reaches f − f* ≤ 1e-3"),
        ]
        if f["stopped_at"] >= 0:
            shown.append(
                _("stopped after {n} updates at f = {loss}; run on, f = {unstopped} at step {steps}").format(
                    n=f["stopped_at"],
                    loss=f"{f['final_loss']:.2g}",
                    unstopped=f"{f['unstopped_final_loss']:.2g}",
                    steps=article.STEPS,
                )
            )
        else:
            shown.append(_("f = {loss} after {steps} steps").format(loss=f"{f['final_loss']:.2g}", steps=article.STEPS))
        rows.append(
            {
                _("optimizer"): optimizer_name(n),
                _("the article says"): _(article.CONCLUSIONS[n]),
                _("its own numbers show"): _("; ").join(shown) + _("."),
            }
        )
    return pd.DataFrame(rows)


def _free(ps: PageState, side) -> None:
    chosen = controls.optimizers(ps, list(core.ARTICLE_OPTIMIZERS), where=side)
    side.header(_("Landscape"))
    run_setup = controls.setup(ps, where=side, steps=50)
    if run_setup is None:
        return
    key, f, x0, steps = run_setup.key, run_setup.f, run_setup.x0, run_setup.steps
    extra = controls.section(ps, "extra", _("Schedule and gradient noise"), controls.EXTRA_DEFAULTS, side)
    schedule = controls.schedule_picker(ps, steps, tuple(chosen), where=extra)
    noise = controls.number(
        ps, "noise", _("noise σ"), 0.0, 5.0, 0.0, where=extra, help=_("Gaussian noise added to every gradient.")
    )
    seeds, seed = 1, 0
    if noise > 0:
        seeds = controls.integer(ps, "seeds", _("runs per optimizer (seeds)"), 1, 50, 20, where=extra)
        seed = controls.integer(ps, "seed", _("seed"), 0, 999, 0, where=extra)
    side.header(_("Hyperparameters"))
    # A new formula tunes each optimizer's starting lr: as many optimizers as the page's limit leaves room for.
    suggest = budget.SUGGEST_SECONDS if isinstance(key, Formula) else 0.0
    chosen = work.fit_optimizers(f, chosen, steps, seeds, per_optimizer=suggest)
    hps = {}
    for n in chosen:
        spec, prefix = core.get_spec(n), f"{n}."
        box = controls.hyper_section(ps, spec, controls.starting_hyperparameters(key, n), side)
        hps[n] = controls.hyperparameters(ps, spec, key, prefix=prefix, where=box)
        tune.tune_button(ps, key, n, x0, steps, prefix=prefix, hyperparameters=hps[n], where=box)
    if not chosen:
        st.info(_("Choose at least one optimizer in the sidebar."))
        return

    steps = work.fit_steps(f, steps, len(chosen), seeds)  # a costly formula: fewer steps, said in a note
    specs = [
        Run.of(key, n, hp, schedule, steps=steps, start=x0, noise=noise, seeds=seeds, seed=seed)
        for n, hp in hps.items()
    ]
    trajectories = runs.run_all(specs)
    if not trajectories:
        return
    single = {n: _first(r) for n, r in trajectories.items()}

    values = readable_losses(single)
    positive = charts.all_positive(values)
    left, right = st.columns([3, 2], gap="medium")
    with left:
        animation(
            ps,
            key,
            tuple((n, r.points) for n, r in single.items()),
            steps,
            _("{landscape}: start ○, ends ✕, known minima ★").format(landscape=layout.landscape_name(f)),
        )
    with right:
        st.latex(f.latex)
        if f.description:
            st.caption(plain(_(f.description), None))
        if noise > 0 and seeds > 1:
            charts.band(
                _band_frame(trajectories),
                _("Loss over {n} noisy runs: median and 10–90 %").format(n=seeds),
                "f",
                log=positive,
            ).show(st)
        else:
            charts.lines(values, _("Loss"), "f", log=positive, height=340).show(st)
    _show_metrics(_metrics_table(f, single))
    if schedule is not None:
        lrs = {n: r.lr for n, r in single.items() if r.lr is not None}
        charts.lines(lrs, _("Learning rate at each update"), "lr", height=240).show(st)

    compare_exports(ps, specs, single)


def _first(run: core.Trajectory) -> core.Trajectory:
    """The first member of a batch of noisy runs (or the run itself)."""
    if run.points.ndim == 2:
        return run
    lr = run.lr[:, 0] if run.lr is not None and run.lr.ndim == 2 else run.lr
    return core.Trajectory(
        points=run.points[:, 0],
        values=run.values[:, 0],
        diverged_at=run.diverged_at[0],
        stopped_at=run.stopped_at[0],
        steps=run.steps,
        record=run.record,
        lr=lr,
    )


def _band_frame(trajectories: dict[str, core.Trajectory]) -> pd.DataFrame:
    frames = []
    for n, r in trajectories.items():
        v = np.where(np.isfinite(r.values), r.values, np.nan)
        steps = np.flatnonzero(np.isfinite(v).any(axis=1))  # steps where at least one run is still finite
        lo, med, hi = metrics.nan_percentiles(v[steps], (10, 50, 90))
        frames.append(pd.DataFrame({"step": steps, "series": n, "median": med, "lo": lo, "hi": hi}))
    return pd.concat(frames, ignore_index=True).dropna()


def readable_losses(runs_: dict[str, core.Trajectory]) -> dict[str, np.ndarray]:
    """Loss curves a chart can show: a diverged run ends where it left the landscape, and values more than
    1000 times the largest starting loss (the blow-up just before) are left out, so the axis stays readable."""
    starts = [abs(float(r.values[0])) for r in runs_.values() if np.isfinite(r.values[0])]
    cap = 1e3 * max(starts, default=1.0) if starts else np.inf
    out = {}
    for n, r in runs_.items():
        v = np.array(r.values, dtype=float)
        if r.diverged_at >= 0:
            v[int(r.diverged_at) :] = np.nan
        with np.errstate(invalid="ignore"):
            v[np.abs(v) > cap] = np.nan
        out[n] = v
    return out


def _metrics_table(f: core.Objective, trajectories: dict[str, core.Trajectory]) -> pd.DataFrame:
    """One row per optimizer; a diverged run says so instead of showing overflowed numbers."""
    rows = []
    for n, r in trajectories.items():
        s = metrics.summary(f, r)
        gone = bool(s["diverged_at"] >= 0)
        shown = lambda v, gone=gone: "—" if gone or not np.isfinite(v) else f"{v:.4g}"
        rows.append(
            {
                _("optimizer"): optimizer_name(n),
                _("final loss"): shown(s["final_loss"]),
                _("distance to minimum"): shown(s["distance"]),
                _("steps to f − f* ≤ 1e-3"): _("never") if s["steps_to_tol"] < 0 else str(s["steps_to_tol"]),
                _("path length"): shown(s["path_length"]),
                _("diverged"): _("yes, at step {step}").format(step=s["diverged_at"]) if gone else _("no"),
            }
        )
    return pd.DataFrame(rows)


def _show_metrics(metrics_table: pd.DataFrame) -> None:
    numbers = (_("final loss"), _("distance to minimum"), _("path length"))
    layout.markdown_table(metrics_table, right=numbers)
