"""Pages cut short where HTTP cannot tell: a body that ends with its connection.

A response without ``Content-Length`` (nor chunked encoding) ends when the server closes
the connection, and a connection dropped mid-page ends it the same way: Scrapy flags
such a response ``partial`` and hands it on as whole. A story cut so was emitted with
its last paragraph cut mid-word and the rest missing, without a word. A page is HTML
that ends with ``</body>`` and ``</html>`` (every one of the 181 article-extraction
pages has one or both); a ``partial`` page with neither is taken as cut short: retried
like an empty page, and when every attempt comes cut, read as it came, and said
(``faults/download/cut_short``).
"""

from __future__ import annotations

import logging
import re
from typing import Self

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.http import HtmlResponse, Response

from crawler.reporting import stats_keys
from crawler.runtime.run import ArchiveRun

logger = logging.getLogger(__name__)

HTML_END = re.compile(rb"</(?:body|html)\s*>", re.IGNORECASE)

PARTIAL = "partial"
"""Scrapy's flag of a response whose body ended with its connection (``PotentialDataLoss``)."""


def has_html_end(body: bytes) -> bool:
    """Whether an HTML page's bytes hold its end: a ``</body>`` or ``</html>``.

    >>> has_html_end(b"<html><body><p>The story.</p></body></html>\\n<script>x()</script>")
    True
    >>> has_html_end(b"<html><body><article><p>The story.</p><p>The parl")
    False
    """
    return HTML_END.search(body) is not None


class CutShortPageMiddleware:
    """Retries a page whose connection ended before its HTML did (see the module
    docstring); keeps it, counted and logged, when every attempt ends so."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.faults = ArchiveRun.of(crawler).faults

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Request | Response:
        if (
            PARTIAL not in response.flags
            or not isinstance(response, HtmlResponse)
            or response.status != 200
            or has_html_end(response.body)
        ):
            return response
        spider = self.crawler.spider
        assert spider is not None
        retry = get_retry_request(request, spider=spider, reason="cut_short")
        self.faults.record(
            stats_keys.FAULTS_DOWNLOAD_CUT_SHORT,
            "Page cut short at %s: its connection closed before its HTML ended (no </body>, "
            "no </html>, no Content-Length to check); %s",
            response.url,
            "will retry" if retry else "kept as it came, its end missing",
        )
        return retry or response
