"""Small page furniture shared by all pages: headers, error boxes, divergence notes."""

from __future__ import annotations

import streamlit as st

import core

from .text import plain


def optimizer_header(spec: core.OptimizerSpec) -> None:
    """Title, paper, update rule beside the intuition, and a suggestion of what to try (one click away),
    short enough that the figure and its play buttons start in view on a laptop."""
    st.title(spec.display_name)
    st.caption(
        f"{spec.year} · [{spec.paper}]({spec.paper_url})"
        + (f" · `torch.optim.{spec.torch_name}`" if spec.torch_name else "")
    )
    left, right = st.columns([1, 1], gap="large")
    with left:
        st.latex(stacked(spec.rule_latex))
    with right:
        st.markdown(spec.intuition)
        with st.expander("Try this", icon=":material/science:"):
            st.markdown(spec.try_this)


def divergence_note(diverged: dict[str, tuple[int, float | None]]) -> None:
    """One plain message for every run that blew up: where, and the largest lr that stays on the landscape.

    ``diverged`` maps a display name to (step at which it left the landscape, largest stable lr or None).
    """
    if not diverged:
        return
    parts = []
    for label, (step, stable) in diverged.items():
        hint = f"an lr up to about {stable:.2g} stays on the landscape" if stable else "no smaller lr helps"
        parts.append(f"**{label}** left the landscape at step {step} ({hint})")
    st.warning(
        "Some runs diverged, so their paths end early: " + "; ".join(parts) + ". "
        "Lower the learning rate, or press Tune.",
        icon=":material/trending_up:",
    )


def landscape_name(f: core.Objective) -> str:
    """The landscape's name for Markdown text; a formula typed by the user is named, not quoted."""
    return "your formula" if f.name == "custom" else plain(f.display_name)


def bad_settings(err: Exception, who: str = "") -> None:
    """Settings the optimizer refuses (a message that may quote user values, so shown as text)."""
    st.error(f"{plain(who) + ': ' if who else ''}These settings cannot run: {plain(err, 300)}", icon=":material/block:")


def formula_error(err: Exception) -> None:
    """A formula that cannot be used; the message may quote the formula, so it is shown as text."""
    st.error(f"That formula cannot be used: {plain(err, 300)}", icon=":material/edit:")


def stacked(latex: str) -> str:
    """An update rule written as ``a,\\quad b`` shown one equation per line, so it fits narrow columns."""
    body = latex.replace(r",\qquad", r" \\[4pt] ").replace(r",\quad", r" \\[4pt] ")
    return r"\begin{gathered}" + body + r"\end{gathered}"
