"""The Chinese translation: complete catalogs, compiled as committed, every marked string translated, pages in Chinese."""

from __future__ import annotations

import ast
import gettext
import io
import re
import string
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from scripts import make_core_texts
from tests.apptest_helpers import open_page
from ui import core_texts, i18n

ROOT = Path(__file__).resolve().parents[1]
CATALOGS = sorted((ROOT / "locale").glob("*/LC_MESSAGES/*.po"))
PLACEHOLDER = re.compile(r"\{[^{}]*\}")  # {name}, also {n:,} and {L}
CJK = re.compile(r"[\u4e00-\u9fff]")


def _catalog(po: Path):
    with po.open("rb") as fh:
        return read_po(fh, locale=po.parts[-3])


def _ids(po: Path) -> set[str]:
    return {m.id for m in _catalog(po) if m.id}


def test_messages_catalog_exists():
    assert ROOT / "locale/zh/LC_MESSAGES/messages.po" in CATALOGS


@pytest.mark.parametrize("po", CATALOGS, ids=lambda p: p.name)
def test_every_entry_translated_and_not_fuzzy(po):
    catalog = _catalog(po)
    assert not catalog.fuzzy, f"{po.name}: the catalog header is marked fuzzy"
    bad = [m.id for m in catalog if m.id and (not m.string or m.fuzzy)]
    assert not bad, f"{po.name}: untranslated or fuzzy entries: {bad[:10]}"


@pytest.mark.parametrize("po", CATALOGS, ids=lambda p: p.name)
def test_placeholders_kept(po):
    """A translation uses exactly the placeholders of its English text (``str.format`` would fail otherwise)."""
    wrong = [
        m.id
        for m in _catalog(po)
        if m.id and sorted(PLACEHOLDER.findall(m.id)) != sorted(PLACEHOLDER.findall(m.string))
    ]
    assert not wrong, wrong[:10]


@pytest.mark.parametrize("po", CATALOGS, ids=lambda p: p.name)
def test_committed_mo_matches_po(po):
    mo = po.with_suffix(".mo")
    assert mo.is_file(), f"{mo} is missing: run pybabel compile"
    fresh = io.BytesIO()
    write_mo(fresh, _catalog(po))
    fresh.seek(0)
    with mo.open("rb") as fh:
        committed = gettext.GNUTranslations(fh)
    expected = gettext.GNUTranslations(fresh)
    assert committed._catalog == expected._catalog, f"{mo.name} is older than {po.name}: run pybabel compile"  # type: ignore[attr-defined]


@pytest.mark.parametrize(("domain", "patterns"), [("messages", i18n.MESSAGES_FILES), ("pages", i18n.PAGES_FILES)])
def test_every_marked_string_is_in_its_domains_catalog(domain, patterns):
    """Babel's own extraction over a domain's files: a new string without a translation fails."""
    po = ROOT / f"locale/zh/LC_MESSAGES/{domain}.po"
    known = _ids(po) if po.is_file() else set()
    files = sorted({path for pattern in patterns for path in ROOT.glob(pattern)})
    assert files, domain
    missing = []
    for path in files:
        for _lineno, message, _comments, _context in extract_from_file("python", path, DEFAULT_KEYWORDS):
            ids = message if isinstance(message, tuple) else (message,)
            missing += [(path.name, m) for m in ids if m and m not in known]
    assert not missing, f"marked strings missing from {domain}.po (extract, update, translate, compile): {missing[:10]}"


def _files(patterns: tuple[str, ...]) -> set[str]:
    return {p.relative_to(ROOT).as_posix() for pattern in patterns for p in ROOT.glob(pattern)}


def test_every_ui_module_is_in_exactly_one_domain():
    """A ``ui`` module on neither list is silently left out of extraction: its strings would never be translated."""
    messages, pages = _files(i18n.MESSAGES_FILES), _files(i18n.PAGES_FILES)
    modules = {p.relative_to(ROOT).as_posix() for p in (ROOT / "ui").rglob("*.py")}
    assert not messages & pages, f"in both domains: {sorted(messages & pages)}"
    left_out = sorted(modules - messages - pages)
    assert not left_out, f"add {left_out} to MESSAGES_FILES or PAGES_FILES in ui/i18n.py, and to babel.cfg's comment"
    stale = [p for p in i18n.MESSAGES_FILES + i18n.PAGES_FILES if not list(ROOT.glob(p))]
    assert not stale, f"listed but no such file: {stale}"


def test_babel_cfg_lists_the_same_files_as_i18n():
    """babel.cfg's comment (what a translator reads) names each domain's files as ``ui/i18n.py`` does."""
    listed: dict[str, set[str]] = {}
    domain = ""
    for line in (ROOT / "babel.cfg").read_text().splitlines():
        if not line.startswith("#"):
            continue
        found = re.search(r'domain "(\w+)":', line)
        if found:
            domain = found.group(1)
        elif not line.startswith("#   "):
            domain = ""
        if domain:
            listed.setdefault(domain, set()).update(re.findall(r"ui/[\w/*]+\.py", line))
    assert listed == {"messages": set(i18n.MESSAGES_FILES), "pages": set(i18n.PAGES_FILES)}


def test_core_texts_are_current():
    """``ui/core_texts.py`` lists core's texts as they are now (``python -m scripts.make_core_texts``)."""
    assert set(core_texts.TEXTS) == set(make_core_texts.texts())


def _fields(text: str) -> list[tuple[str, str | None, str]]:
    """The ``str.format`` fields of ``text``: (name, conversion, format spec), sorted."""
    return sorted(
        (name, conv, spec or "") for _lit, name, spec, conv in string.Formatter().parse(text) if name is not None
    )


def test_core_templates_are_translated_with_the_same_placeholders():
    """Every template ``core`` marks with ``N_`` (its errors, a formula's description) has a Chinese translation in
    ``messages.po``, not fuzzy, in Chinese, and filled by exactly the same placeholders."""
    catalog = {m.id: m for m in _catalog(ROOT / "locale/zh/LC_MESSAGES/messages.po") if m.id}
    templates = sorted(set(make_core_texts.marked_texts()))
    assert len(templates) > 100, "core's error templates are collected"
    missing = [t for t in templates if t not in catalog or not catalog[t].string or catalog[t].fuzzy]
    assert not missing, f"core templates without a Chinese translation (see CONTRIBUTING.md): {missing[:10]}"
    not_chinese = [t for t in templates if not CJK.search(catalog[t].string)]
    assert not not_chinese, not_chinese[:10]
    wrong = [(t, catalog[t].string) for t in templates if _fields(t) != _fields(catalog[t].string)]
    assert not wrong, f"placeholders differ from the English template: {wrong[:5]}"


# Exceptions whose text nobody using the app sees: programming errors and the sandbox's own signals.
_INTERNAL_ERRORS = {"NotImplementedError", "TypeError", "KeyError", "RuntimeError", "OverBudget", "Busy"}


def test_core_raises_its_texts_as_templates():
    """``core`` raises no ``ValueError`` with a bare English text: what people may read is a ``CoreError``
    (``FormulaError``, ``SnippetUnavailable``) built from an ``N_`` template, so the app can translate it."""
    bare = []
    for path in sorted((ROOT / "core").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
                continue
            func, args = node.exc.func, node.exc.args
            name = func.id if isinstance(func, ast.Name) else ""
            text = bool(args) and (
                isinstance(args[0], ast.JoinedStr)
                or (isinstance(args[0], ast.Constant) and isinstance(args[0].value, str))
            )
            if name == "ValueError" or (text and name not in _INTERNAL_ERRORS):
                bare.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not bare, f"raise CoreError(N_(...), ...) instead: {bare}"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh"),
        ("en-US,en;q=0.9,zh-CN;q=0.8", "en"),
        ("fr-FR,fr;q=0.9,zh-TW;q=0.5,en;q=0.4", "zh"),
        ("de-DE", None),
        ("zh_CN", "zh"),
        ("en;q=0.5,zh;q=0.7", "zh"),
        ("zh;q=0", None),
        ("", None),
        (None, None),
    ],
)
def test_browser_language(header, expected):
    assert i18n.parse_accept_language(header) == expected


def test_english_is_the_source_text():
    assert i18n.translations("en").gettext("Loss") == "Loss"
    assert i18n.translations("zh").gettext("Loss") == "损失"
    assert i18n.translations("zh").gettext("a string nobody marked") == "a string nobody marked"


# Every page renders in Chinese and keeps the language in its URL: tests/test_chinese_names.py opens each one.


def test_language_switch_and_link_round_trip():
    at = open_page("pages/home.py", {"lang": "zh"})
    switch = at.sidebar.radio(key="_i18n_switch")
    assert switch.value == "zh" and at.query_params["lang"] == "zh"
    assert at.subheader[0].value == "问题"
    switch.set_value("en").run()
    assert at.query_params["lang"] == "en" and at.subheader[0].value == "The question"
    at.sidebar.radio(key="_i18n_switch").set_value("zh").run()
    assert at.query_params["lang"] == "zh"
    at.switch_page("pages/compare.py").run()  # the session keeps the language, and the page's link carries it
    assert not at.exception
    assert at.title[0].value == "比较优化器" and at.query_params["lang"] == "zh"
    assert "opts" in at.query_params


def test_english_by_default_and_no_lang_in_plain_links():
    at = open_page("pages/compare.py")
    assert at.title[0].value == "Compare optimizers" and "lang" not in at.query_params


def test_unknown_language_in_a_link_is_dropped():
    at = open_page("pages/home.py", {"lang": "xx"})
    assert not at.exception and "lang" not in at.query_params and at.subheader[0].value == "The question"


def test_presenter_parameters_and_language_survive_the_page_rewrite():
    at = open_page("pages/gd.py", {"lang": "zh", "present": "1"})
    assert not at.exception
    assert at.query_params["lang"] == "zh" and at.query_params["present"] == "1" and "fn" in at.query_params


def _texts(at) -> list[str]:
    out = [
        e.value for kind in ("title", "header", "subheader", "markdown", "caption", "info") for e in getattr(at, kind)
    ]
    out += [e.label for e in at.sidebar.slider] + [e.label for e in at.sidebar.selectbox] + [e.label for e in at.button]
    out += [e.label for e in at.sidebar.expander]
    return [t for t in out if isinstance(t, str)]


@pytest.mark.parametrize(
    ("page", "samples"),
    [
        ("pages/home.py", ["问题", "答案", "全部页面"]),
        ("pages/compare.py", ["比较优化器", "损失地形", "学习率调度", "梯度噪声", "超参数", "复现文章"]),
        ("pages/adam.py", ["损失地形", "超参数", "步数", "播放", "重置", "更多选项", "学习率调度与梯度噪声"]),
    ],
)
def test_visible_texts_are_chinese(page, samples):
    at = open_page(page, {"lang": "zh"})
    texts = _texts(at)
    for sample in samples:
        assert any(sample in t for t in texts), (page, sample)
    assert any(CJK.search(e.value) for e in [*at.markdown, *at.caption]), page


def test_optimizer_texts_from_core_are_translated():
    at = open_page("pages/momentum.py", {"lang": "zh"})
    assert any("维护一个速度" in e.value for e in at.markdown)
    assert any("梯度下降" in e.value for e in at.markdown)


def test_a_presenter_deck_keeps_the_language():
    deck = "gd?fn=quadratic&lr=0.3|compare?article=1"
    at = open_page("pages/gd.py", {"present": "1", "deck": deck, "lang": "zh"})
    at.button(key="present:next").click().run()
    assert not at.exception
    assert at.title[0].value == "比较优化器" and at.query_params["lang"] == "zh"


def test_home_link_keeps_the_language():
    at = open_page("pages/home.py")
    at.sidebar.radio(key="_i18n_switch").set_value("zh").run()
    at.switch_page("pages/home.py").run()
    assert at.query_params["lang"] == "zh" and at.subheader[0].value == "问题"
