"""Sort every test into one of three layers, so a developer can run just the fast ones.

``core`` (pure NumPy, seconds), ``app`` (pages under Streamlit's AppTest) and ``e2e`` (a real
browser, in ``tests/e2e``). A test is ``app`` when ``open_page`` or ``AppTest`` is named by its
own code, by any fixture it uses (at any depth, whatever the fixture's scope), or by a helper
either of them calls (defined in the same module or in the ``tests`` package). While a ``core`` test is set up, runs or is torn down
(which includes the set-up of the module- and session-scoped fixtures it is the first to use),
creating or running an AppTest fails, so a misfiled page test cannot pass as ``core``.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from pathlib import Path
from types import CodeType, FunctionType
from typing import Any

import pytest

pytest_plugins = ("pytester",)

E2E_DIR = Path(__file__).parent / "e2e"
APP_NAMES = frozenset({"open_page", "AppTest"})
CORE_REFUSAL = "a 'core' test started a page: name open_page in the test, its fixture or a helper so it is marked 'app'"


def _reaches_a_page(code: CodeType, namespace: dict[str, Any], seen: set[CodeType]) -> bool:
    """Whether ``code`` names open_page/AppTest itself, in a nested function, or in a helper it calls.

    Helpers are followed when they are defined in the same module or in the ``tests`` package.
    """
    if code in seen:
        return False
    seen.add(code)
    if APP_NAMES & set(code.co_names):
        return True
    for const in code.co_consts:
        if isinstance(const, CodeType) and _reaches_a_page(const, namespace, seen):
            return True
    for name in code.co_names:
        target = namespace.get(name)
        if (
            isinstance(target, FunctionType)
            and (target.__module__ == namespace.get("__name__") or target.__module__.startswith("tests."))
            and _reaches_a_page(target.__code__, target.__globals__, seen)
        ):
            return True
    return False


def _uses_a_page(function: Callable[..., Any] | None, seen: set[CodeType]) -> bool:
    function = getattr(function, "__wrapped__", function)
    code = getattr(function, "__code__", None)
    return code is not None and _reaches_a_page(code, getattr(function, "__globals__", {}), seen)


def _layer(item: pytest.Item) -> str:
    if E2E_DIR in Path(str(item.fspath)).parents:
        return "e2e"
    seen: set[CodeType] = set()
    if _uses_a_page(getattr(item, "function", None), seen):
        return "app"
    # ``fixturenames`` is the closure: the fixtures the test asks for, theirs, and the autouse ones.
    definitions = getattr(getattr(item, "_fixtureinfo", None), "name2fixturedefs", {})
    for name in getattr(item, "fixturenames", ()):
        if any(_uses_a_page(d.func, seen) for d in definitions.get(name, ())):
            return "app"
    return "core"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        item.add_marker(getattr(pytest.mark, _layer(item)))


def _refuse(*args: object, **kwargs: object) -> None:
    raise AssertionError(CORE_REFUSAL)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None, object, object]:
    """Around a ``core`` test's set-up (module fixtures included), call and teardown, AppTest refuses to start or run."""
    if item.get_closest_marker("core") is None:
        return (yield)
    from streamlit.testing.v1 import AppTest

    with pytest.MonkeyPatch.context() as patch:
        for method in ("__init__", "_run"):
            patch.setattr(AppTest, method, _refuse)
        return (yield)
