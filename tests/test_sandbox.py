"""Tests for core.sandbox (a function run in a CPU- and memory-limited child) and core.lru."""

import os

import pytest

from core import sandbox
from core.lru import LRU

pytestmark = pytest.mark.skipif(not sandbox.CAN_FORK, reason="needs os.fork and resource (Linux)")


def _children_cpu() -> float:
    t = os.times()
    return t.children_user + t.children_system


def _spin() -> None:
    while True:
        pass


def _grab_memory() -> None:
    hoard = []
    while True:
        hoard.append(bytearray(64 << 20))


def _fail() -> None:
    raise KeyError("from the child")


def test_result_and_exceptions_come_back():
    assert sandbox.call_limited(divmod, 17, 5) == (3, 2)
    with pytest.raises(KeyError, match="from the child"):
        sandbox.call_limited(_fail)


def test_endless_loop_is_stopped_by_the_cpu_limit():
    before = _children_cpu()
    with pytest.raises(sandbox.OverBudget):
        sandbox.call_limited(_spin, cpu_seconds=1)
    spent = _children_cpu() - before
    assert 0.5 < spent < 2.5


def test_memory_is_limited():
    with pytest.raises(sandbox.OverBudget):
        sandbox.call_limited(_grab_memory, memory_bytes=256 << 20)


def test_a_starved_child_is_killed_after_the_wall_limit():
    with pytest.raises(sandbox.Busy):
        sandbox.call_limited(os.pause if hasattr(os, "pause") else _spin, wall_seconds=0.2)


def test_lru_keeps_the_most_recent_entries():
    cache = LRU(3)
    for k in "abcd":
        cache.put(k, k.upper())
    assert cache.get("a") is None and cache.get("b") == "B"
    cache.put("e", "E")  # evicts c, the least recently used now
    assert [cache.get(k) for k in "bcde"] == ["B", None, "D", "E"]
    assert len(cache) == 3
    with pytest.raises(ValueError):
        LRU(0)


def _burn(seconds: float) -> None:
    import time

    t0 = time.process_time()
    while time.process_time() - t0 < seconds:
        pass


def test_reaped_seconds_count_the_children_this_thread_waited_for():
    """A page counts its formula checks in its request's CPU (``ui.work.spent``): the children's CPU time, per
    thread, so another session's checks are not charged to it."""
    import threading

    before = sandbox.reaped_seconds()
    sandbox.call_limited(_burn, 0.05)
    assert sandbox.reaped_seconds() - before >= 0.04
    seen: list[float] = []
    other = threading.Thread(target=lambda: seen.append(sandbox.reaped_seconds()))
    other.start()
    other.join()
    assert seen == [0.0]
