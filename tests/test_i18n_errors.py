"""Errors raised in ``core`` shown in the session's language: English exactly as core writes it, or Chinese.

``core`` raises a `CoreError` whose text is a `Message` (template and parameters); ``ui.i18n.error_text``
translates the template, the parameters that are messages themselves, and keeps names and the user's
own text as they are.
"""

from __future__ import annotations

import pickle
import re

import pytest

import core
from core import formula
from core.messages import N_, CoreError, Message
from core.schedules import get_schedule
from core.snippets import SnippetUnavailable, torch_class
from tests.apptest_helpers import errors, open_page, show_tab
from ui import i18n

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def chinese(monkeypatch: pytest.MonkeyPatch) -> None:
    """``_`` and ``error_text`` answer in Chinese outside a Streamlit session."""
    monkeypatch.setattr(i18n, "language", lambda: "zh")


def _refusal(text: str) -> formula.FormulaError:
    formula.clear_caches()
    with pytest.raises(formula.FormulaError) as info:
        formula.parse_formula(text)
    return info.value


def test_english_text_and_its_template():
    err = _refusal("x^2+(y")
    assert str(err) == "could not read the formula at position 6: '(' was never closed"
    assert err.message.template == "could not read the formula at position {position}: {reason}"
    reason = err.message.params["reason"]
    assert isinstance(reason, Message) and reason.template == "'{bracket}' was never closed"
    assert i18n.error_text(err) == str(err), "English outside a Chinese session"


def test_a_message_survives_pickling_and_the_verdict_cache():
    """Refusals cross the sandbox's pipe and are cached; raised again, they keep template and parameters."""
    err = CoreError(N_("unknown name '{name}': {hint}"), name="z", hint=Message(N_("use x and y")))
    again = pickle.loads(pickle.dumps(err))
    assert type(again) is CoreError and str(again) == str(err)
    assert again.message.template == err.message.template and again.message.params["hint"].template == "use x and y"
    text = "exp(exp(x))*0 + 1"  # refused by SymPy's work in the sandboxed child, then from the cache
    first = _refusal(text)
    with pytest.raises(formula.FormulaError) as info:
        formula.parse_formula(text)
    assert str(info.value) == str(first) == "f is constant: nothing to optimize (use x and/or y)"
    assert info.value.message.template == first.message.template == str(first)


@pytest.mark.parametrize(
    ("text", "chinese_text"),
    [
        ("x^2+(y", "无法读懂公式（第 6 个字符处）：'(' 没有闭合"),
        ("z + 1", "未知的名称 'z'：只能用 x、y、pi、e 以及 sin、exp、sqrt 等函数"),
        ("", "公式为空：请输入一个关于 x 和 y 的表达式，例如 x**2 + y**2"),
        ("1/0 + x", "'1 / 0' 中出现了除以零"),
        ("x[0]", "[...] 下标不能出现在公式中"),
        ("sin(x, y)", "sin 需要 1 个参数（实际给了 2 个）"),
        ("x" * 301, "公式太长（301 个字符，上限为 300）"),
    ],
)
def test_formula_refusals_in_chinese(chinese, text, chinese_text):
    """The template is translated, a nested hint too; the user's own text (a name, a piece of the formula) is kept."""
    assert i18n.error_text(_refusal(text)) == chinese_text


def test_hyperparameter_schedule_and_snippet_errors_in_chinese(chinese):
    cases = [
        (lambda: core.get_optimizer("adam", lr=-1.0), "lr 的取值无效：-1.0（允许范围为 [0, inf)）"),
        (lambda: core.get_optimizer("nesterov", momentum=0.0), "Nesterov 动量要求 momentum > 0 且 dampening 为 0"),
        (lambda: core.get_optimizer("rprop", step_sizes=(2.0, 1.0)), "step_sizes 无效：最小值 2.0 不能超过最大值 1.0"),
        (lambda: get_schedule("step", gamma=0), "gamma 的取值无效：0（允许范围为 (0, 1]）"),
        (lambda: core.get_function("conditioned_quadratic", condition=0.5), "condition 必须是大于等于 1 的有限数"),
        (lambda: torch_class("lion"), "Lion 不在 torch.optim 中"),
    ]
    for call, expected in cases:
        with pytest.raises(ValueError) as info:
            call()
        shown = i18n.error_text(info.value)
        assert expected in shown, (shown, expected)
        assert shown != str(info.value)
    assert issubclass(SnippetUnavailable, CoreError) and issubclass(formula.FormulaError, CoreError)


def test_a_translation_with_other_placeholders_falls_back_to_english(chinese, monkeypatch):
    class Broken:
        def gettext(self, text: str) -> str:
            return "{nobody}"

    monkeypatch.setattr(i18n, "translations", lambda lang: Broken())
    err = _refusal("z + 1")
    assert i18n.error_text(err) == str(err)


def test_errors_that_are_not_core_messages_are_shown_as_they_are(chinese):
    assert i18n.error_text(ValueError("not a number")) == "not a number"


# --- the pages -------------------------------------------------------------------------------------------


def test_a_malformed_formula_is_refused_in_chinese():
    at = open_page("pages/custom.py", {"lang": "zh", "fn": "custom", "formula": "x^2+(y"})
    assert not at.exception
    shown = errors(at)
    assert len(shown) == 1 and CJK.search(shown[0])
    assert "无法读懂公式" in shown[0] and "没有闭合" in shown[0], shown
    assert "could not read" not in shown[0] and "never closed" not in shown[0], shown
    assert "第 6 个字符处" in shown[0]


def test_a_malformed_formula_is_refused_in_english():
    at = open_page("pages/custom.py", {"fn": "custom", "formula": "x^2+(y"})
    shown = errors(at)
    assert len(shown) == 1 and not CJK.search(shown[0])
    assert "could not read the formula at position 6" in shown[0] and "was never closed" in shown[0], shown


def test_a_custom_formula_describes_itself_in_chinese():
    at = open_page("pages/custom.py", {"lang": "zh", "fn": "custom", "formula": "log(x)+y"})
    assert not at.exception and not errors(at)
    captions = [c.value for c in at.caption]
    assert any("你的公式" in c and "极小点" in c and "无定义" in c for c in captions), captions
    assert not any("Your formula" in c for c in captions)


@pytest.mark.parametrize(
    ("page", "query", "chinese_text", "english_text"),
    [
        (
            "pages/nesterov.py",
            {"momentum": "0"},
            "Nesterov 动量要求 momentum",
            "Invalid nesterov setting",
        ),
        ("pages/rprop.py", {"step_sizes0": "0.5", "step_sizes1": "0.1"}, "不能超过最大值", "must not exceed max"),
        (
            "pages/adagrad.py",
            {"sched": "one_cycle", "s.cycle_momentum": "1"},
            "优化器必须有 momentum 或 beta1",
            "optimizer must support momentum or beta1",
        ),
    ],
    ids=["nesterov-momentum", "rprop-step-sizes", "schedule-cycle-momentum"],
)
def test_settings_from_a_link_that_core_refuses_are_reported_in_the_pages_language(
    page, query, chinese_text, english_text
):
    """Values each slider accepts but the optimizer or schedule refuses together: core's reason, in Chinese."""
    at = open_page(page, {**query, "lang": "zh"})
    assert not at.exception
    shown = " ".join(errors(at)).replace("\\", "")
    assert "这些设置无法运行" in shown and chinese_text in shown, shown
    assert english_text not in shown, shown
    at = open_page(page, query)
    shown = " ".join(errors(at)).replace("\\", "")
    assert "These settings cannot run" in shown and english_text in shown and not CJK.search(shown), shown


def test_a_missing_snippet_is_explained_in_chinese():
    at = open_page("pages/lion.py", {"lang": "zh"})
    show_tab(at, "lion:tab", i18n.translations("zh").gettext("PyTorch & animation export"))
    assert not at.exception
    notes = [i.value for i in at.info]
    assert any("Lion 不在 torch.optim 中" in n for n in notes), notes
    assert not any("not in torch.optim" in n for n in notes), notes
