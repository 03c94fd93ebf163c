"""A set of 64-bit fingerprints at about 20 bytes each, for what a crawl only asks
membership of, once per URL it meets (requests seen, listing pages counted), and a map
from them at about 30 bytes an entry plus its values (the texts emitted)."""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Sized
from heapq import merge
from typing import Generic, TypeVar

V = TypeVar("V")

MASK = (1 << 64) - 1
MIN_RECENT = 4096
"""Fingerprints kept in a plain set before they join the sorted array."""


def url_fingerprint(url: str) -> int:
    """``url``'s 64-bit fingerprint in this process (Python's string hash, made unsigned):
    two of a crawl's 100,000 URLs share one with odds of about 3 in 10 billion.

    >>> url_fingerprint("https://x.org/a/") == url_fingerprint("https://x.org/a/")
    True
    >>> 0 <= url_fingerprint("https://x.org/b/") <= MASK
    True
    """
    return hash(url) & MASK


class CompactIntSet:
    """Unsigned 64-bit ints, at about 20 bytes each where a Python ``set`` of them takes
    about 90 (a 36-byte int and its slot): a crawl keeps one for every URL of the archive.

    Most are in a sorted ``array`` (8 bytes each, looked up by bisection); the newest in a
    plain set, merged into the array once they are an eighth of it (at least
    :data:`MIN_RECENT`), so each int is moved a few times in all.

    >>> seen = CompactIntSet()
    >>> for value in range(10_000, 0, -1):
    ...     seen.add(value * 7)
    >>> 7 in seen, 70_000 in seen, 8 in seen, 0 in seen, len(seen)
    (True, True, False, False, 10000)
    >>> seen.add(7); len(seen)
    10000
    """

    def __init__(self) -> None:
        self._sorted = array("Q")
        self._recent: set[int] = set()

    def __len__(self) -> int:
        return len(self._sorted) + len(self._recent)

    def __contains__(self, value: object) -> bool:
        return value in self._recent or index_of(self._sorted, value) is not None

    def add(self, value: int) -> None:
        if value in self:
            return
        self._recent.add(value)
        if merge_due(self._recent, self._sorted):
            self._sorted = array("Q", merge(self._sorted, sorted(self._recent)))
            self._recent.clear()


def index_of(keys: array[int], key: object) -> int | None:
    """Where ``key`` is in the sorted ``keys``, or None."""
    index = bisect_left(keys, key)  # type: ignore[call-overload]
    return index if index < len(keys) and keys[index] == key else None


def merge_due(recent: Sized, kept: Sized) -> bool:
    """Whether the newest entries are to be merged into the sorted ones: once they are an
    eighth of them (at least :data:`MIN_RECENT`), so each is moved a few times in all."""
    return len(recent) >= max(MIN_RECENT, len(kept) >> 3)


class CompactIntMap(Generic[V]):
    """Unsigned 64-bit ints mapped to values, at about 30 bytes an entry besides the value
    object, where a ``dict`` takes about 95 (a 36-byte int and its slot): a crawl keeps one
    entry for every article it emits.

    Laid out as :class:`CompactIntSet`: most keys in a sorted ``array`` (8 bytes each,
    looked up by bisection) with their values in a list in the same order (8 bytes each);
    the newest in a plain dict, merged into them once they are an eighth of them.

    >>> urls = CompactIntMap[str]()
    >>> for value in range(10_000, 0, -1):
    ...     urls[value * 7] = f"/{value}/"
    >>> urls.get(7), urls.get(70_000), urls.get(8), 0 in urls, 14 in urls, len(urls)
    ('/1/', '/10000/', None, False, True, 10000)
    >>> urls[7] = "/one/"; urls.get(7), len(urls)
    ('/one/', 10000)
    """

    def __init__(self) -> None:
        self._keys = array("Q")
        self._values: list[V] = []
        self._recent: dict[int, V] = {}

    def __len__(self) -> int:
        return len(self._keys) + len(self._recent)

    def __contains__(self, key: object) -> bool:
        return key in self._recent or index_of(self._keys, key) is not None

    def get(self, key: int) -> V | None:
        if key in self._recent:
            return self._recent[key]
        index = index_of(self._keys, key)
        return None if index is None else self._values[index]

    def __setitem__(self, key: int, value: V) -> None:
        index = None if key in self._recent else index_of(self._keys, key)
        if index is not None:
            self._values[index] = value
            return
        self._recent[key] = value
        if merge_due(self._recent, self._keys):
            self._merge_recent()

    def _merge_recent(self) -> None:
        """The recent entries moved into the sorted ones: the stretches of old entries
        between two new ones are copied whole (slices), not one by one."""
        keys, values = array("Q"), []
        start = 0
        for key in sorted(self._recent):
            end = bisect_left(self._keys, key, start)
            keys.extend(self._keys[start:end])
            values.extend(self._values[start:end])
            keys.append(key)
            values.append(self._recent[key])
            start = end
        keys.extend(self._keys[start:])
        values.extend(self._values[start:])
        self._keys, self._values = keys, values
        self._recent.clear()
