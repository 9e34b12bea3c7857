"""Page settings that live in the URL: read query parameters once, validate, write them back.

Each page owns a ``PageState``; widget keys are prefixed with the page name so pages never
share widget state, while the URL uses short parameter names (``lr``, ``fn``, ``steps``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import streamlit as st

from core.run import format_value

from . import i18n
from .i18n import N_, _, error_text
from .text import code, plain

Parser = Callable[[str], Any]

# Every parameter each page has read or written on this server, by its URL path ("" for home): what a deck's
# link keeps (``ui/present.py``). Names come from the code, never from a link, so the table stays small.
_KNOWN: dict[str, set[str]] = {}
_RUNNING = "_descent_lab_page_path"  # session key: the URL path of the page this run draws


def running_page(url_path: str) -> None:
    """Record that this run draws the page at ``url_path``: its settings are learned as its ``PageState`` reads them."""
    st.session_state[_RUNNING] = url_path
    _KNOWN.setdefault(url_path, set())


def known_params(url_path: str) -> frozenset[str] | None:
    """The parameters the page at ``url_path`` reads, learned from its runs on this server (None: not run yet)."""
    names = _KNOWN.get(url_path)
    return None if names is None else frozenset(names)


def _learn(name: str) -> None:
    path = st.session_state.get(_RUNNING)
    if path is not None:
        _KNOWN.setdefault(path, set()).add(name)


class PageState:
    """Binds one page's widgets to ``st.session_state`` and to the URL's query parameters.

    Use it through ``page_state``, which gives every page the same lifecycle.
    """

    def __init__(self, page: str):
        self.page = page
        self.url: dict[str, str] = {}
        self._slot: Any = None
        self._cut_short = False

    def key(self, name: str) -> str:
        """The session-state key of setting ``name`` on this page."""
        return f"{self.page}:{name}"

    def init(self, name: str, default: Any, parse: Parser) -> str:
        """Give setting ``name`` its first value (from the URL if valid, else ``default``); return its key."""
        key = self.key(name)
        _learn(name)
        if key not in st.session_state:
            raw = st.query_params.get(name)
            value = default
            if raw is not None:
                try:
                    value = parse(raw)
                    self.mark_explicit(name)
                except (ValueError, TypeError) as err:
                    self._warn(name, raw, error_text(err), default)
            st.session_state[key] = value
        return key

    def mark_explicit(self, name: str) -> None:
        """Record that the user (or the link) chose setting ``name``: a new landscape keeps it."""
        key = self.key("_explicit")
        st.session_state[key] = st.session_state.get(key, frozenset()) | {name}

    def depends_on_landscape(self, name: str) -> None:
        """Record that setting ``name`` starts from a value that suits the landscape."""
        key = self.key("_dependent")
        if name not in st.session_state.get(key, frozenset()):
            st.session_state[key] = st.session_state.get(key, frozenset()) | {name}

    def new_landscape(self, always: tuple[str, ...] = ()) -> None:
        """Forget ``always`` and every landscape-dependent setting the user did not choose, so they restart
        from the new landscape's defaults (a callback: runs before the widgets exist)."""
        explicit = st.session_state.get(self.key("_explicit"), frozenset())
        dependent = st.session_state.get(self.key("_dependent"), frozenset())
        for name in set(always) | (dependent - explicit):
            st.session_state.pop(self.key(name), None)
            if name in st.query_params:
                del st.query_params[name]

    def get(self, name: str, default: Any = None) -> Any:
        return st.session_state.get(self.key(name), default)

    def set(self, name: str, value: Any) -> None:
        st.session_state[self.key(name)] = value

    def publish(self, name: str, value: Any) -> None:
        """Put the current value of ``name`` into the URL at the end of the run."""
        _learn(name)
        self.url[name] = format_value(value)

    def cut_short(self) -> None:
        """This run stops before drawing every control (an invalid formula): the link keeps the others."""
        self._cut_short = True

    def sync_url(self) -> None:
        """Replace the URL's query parameters by this run's settings and show the URL warnings still due."""
        last = self.key("_url")
        if self._cut_short:
            self.url = {**st.session_state.get(last, {}), **self.url}
        st.session_state[last] = dict(self.url)
        wanted = {**self.url, **kept_params()}
        if dict(st.query_params) != wanted:
            st.query_params.from_dict(wanted)
        notes = self._current_warnings()
        if notes and self._slot is not None:
            self._slot.warning(
                _("Some link settings were not valid and were replaced by defaults:")
                + "\n\n"
                + "\n".join(f"- {n}" for n in notes),
                icon=":material/warning:",
            )

    def show_warnings(self) -> None:
        """Reserve the place where warnings about bad URL values appear (filled by ``sync_url``)."""
        self._slot = st.container()

    def _warn(self, name: str, raw: str, why: str, replacement: Any) -> None:
        key = self.key("_warnings")
        notes = dict(st.session_state.get(key, {}))
        note = _("**{name}** = {value} was ignored: {why}").format(
            name=plain(name, None), value=code(raw, 40), why=plain(why, 120)
        )
        notes[name] = (note, replacement)
        st.session_state[key] = notes

    def _current_warnings(self) -> list[str]:
        """Warnings whose setting still holds the value that replaced the bad one; the others are dropped."""
        key = self.key("_warnings")
        notes = st.session_state.get(key, {})
        kept = {
            name: (note, value)
            for name, (note, value) in notes.items()
            if self.key(name) not in st.session_state or _same(st.session_state[self.key(name)], value)
        }
        if kept != notes:
            st.session_state[key] = kept
        return [note for note, _value in kept.values()]


KEPT_PARAMS = ("present", "deck", "slide")  # presenter mode's (``ui/present.py``), kept as they are


def kept_params() -> dict[str, str]:
    """URL parameters that are not any page's settings and survive its rewrite: the language, presenter mode."""
    kept = {k: st.query_params[k] for k in KEPT_PARAMS if k in st.query_params}
    return {**i18n.url_params(), **kept}


@contextmanager
def page_state(page: str) -> Iterator[PageState]:
    """One page run: settings read from the URL, a place for URL warnings, the URL written back.

    The URL is written when the block ends, by falling off its end or by an early ``return``.
    """
    ps = PageState(page)
    ps.show_warnings()
    yield ps
    ps.sync_url()


def _same(a: Any, b: Any) -> bool:
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return False


_ASCII_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", re.ASCII)


_NOT = {"a number": N_("not a number"), "a whole number": N_("not a whole number")}
_NOT_DIGITS = {
    "a number": N_("not a number (write it with the digits 0-9)"),
    "a whole number": N_("not a whole number (write it with the digits 0-9)"),
}


def _ranged(convert: Callable[[str], Any], what: str, lo: float, hi: float) -> Parser:
    """A parser converting with ``convert`` and accepting a finite value in [lo, hi] written in ASCII digits."""

    def parse(raw: str) -> Any:
        if not _ASCII_NUMBER.fullmatch(raw.strip()):
            raise ValueError(_(_NOT_DIGITS[what]))
        try:
            value = convert(raw)
        except ValueError:
            raise ValueError(_(_NOT[what])) from None
        if not (lo <= value <= hi and math.isfinite(value)):  # range first: a huge int overflows isfinite
            raise ValueError(_("must be between {lo} and {hi}").format(lo=f"{lo:g}", hi=f"{hi:g}"))
        return value

    return parse


def parse_float(lo: float, hi: float) -> Parser:
    """A parser accepting a finite number in [lo, hi]."""
    return _ranged(float, "a number", lo, hi)


def parse_int(lo: int, hi: int) -> Parser:
    """A parser accepting a whole number in [lo, hi]."""
    return _ranged(int, "a whole number", lo, hi)


def parse_bool(raw: str) -> bool:
    if raw in ("1", "true", "True"):
        return True
    if raw in ("0", "false", "False"):
        return False
    raise ValueError(_("expected 1 or 0"))


def parse_choice(options: list[str]) -> Parser:
    def parse(raw: str) -> str:
        if raw not in options:
            listed = ", ".join(options[:8]) + ("…" if len(options) > 8 else "")
            raise ValueError(_("unknown value (choose from {options})").format(options=listed))
        return raw

    return parse


def parse_choices(options: list[str], max_items: int = 20) -> Parser:
    """A comma-separated subset of ``options``."""

    def parse(raw: str) -> list[str]:
        items = [s for s in raw.split(",") if s][:max_items]
        bad = [s for s in items if s not in options]
        if bad or not items:
            raise ValueError(_("unknown value(s) {values}").format(values=", ".join(bad) or _("(empty)")))
        return list(dict.fromkeys(items))

    return parse


def parse_text(max_len: int) -> Parser:
    def parse(raw: str) -> str:
        if len(raw) > max_len:
            raise ValueError(_("longer than {n} characters").format(n=max_len))
        return raw

    return parse


def snap(options: list[float]) -> Callable[[Parser], Parser]:
    """Wrap a float parser so the value lands on the nearest of ``options`` (log sliders)."""

    def wrap(inner: Parser) -> Parser:
        def parse(raw: str) -> float:
            value = inner(raw)
            best = min(options, key=lambda o: abs(math.log(max(o, 1e-300)) - math.log(max(value, 1e-300))))
            if not math.isclose(best, value, rel_tol=1e-9, abs_tol=1e-300):
                raise ValueError(
                    _("{value} is not one of the slider's values (nearest is {best})").format(
                        value=f"{value:g}", best=f"{best:g}"
                    )
                )
            return best

        return parse

    return wrap


def on_grid(origin: float, step: float) -> Callable[[Parser], Parser]:
    """Wrap a float parser so the value must lie on the slider's grid ``origin + k * step``."""

    def wrap(inner: Parser) -> Parser:
        def parse(raw: str) -> float:
            value = inner(raw)
            snapped = origin + round((value - origin) / step) * step
            if not math.isclose(snapped, value, rel_tol=1e-9) and not (snapped == 0 and value == 0):
                raise ValueError(_("must be a multiple of {step}").format(step=f"{step:g}"))
            return round(snapped, 12)

        return parse

    return wrap
