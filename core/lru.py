"""A small thread-safe LRU map of bounded size, for caches that must also remember failures.

``functools.lru_cache`` forgets a call that raised; the formula caches keep refusals too, so a
costly refusal is paid once. Entries are whatever the caller stores (results or exceptions).

>>> cache = LRU(2)
>>> cache.put("a", 1); cache.put("b", 2); cache.get("a"); cache.put("c", 3)
1
>>> cache.get("b") is None, len(cache)
(True, 2)
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

from .messages import N_, CoreError

V = TypeVar("V")

__all__ = ["LRU"]


class LRU(Generic[V]):
    """At most ``size`` entries; ``get`` refreshes an entry, ``put`` evicts the least recently used."""

    def __init__(self, size: int):
        if size < 1:
            raise CoreError(N_("Invalid size {value} (expected >= 1)"), value=repr(size))
        self.size = size
        self._data: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> V | None:
        """The value stored for ``key`` (now the most recent), or ``None``."""
        with self._lock:
            if key not in self._data:
                return None
            self._data.move_to_end(key)
            return self._data[key]

    def put(self, key: Hashable, value: V) -> None:
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.size:
                self._data.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()

    def __len__(self) -> int:
        return len(self._data)
