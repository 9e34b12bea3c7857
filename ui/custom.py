"""The "Your own function" page: type f(x, y), see its gradient and how optimizers move on it."""

from __future__ import annotations

import streamlit as st

import core
from core.defaults import demo_hyperparameters
from core.formula import EXAMPLES, gradient_latex
from core.run import Formula, Run

from . import charts, controls, plots, present, problem, runs, work
from .i18n import N_, _
from .state import PageState, page_state
from .text import plain

PAGE = "custom"
# The names of ``core.formula.EXAMPLES``, marked for translation (shown with ``_``).
EXAMPLE_NAMES = (N_("Egg crate"), N_("Tilted valley"), N_("Wavy trough"), N_("Banana"), N_("Two wells"), N_("Funnel"))


def render() -> None:
    st.title(_("Your own function"))
    st.markdown(
        _(
            "Type any formula in x and y. It is parsed safely (only arithmetic, numbers, x, y, pi, e and "
            "named math functions; nothing is executed), differentiated symbolically and compiled to "
            "vectorised NumPy. It then works on every page: pick *Your own formula…* in the Landscape menu."
        )
    )
    with page_state(PAGE) as ps:
        _body(ps)


def _body(ps: PageState) -> None:
    side = st.sidebar
    side.selectbox(
        _("Load an example"),
        ["—", *list(EXAMPLES)],
        format_func=lambda name: name if name == "—" else _(name),
        key=ps.key("example"),
        on_change=lambda: _load_example(ps),
    )
    picked = controls.landscape(ps, where=side, default=problem.CUSTOM)
    chosen = controls.optimizers(ps, ["gd", "momentum", "adam"], where=side)
    lr = controls.number(ps, "lr", _("learning rate (all optimizers)"), 1e-4, 2.0, 0.01, log=True, where=side)
    if picked is None:
        return
    key, f = picked
    if not isinstance(key, Formula):
        st.info(_("This page is about custom formulas: choose *Your own formula…* in the Landscape menu."))
    x0 = controls.start_picker(ps, f, where=side)
    steps = controls.steps_picker(ps, default=100, where=side)

    st.latex(f.latex)
    if isinstance(key, Formula):
        _gradient(key.text)
    st.caption(plain(_(f.description), None))
    steps = _reduce(f, steps, len(chosen))
    trajectories = runs.run_all(
        [Run.of(key, n, {**demo_hyperparameters(n), "lr": lr}, steps=steps, start=x0) for n in chosen]
    )
    left, right = st.columns([3, 2], gap="medium")
    present.figure(left).image(
        plots.contour_png(key, tuple((n, r.points) for n, r in trajectories.items())),
        width="stretch",
        caption=_("Start ○, ends ✕, approximate minimum ★ (grid search)"),
    )
    with right:
        values = {n: r.values for n, r in trajectories.items()}
        positive = charts.all_positive(values)
        charts.lines(values, _("Loss"), "f", log=positive, height=340).show(st)
        if isinstance(key, Formula):
            st.page_link(
                "pages/compare.py",
                label=_("Open this landscape on the Compare page"),
                icon=":material/open_in_new:",
                query_params={
                    **{k: ps.url[k] for k in ("fn", "formula", "boxr", "opts", "steps", "x0", "y0")},
                    **{f"{n}.lr": ps.url["lr"] for n in chosen},
                },
            )


def _reduce(f: core.Objective, steps: int, runs_: int) -> int:
    """The steps that fit ``budget.limit("page")`` for ``runs_`` single-start runs, with a note if cut."""
    return work.fit_steps(f, steps, runs_)


def _gradient(text: str) -> None:
    """∇f typeset, or a short note where a partial derivative is too large for KaTeX."""
    gx, gy = gradient_latex(text)
    if gx is not None and gy is not None:
        st.latex(r"\nabla f = \begin{pmatrix} " + gx + r" \\ " + gy + r" \end{pmatrix}")
        return
    for name, tex in (("x", gx), ("y", gy)):
        if tex is not None:
            st.latex(rf"\frac{{\partial f}}{{\partial {name}}} = " + tex)
    missing = [f"∂f/∂{name}" for name, tex in (("x", gx), ("y", gy)) if tex is None]
    st.caption(
        (
            _(
                "{derivative} is too large to typeset here; the gradient is still computed exactly and used by every optimizer."
            )
            if len(missing) == 1
            else _(
                "{derivative} are too large to typeset here; the gradient is still computed exactly and used by every "
                "optimizer."
            )
        ).format(derivative=_(" and ").join(missing))
    )


def _load_example(ps: PageState) -> None:
    """Put the chosen example into the formula box."""
    name = st.session_state.get(ps.key("example"))
    if name in EXAMPLES:
        st.session_state[ps.key("fn")] = problem.CUSTOM
        st.session_state[ps.key("formula")] = EXAMPLES[name]
