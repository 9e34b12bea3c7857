"""Presenter mode (``?present=1``): a projector-sized layout, and decks of prepared scenarios.

A deck is ``deck=<entry>|<entry>|…`` where an entry is an app path with its query, such as
``gd?fn=quadratic&lr=0.52`` (URL-encoded as a whole inside the link); ``slide=k`` (from 1) says
which one is open. Next and Previous (keys N and P) open a scenario as its link prepared it.
Pages rewrite the URL to their own settings, so ``mode`` puts the presenter's parameters back.
The sidebar's "Lecture deck" panel (``deck_panel``) builds a deck from the views a teacher adds;
the session remembers it for links that carry none (the top bar's), so it follows them from page to page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, Literal
from urllib.parse import parse_qsl, urlencode

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from . import i18n, state
from .i18n import _
from .pages import HOME, SECTIONS
from .text import code, plain

PRESENT, DECK, SLIDE = "present", "deck", "slide"
KEPT = (PRESENT, DECK, SLIDE)
MAX_SCENARIOS = 30
MAX_DECK_CHARS = 4000
NEXT_KEY, PREVIOUS_KEY = "N", "P"
_PREFIX = "present:"  # session keys that opening a scenario keeps (it forgets every other "page:name")
_KEPT_DECK = _PREFIX + "deck"  # the session's deck, for links without one
_NOTE = _PREFIX + "deck_note"  # why the last "Add this view" added nothing
_PANEL, _PANEL_OPEN = _PREFIX + "panel", _PREFIX + "panel_open"  # the panel's expander; whether it is open

FIGURE = "present-figure"  # the key of the container that holds a page's main figure (``figure``)
PLAYER = "present-player"  # the player's buttons and speed (``ui/player.py``)
STEP = "present-step"  # the player's step slider
BAR = "present-bar"  # the presenter's bar (deck controls, the way out)

# Static text only: nothing from the URL ever goes into it. The main block's children are a flex column, so
# ``order`` moves the block that holds the main figure (``figure``) up to the bar and the title: what stood between
# them follows it (``:has`` cannot nest, so every child is first sent down, and the ones to keep brought back).
# A step slider drawn below the figure (Compare's) goes up beside the player's buttons, above it. The figure's image
# is as tall as the screen leaves room for under the title and the player, in two rows (Basins' maps) half as tall
# (1 rem is 20 px here).
_MAIN = '[data-testid="stMainBlockContainer"] > [data-testid="stVerticalBlock"] >'
_WRAPPER = '[data-testid="stLayoutWrapper"]'  # what a keyed container's block sits in, beside its siblings
STYLE = f"""<style>
/* Descent Lab presenter mode: large type, the navigation out of the way, the main figure in the first screen */
html {{ font-size: 20px; }}
[data-testid="stHeader"] {{ transform: translateY(calc(-100% + 0.5rem)); transition: transform 0.2s; }}
[data-testid="stHeader"]:hover, [data-testid="stHeader"]:focus-within {{ transform: none; }}
[data-testid="stMainBlockContainer"] {{ max-width: 100%; padding: 0.75rem 2.5rem 3rem; }}
{_MAIN} * {{ order: 2; }}
{_MAIN} :has(h1, .st-key-{BAR}) {{ order: 0; }}
{_MAIN} :has(.st-key-{FIGURE}) {{ order: 1; }}
{_MAIN} :has(.st-key-{FIGURE}) ~ * {{ order: 3; }}
.st-key-{BAR} button {{ min-height: 0; padding-block: 0; }}
[data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li {{ font-size: 1.3rem; line-height: 1.55; }}
[data-testid="stCaptionContainer"] {{ font-size: 1.05rem; }}
h1 {{ font-size: 2.6rem !important; padding: 0 0 0.25rem !important; }}
h2, h3 {{ font-size: 2rem !important; }}
[data-testid="stImage"] img {{ width: 100%; max-height: 82vh; object-fit: contain; }}
.st-key-{FIGURE} [data-testid="stImage"] img {{ width: auto; max-height: calc(100vh - 15rem); margin: 0 auto; }}
{_WRAPPER}:has(> .st-key-{FIGURE}):has(~ {_WRAPPER} > .st-key-{STEP}) img {{ max-height: calc(100vh - 20rem); }}
.st-key-{FIGURE}:has(> {_WRAPPER} + {_WRAPPER}) img {{ max-height: calc(50vh - 5rem); }}
{_WRAPPER}:has(> .st-key-{FIGURE}) {{ order: 1; }}
{_WRAPPER}:has(> .st-key-{FIGURE}) ~ * {{ order: 2; }}
{_WRAPPER}:has(> .st-key-{STEP}) {{ order: 0; }}
[data-testid="stVegaLiteChart"] {{ min-height: 22rem; }}
[data-testid="stMetricValue"] {{ font-size: 2.6rem; }}
[data-testid="stMetricLabel"] [data-testid="stMarkdownContainer"], [data-testid="stMetricLabel"] p {{ white-space: normal; overflow: visible; }}
</style>"""


@dataclass(frozen=True)
class Scale:
    """How much larger presenter mode draws what CSS cannot reach: chart text and figures."""

    chart_text: float = 1.0  # Vega-Lite text, in fixed pixels whatever the page's font size
    chart_plot: float = 1.0  # a chart's plot height (its larger text, title and legend take more room around it)
    figure_text: float = 1.0  # matplotlib text, relative to its figure (the PNG already fills its column)
    figure_dpi: float = 1.0  # pixels per inch of a figure, so a PNG stretched over a projector stays sharp


SCREEN = Scale()
# Charts: 1.6 × Streamlit's sizes, like the presenter CSS's text (16 px -> 26 px), on a plot 0.8 × as tall, so a
# chart with its title and a legend of five below it fits a 1280×800 screen under the page's title. Figures: their
# text 1.25 × (they already grow with their column), drawn with 1.6 × the pixels.
PROJECTOR = Scale(chart_text=1.6, chart_plot=0.8, figure_text=1.25, figure_dpi=1.6)


@dataclass(frozen=True)
class Scenario:
    """One prepared view of a deck: which page, with which settings."""

    page: str
    title: str
    query: tuple[tuple[str, str], ...]


def figure(where: Any = st) -> DeltaGenerator:
    """The container for a page's main figure (in ``where``, else the page): presenter mode brings it up to the title
    and fits its image to the screen, and the browser test checks that it is in the first screen."""
    return where.container(key=FIGURE)


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


@dataclass(frozen=True)
class Deck:
    """What a ``deck`` value holds: its scenarios, and every entry left out with the reason.

    ``rejected``: entries that name no page; ``too_long``: whole entries past ``MAX_DECK_CHARS`` (a deck is cut
    between entries, never inside one); ``too_many``: entries past the first ``MAX_SCENARIOS``.
    """

    scenarios: list[Scenario]
    rejected: list[str]
    too_long: list[str]
    too_many: list[str]
    chars: int  # the length of the whole value


def _split(raw: str) -> list[str]:
    return [e.strip() for e in raw.split("|") if e.strip()]


def read_deck(raw: str) -> Deck:
    """The scenarios of a ``deck`` value, and what was left out of it and why."""
    head = raw
    if len(raw) > MAX_DECK_CHARS:
        head = raw[:MAX_DECK_CHARS]
        if raw[MAX_DECK_CHARS] != "|":  # cut inside an entry: keep only the entries before it
            head = head[: max(head.rfind("|"), 0)]
    entries = _split(head)
    pages = _pages_by_path()
    scenarios, rejected = [], []
    for entry in entries[:MAX_SCENARIOS]:
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
    return Deck(scenarios, rejected, _split(raw[len(head) :]), entries[MAX_SCENARIOS:], len(raw))


def parse_deck(raw: str) -> tuple[list[Scenario], list[str]]:
    """The scenarios of a ``deck`` value, and the entries that name no page of the app (skipped)."""
    deck = read_deck(raw)
    return deck.scenarios, deck.rejected


def _listed(entries: list[str], most: int = 3) -> str:
    """A few entries as code spans (text from a link), and how many more."""
    shown = ", ".join(code(e, 60) for e in entries[:most])
    return shown + (_(" and {n} more").format(n=len(entries) - most) if len(entries) > most else "")


def deck_notes(deck: Deck) -> list[str]:
    """What was left out of a deck and why, one sentence per reason (entries shown as code)."""
    notes = []
    if deck.too_long:
        notes.append(
            _(
                "This deck is {chars:,} characters long, longer than {n:,} characters (what a link can carry): "
                "its last {k} entries were left out: {entries}."
            ).format(chars=deck.chars, n=MAX_DECK_CHARS, k=len(deck.too_long), entries=_listed(deck.too_long))
        )
    if deck.too_many:
        notes.append(
            _("Only the first {n} scenarios of this deck are read; {k} more entries were left out: {entries}.").format(
                n=MAX_SCENARIOS, k=len(deck.too_many), entries=_listed(deck.too_many)
            )
        )
    if deck.rejected:
        notes.append(
            _("Entries left out because they name no page of the app: {n} ({entries}).").format(
                n=len(deck.rejected), entries=_listed(deck.rejected)
            )
        )
    return notes


def link_settings(s: Scenario) -> tuple[tuple[tuple[str, str], ...], list[str]]:
    """A scenario's settings that its page reads (``state.known_params``), and the names of the others.

    A page not yet run on this server has no known parameters yet: its settings are kept as given.
    """
    known = state.known_params(PurePosixPath(s.page).stem if s.page != HOME[0] else "")
    if known is None:
        return s.query, []
    kept = tuple((k, v) for k, v in s.query if k in known)
    return kept, [k for k, _v in s.query if k not in known]


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
    bar = st.container(horizontal=True, vertical_alignment="center", key=BAR)
    raw = st.query_params.get(DECK)
    if raw is not None:
        _deck_controls(bar, raw)
    bar.button(
        _("Leave presenter mode"), key=_PREFIX + "leave", icon=":material/close:", type="tertiary", on_click=_leave
    )


def _leave() -> None:
    """Button callback: drop the presenter's parameters; the page keeps its own, the deck panel its deck."""
    for k in KEPT:
        if k in st.query_params:
            del st.query_params[k]


def _deck_controls(bar: DeltaGenerator, raw: str) -> None:
    """Previous / Next over the deck's scenarios; a deck opened without a slide opens its first scenario."""
    deck = read_deck(raw)
    scenarios = deck.scenarios
    notes = deck_notes(deck)
    if notes:
        st.warning("\n\n".join(notes), icon=":material/warning:")
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


def _stored_deck() -> str:
    """The deck of this session: the URL's, else the one the session remembers."""
    raw = st.query_params.get(DECK)
    return raw if raw is not None else st.session_state.get(_KEPT_DECK, "")


def current_deck() -> str:
    """The session's deck, remembered from the URL or put back into it (not into a presenter mode opened without one)."""
    raw = st.query_params.get(DECK)
    if raw is not None:
        st.session_state[_KEPT_DECK] = raw
        return raw
    kept = st.session_state.get(_KEPT_DECK, "")
    if kept and not presenting():
        st.query_params[DECK] = kept
    return kept


def _entries(raw: str) -> list[tuple[str, dict[str, str]]]:
    return [(s.page, dict(s.query)) for s in parse_deck(raw)[0]]


def _set_deck(entries: list[tuple[str, dict[str, str]]]) -> None:
    """Make ``entries`` the session's deck, in the URL too (no ``deck`` once it is empty)."""
    raw = encode_deck(entries)
    st.session_state[_KEPT_DECK] = raw
    if raw:
        st.query_params[DECK] = raw
    elif DECK in st.query_params:
        del st.query_params[DECK]


def _add(url_path: str) -> None:
    """Button callback: append the open page with the settings its URL holds (what ``sync_url`` wrote)."""
    entries = _entries(_stored_deck())
    if len(entries) >= MAX_SCENARIOS:
        st.session_state[_NOTE] = _("A deck holds at most {n} scenarios: remove one before adding this view.").format(
            n=MAX_SCENARIOS
        )
        return
    query = {k: st.query_params[k] for k in st.query_params if k not in KEPT and k != i18n.PARAM}
    entries.append((_pages_by_path()[url_path][0], query))
    if len(encode_deck(entries)) > MAX_DECK_CHARS:
        st.session_state[_NOTE] = _(
            "This view does not fit: a deck's link holds at most {n} characters of settings. Remove a scenario first."
        ).format(n=MAX_DECK_CHARS)
        return
    _set_deck(entries)


def _remove(index: int) -> None:
    entries = _entries(_stored_deck())
    if 0 <= index < len(entries):
        del entries[index]
        _set_deck(entries)


def _move(index: int, by: int) -> None:
    entries = _entries(_stored_deck())
    other = index + by
    if 0 <= index < len(entries) and 0 <= other < len(entries):
        entries[index], entries[other] = entries[other], entries[index]
        _set_deck(entries)


def deck_address(raw: str, url_path: str) -> str:
    """The address that presents deck ``raw`` from its first scenario (in the session's language if one was chosen)."""
    query = urlencode({PRESENT: "1", DECK: raw, **i18n.url_params()})
    here = ""
    with suppress(Exception):  # no browser: a test or a script
        here = st.context.url or ""
    root = here.removesuffix("/" + url_path) if url_path else here
    return f"{root.rstrip('/')}/?{query}"


def deck_panel(url_path: str) -> None:
    """The sidebar's "Lecture deck": add the open view, reorder and remove scenarios, present them, copy the link.

    ``url_path``: the open page's (``st.navigation``'s; "" for home). The deck lives in the URL's ``deck``.
    """
    raw = current_deck()
    deck = read_deck(raw)
    scenarios = deck.scenarios
    known = url_path in _pages_by_path()
    st.session_state[_PANEL] = st.session_state.get(_PANEL_OPEN, False)  # a new page starts its widgets afresh
    with st.sidebar.expander(
        _("Lecture deck"), icon=":material/co_present:", key=_PANEL, on_change=_panel_toggled
    ) as box:
        if not box.open:  # drawn only when open: every page's fresh tab stays light
            return
        if not scenarios:
            st.caption(
                _(
                    "Collect views of the app for a lesson, each with its page's settings, then present them one "
                    "after another (N and P step through them)."
                )
            )
        st.button(
            _("Add this view"),
            key=_PREFIX + "add",
            icon=":material/add:",
            on_click=_add,
            args=(url_path,),
            disabled=not known,
            width="stretch",
        )
        note = st.session_state.pop(_NOTE, None)
        if note:
            st.warning(note, icon=":material/warning:")
        for note in deck_notes(deck):
            st.caption(note)
        for i, s in enumerate(scenarios):
            _scenario_row(i, s, len(scenarios))
        if not scenarios:
            return
        settings = [link_settings(s) for s in scenarios]
        dropped = [f"{i + 1} · {code(' '.join(names), 60)}" for i, (_kept, names) in enumerate(settings) if names]
        if dropped:
            st.caption(
                _("Settings their page does not read are left out of the deck's link: {entries}.").format(
                    entries="; ".join(dropped)
                )
            )
        clean = encode_deck([(s.page, dict(kept)) for s, (kept, _names) in zip(scenarios, settings, strict=True)])
        if st.button(
            _("Present"), key=_PREFIX + "present", icon=":material/slideshow:", type="primary", width="stretch"
        ):
            _open(read_deck(clean).scenarios, 0, clean)
        st.caption(_("Link to this deck, to share or to open on the classroom's computer:"))
        st.code(deck_address(clean, url_path), language=None)  # one line, scrolled; a button copies it
        st.button(
            _("Clear the deck"),
            key=_PREFIX + "clear",
            icon=":material/delete_sweep:",
            type="tertiary",
            on_click=_set_deck,
            args=([],),
        )


def _panel_toggled() -> None:
    st.session_state[_PANEL_OPEN] = bool(st.session_state.get(_PANEL))


def _scenario_row(i: int, s: Scenario, n: int) -> None:
    """One scenario of the panel: its number and page, its settings (text from the URL, as code), its buttons."""
    row = st.container(horizontal=True, wrap=False, vertical_alignment="center", gap="xxsmall")
    row.markdown(f"**{i + 1}** · {plain(_(s.title), 40)}", width="stretch")
    row.button(
        "",
        key=f"{_PREFIX}up:{i}",
        icon=":material/arrow_upward:",
        help=_("Move up"),
        type="tertiary",
        on_click=_move,
        args=(i, -1),
        disabled=i == 0,
    )
    row.button(
        "",
        key=f"{_PREFIX}down:{i}",
        icon=":material/arrow_downward:",
        help=_("Move down"),
        type="tertiary",
        on_click=_move,
        args=(i, 1),
        disabled=i + 1 == n,
    )
    row.button(
        "",
        key=f"{_PREFIX}remove:{i}",
        icon=":material/close:",
        help=_("Remove"),
        type="tertiary",
        on_click=_remove,
        args=(i,),
    )
    settings = " ".join(f"{k}={v}" for k, v in s.query)
    if settings:
        st.caption(code(settings, 60))
