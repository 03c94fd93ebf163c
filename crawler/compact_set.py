"""A set of 64-bit fingerprints at about 20 bytes each, for what a crawl only asks
membership of, once per URL it meets (requests seen, listing pages counted)."""

from __future__ import annotations

from array import array
from bisect import bisect_left
from heapq import merge

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
        if value in self._recent:
            return True
        index = bisect_left(self._sorted, value)  # type: ignore[call-overload]
        return index < len(self._sorted) and self._sorted[index] == value

    def add(self, value: int) -> None:
        if value in self:
            return
        self._recent.add(value)
        if len(self._recent) >= max(MIN_RECENT, len(self._sorted) >> 3):
            self._sorted = array("Q", merge(self._sorted, sorted(self._recent)))
            self._recent.clear()
