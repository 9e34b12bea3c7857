"""The app's navigation, and the guard that routes a page file opened on its own through it.

On a freshly started server Streamlit treats a ``pages/`` folder as a legacy multipage app
until the entrypoint has run once, so the first visitor of a deep link (``/adam``) would get
the page file without the navigation. ``page`` detects that and runs the navigation instead.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from . import i18n, present, state, theme, work
from .i18n import _
from .pages import SECTIONS

_INSIDE = "_descent_lab_navigation"


def run_app() -> None:
    """Set up the page, build the navigation from ``ui.pages`` and run the chosen page."""
    work.begin_request()  # the run's CPU clock: a 2-D page plans its runs within what its limit leaves
    work.one_blas_thread()
    i18n.setup()
    st.set_page_config(
        page_title="Descent Lab", page_icon="⛰️", layout="wide", initial_sidebar_state=present.sidebar_state()
    )
    st.html(theme.STYLE)  # style only: Streamlit puts it outside the page's layout
    navigation = st.navigation(
        {
            _(section): [
                st.Page(path, title=_(title), icon=icon, default=(path == "pages/home.py"))
                for path, title, icon in pages
            ]
            for section, pages in SECTIONS.items()
        },
        position="top",
        expanded=True,
    )  # every section in the top bar; a phone's sidebar lists every page
    i18n.language_switch()
    state.running_page(navigation.url_path)
    present.deck_panel(navigation.url_path)
    st.session_state[_INSIDE] = True
    try:
        with present.mode():
            navigation.run()
        for name, value in i18n.url_params().items():  # pages without settings (home) keep the language too
            if st.query_params.get(name) != value:
                st.query_params[name] = value
    finally:
        st.session_state.pop(_INSIDE, None)


def page(render: Callable[[], None]) -> None:
    """Draw a page: directly when reached through the navigation, else via ``run_app``."""
    if st.session_state.get(_INSIDE):
        render()
    else:
        run_app()
