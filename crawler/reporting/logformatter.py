"""Log lines that name the page, not the whole record (bodies run to thousands of words)."""

from __future__ import annotations

from typing import Any

from itemadapter import ItemAdapter
from scrapy.logformatter import LogFormatter, LogFormatterResult


class ArticleLogFormatter(LogFormatter):
    def dropped(
        self, item: Any, exception: BaseException, response: Any, spider: Any = None
    ) -> LogFormatterResult:
        result = super().dropped(item, exception, response, spider)
        result["msg"] = "Dropped: %(exception)s"
        return result

    def scraped(self, item: Any, response: Any, spider: Any = None) -> LogFormatterResult:
        result = super().scraped(item, response, spider)
        result["msg"] = "Scraped %(url)s from %(src)s"
        result["args"] = {**dict(result["args"]), "url": ItemAdapter(item).get("url")}
        return result
