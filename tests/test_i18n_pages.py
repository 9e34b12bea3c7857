"""The ``pages`` catalog (lessons, race, network, basins, sweep, conditioning, custom, export, presenter):
complete, compiled, current, and every one of its pages speaking Chinese under ``?lang=zh``."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
from babel.messages.pofile import read_po

from tests.apptest_helpers import open_page
from ui import i18n

ROOT = Path(__file__).resolve().parents[1]
PO = ROOT / "locale" / "zh" / "LC_MESSAGES" / "pages.po"
MO = PO.with_suffix(".mo")
CJK = re.compile(r"[\u4e00-\u9fff]")  # Chinese characters
CHINESE = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]")  # … or Chinese punctuation


def _catalog():
    with PO.open("rb") as f:
        return read_po(f)


def _messages() -> dict[str, str]:
    return {m.id: m.string for m in _catalog() if m.id and isinstance(m.id, str)}


def test_every_message_has_a_chinese_translation_and_none_is_fuzzy():
    catalog = _catalog()
    assert not catalog.fuzzy
    entries = [m for m in catalog if m.id]
    assert entries
    assert not [m.id for m in entries if m.fuzzy], "fuzzy entries"
    assert not [m.id for m in entries if not m.string], "untranslated entries"
    assert not [m.id for m in entries if not CHINESE.search(m.string if isinstance(m.string, str) else m.string[0])]
    assert not catalog.obsolete


def test_translations_keep_their_placeholders():
    """A ``{name}`` missing from or added to a translation would raise when the page formats it."""

    def fields(text: str) -> list[str]:
        return sorted(set(re.findall(r"\{(\w*)(?:[:!][^}]*)?\}", text)))

    assert {k: fields(v) for k, v in _messages().items() if fields(k) != fields(v)} == {}


def test_the_committed_mo_is_the_compiled_po():
    with MO.open("rb") as f:
        compiled = gettext.GNUTranslations(f)
    held = {k: v for k, v in compiled._catalog.items() if k}  # type: ignore[attr-defined]
    assert held == _messages()


def test_extraction_finds_nothing_missing_from_the_catalog():
    known = set(_messages())
    files = sorted({p for pattern in i18n.PAGES_FILES for p in ROOT.glob(pattern)})
    assert len(files) >= 11
    found = set()
    for path in files:
        for _line, message, _comments, _context in extract_from_file(
            "python", str(path), keywords=DEFAULT_KEYWORDS, options={"encoding": "utf-8"}
        ):
            found.update(m for m in (message if isinstance(message, tuple) else (message,)) if m)
    assert sorted(found - known) == []
    assert sorted(known - found) == []  # nothing stale either


def _chinese(at) -> str:
    """Every title, heading, Markdown, caption and label text on the page, joined."""
    texts = [e.value for kind in ("title", "header", "subheader", "markdown", "caption") for e in getattr(at, kind)]
    texts += [
        w.label for kind in ("slider", "selectbox", "multiselect", "number_input", "radio") for w in getattr(at, kind)
    ]
    return " ".join(str(t) for t in texts)


PAGES = {
    "pages/lesson_article.py": ({}, "五个优化器，一个碗"),
    "pages/lesson_momentum.py": ({"kappa": "30"}, "条件数与动量"),
    "pages/lesson_stability.py": ({"fn": "quadratic"}, "稳定性与曲率"),
    "pages/race.py": (
        {"opts": "gd,adam", "budget": "8", "starts": "1", "steps": "30", "probs": "quadratic"},
        "公平竞赛",
    ),
    "pages/network.py": ({"opts": "adam", "steps": "20", "seeds": "1", "width": "4", "layers": "1"}, "神经网络实验室"),
    "pages/basins.py": ({"n": "64", "opts": "gd,adam", "steps": "40"}, "吸引域"),
    "pages/lr_sweep.py": ({"opts": "gd", "steps": "40", "count": "100"}, "学习率扫描"),
    "pages/conditioning.py": ({"steps": "60"}, "条件数实验室"),
    "pages/custom.py": ({}, "自定义函数"),
    "pages/mnist1d.py": ({"steps": "250", "seeds": "1"}, "复现 MNIST-1D"),
}


@pytest.mark.parametrize("page", PAGES)
def test_each_page_speaks_chinese(page):
    query, title = PAGES[page]
    at = open_page(page, {**query, "lang": "zh"}, timeout=120)
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == [title]
    text = _chinese(at)
    assert len(CJK.findall(text)) > 20, text


def test_lesson_links_and_presenter_bar_speak_chinese():
    at = open_page("pages/lesson_article.py", {"lang": "zh"})
    assert not at.exception
    assert "自己动手试试" in [s.value for s in at.subheader]
    deck = "gd?fn=quadratic&lr=0.3|gd?fn=quadratic&lr=0.52"
    at = open_page("pages/gd.py", {"present": "1", "deck": deck, "slide": "2", "lang": "zh"})
    assert not at.exception
    assert any("场景 **2**（共 2 个）" in m.value for m in at.markdown)
    assert at.button(key="present:next").label == "下一个"


def test_compare_exports_speak_chinese():
    at = open_page("pages/compare.py", {"opts": "gd,adam", "steps": "20", "lang": "zh"})
    assert not at.exception
    assert any(s.label == "速度" for s in at.selectbox)  # the player's speed
    assert any(e.label.startswith("导出") for e in at.expander)
