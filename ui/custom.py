"""The "Your own function" page: type f(x, y), see its gradient and how optimizers move on it."""
from __future__ import annotations

import numpy as np
import streamlit as st

import core
from core.formula import EXAMPLES, gradient_latex

from . import charts, controls, layout, plots, problem, runs
from .state import PageState
from .text import plain

PAGE = "custom"


def render() -> None:
    ps = PageState(PAGE)
    st.title("Your own function")
    st.markdown("Type any formula in x and y. It is parsed safely (only arithmetic, numbers, x, y, pi, e and "
                "named math functions; nothing is executed), differentiated symbolically and compiled to "
                "vectorised NumPy. It then works on every page: pick *Your own formula…* in the function menu.")
    ps.show_warnings()
    side = st.sidebar
    side.selectbox("Load an example", ["—"] + list(EXAMPLES), key=ps.key("example"),
                   on_change=lambda: _load_example(ps))
    picked = controls.landscape(ps, where=side, default=problem.CUSTOM)
    if picked is None:
        ps.sync_url()
        return
    key, f = picked
    if key[0] != problem.CUSTOM:
        st.info("This page is about custom formulas: choose *Your own formula…* in the function menu.")
    chosen = controls.optimizers(ps, ["gd", "momentum", "adam"], where=side)
    lr = controls.number(ps, "lr", "learning rate (all optimizers)", 1e-4, 2.0, 0.01, log=True, where=side)
    x0 = controls.start_picker(ps, f, where=side)
    steps = controls.steps_picker(ps, default=100, where=side)

    st.latex(f.latex)
    if key[0] == problem.CUSTOM:
        gx, gy = gradient_latex(key[1])
        st.latex(r"\nabla f = \begin{pmatrix} " + gx + r" \\ " + gy + r" \end{pmatrix}")
    st.caption(plain(f.description, None))
    trajectories = {}
    for n in chosen:
        spec = core.get_spec(n)
        try:
            trajectories[n] = runs.run(key, n, runs.freeze({**spec.defaults, **spec.demo, "lr": lr}), x0, steps)
        except ValueError as err:
            layout.bad_settings(err)
    for n, r in trajectories.items():
        if r.diverged_at >= 0:
            layout.divergence_note(int(r.diverged_at), core.get_spec(n).display_name)
    left, right = st.columns([3, 2], gap="medium")
    left.image(plots.contour_png(key, tuple((n, r.points) for n, r in trajectories.items())), width="stretch",
               caption="Start ○, ends ✕, approximate minimum ★ (grid search)")
    with right:
        values = {n: r.values for n, r in trajectories.items()}
        with np.errstate(all="ignore"):
            positive = all(np.all(v[np.isfinite(v)] > 0) for v in values.values())
        charts.lines(values, "Loss", "f", log=positive, height=340).show(st)
        if key[0] == problem.CUSTOM:
            st.page_link("pages/compare.py", label="Open this function on the Compare page", icon=":material/open_in_new:",
                         query_params={"fn": problem.CUSTOM, "formula": key[1], "boxr": str(key[2][1])})
    ps.sync_url()


def _load_example(ps: PageState) -> None:
    """Put the chosen example into the formula box."""
    name = st.session_state.get(ps.key("example"))
    if name in EXAMPLES:
        st.session_state[ps.key("fn")] = problem.CUSTOM
        st.session_state[ps.key("formula")] = EXAMPLES[name]
