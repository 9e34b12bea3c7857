"""Sort every test into one of three layers, so a developer can run just the fast ones.

``core`` (pure NumPy, seconds), ``app`` (pages under Streamlit's AppTest) and ``e2e`` (a real
browser, in ``tests/e2e``). A test is ``app`` when it calls ``open_page``; a ``core`` test that
starts an AppTest anyway fails, so the markers cannot drift.
"""

from __future__ import annotations

from pathlib import Path

import pytest

E2E_DIR = Path(__file__).parent / "e2e"


def _layer(item: pytest.Item) -> str:
    if E2E_DIR in Path(str(item.fspath)).parents:
        return "e2e"
    code = getattr(getattr(item, "function", None), "__code__", None)
    return "app" if code is not None and "open_page" in code.co_names else "core"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        item.add_marker(getattr(pytest.mark, _layer(item)))


@pytest.fixture(autouse=True)
def _core_tests_stay_without_streamlit(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    if request.node.get_closest_marker("core") is None:
        return
    from streamlit.testing.v1 import AppTest

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("this test runs a page: call open_page in the test itself so it is marked 'app'")

    monkeypatch.setattr(AppTest, "from_file", refuse)
