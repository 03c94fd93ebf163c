"""The one way our pipelines reject a record: with a short, countable reason."""

from __future__ import annotations

from scrapy.exceptions import DropItem


class DropArticle(DropItem):
    """``DropItem`` that names its reason (``missing_title``, ``duplicate_url`` ...) so the
    run report and the coverage report can count it without parsing messages."""

    def __init__(self, reason: str, message: str, log_level: str | None = None) -> None:
        super().__init__(f"{reason}: {message}", log_level=log_level)
        self.reason = reason
