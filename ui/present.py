"""Presenter mode (``?present=1``): a projector-sized layout, and decks of prepared scenarios.

A deck is ``deck=<entry>|<entry>|…`` where an entry is an app path with its query, such as
``gd?fn=quadratic&lr=0.52`` (URL-encoded as a whole inside the link); ``slide=k`` (from 1) says
which one is open. Next and Previous (keys N and P) open a scenario as its link prepared it.
Pages rewrite the URL to their own settings, so ``mode`` puts the presenter's parameters back.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Literal
from urllib.parse import parse_qsl, urlencode

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from .i18n import _
from .pages import HOME, SECTIONS
from .text import code, plain

PRESENT, DECK, SLIDE = "present", "deck", "slide"
KEPT = (PRESENT, DECK, SLIDE)
MAX_SCENARIOS = 30
MAX_DECK_CHARS = 4000
NEXT_KEY, PREVIOUS_KEY = "N", "P"
_PREFIX = "present:"

# Static text only: nothing from the URL ever goes into it.
STYLE = """<style>
/* Descent Lab presenter mode: large type and full-width figures for a projector */
html { font-size: 20px; }
[data-testid="stMainBlockContainer"] { max-width: 100%; padding: 4rem 2.5rem 3rem; }
[data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li { font-size: 1.3rem; line-height: 1.55; }
[data-testid="stCaptionContainer"] { font-size: 1.05rem; }
h1 { font-size: 3rem !important; }
h2, h3 { font-size: 2rem !important; }
[data-testid="stImage"] img { width: 100%; max-height: 82vh; object-fit: contain; }
[data-testid="stVegaLiteChart"] { min-height: 22rem; }
[data-testid="stMetricValue"] { font-size: 2.6rem; }
[data-testid="stMetricLabel"] [data-testid="stMarkdownContainer"], [data-testid="stMetricLabel"] p { white-space: normal; overflow: visible; }
</style>"""


@dataclass(frozen=True)
class Scale:
    """How much larger presenter mode draws what CSS cannot reach: chart text and figures."""

    chart_text: float = 1.0  # Vega-Lite text, in fixed pixels whatever the page's font size
    figure_text: float = 1.0  # matplotlib text, relative to its figure (the PNG already fills its column)
    figure_dpi: float = 1.0  # pixels per inch of a figure, so a PNG stretched over a projector stays sharp


SCREEN = Scale()
# Charts: 1.6 × Streamlit's sizes, like the presenter CSS's text (16 px -> 26 px). Figures: their text
# 1.25 × (they already grow with their column), drawn with 1.6 × the pixels.
PROJECTOR = Scale(chart_text=1.6, figure_text=1.25, figure_dpi=1.6)


@dataclass(frozen=True)
class Scenario:
    """One prepared view of a deck: which page, with which settings."""

    page: str
    title: str
    query: tuple[tuple[str, str], ...]


def presenting() -> bool:
    """Whether the URL asks for presenter mode."""
    return st.query_params.get(PRESENT) == "1"


def scale() -> Scale:
    """The one place that decides how large charts and figures draw their text: larger while presenting."""
    return PROJECTOR if presenting() else SCREEN


def sidebar_state() -> Literal["collapsed"] | None:
    """``st.set_page_config``'s ``initial_sidebar_state``: collapsed while presenting, else left as it is (None)."""
    return "collapsed" if presenting() else None


def _pages_by_path() -> dict[str, tuple[str, str]]:
    """URL path (the page file's stem; "" for home) -> (page file, title)."""
    out = {PurePosixPath(path).stem: (path, title) for pages in SECTIONS.values() for path, title, _icon in pages}
    out[""] = (HOME[0], HOME[1])
    return out


def parse_deck(raw: str) -> tuple[list[Scenario], list[str]]:
    """The scenarios of a ``deck`` value, and the entries that name no page of the app (skipped)."""
    pages = _pages_by_path()
    scenarios, rejected = [], []
    for entry in [e.strip() for e in raw[:MAX_DECK_CHARS].split("|") if e.strip()][:MAX_SCENARIOS]:
        path, _sep, query = entry.partition("?")
        target = pages.get(path.strip("/"))
        try:
            pairs = parse_qsl(query, keep_blank_values=True, strict_parsing=bool(query))
        except ValueError:
            target = None
        if target is None:
            rejected.append(entry)
            continue
        settings = tuple((k, v) for k, v in dict(pairs).items() if k not in KEPT)
        scenarios.append(Scenario(target[0], target[1], settings))
    return scenarios, rejected


def encode_deck(entries: list[tuple[str, dict[str, str]]]) -> str:
    """The ``deck`` value for ``(page file, settings)`` pairs (``page_link``/``switch_page`` encode it for the URL)."""
    return "|".join(PurePosixPath(page).stem + (f"?{urlencode(query)}" if query else "") for page, query in entries)


def deck_link(entries: list[tuple[str, dict[str, str]]]) -> dict[str, str]:
    """Query parameters that open ``entries`` as a deck in presenter mode (no slide: the first scenario opens fresh)."""
    return {PRESENT: "1", DECK: encode_deck(entries)}


@contextmanager
def mode() -> Iterator[None]:
    """Around the page run: the projector style and the deck bar, then the presenter's URL parameters kept."""
    if not presenting():
        yield
        return
    kept = {k: st.query_params[k] for k in KEPT if k in st.query_params}
    st.html(STYLE)
    _bar()
    yield
    for k, v in kept.items():  # the page replaced the URL by its own settings
        if st.query_params.get(k) != v:
            st.query_params[k] = v


_SLIDE_NUMBER = re.compile(r"[0-9]{1,3}", re.ASCII)


def _bar() -> None:
    """The presenter's bar above the page: the deck's controls if there is a deck, and a way out."""
    bar = st.container(horizontal=True, vertical_alignment="center")
    raw = st.query_params.get(DECK)
    if raw is not None:
        _deck_controls(bar, raw)
    bar.button(
        _("Leave presenter mode"), key=_PREFIX + "leave", icon=":material/close:", type="tertiary", on_click=_leave
    )


def _leave() -> None:
    """Button callback: drop the presenter's parameters; the page keeps its own."""
    for k in KEPT:
        if k in st.query_params:
            del st.query_params[k]


def _deck_controls(bar: DeltaGenerator, raw: str) -> None:
    """Previous / Next over the deck's scenarios; a deck opened without a slide opens its first scenario."""
    scenarios, rejected = parse_deck(raw)
    if rejected:
        st.warning(
            _("These deck entries name no page and were skipped: {entries}").format(
                entries=", ".join(code(r, 60) for r in rejected[:5])
            ),
            icon=":material/warning:",
        )
    if not scenarios:
        return
    slide = st.query_params.get(SLIDE)
    if slide is None:
        _open(scenarios, 0, raw)
    at = int(slide) - 1 if slide and _SLIDE_NUMBER.fullmatch(slide) and 1 <= int(slide) <= len(scenarios) else None
    if at is None:
        st.warning(
            _("slide = {slide} is not a scenario of this deck (1 to {n}).").format(
                slide=code(slide, 20), n=len(scenarios)
            ),
            icon=":material/warning:",
        )
    if (
        bar.button(
            _("Previous"),
            key=_PREFIX + "previous",
            icon=":material/arrow_back:",
            shortcut=PREVIOUS_KEY,
            disabled=not at,
        )
        and at
    ):
        _open(scenarios, at - 1, raw)
    if bar.button(
        _("Next"),
        key=_PREFIX + "next",
        icon=":material/arrow_forward:",
        shortcut=NEXT_KEY,
        disabled=at is not None and at + 1 >= len(scenarios),
    ):
        _open(scenarios, 0 if at is None else at + 1, raw)
    if at is not None:
        s = scenarios[at]
        settings = " ".join(f"{k}={v}" for k, v in s.query)
        bar.markdown(
            _("Scenario **{k}** of {n} · {title}").format(k=at + 1, n=len(scenarios), title=plain(_(s.title)))
            + (f" · {code(settings, 80)}" if settings else "")
        )


def _open(scenarios: list[Scenario], index: int, raw: str) -> None:
    """Open scenario ``index`` fresh: every page setting is forgotten, so the scenario's own link decides."""
    for key in list(st.session_state.keys()):
        if isinstance(key, str) and ":" in key and not key.startswith(_PREFIX):
            del st.session_state[key]
    s = scenarios[index]
    st.switch_page(s.page, query_params={**dict(s.query), PRESENT: "1", DECK: raw, SLIDE: str(index + 1)})
