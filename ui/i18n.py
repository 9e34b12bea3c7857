"""The app's languages (English and Simplified Chinese) through gettext catalogs.

``_(text)`` translates into the session's language, which lives in ``st.session_state`` (never
in this module: every session has its own). ``setup`` decides it once per run, before the page:
``?lang=`` in the URL, else the session's earlier choice, else the browser's preferred language.
Strings are looked up in the domain ``messages`` (shared furniture and the main pages), then in
``pages`` (the other pages); the compiled ``.mo`` files under ``locale/`` are read with the
standard library's ``gettext``. ``N_`` only marks a module-level constant for extraction: it is
translated with ``_`` where it is shown. ``_`` also translates a text from ``core`` made of a
template and parameters (``core.messages.Message``); ``error_text`` is what an error from ``core``
says. ``optimizer_name`` and ``dataset_name`` are the one place a name reaches the screen (梯度下降 in
Chinese, Adam everywhere), and a Chinese template filled with a Chinese term loses the spaces around it
(``tidy``). CONTRIBUTING.md says how to extract, update and compile.
"""

from __future__ import annotations

import functools
import gettext
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import streamlit as st

import core
from core.datasets import DISPLAY_NAMES
from core.messages import Message

LANGUAGES = ("en", "zh")
NAMES = {"en": "English", "zh": "中文"}
DEFAULT = "en"
PARAM = "lang"
DOMAINS = ("messages", "pages")
LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"
# Which files feed which domain (babel.cfg and CONTRIBUTING.md say the same; the tests read these).
# Every ui module is on exactly one list (tests/test_i18n.py): a module on neither is never extracted.
_MESSAGES_MODULES = (
    "__init__ app i18n state controls layout text optimizer_page player compare home charts plots pages runs theme startmap"
    " glossary"
)
MESSAGES_FILES = tuple(f"ui/{m}.py" for m in (*_MESSAGES_MODULES.split(" "), "problem", "core_texts"))
_PAGES_MODULES = (
    "race network network_export network_tune basins basin_maps sweep conditioning custom export slide present tune work"
    " mnist1d classes"
)
PAGES_FILES = ("ui/lessons/*.py", *(f"ui/{m}.py" for m in _PAGES_MODULES.split(" ")))

# No ":" in these keys: presenter mode forgets every page setting (keys "page:name") when it opens a slide.
_KEY = "_i18n_lang"  # the session's language
_EXPLICIT = "_i18n_explicit"  # chosen by a link or the switch (so the URL keeps it), not guessed
_SWITCH = "_i18n_switch"  # the switch widget's key


@functools.cache
def translations(lang: str) -> gettext.NullTranslations:
    """The catalogs of ``lang``: ``messages`` first, then ``pages``; English is the source text itself."""
    chain: gettext.NullTranslations = gettext.NullTranslations()
    if lang == DEFAULT:
        return chain
    found: list[gettext.NullTranslations] = []
    for domain in DOMAINS:
        mo = LOCALE_DIR / lang / "LC_MESSAGES" / f"{domain}.mo"
        if mo.is_file():
            with mo.open("rb") as f:
                found.append(gettext.GNUTranslations(f))
    if not found:
        return chain
    first = found[0]
    for other in found[1:]:
        first.add_fallback(other)
    return first


def language() -> str:
    """The current session's language: "en" or "zh" (English outside a Streamlit run)."""
    try:
        lang = st.session_state.get(_KEY)
    except Exception:  # no session (a script or a core test)
        return DEFAULT
    return lang if lang in LANGUAGES else DEFAULT


def _(text: str) -> str:
    """``text`` in the current language (unchanged when it has no translation).

    A text from ``core`` that carries a template and parameters (a ``core.messages.Message``: the
    errors core raises, a formula's description) is its template translated and filled again with
    its parameters; a parameter that is itself a `Message` is translated the same way, every other one
    (a name such as lr, a number, a piece of the user's formula) is kept as it is.
    """
    if isinstance(text, Message):
        return _message(text)
    if not text:  # gettext("") is the catalog's header
        return text
    return _template(translations(language()).gettext(text))


# Chinese characters and punctuation (CJK symbols, full-width forms): no space is written between two of them.
_CJK = "\u2e80-\u9fff\u3000-\u303f\uff00-\uffef"
_HAN = "\u3400-\u9fff"
# A space between two CJK characters, or between one and a Markdown ``**`` that holds Chinese letters on its
# inner side (a closing ``**`` after punctuation such as "）" must keep its space to stay bold in CommonMark).
_CJK_SPACE = re.compile(f"(?<=[{_CJK}]) (?=[{_CJK}]|\\*\\*[{_HAN}])|(?<=[{_HAN}]\\*\\*) (?=[{_CJK}])")


def tidy(text: str) -> str:
    """``text`` without the spaces a template put around a term where both sides turned out Chinese.

    A Chinese template keeps a space around a placeholder, as Chinese typesetting does beside Latin words
    ("Adam 在 Rosenbrock 上"); filled with a Chinese term the same spaces would split it ("在 二次碗形函数 上"),
    so the spaces between two CJK characters go ("在二次碗形函数上"). English text is returned unchanged.
    """
    return _CJK_SPACE.sub("", text)


class _Template(str):
    """A translated text whose ``format`` tidies the spaces around the Chinese terms it inserts (see `tidy`)."""

    __slots__ = ()

    def format(self, /, *args: Any, **kwargs: Any) -> str:
        return tidy(str.format(self, *args, **kwargs))


def _template(text: str) -> str:
    """A Chinese text that has placeholders, as a `_Template`; any other text as it is."""
    return _Template(text) if "{" in text and language() != DEFAULT else text


def _message(message: Message) -> str:
    if language() == DEFAULT:
        return str(message)
    params = {k: _message(v) if isinstance(v, Message) else v for k, v in message.params.items()}
    try:
        return tidy(_(message.template).format(**params))
    except (KeyError, IndexError, ValueError):  # placeholders that differ from the English (a test forbids it)
        return str(message)


def error_text(err: BaseException) -> str:
    """What an error from ``core`` says, in the current language (``str(err)`` when it carries no `Message`).

    Plain text that may quote the user's input (a piece of a formula): show it through ``ui.text.plain``.
    """
    message = err.args[0] if len(err.args) == 1 else None
    return _(message) if isinstance(message, Message) else str(err)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural of a message for count ``n``, in the current language."""
    return _template(translations(language()).ngettext(singular, plural, n))


def optimizer_name(name: str) -> str:
    """Optimizer ``name``'s display name in the current language, wherever it is shown.

    Titles, navigation, legends, tables, chips, tabs, prose and exports all take it from here: 梯度下降,
    动量法（重球法）, Nesterov 动量 in Chinese; proper names (Adam, RMSprop, Lion) stay as they are.
    """
    return _(core.get_spec(name).display_name)


def dataset_name(name: str) -> str:
    """Data set ``name``'s display name in the current language (双月 for "Two moons")."""
    return _(DISPLAY_NAMES.get(name, name))


def join(items: Iterable[str]) -> str:
    """A list of names as the language writes one: "a, b, c" in English, "a、b、c" in Chinese."""
    return _(", ").join(items)


def N_(text: str) -> str:
    """Mark ``text`` for extraction without translating it (translate it with ``_`` where it is shown)."""
    return text


def parse_accept_language(header: str | None) -> str | None:
    """The first supported language of a locale ("zh-CN") or an ``Accept-Language`` header, by preference."""
    if not header:
        return None
    ranked: list[tuple[float, int, str]] = []
    for i, part in enumerate(header.split(",")[:20]):
        tag, _sep, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        primary = tag.strip().replace("_", "-").split("-")[0].lower()
        if primary in LANGUAGES and q > 0:
            ranked.append((-q, i, primary))
    return min(ranked)[2] if ranked else None


def browser_language() -> str:
    """The browser's preferred supported language (``st.context.locale``, else ``Accept-Language``), else English."""
    locale: Any = None
    headers: Any = {}
    try:
        locale = st.context.locale
        headers = st.context.headers
    except Exception:
        pass
    found = parse_accept_language(locale if isinstance(locale, str) else None)
    if found is None and headers:
        try:
            found = parse_accept_language(headers.get("Accept-Language"))
        except Exception:
            found = None
    return found or DEFAULT


def setup() -> None:
    """Decide this run's language (``?lang=``, else the session's, else the browser's) and remember it."""
    raw = st.query_params.get(PARAM)
    if raw in LANGUAGES:
        lang = raw
        st.session_state[_EXPLICIT] = True
    else:
        lang = st.session_state.get(_KEY) or browser_language()
        if raw is not None:  # an unknown value: dropped from the URL by ``url_params``
            del st.query_params[PARAM]
    st.session_state[_KEY] = lang
    st.session_state[_SWITCH] = lang  # the switch shows the language chosen by a link too


def url_params() -> dict[str, str]:
    """What the URL keeps of the language: ``lang`` once a link or the switch chose it, or when it is not English."""
    lang = language()
    if st.session_state.get(_EXPLICIT) or lang != DEFAULT:
        return {PARAM: lang}
    return {}


def _switched() -> None:
    lang = st.session_state.get(_SWITCH)
    if lang in LANGUAGES:
        st.session_state[_KEY] = lang
        st.session_state[_EXPLICIT] = True
        st.query_params[PARAM] = lang


def language_switch(where: Any = None) -> None:
    """Draw the language switch (in the sidebar unless ``where`` says otherwise)."""
    target = st.sidebar if where is None else where
    if _SWITCH not in st.session_state:
        st.session_state[_SWITCH] = language()
    target.radio(
        "Language · 语言",
        LANGUAGES,
        format_func=NAMES.__getitem__,
        key=_SWITCH,
        horizontal=True,
        on_change=_switched,
    )
