"""Guided lessons: short story-driven pages with live figures, each ending in links into the lab.

Each lesson module has a ``render`` (its page) and a ``TRY_IT`` list of ``(page file, label, settings)``
links, which are also the lesson's presenter deck.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import PurePosixPath

import streamlit as st

from core.run import Run

from .. import present
from ..i18n import _
from ..pages import LESSONS
from ..state import PageState, page_state

Link = tuple[str, str, dict[str, str]]  # (page file, label, query parameters)


def run_link(run: Run, label: str) -> Link:
    """A link to ``run`` on its optimizer's page (the page runs exactly ``run``: ``core.run``)."""
    return f"pages/{run.optimizer}.py", label, run.to_query()


def lesson(file: str, title: str, subtitle: str, body: Callable[[PageState], None]) -> None:
    """A lesson page: its title, "Lesson k of n" with ``subtitle``, then ``body`` with settings bound to the URL."""
    files = [path for path, _title, _icon in LESSONS]
    st.title(title)
    st.caption(_("Lesson {k} of {n} · {subtitle}").format(k=files.index(file) + 1, n=len(files), subtitle=subtitle))
    with page_state(PurePosixPath(file).stem) as ps:
        body(ps)


def try_it(links: list[Link], lesson: str) -> None:
    """The closing "Try it yourself" links into the lab pages, the deck of them, and the next lesson."""
    st.divider()
    st.subheader(_("Try it yourself"))
    for page, label, query in links:
        st.page_link(page, label=_(label), icon=":material/open_in_new:", query_params=query)
    st.page_link(
        links[0][0],
        label=_("Show these on a projector (presenter mode: N / P to step through)"),
        icon=":material/co_present:",
        query_params=present.deck_link([(p, q) for p, _label, q in links]),
    )
    files = [path for path, _title, _icon in LESSONS]
    here = files.index(lesson)
    if here + 1 < len(files):
        path, title, _icon = LESSONS[here + 1]
        st.page_link(path, label=_("Next lesson: {title}").format(title=_(title)), icon=":material/arrow_forward:")
