"""The layer markers of ``tests/conftest.py``: a page test is marked ``app`` however it opens its page.

A test that starts a page in a way the rule cannot see is still caught: run as ``core``, it fails.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# A stand-in for tests.apptest_helpers.open_page (a tiny script: nothing of the app is loaded).
DEMO = """
import pytest
from streamlit.testing.v1 import AppTest


def open_page():
    return AppTest.from_string("import streamlit as st\\nst.write('hi')").run()


def _opened():
    return open_page()


@pytest.fixture(scope="module")
def page():
    return open_page()


@pytest.fixture
def same_page(page):
    return page


@pytest.fixture(scope="module")
def hidden_page():
    return globals()["open_" + "page"]()  # invisible to the rule: the guard must catch it


def test_opens_a_page():
    assert open_page().markdown


def test_opens_a_page_through_a_helper():
    assert _opened().markdown


def test_uses_a_module_scoped_page(page):
    assert page.markdown


def test_uses_it_through_another_fixture(same_page):
    assert same_page.markdown


def test_hides_its_page(hidden_page):
    assert hidden_page.markdown


def test_plain_numbers():
    assert 1 + 1 == 2
"""

PAGE_TESTS = [
    "test_opens_a_page",
    "test_opens_a_page_through_a_helper",
    "test_uses_a_module_scoped_page",
    "test_uses_it_through_another_fixture",
]


@pytest.fixture
def demo(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makeini(
        "[pytest]\nmarkers =\n    core\n    app\n    e2e\naddopts = --strict-markers -p no:cacheprovider\n"
    )
    pytester.makeconftest((ROOT / "tests" / "conftest.py").read_text())
    pytester.makepyfile(test_demo=DEMO)
    return pytester


def test_every_way_of_opening_a_page_is_marked_app(demo):
    result = demo.runpytest_subprocess("--collect-only", "-q", "-m", "app")
    assert sorted(line.split("::")[1] for line in result.outlines if "::" in line) == sorted(PAGE_TESTS)


def test_a_core_test_that_starts_a_page_from_a_module_fixture_fails(demo):
    from tests.conftest import CORE_REFUSAL

    result = demo.runpytest_subprocess("-m", "core")
    result.assert_outcomes(passed=1, errors=1, deselected=len(PAGE_TESTS))  # its fixture's set-up fails
    result.stdout.fnmatch_lines(["*ERROR at setup of test_hides_its_page*", "E *AssertionError: " + CORE_REFUSAL])
    # as the app test it is, it passes: the refusal is the guard's, not the page's
    result = demo.runpytest_subprocess("-m", "not core")
    result.assert_outcomes(passed=len(PAGE_TESTS), deselected=2)


def test_every_sweep_page_test_is_marked_app():
    """The LR-sweep tests share one module-scoped page: none of them may be filed under ``core``."""
    collect = [sys.executable, "-m", "pytest", "--collect-only", "-q", "tests/test_sweep_page.py"]
    every = subprocess.run(collect, cwd=ROOT, capture_output=True, text=True, check=True).stdout
    app = subprocess.run([*collect, "-m", "app"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    tests = [line for line in every.splitlines() if "::" in line]
    assert len(tests) >= 17
    assert [line for line in app.splitlines() if "::" in line] == tests
