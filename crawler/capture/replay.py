"""Offline replay: a crawl whose requests are all answered from an archive, never the network.

Re-running extraction and every pipeline over a corpus recorded once: a WARC file (ours,
from ``-s WARC_OUTPUT``, or anyone's: Wayback, Common Crawl, Webrecorder…) or a folder of
saved pages in the mirror layout (``crawler/capture/mirror.py``; for ``wget --mirror`` output,
the folder named after the host). The crawl is a real ``scrapy crawl``: the spider, the
downloader middlewares (robots.txt, redirects, decompression, retries) and the pipelines
all run as in a live crawl; only the download itself is replaced, by
:class:`ArchiveReplayMiddleware`, so its JSON Lines equal a live crawl's (except
``fetched_at``). A URL the archive does not hold is answered 404 and counted as
``replay/not_in_archive``; answered ones as ``replay/answered``.

    python -m crawler.replay aawsat crawl*.warc.gz -O articles.jsonl
    python -m crawler.replay aawsat fixtures/aawsat/site -O articles.jsonl

A WARC's pages are requested at the origin they were recorded from (``-a base_url=``,
found in the archive: the site's own host if the WARC holds it, else the most recorded
origin, e.g. the loopback address of a crawl of a local copy); records still carry the
site's public URL. A mirror folder is read at the site's public address.

A damaged WARC (a download or a crawl cut short, bytes lost inside) is read up to the
damage: the records before it are replayed, and the file is named in an ERROR line and
counted (``replay/damaged_warc_files``). A record cut short is never replayed as a
shorter page (its body would make a shorter article): its request is answered 404,
logged at ERROR and counted as ``replay/damaged_records``. The same crawl
without this wrapper: ``scrapy crawl aawsat -s REPLAY_SOURCE=a.warc.gz,b.warc.gz
-a base_url=http://127.0.0.1:8000/``.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Self
from urllib.parse import urlsplit, urlunsplit

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured, UsageError
from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes
from w3lib.url import canonicalize_url
from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import ChunkedDataReader
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord

from crawler.capture.mirror import NOT_FOUND, Mirror
from crawler.discovery import urls
from crawler.discovery.urls import SiteAddress
from crawler.reporting import stats_keys

logger = logging.getLogger(__name__)

DEFAULT_PORTS = {"http": 80, "https": 443}
# The downloader hands Scrapy a de-chunked body; a replayed one must look the same.
DROPPED_HEADERS = frozenset({"transfer-encoding"})


def replay_key(url: str) -> str:
    """The URL as the archive is looked up by: canonical query order, no default port."""
    parts = urlsplit(canonicalize_url(url))
    netloc = parts.hostname or ""
    if parts.port is not None and parts.port != DEFAULT_PORTS.get(parts.scheme):
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))


def is_transient(status: int) -> bool:
    """A status a retry could have turned into the real page (429, 5xx)."""
    return status == 429 or status >= 500


def error_summary(error: Exception, limit: int = 80) -> str:
    """One short line for a log: warcio quotes the bytes it could not read, which for a
    damaged file may be a kilobyte of binary.

    >>> print(error_summary(ValueError("Invalid WARC record: " + "\\x8b" * 50), limit=24))
    ValueError: 'Invalid WARC record: \\x8b\\x8b\\x8b'…
    >>> error_summary(EOFError("stream ended"))
    "EOFError: 'stream ended'"
    """
    text = str(error)
    return f"{type(error).__name__}: {text[:limit]!r}{'…' if len(text) > limit else ''}"


@dataclass(frozen=True)
class ArchivedResponse:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


@dataclass(frozen=True)
class RecordLocation:
    path: Path
    offset: int
    status: int


@dataclass(frozen=True)
class DamagedWarc:
    """A WARC file read up to a record that could not be read."""

    path: Path
    records: int
    """The records read before the damage (of any type)."""
    error: str


class DamagedRecord(Exception):
    """An indexed record that cannot be replayed whole (cut short, or unreadable)."""


class WarcArchive:
    """An index of the HTTP responses in WARC files, by URL; bodies are read on demand.

    When a URL was recorded more than once, the last record wins, except that a transient
    error (429, 5xx) never hides a real answer. ``revisit`` records (identical payload
    digest) take their body from the response record with that payload digest. A URL
    recorded with tracking or session parameters answers for itself without them too (as
    the crawl requests it: :func:`crawler.discovery.urls.canonicalize_url`), unless the
    archive holds that URL itself.
    """

    def __init__(self, paths: Sequence[Path]) -> None:
        self.records: dict[str, RecordLocation] = {}
        self._without_noise: dict[str, RecordLocation] = {}
        self._payloads: dict[str, RecordLocation] = {}
        self._files: dict[Path, BinaryIO] = {}
        self.damaged: list[DamagedWarc] = []
        """The files whose end could not be read."""
        for path in paths:
            self._index(path)

    def _index(self, path: Path) -> None:
        """Index ``path``'s records up to its end, or up to the first that cannot be read
        (:attr:`damaged`). Raises ``ArchiveLoadFailed`` if not even the first can: not a
        WARC file."""
        read = 0
        with path.open("rb") as file:
            records = ArchiveIterator(file)
            try:
                for record in records:
                    self._add(path, records, record)
                    read += 1
            # A torn or damaged file fails in warcio in many ways (ArchiveLoadFailed on a
            # garbled header line, AttributeError on a record with no URI, zlib errors):
            # whichever it is, the records before it were read and the rest cannot be (the
            # last one read may be cut short: that is found when it is replayed).
            except Exception as error:  # noqa: BLE001
                if read == 0:
                    raise ArchiveLoadFailed(f"{path}: not a WARC file ({error})") from None
                self.damaged.append(DamagedWarc(path, read, error_summary(error)))

    def _add(self, path: Path, records: ArchiveIterator, record: ArcWarcRecord) -> None:
        """Index ``record`` if it is an HTTP response (or a revisit of one)."""
        uri = record.rec_headers.get_header("WARC-Target-URI") or ""
        if (
            record.rec_type not in {"response", "revisit"}
            or record.http_headers is None
            or not uri.startswith(("http:", "https:"))
        ):
            return
        try:
            status = int(record.http_headers.get_statuscode())
        except ValueError:
            return
        location = RecordLocation(path, records.get_record_offset(), status)
        digest = record.rec_headers.get_header("WARC-Payload-Digest")
        if record.rec_type == "response" and digest:
            self._payloads.setdefault(digest, location)
        key = replay_key(uri)
        earlier = self.records.get(key)
        if earlier is None or not is_transient(status) or is_transient(earlier.status):
            self.records[key] = location
        if (plain := replay_key(urls.canonicalize_url(uri))) != key:
            self._without_noise.setdefault(plain, location)

    def __len__(self) -> int:
        return len(self.records)

    def answered_urls(self, origin: str | None = None) -> list[str]:
        """The URLs recorded with a page (a 2xx answer), in canonical form, sorted; only
        those at ``origin`` (``scheme://host[:port]``) when given."""
        return sorted(
            key
            for key, location in self.records.items()
            if 200 <= location.status < 300 and (origin is None or key.startswith(f"{origin}/"))
        )

    def origins(self) -> Counter[str]:
        """How many URLs each origin (``scheme://host[:port]``) has in the archive."""
        return Counter(urlunsplit((*urlsplit(key)[:2], "", "", "")) for key in self.records)

    def respond(self, url: str) -> ArchivedResponse | None:
        """The archived answer to ``url``, None if the archive has none; raises
        :class:`DamagedRecord` if its record (or a revisit's original) cannot be read whole."""
        key = replay_key(url)
        location = self.records.get(key) or self._without_noise.get(key)
        if location is None:
            return None
        try:
            return self._answer(location)
        # As in _index: a damaged record fails in warcio in many ways.
        except Exception as error:  # noqa: BLE001
            detail = str(error) if isinstance(error, DamagedRecord) else error_summary(error)
            raise DamagedRecord(
                f"the record at byte {location.offset} of {location.path}: {detail}"
            ) from None

    def _answer(self, location: RecordLocation) -> ArchivedResponse | None:
        record = self._read(location)
        assert record.http_headers is not None  # only records with HTTP headers are indexed
        headers = [
            (name, value)
            for name, value in record.http_headers.headers
            if name.lower() not in DROPPED_HEADERS
        ]
        if record.rec_type == "revisit":
            body = self._revisited_body(record)
            if body is None:
                return None
        else:
            body = self._body(record)
        return ArchivedResponse(location.status, headers, body)

    def _revisited_body(self, revisit: ArcWarcRecord) -> bytes | None:
        original = self._payloads.get(revisit.rec_headers.get_header("WARC-Payload-Digest"))
        return None if original is None else self._body(self._read(original))

    def _read(self, location: RecordLocation) -> ArcWarcRecord:
        file = self._files.get(location.path)
        if file is None:
            file = self._files[location.path] = location.path.open("rb")
        file.seek(location.offset)
        return next(iter(ArchiveIterator(file)))

    @staticmethod
    def _body(record: ArcWarcRecord) -> bytes:
        """The body as a downloader returns it: de-chunked, still content-encoded."""
        assert record.http_headers is not None
        stream = record.raw_stream
        if (record.http_headers.get_header("transfer-encoding") or "").lower() == "chunked":
            stream = ChunkedDataReader(stream)
        body = stream.read()
        # The record's block is read through a reader limited to its Content-Length: what
        # is left of that limit is what the file lost (a torn gzip member reads as a
        # shorter one, without an error).
        missing = getattr(record.raw_stream, "limit", 0)
        if missing:
            raise DamagedRecord(f"cut short, {missing} bytes of it missing")
        return body

    def close(self) -> None:
        for file in self._files.values():
            file.close()
        self._files.clear()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


NOT_IN_ARCHIVE = ArchivedResponse(404, [("Content-Type", "text/html")], NOT_FOUND)
"""The answer to a URL the archive does not hold (or holds damaged)."""


class MirrorArchive:
    """A saved copy of one site in the mirror layout; answers any host's URL by its path."""

    def __init__(self, root: Path) -> None:
        self.mirror = Mirror(root)

    def respond(self, url: str) -> ArchivedResponse | None:
        served = self.mirror.respond(url)
        if served.body == NOT_FOUND:  # the mirror's answer for a file it does not have
            return None
        return ArchivedResponse(served.status, list(served.headers.items()), served.body)


class ReplayArchive:
    """WARC files and mirror folders together: the WARCs' answer first, then each folder's."""

    def __init__(self, warc: WarcArchive | None, mirrors: list[MirrorArchive]) -> None:
        self.warc = warc
        self.mirrors = mirrors

    @classmethod
    def open(cls, sources: Sequence[Path]) -> Self:
        """Index ``sources``: WARC files (``.warc``, ``.warc.gz``) and mirror folders."""
        missing = [str(source) for source in sources if not source.exists()]
        if missing:
            raise FileNotFoundError(f"no such file or folder: {', '.join(missing)}")
        warcs = [source for source in sources if not source.is_dir()]
        mirrors = [MirrorArchive(source) for source in sources if source.is_dir()]
        return cls(WarcArchive(warcs) if warcs else None, mirrors)

    def respond(self, url: str) -> ArchivedResponse | None:
        answer = self.warc.respond(url) if self.warc is not None else None
        for mirror in self.mirrors:
            if answer is not None:
                break
            answer = mirror.respond(url)
        return answer

    def close(self) -> None:
        if self.warc is not None:
            self.warc.close()


class ArchiveReplayMiddleware:
    """Downloader middleware, last before the downloader: answers every request from the
    archive named by ``REPLAY_SOURCE``, so no request reaches the network; every other
    middleware sees the answer as a downloaded response (flagged ``replay``)."""

    def __init__(self, crawler: Crawler, archive: ReplayArchive) -> None:
        self.stats = crawler.stats
        self.archive = archive

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        sources = [Path(source) for source in crawler.settings.getlist("REPLAY_SOURCE")]
        if not sources:
            raise NotConfigured  # off by default: no "Disabled" warning in every crawl log
        try:
            archive = ReplayArchive.open(sources)
        except (OSError, ArchiveLoadFailed) as error:
            raise UsageError(f"-s REPLAY_SOURCE: {error}") from None
        if archive.warc is not None:
            logger.info("Replaying %d URLs from %d WARC file(s)", len(archive.warc), len(sources))
            for damaged in archive.warc.damaged:
                crawler.stats.inc_value(stats_keys.REPLAY_DAMAGED_WARC_FILES)
                logger.error(
                    "WARC file %s is damaged after its first %d records (%s): those are "
                    "replayed, the rest of the file cannot be read",
                    damaged.path,
                    damaged.records,
                    damaged.error,
                )
        middleware = cls(crawler, archive)
        crawler.signals.connect(archive.close, signal=signals.spider_closed)
        return middleware

    def process_request(self, request: Request) -> Response:
        try:
            answer = self.archive.respond(request.url)
        except DamagedRecord as damage:
            self.stats.inc_value(stats_keys.REPLAY_DAMAGED_RECORDS)
            logger.error("Damaged in the archive, answered 404: %s (%s)", request.url, damage)
            answer = NOT_IN_ARCHIVE
        else:
            if answer is None:
                self.stats.inc_value(stats_keys.REPLAY_NOT_IN_ARCHIVE)
                logger.info("Not in the archive, answered 404: %s", request.url)
                answer = NOT_IN_ARCHIVE
            else:
                self.stats.inc_value(stats_keys.REPLAY_ANSWERED)
        headers = Headers()
        for name, value in answer.headers:
            headers.appendlist(name, value)
        response_class = responsetypes.from_args(headers=headers, url=request.url, body=answer.body)
        return response_class(
            url=request.url,
            status=answer.status,
            headers=headers,
            body=answer.body,
            request=request,
            flags=["replay"],
        )


def recorded_origin(archive: WarcArchive, public_origin: str | None) -> str | None:
    """The origin a WARC recorded the site from: its public host if present (any scheme,
    ``www.`` or not), else (or with no public host: the generic spider's) the origin with
    the most URLs; ``None`` for an empty archive."""
    origins = archive.origins()
    site = SiteAddress.of(public_origin) if public_origin else None
    on_site = Counter(
        {origin: n for origin, n in origins.items() if site is not None and site.is_on_site(origin)}
    )
    best = (on_site or origins).most_common(1)
    return best[0][0] if best else None
