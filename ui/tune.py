"""A "Tune" button for any page with hyperparameter sliders: one click sets them to what ``core.tune`` finds.

The sliders keep the user's values until the button is pressed; the tuned values are searched
on the sliders' own steps (``controls.log_options`` for log sliders, the slider grid otherwise),
so every value set is one the slider and the page's link can hold. A single start is judged
together with ``NEAR_STARTS`` - 1 starts near it (as the Fair race judges over several starts),
so no setting wins by a coincidence of that one start; the page's default setting and the
sliders' current values are trials too, so tuning never scores worse than either.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import streamlit as st

import core
from core.defaults import demo_hyperparameters
from core.run import page_defaults
from core.tune import SCORES, Dimension, search_space, starts

from . import controls, runs
from .i18n import _, optimizer_name
from .problem import Surface, objective
from .state import PageState

Items = tuple  # sorted (name, value) pairs: hashable arguments for the cache
NEAR_STARTS = 8  # a single start is judged with this many starts in all: itself and others near it
NEAR_SPREAD = 0.1  # the others lie within this share of the box's side of it


def slider_values(spec: core.OptimizerSpec, dim: Dimension, default: float) -> list[float]:
    """Every value the slider of ``dim`` can show, as ``ui.controls`` draws it with this ``default``."""
    if dim.log:
        return controls.log_options(dim.low, dim.high)
    step = controls._linear_step(dim.low, dim.high, default)  # the slider's own step
    decimals = round(-math.log10(step))
    return [round(dim.low + k * step, decimals) for k in range(round((dim.high - dim.low) / step) + 1)]


def page_values(key: Surface, name: str, best: Mapping[str, Any]) -> dict[str, Any]:
    """``best`` as optimizer ``name``'s page takes it from a link: each value of a linear slider moved to that
    slider's nearest step (a link off its grid is refused); a log slider has a box that takes any value."""
    spec = core.get_spec(name)
    page = page_defaults(key, name)
    out = dict(best)
    for d in search_space(name):
        if d.log or d.hyper not in out:
            continue
        default = page.get(d.hyper, spec.hyper(d.hyper).default)
        value = out[d.hyper] if d.index is None else out[d.hyper][d.index]
        start = default if d.index is None else default[d.index]
        near = min(slider_values(spec, d, start), key=lambda o: abs(o - float(value)))
        if d.index is None:
            out[d.hyper] = near
        else:
            out[d.hyper] = tuple(near if i == d.index else v for i, v in enumerate(out[d.hyper]))
    return out


def widget_key(ps: PageState, spec: core.OptimizerSpec, dim: Dimension, prefix: str = "") -> str:
    """The session-state key of the slider of ``dim``: ``prefix + url name`` (+ the element for pairs)."""
    h = spec.hyper(dim.hyper)
    return ps.key(prefix + h.url_name + ("" if dim.index is None else str(dim.index)))


@st.cache_data(max_entries=64, ttl=3600, show_spinner=False)
def tuned(
    key: Surface,
    name: str,
    x0: tuple,
    steps: int,
    fixed: Items,
    options: Items,
    settings: Items = (),
    include: tuple[Items, ...] = (),
) -> core.TuneResult:
    """``core.tune`` on landscape ``key`` restricted to the sliders' values, ``include``d settings as trials (cached).

    A single start ``x0`` is judged with the starts near it (``judged_starts``).
    """
    f = objective(key)
    return core.tune(
        f,
        name,
        steps=steps,
        x0=judged_starts(f, x0),
        fixed=dict(fixed),
        options={k: list(v) for k, v in options},
        include=[dict(i) for i in include],
        **dict(settings),
    )


def judged_starts(f: core.Objective, x0: Any) -> np.ndarray:
    """The starts a tuning run is judged from: several given starts as they are; one start with
    ``NEAR_STARTS`` - 1 seeded random starts within ``NEAR_SPREAD`` of the box's side of it."""
    points = np.asarray(x0, dtype=float)
    points = points.reshape(-1, points.shape[-1])
    if len(points) > 1:
        return points
    return starts(f, NEAR_STARTS, seed=0, x0=points[0], spread=NEAR_SPREAD)


def tune_args(
    key: Surface,
    name: str,
    x0: Any,
    steps: int,
    hyperparameters: dict[str, Any] | None = None,
    prefix: str = "",
    **settings: Any,
) -> tuple:
    """The cached ``tuned`` call's arguments for the Tune button of optimizer ``name`` (hashable).

    The hyperparameters not searched keep the page's values; the searched ones go over the sliders'
    steps; the page's default setting on this landscape and its current values are included trials.
    """
    spec = core.get_spec(name)
    defaults = demo_hyperparameters(name)
    searched = {d.hyper for d in search_space(name)}
    current = dict(hyperparameters or {})
    fixed = {k: v for k, v in current.items() if k not in searched}
    options = []
    for dim in search_space(name, fixed):
        default = defaults[dim.hyper] if dim.index is None else defaults[dim.hyper][dim.index]
        options.append((dim.column, tuple(slider_values(spec, dim, default))))
    page_default = controls.starting_hyperparameters(key, name)
    include = tuple(
        runs.freeze({k: v for k, v in setting.items() if k in searched}) for setting in (page_default, current)
    )
    points = np.asarray(x0, dtype=float)
    start = tuple(map(tuple, points.reshape(-1, points.shape[-1]).tolist()))
    return (key, name, start, int(steps), runs.freeze(fixed), tuple(options), runs.freeze(settings), include)


def tuned_values(ps: PageState, name: str, result: core.TuneResult, prefix: str = "") -> dict[str, float]:
    """The session-state values that put ``result.best`` into the page's sliders, by widget key."""
    spec = core.get_spec(name)
    out = {}
    for dim in (d for d in search_space(name) if d.column in result.trials):
        value = result.best[dim.hyper]
        out[widget_key(ps, spec, dim, prefix)] = float(value if dim.index is None else value[dim.index])
    return out


def tuned_labels(name: str, result: core.TuneResult) -> list[str]:
    """How the tuned note names each searched value, in ``tuned_values``' order: a hyperparameter by its torch name
    (lr, momentum), an element of a pair by its symbol (β₁ rather than the URL's ``betas0``)."""
    spec = core.get_spec(name)
    hypers = {h.name: h for h in spec.hypers}
    return [
        d.hyper if d.index is None else hypers[d.hyper].elements()[d.index][0]
        for d in search_space(name)
        if d.column in result.trials
    ]


def tune_button(
    ps: PageState,
    key: Surface,
    name: str,
    x0: Any,
    steps: int,
    where: Any = st,
    *,
    prefix: str = "",
    hyperparameters: dict[str, Any] | None = None,
    **settings: Any,
) -> None:
    """A "Tune" button that sets optimizer ``name``'s tunable sliders to the tuned values from ``x0``.

    ``prefix`` is the one given to ``controls.hyperparameters``; ``hyperparameters`` (the page's
    current values) keeps its other settings (ε, weight decay …) fixed while tuning; ``settings``
    go to ``core.tune`` (``budget``, ``score``, ``noise`` …). Only a press changes the sliders.
    """
    spec = core.get_spec(name)
    args = tune_args(key, name, x0, steps, hyperparameters, **settings)
    fixed = dict(args[4])
    note_key = ps.key(prefix + "_tuned")
    where.button(
        _("Tune"),
        icon=":material/auto_fix_high:",
        key=ps.key(prefix + "tune"),
        on_click=_apply,
        args=(ps, prefix, note_key, args),
        help=_help(spec, len(args[2]), budget=settings.get("budget", 64), fixed=fixed),
    )
    note = st.session_state.get(note_key)
    if note is not None and note[0] == args[:-1]:  # the included current values change with the sliders
        where.caption(note[1])


def _help(spec: core.OptimizerSpec, given: int, budget: int, fixed: dict[str, Any]) -> str:
    """The Tune button's help: what is searched, from which starts, and that the default is a trial."""
    text = (
        _(
            "Search {optimizer}'s {hyperparameters} with {budget} trials, each judged from this start and {near} "
            "starts near it (so no lucky start decides), and set the sliders to the best. The default and the "
            "current settings are trials too."
        )
        if given == 1
        else _(
            "Search {optimizer}'s {hyperparameters} with {budget} trials, each judged from the same {starts} "
            "starts, and set the sliders to the best. The default and the current settings are trials too."
        )
    )
    return text.format(
        optimizer=optimizer_name(spec.name),
        hyperparameters=", ".join(d.column for d in search_space(spec.name, fixed)),
        budget=budget,
        near=NEAR_STARTS - 1,
        starts=given,
    )


def _apply(ps: PageState, prefix: str, note_key: str, args: tuple) -> None:
    """Button callback: tune, then write the tuned values into the sliders' session state."""
    result = tuned(*args)
    values = tuned_values(ps, args[1], result, prefix)
    st.session_state.update(values)
    shown = ", ".join(
        f"{label} = {v:g}" for label, v in zip(tuned_labels(args[1], result), values.values(), strict=True)
    )
    st.session_state[note_key] = (
        args[:-1],
        _("Tuned: {values} ({score} = {value:.3g}, the mean over {n} starts).").format(
            values=shown,
            score=_(SCORES[result.metric]),
            value=result.score,
            n=len(judged_starts(objective(args[0]), args[2])),
        ),
    )
