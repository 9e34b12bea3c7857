"""Chinese a teacher can use as is: every page under ``?lang=zh`` names optimizers, data sets and landscapes in
Chinese (梯度下降, not "Gradient descent"; Adam stays Adam), and no Chinese term inserted into Chinese text
keeps the spaces of its template ("在 二次碗形函数 上")."""

from __future__ import annotations

import re

import pytest

import core
from core.datasets import DISPLAY_NAMES
from tests.apptest_helpers import open_page
from tests.page_text import page_texts
from ui import i18n
from ui.pages import all_page_files

CJK = "\u2e80-\u9fff\u3000-\u303f\uff00-\uffef"  # Chinese characters and punctuation
HAN = "\u3400-\u9fff"
# A Chinese term with a space on each side, inside Chinese text: a template's spaces around a placeholder.
SPLIT_TERM = re.compile(f"[{CJK}] [{HAN}]+ [{CJK}]")


def _chinese(text: str) -> str:
    return i18n.translations("zh").gettext(text)


def _english_names() -> dict[str, str]:
    """Every English display name (optimizer, data set, landscape) that has a Chinese one, with the Chinese."""
    names = [core.get_spec(n).display_name for n in (*core.OPTIMIZERS, *core.NETWORK_OPTIMIZERS)]
    names += list(DISPLAY_NAMES.values())
    names += [core.get_function(n).display_name for n in core.FUNCTIONS]
    return {n: _chinese(n) for n in names if _chinese(n) != n}


ENGLISH_NAMES = _english_names()
ENGLISH = re.compile("|".join(rf"(?<![\w-]){re.escape(n)}(?![\w-])" for n in sorted(ENGLISH_NAMES, key=len)[::-1]))
GLOSSARY = "| 中文 | 英文 |"  # the home page's glossary, whose English column is English on purpose
# Optimizer pages whose optimizer has a Chinese name: their curves (legends) are opened too.
NAMED_OPTIMIZER_PAGES = {
    f"pages/{n}.py": f"{n}:curves" for n in core.OPTIMIZERS if _chinese(core.get_spec(n).display_name) != n
}


def test_the_names_a_teacher_reads_are_chinese():
    assert ENGLISH_NAMES["Gradient descent"] == "梯度下降"
    assert ENGLISH_NAMES["Momentum (heavy ball)"] == "动量法（重球法）"
    assert ENGLISH_NAMES["Nesterov momentum"] == "Nesterov 动量"
    assert ENGLISH_NAMES["Two moons"] == "双月"
    assert ENGLISH_NAMES["Quadratic bowl"] == "二次碗形函数"
    assert all(_chinese(n) == n for n in ("Adam", "RMSprop", "Lion", "AdamW", "Muon"))  # proper names stay


def test_the_scan_finds_what_it_looks_for():
    """The two checks below catch the English name and the split term they exist for."""
    assert ENGLISH.findall("Gradient descent 在 二次碗形函数 上走到第 50 步") == ["Gradient descent"]
    assert not ENGLISH.findall("Adam 与 Schedule-Free SGD")
    assert SPLIT_TERM.findall("梯度下降在 二次碗形函数 上走到第 50 步")
    assert not SPLIT_TERM.findall("Adam 在 Rosenbrock 上走到第 50 步")


@pytest.mark.parametrize(
    ("text", "tidy"),
    [
        ("梯度下降 在 二次碗形函数 上走到第 50 步", "梯度下降在二次碗形函数上走到第 50 步"),
        ("Adam 在 Rosenbrock 上", "Adam 在 Rosenbrock 上"),  # a space beside a Latin word stays
        ("**梯度下降** 在第 3 步发散", "**梯度下降**在第 3 步发散"),
        ("**动量法（重球法）** 在第 3 步发散", "**动量法（重球法）** 在第 3 步发散"),  # else not bold in CommonMark
        ("Gradient descent on Two moons", "Gradient descent on Two moons"),
    ],
)
def test_tidy_drops_only_the_spaces_between_chinese(text, tidy):
    assert i18n.tidy(text) == tidy


def test_a_chinese_template_filled_with_chinese_terms_is_tidied():
    at = open_page("pages/gd.py", {"lang": "zh", "fn": "quadratic", "steps": "50"})
    assert not at.exception
    assert at.title[0].value == "梯度下降"
    assert any("梯度下降在二次碗形函数上走到第 50 步" in t for t in page_texts(at))


@pytest.mark.parametrize("page", all_page_files())
def test_chinese_pages_show_no_english_name_and_no_split_term(page):
    """Every text of the page at its defaults (``tests.page_text``: Markdown, titles, captions, alerts, widget
    labels and options, metrics, tabs, expanders, image captions, table cells, chart titles and legends) is
    free of an English name that has a Chinese one, and of a Chinese term between two spaces in Chinese text."""
    at = open_page(page, {"lang": "zh"}, timeout=180)
    if page in NAMED_OPTIMIZER_PAGES:  # the curves (loss legend) open on demand
        at.session_state[NAMED_OPTIMIZER_PAGES[page]] = True
        at.run()
    assert not at.exception, at.exception
    assert at.query_params.get("lang") == "zh"
    texts = [t for t in page_texts(at) if not t.startswith(GLOSSARY)]
    assert len(texts) > 20
    english = sorted({m for t in texts for m in ENGLISH.findall(t)})
    assert english == [], [t for t in texts if ENGLISH.search(t)][:5]
    split = [t for t in texts if SPLIT_TERM.search(t)]
    assert split == [], split[:5]
