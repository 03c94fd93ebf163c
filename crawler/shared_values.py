"""One object for each distinct value a crawl keeps per article."""

from __future__ import annotations

from typing import Any, TypeVar

T = TypeVar("T")


class SharedValues:
    """Hands back one kept copy of each distinct value: the ledgers keep an entry per
    article of the archive (tens of thousands), whose values (sources, sections, months,
    outcomes, listing dates) have only a few hundred or thousand distinct forms.

    >>> shared = SharedValues()
    >>> shared((2013, 10)) is shared((2013, 10)), shared(None)
    (True, None)
    """

    def __init__(self) -> None:
        self._kept: dict[Any, Any] = {}

    def __call__(self, value: T) -> T:
        return value if value is None else self._kept.setdefault(value, value)
