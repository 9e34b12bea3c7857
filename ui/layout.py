"""Small page furniture shared by all pages: headers, error boxes, divergence notes."""
from __future__ import annotations

import streamlit as st

import core


def optimizer_header(spec: core.OptimizerSpec) -> None:
    """Title, paper, update rule, intuition and a suggestion of what to try."""
    st.title(spec.display_name)
    st.caption(f"{spec.year} · [{spec.paper}]({spec.paper_url})"
               + (f" · `torch.optim.{spec.torch_name}`" if spec.torch_name else ""))
    left, right = st.columns([3, 2], gap="large")
    with left:
        st.latex(stacked(spec.rule_latex))
        st.markdown(spec.intuition)
    with right:
        st.info(f"**Try this:** {spec.try_this}", icon=":material/science:")


def divergence_note(diverged_at: int, label: str = "") -> None:
    """A clear in-page message instead of an exception when a run blows up."""
    who = f"{label} " if label else ""
    st.error(f"{who}diverged at step {diverged_at}: the path left the landscape (overflow or a point "
             f"far outside the plot). Try a smaller learning rate. The finite part of the path is still drawn.",
             icon=":material/warning:")


def bad_settings(err: Exception) -> None:
    st.error(f"These settings cannot run: {err}", icon=":material/block:")


def formula_error(err: Exception) -> None:
    st.error(f"That formula cannot be used: {err}", icon=":material/edit:")


def stacked(latex: str) -> str:
    """An update rule written as ``a,\\quad b`` shown one equation per line, so it fits narrow columns."""
    body = latex.replace(r",\qquad", r" \\[4pt] ").replace(r",\quad", r" \\[4pt] ")
    return r"\begin{gathered}" + body + r"\end{gathered}"


def plain(text: str) -> str:
    """``text`` with Markdown's special characters escaped (formulas contain ``*`` and ``_``)."""
    return "".join("\\" + c if c in "\\`*_{}[]<>()#+-.!|~$" else c for c in text)
