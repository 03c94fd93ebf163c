"""WARC capture: every HTTP exchange of a crawl, kept as request and response records.

``-s WARC_OUTPUT=crawl.warc.gz`` makes any crawl also write what it downloaded to a
standard WARC file (ISO 28500, written by warcio), so the corpus can be re-extracted
later without fetching a page again (``python -m crawler.replay``). Each exchange is a
``response`` record (status line, headers and body as received, before decompression)
and a ``request`` record (``WARC-Concurrent-To`` the response), both with
``WARC-Target-URI``, ``WARC-Date`` and ``WARC-Payload-Digest``.

Files are never overwritten: when ``crawl.warc.gz`` exists (a resumed crawl), or once a
file reaches ``WARC_MAX_SIZE``, records go on in ``crawl-00001.warc.gz``,
``crawl-00002.warc.gz``… (each file starts with a ``warcinfo`` record), so
``crawl*.warc.gz`` is the whole capture.

Durability, as the feed's (:mod:`crawler.runtime.feeds`): an exchange is serialized in
memory, then handed to the kernel in one ``write`` before the crawl goes on, so a kill or
crash of the crawl (even ``kill -9``) loses no exchange written. The file is ``fsync``-ed
at most ``ARCHIVE_FEED_FSYNC_SECONDS`` (1 s) after an exchange, at every file's close,
and when the spider closes, before ``JOBDIR`` is marked cleanly stopped; and always
before an output's records are (:data:`crawler.runtime.durable.records_syncing`), so a
power loss, which loses at most the last second's exchanges, never keeps an article in
the output whose page the WARC lost: the resumed crawl fetches again every article not in
the output, and records its page again, in the next file. (With the setting at 0, in a
distributed crawl and with ``-a state=PATH``, every exchange is ``fsync``-ed as written.)

A file cut short, by a power loss or by a kill in the middle of a large write, ends in a
torn record, or in NUL bytes, that warcio either fails on or reads as a short body (a
replay would serve a truncated page): when a crawl with the same ``WARC_OUTPUT`` starts,
the capture's last file is cut back to its last complete record before the crawl adds
its own file (logged, ``resume/torn_warc_bytes_cut``); a file another crawl is writing
(``flock``-ed) is left alone.

A write or ``fsync`` that fails (disk full, I/O error) is handled as a feed's: the file is
cut back to its last complete exchange (after a failed ``fsync``: to where it was last
``fsync``-ed), the exchanges cut or refused from then on are counted
(``warc/exchanges_lost``), the failure ``output`` makes the crawl exit 1, and the crawl
stops. A response whose exchange was not recorded is dropped before the spider sees it,
so its article is not written without its page: the same command, run again once the
disk has room, fetches it again. Only the articles of exchanges a failed ``fsync`` cut,
which were written already, are missing from the capture for good.
"""

from __future__ import annotations

import fcntl
import logging
import os
import re
import zlib
from collections.abc import Callable
from http import HTTPStatus
from importlib.metadata import version
from io import BytesIO
from pathlib import Path
from typing import BinaryIO, Self
from urllib.parse import urlsplit

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured, UsageError
from scrapy.http import Headers, Response
from twisted.internet.task import LoopingCall
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.reporting import stats_keys
from crawler.runtime.durable import DurableFile, records_syncing
from crawler.runtime.exit_status import output_failed
from crawler.runtime.feeds import fsync_interval
from crawler.runtime.middlewares import REUSED

logger = logging.getLogger(__name__)

WARC_SUFFIXES = (".warc.gz", ".warc")
SOFTWARE = f"news-archive-crawler (Scrapy {version('scrapy')}, warcio {version('warcio')})"
# The downloader hands over a de-chunked body: a recorded chunked header would make
# readers de-chunk it again.
DROPPED_RESPONSE_HEADERS = frozenset({"transfer-encoding"})
REASON_PHRASES = {status.value: status.phrase for status in HTTPStatus}
GZIP_MEMBER = 16 + zlib.MAX_WBITS
"""``zlib`` window bits for one gzip member (a ``.warc.gz`` holds one record per member)."""
READ_SIZE = 1 << 20
INFLATED_LIMIT = 1 << 22
"""Bytes inflated at once while a file is scanned, whatever a member expands to."""
HEADER_LIMIT = 1 << 16
CONTENT_LENGTH = re.compile(rb"\r\nContent-Length:[ \t]*(\d+)[ \t]*(?:\r\n|$)", re.IGNORECASE)
WARC_STARTS = (b"\x1f\x8b", b"WARC/", b"\x00")
"""How a file of ours can begin: a gzip member, a record, or a power loss's NUL bytes."""
GZIP_RECORD_START = b"\x1f\x8b\x08"
PLAIN_RECORD_START = b"WARC/1."
TAIL_SIZE = 1 << 20
"""Bytes read from a file's end to find it whole at once: its last record is a request's,
a few hundred bytes; a longer one, or a torn end, makes the whole file read."""


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


def gzip_records_end(file: BinaryIO) -> int:
    """Where the last complete gzip member of ``file`` ends: one that inflates whole, its
    CRC checked (what follows is torn, NUL bytes, or nothing).

    >>> import gzip, io
    >>> members = gzip.compress(b"WARC/1.0 one") + gzip.compress(b"WARC/1.0 two")
    >>> gzip_records_end(io.BytesIO(members)) == len(members)
    True
    >>> gzip_records_end(io.BytesIO(members[:-3])) == len(gzip.compress(b"WARC/1.0 one"))
    True
    >>> gzip_records_end(io.BytesIO(members + bytes(100))) == len(members)
    True
    """
    end = offset = 0
    inflater = zlib.decompressobj(GZIP_MEMBER)
    data = b""
    while True:
        if not data:
            data = file.read(READ_SIZE)
            if not data:
                return end
        try:
            inflater.decompress(data, INFLATED_LIMIT)
        except zlib.error:
            return end
        if inflater.eof:
            rest = inflater.unused_data
            end = offset = offset + len(data) - len(rest)
            inflater = zlib.decompressobj(GZIP_MEMBER)
        else:
            rest = inflater.unconsumed_tail
            offset += len(data) - len(rest)
        data = rest


def plain_records_end(file: BinaryIO) -> int:
    """Where the last complete record of the uncompressed WARC ``file`` ends: its header,
    ``Content-Length`` bytes and the closing blank line all there.

    >>> import io
    >>> record = b"WARC/1.0\\r\\nContent-Length: 3\\r\\n\\r\\nabc\\r\\n\\r\\n"
    >>> plain_records_end(io.BytesIO(record * 2)) == 2 * len(record)
    True
    >>> plain_records_end(io.BytesIO(record + record[:-1])) == len(record)
    True
    >>> plain_records_end(io.BytesIO(record + bytes(100))) == len(record)
    True
    """
    end = 0
    while True:
        file.seek(end)
        head = file.read(HEADER_LIMIT)
        header_end = head.find(b"\r\n\r\n")
        length = CONTENT_LENGTH.search(head, 0, max(header_end, 0))
        if not head.startswith(b"WARC/") or header_end < 0 or length is None:
            return end
        block_end = end + header_end + 4 + int(length.group(1))
        file.seek(block_end)
        if file.read(4) != b"\r\n\r\n":
            return end
        end = block_end + 4


def ends_whole(tail: bytes, record_start: bytes, records_end: Callable[[BinaryIO], int]) -> bool:
    """Whether ``tail`` (a file's last bytes) ends with a complete record: from the last
    place that starts one or more complete records (``record_start`` marks where one can
    begin; ``records_end`` reads them), they run exactly to its end.

    >>> import gzip
    >>> members = gzip.compress(b"WARC/1.0 one") + gzip.compress(b"WARC/1.0 two")
    >>> ends_whole(members, GZIP_RECORD_START, gzip_records_end)
    True
    >>> ends_whole(members[:-1], GZIP_RECORD_START, gzip_records_end)
    False
    >>> ends_whole(members + bytes(9), GZIP_RECORD_START, gzip_records_end)
    False
    """
    position = len(tail)
    while (position := tail.rfind(record_start, 0, position)) >= 0:
        whole = records_end(BytesIO(tail[position:]))
        if whole:  # else a torn record's start, or the marker's bytes inside a record
            return whole == len(tail) - position
    return False


def cut_torn_tail(path: Path) -> int:
    """Truncate the WARC file ``path`` after its last complete record; returns how many
    bytes were cut (0 if none). A file another crawl is writing (it holds a ``flock`` on
    it) or that does not begin as one of ours (:data:`WARC_STARTS`) is left alone."""
    with path.open("rb+") as file:
        try:
            fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return 0
        if not file.read(max(map(len, WARC_STARTS))).startswith(WARC_STARTS):
            return 0
        size = os.fstat(file.fileno()).st_size
        record_start, records_end = (
            (GZIP_RECORD_START, gzip_records_end)
            if path.name.endswith(".gz")
            else (PLAIN_RECORD_START, plain_records_end)
        )
        file.seek(max(0, size - TAIL_SIZE))
        if ends_whole(file.read(), record_start, records_end):
            return 0
        file.seek(0)
        keep = records_end(file)
        if keep == size:
            return 0
        file.truncate(keep)
        os.fsync(file.fileno())
    return size - keep


class WarcWriter:
    """Appends request/response record pairs to a WARC file set, rolling over at
    ``max_size`` bytes. Each pair reaches the kernel whole before :meth:`write_exchange`
    returns, and the disk as the feed's records do (``fsync_every``, ``on_error``,
    ``on_lost``: :class:`crawler.runtime.durable.DurableFile`, whose records are exchanges
    here: a file's ``warcinfo`` record goes with its first)."""

    def __init__(
        self,
        path: Path,
        max_size: int,
        info: dict[str, str],
        *,
        fsync_every: float = 0.0,
        on_error: Callable[[OSError, int], None] | None = None,
        on_lost: Callable[[], None] | None = None,
    ) -> None:
        if not path.name.endswith(WARC_SUFFIXES):
            raise ValueError(f"a WARC file name ends in .warc.gz or .warc: {str(path)!r}")
        self.path = path
        self.max_size = max_size
        self.info = info
        self.fsync_every = fsync_every
        self.on_error = on_error
        self.on_lost = on_lost
        self.gzip = path.name.endswith(".gz")
        self.files: list[Path] = []
        self._failed = False
        self._serial = 0
        self._file: DurableFile | None = None
        self._exchanges_in_file = 0

    @property
    def failed(self) -> bool:
        """A write or ``fsync`` failed: no exchange is written from then on."""
        return self._failed or (self._file is not None and self._file.failed)

    def cut_torn_tail(self) -> tuple[Path, int] | None:
        """Cut the capture's last file back to its last complete record, before this
        writer adds a file after it; returns the file and the bytes cut, if any."""
        last = None
        serial = 0
        while (path := serial_path(self.path, serial)).exists():
            last, serial = path, serial + 1
        cut = cut_torn_tail(last) if last is not None else 0
        return (last, cut) if last is not None and cut else None

    def write_exchange(self, request: Request, response: Response) -> int:
        """Write the records of one exchange; returns the bytes written (0 when the
        writer has failed: :attr:`failed`)."""
        if self.failed:
            return self._refused()
        blob = self._serialize(self._exchange_records(request, response))
        file = self._file_for(len(blob))
        if file is None:  # the last file's final fsync failed, or the next would not open
            return self._refused()
        if self._exchanges_in_file == 0:
            blob = self._warcinfo(self.files[-1].name) + blob
        file.write(blob)
        if file.failed:
            return 0
        self._exchanges_in_file += 1
        return len(blob)

    def _refused(self) -> int:
        if self.on_lost is not None:
            self.on_lost()
        return 0

    def sync(self) -> None:
        """``fsync`` the exchanges written since the last time, if any."""
        if self._file is not None:
            self._file.sync()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()  # fsyncs what is not yet: a failure is a failed write
            self._failed = self.failed
            self._file = None

    def _serialize(self, records: tuple[ArcWarcRecord, ...]) -> bytes:
        buffer = BytesIO()
        writer = WARCWriter(buffer, gzip=self.gzip)
        if len(records) == 2:
            writer.write_request_response_pair(*records)
        else:
            writer.write_record(*records)
        return buffer.getvalue()

    def _warcinfo(self, name: str) -> bytes:
        builder = WARCWriter(BytesIO())
        return self._serialize((builder.create_warcinfo_record(name, self.info),))

    def _file_for(self, size: int) -> DurableFile | None:
        file = self._file
        if file is not None and (
            self._exchanges_in_file == 0 or file.tell() + size <= self.max_size
        ):
            return file
        self.close()
        return None if self.failed else self._open_next()

    def _open_next(self) -> DurableFile | None:
        while True:
            path = serial_path(self.path, self._serial)
            self._serial += 1
            try:
                # Never overwrite an earlier capture; locked, so no crawl cuts it as torn.
                file = DurableFile(
                    path,
                    "xb",
                    fsync_every=self.fsync_every,
                    on_error=self.on_error,
                    on_lost=self.on_lost,
                )
            except FileExistsError:
                continue
            except OSError as error:
                if self.on_error is None:
                    raise
                self._failed = True
                self.on_error(error, 0)  # the exchange to write is counted as refused
                return None
            break
        fcntl.flock(file.fileno(), fcntl.LOCK_EX)
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


class NotRecorded(IgnoreRequest):
    """A response whose exchange the WARC could not take: dropped, so that its article is
    not written without its page (the crawl is stopping; run again, it fetches it)."""


class WarcCaptureMiddleware:
    """Downloader middleware: writes every response the downloader returns, with its
    request, to the WARC named by ``WARC_OUTPUT``. It sits next to the downloader, so it
    sees bodies before decompression and redirects before they are followed."""

    def __init__(self, crawler: Crawler, writer: WarcWriter) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.writer = writer
        self.syncing: LoopingCall | None = None

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
            writer = WarcWriter(
                Path(output),
                settings.getint("WARC_MAX_SIZE"),
                info,
                fsync_every=fsync_interval(crawler),
            )
        except ValueError as error:
            raise UsageError(f"-s WARC_OUTPUT: {error}") from None
        middleware = cls(crawler, writer)
        writer.on_error, writer.on_lost = middleware.write_failed, middleware.exchange_lost
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(writer.sync, signal=records_syncing)
        return middleware

    def spider_opened(self) -> None:
        torn = self.writer.cut_torn_tail()
        if torn is not None:
            path, cut = torn
            logger.warning("Cut a torn last record (%d bytes) from %s", cut, path)
            self.stats.inc_value(stats_keys.RESUME_TORN_WARC_BYTES_CUT, cut)
        if self.writer.fsync_every > 0:
            self.syncing = LoopingCall(self.writer.sync)
            self.syncing.start(self.writer.fsync_every, now=False)

    def process_response(self, request: Request, response: Response) -> Response:
        if REUSED in response.flags:  # no exchange: it was written when it took place
            return response
        size = self.writer.write_exchange(request, response)
        if self.writer.failed:
            raise NotRecorded(f"not recorded in the WARC: {response.url}")
        self.stats.inc_value(stats_keys.WARC_RECORDS, 2)
        self.stats.inc_value(stats_keys.WARC_BYTES, size)
        self.stats.set_value(stats_keys.WARC_FILES, len(self.writer.files))
        return response

    def write_failed(self, error: OSError, lost: int) -> None:
        """The first failed write or ``fsync``, which cost ``lost`` exchanges: count them,
        say so, and stop the crawl."""
        output_failed(
            self.crawler,
            error,
            f"the WARC {self.writer.path}",
            "Every exchange written before is complete; run the same command again once it "
            "can be written: it records the pages of the articles not written in a new file.",
            stats_keys.WARC_EXCHANGES_LOST,
            lost,
        )

    def exchange_lost(self) -> None:
        self.stats.inc_value(stats_keys.WARC_EXCHANGES_LOST)

    def spider_closed(self) -> None:
        if self.syncing is not None and self.syncing.running:
            self.syncing.stop()
        self.writer.close()
        if self.writer.files:
            logger.info("WARC written: %s", ", ".join(map(str, self.writer.files)))
