"""WARC capture: every HTTP exchange of a crawl, kept as request and response records.

``-s WARC_OUTPUT=crawl.warc.gz`` makes any crawl also write what it downloaded to a
standard WARC file (ISO 28500, written by warcio), so the corpus can be re-extracted
later without fetching a page again (``python -m crawler.replay``). Each exchange is a
``response`` record (status line, headers and body as received, before decompression)
and a ``request`` record (``WARC-Concurrent-To`` the response), both with
``WARC-Target-URI``, ``WARC-Date`` and ``WARC-Payload-Digest``.

Durability: an exchange is serialized in memory, then written to the file in one piece,
flushed and fsynced before the crawl goes on, so a crash (even ``kill -9``) leaves a
WARC that is valid up to its last complete record. Files are never overwritten: when
``crawl.warc.gz`` exists (a resumed crawl), or once a file reaches ``WARC_MAX_SIZE``,
records go on in ``crawl-00001.warc.gz``, ``crawl-00002.warc.gz``… (each file starts
with a ``warcinfo`` record), so ``crawl*.warc.gz`` is the whole capture.
"""

from __future__ import annotations

import logging
import os
from http import HTTPStatus
from importlib.metadata import version
from io import BytesIO
from pathlib import Path
from typing import IO, Self
from urllib.parse import urlsplit

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured, UsageError
from scrapy.http import Headers, Response
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.reporting import stats_keys
from crawler.runtime.middlewares import REUSED

logger = logging.getLogger(__name__)

WARC_SUFFIXES = (".warc.gz", ".warc")
SOFTWARE = f"news-archive-crawler (Scrapy {version('scrapy')}, warcio {version('warcio')})"
# The downloader hands over a de-chunked body: a recorded chunked header would make
# readers de-chunk it again.
DROPPED_RESPONSE_HEADERS = frozenset({"transfer-encoding"})
REASON_PHRASES = {status.value: status.phrase for status in HTTPStatus}


def serial_path(path: Path, serial: int) -> Path:
    """The file of the capture ``path`` with this serial: ``crawl.warc.gz``, then
    ``crawl-00001.warc.gz``, ``crawl-00002.warc.gz``…"""
    if serial == 0:
        return path
    suffix = next(s for s in WARC_SUFFIXES if path.name.endswith(s))
    return path.with_name(f"{path.name.removesuffix(suffix)}-{serial:05d}{suffix}")


def header_pairs(headers: Headers) -> list[tuple[str, str]]:
    """Scrapy headers as (name, value) text pairs, one pair per value."""
    return [
        (name.decode("latin-1"), value.decode("latin-1"))
        for name, values in headers.items()
        for value in values
    ]


class WarcWriter:
    """Appends request/response record pairs to a WARC file set, rolling over at
    ``max_size`` bytes; each pair is on disk (written whole, fsynced) before it returns."""

    def __init__(self, path: Path, max_size: int, info: dict[str, str]) -> None:
        if not path.name.endswith(WARC_SUFFIXES):
            raise ValueError(f"a WARC file name ends in .warc.gz or .warc: {str(path)!r}")
        self.path = path
        self.max_size = max_size
        self.info = info
        self.gzip = path.name.endswith(".gz")
        self.files: list[Path] = []
        self._serial = 0
        self._file: IO[bytes] | None = None
        self._exchanges_in_file = 0

    def write_exchange(self, request: Request, response: Response) -> int:
        """Write the records of one exchange; returns the bytes written."""
        blob = self._serialize(self._exchange_records(request, response))
        file = self._file_for(len(blob))
        file.write(blob)
        file.flush()
        os.fsync(file.fileno())
        self._exchanges_in_file += 1
        return len(blob)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def _serialize(self, records: tuple[ArcWarcRecord, ArcWarcRecord]) -> bytes:
        buffer = BytesIO()
        WARCWriter(buffer, gzip=self.gzip).write_request_response_pair(*records)
        return buffer.getvalue()

    def _file_for(self, size: int) -> IO[bytes]:
        file = self._file
        if file is not None and (
            self._exchanges_in_file == 0 or file.tell() + size <= self.max_size
        ):
            return file
        self.close()
        return self._open_next()

    def _open_next(self) -> IO[bytes]:
        while True:
            path = serial_path(self.path, self._serial)
            self._serial += 1
            try:
                file = path.open("xb")  # never overwrite an earlier capture
            except FileExistsError:
                continue
            break
        info_writer = WARCWriter(file, gzip=self.gzip)
        info_writer.write_record(info_writer.create_warcinfo_record(path.name, self.info))
        file.flush()
        os.fsync(file.fileno())
        logger.info("Writing WARC %s", path)
        self.files.append(path)
        self._file, self._exchanges_in_file = file, 0
        return file

    @staticmethod
    def _exchange_records(
        request: Request, response: Response
    ) -> tuple[ArcWarcRecord, ArcWarcRecord]:
        builder = WARCWriter(BytesIO())
        url = response.url
        warc_headers = {}
        if response.ip_address is not None:
            warc_headers["WARC-IP-Address"] = str(response.ip_address)
        protocol = response.protocol or "HTTP/1.1"
        reason = REASON_PHRASES.get(response.status, "")
        response_headers = StatusAndHeaders(
            f"{response.status} {reason}".strip(),
            [
                (name, value)
                for name, value in header_pairs(response.headers)
                if name.lower() not in DROPPED_RESPONSE_HEADERS
            ],
            protocol=protocol,
        )
        response_record = builder.create_warc_record(
            url,
            "response",
            payload=BytesIO(response.body),
            length=len(response.body),
            http_headers=response_headers,
            warc_headers_dict=warc_headers,
        )
        parts = urlsplit(url)
        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
        request_headers = StatusAndHeaders(
            f"{request.method} {target} {protocol}",
            [("Host", parts.netloc), *header_pairs(request.headers)],
            is_http_request=True,
        )
        request_record = builder.create_warc_record(
            url,
            "request",
            payload=BytesIO(request.body),
            length=len(request.body),
            http_headers=request_headers,
        )
        return request_record, response_record


class WarcCaptureMiddleware:
    """Downloader middleware: writes every response the downloader returns, with its
    request, to the WARC named by ``WARC_OUTPUT``. It sits next to the downloader, so it
    sees bodies before decompression and redirects before they are followed."""

    def __init__(self, crawler: Crawler, writer: WarcWriter) -> None:
        self.stats = crawler.stats
        self.writer = writer

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        output = settings.get("WARC_OUTPUT")
        if not output:
            raise NotConfigured  # off by default: no "Disabled" warning in every crawl log
        info = {
            "software": SOFTWARE,
            "format": "WARC File Format 1.0",
            "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.0/",
            "robots": "obey" if settings.getbool("ROBOTSTXT_OBEY") else "ignore",
        }
        try:
            writer = WarcWriter(Path(output), settings.getint("WARC_MAX_SIZE"), info)
        except ValueError as error:
            raise UsageError(f"-s WARC_OUTPUT: {error}") from None
        middleware = cls(crawler, writer)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def process_response(self, request: Request, response: Response) -> Response:
        if REUSED in response.flags:  # no exchange: it was written when it took place
            return response
        size = self.writer.write_exchange(request, response)
        self.stats.inc_value(stats_keys.WARC_RECORDS, 2)
        self.stats.inc_value(stats_keys.WARC_BYTES, size)
        self.stats.set_value(stats_keys.WARC_FILES, len(self.writer.files))
        return response

    def spider_closed(self) -> None:
        self.writer.close()
        if self.writer.files:
            logger.info("WARC written: %s", ", ".join(map(str, self.writer.files)))
