"""Small page furniture shared by all pages: headers, error boxes, divergence notes."""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pandas as pd
import streamlit as st

import core
from core import metrics
from core.functions import display_name

from .i18n import _, error_text, optimizer_name
from .state import PageState
from .text import plain, table


def optimizer_header(spec: core.OptimizerSpec) -> None:
    """Title and paper: one short row, so the figure and its play buttons are in view on a laptop."""
    st.title(optimizer_name(spec.name))
    st.caption(
        f"{spec.year} · [{spec.paper}]({spec.paper_url})"
        + (f" · `torch.optim.{spec.torch_name}`" if spec.torch_name else "")
    )


def optimizer_rule(spec: core.OptimizerSpec) -> None:
    """The update rule beside the intuition, and a suggestion of what to try (one click away)."""
    left, right = st.columns([1, 1], gap="large")
    with left:
        rule(spec.rule_latex)
    with right:
        st.markdown(_(spec.intuition))
        with st.expander(_("Try this"), icon=":material/science:"):
            st.markdown(_(spec.try_this))


def rule(latex: str, where: Any = st) -> None:
    """An update rule: an SVG picture from matplotlib's mathtext where it reads the LaTeX (no KaTeX fonts and
    layout for a fresh tab, where the rule is a page's only formula), else KaTeX."""
    from .plots import formula_svg

    # The server's theme when it sets one (``--theme.base dark``), else the browser's colour scheme, which
    # Streamlit's default theme follows.
    theme = st.get_option("theme.base")
    svg = formula_svg(latex, theme if theme in ("light", "dark") else None)
    if svg is None:
        where.latex(stacked(latex))
    else:
        where.image(svg)


def divergence_note(diverged: dict[str, tuple[int, float | None]]) -> None:
    """One plain message for every run that diverged: at which step, the largest lr that does not, and the definition.

    ``diverged`` maps a display name to (step at which it diverged by ``core.metrics.diverged_at``, largest lr
    that does not diverge or None).
    """
    if not diverged:
        return
    parts = []
    for label, (step, stable) in diverged.items():
        hint = (
            _("an lr up to about {lr} does not diverge").format(lr=f"{stable:.2g}")
            if stable
            else _("no smaller lr helps")
        )
        parts.append(_("**{name}** diverged at step {step} ({hint})").format(name=label, step=step, hint=hint))
    st.warning(
        _("Some runs diverged: {runs}. {rule} Lower the learning rate, or press Tune.").format(
            runs=_("; ").join(parts), rule=divergence_rule()
        ),
        icon=":material/trending_up:",
    )


def divergence_rule() -> str:
    """``core.metrics.DIVERGENCE_RULE`` in the session's language: what every page means by a diverged run."""
    return _(metrics.DIVERGENCE_RULE).format(growth=f"{metrics.GROWTH:g}")


def landscape_name(f: core.Objective) -> str:
    """The landscape's name for Markdown text; a formula typed by the user is named, not quoted."""
    return _("your formula") if f.name == "custom" else plain(function_name(f))


def function_name(f: core.Objective) -> str:
    """The landscape's display name in the current language (a parametrised one names its values)."""
    return display_name(f, _)


def bad_settings(err: Exception, who: str = "") -> None:
    """Settings the optimizer refuses (a message that may quote user values, so shown as text)."""
    message = _("These settings cannot run: {why}").format(why=plain(error_text(err), 300))
    st.error(f"{plain(who)}: {message}" if who else message, icon=":material/block:")


def formula_error(err: Exception) -> None:
    """A formula that cannot be used; the message may quote the formula, so it is shown as text."""
    st.error(_("That formula cannot be used: {why}").format(why=plain(error_text(err), 300)), icon=":material/edit:")


def stacked(latex: str) -> str:
    """An update rule written as ``a,\\quad b`` shown one equation per line, so it fits narrow columns."""
    body = latex.replace(r",\qquad", r" \\[4pt] ").replace(r",\quad", r" \\[4pt] ")
    return r"\begin{gathered}" + body + r"\end{gathered}"


def markdown_table(
    frame: pd.DataFrame, formats: dict[str, str] | None = None, where: Any = st, right: tuple[str, ...] = ()
) -> None:
    """A small table as Markdown (``text.table``): each column written with its ``formats`` entry (numbers
    ``{:.4g}`` by default), numbers and the columns in ``right`` (numbers already written) aligned right,
    missing values as "—". A table element would make a fresh tab download a large grid module first."""
    formats = formats or {}
    numeric = {c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])}

    def cell(column: str, value: Any) -> str:
        if isinstance(value, float) and not math.isfinite(value):
            return "—"
        default = "{:.4g}" if isinstance(value, float) else "{}"
        return formats.get(column, default).format(value)

    rows = [{str(c): cell(c, v) for c, v in row.items()} for row in frame.to_dict("records")]
    where.markdown(table(rows, right=(*(str(c) for c in numeric), *right)))


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """``frame`` as a CSV download: UTF-8 with a byte-order mark, so Excel on Windows reads "∇", "θ" and Chinese
    headers as they are (without it, it guesses the local code page); Python, pandas and R skip the mark."""
    return frame.to_csv(index=False).encode("utf-8-sig")


def tabs_on_demand(labels: list[str], key: str, ps: PageState | None = None, ids: list[str] | None = None) -> list[Any]:
    """Tabs of which only the open one is drawn (the others are ``None``): a fresh tab draws the first alone.

    With ``ps``, the open tab is kept in the URL (parameter: ``key`` less the page's prefix; value: its entry
    of ``ids``, the tab's number from 1 by default, so a link works in either language): a reopened link opens
    the same tab. The first tab is left out of the URL, and so is a name it does not know (the first tab opens).
    """
    if ps is None:
        return [tab if tab.open is not False else None for tab in st.tabs(labels, key=key, on_change="rerun")]
    name = key.removeprefix(ps.key(""))
    tokens = ids or [str(i) for i in range(1, len(labels) + 1)]
    if key not in st.session_state:  # a fresh session: the link's tab, if it names one
        raw = st.query_params.get(name)
        if raw in tokens:
            st.session_state[key] = labels[tokens.index(raw)]
            ps.mark_explicit(name)
    tabs = st.tabs(labels, key=key, on_change="rerun")
    open_ = [tab.open is not False for tab in tabs]
    if any(open_[1:]):
        ps.publish(name, tokens[open_.index(True)])
    return [tab if shown else None for tab, shown in zip(tabs, open_, strict=True)]


@contextmanager
def on_demand(
    label: str, key: str, icon: str | None = None, where: Any = st, ps: PageState | None = None
) -> Iterator[bool]:
    """An expander whose body is drawn only while it is open (a closed one's content would still be sent
    and laid out, hidden); yields whether it is open. With ``ps``, an open one is kept in the URL (``key`` less
    the page's prefix = 1), so a link reopens it, and the tabs inside it (``tabs_on_demand``) with it."""
    name = key.removeprefix(ps.key("")) if ps is not None else ""
    if ps is not None and key not in st.session_state and st.query_params.get(name) == "1":
        st.session_state[key] = True
        ps.mark_explicit(name)
    with where.expander(label, key=key, icon=icon, on_change="rerun") as box:
        if ps is not None and box.open:
            ps.publish(name, "1")
        yield bool(box.open)
