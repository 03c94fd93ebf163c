"""A feed file that survives ``kill -9``: every record reaches the kernel whole the moment
it is logged, and the disk within ``ARCHIVE_FEED_FSYNC_SECONDS``.

Scrapy's own file storage writes through a userspace buffer, so a hard kill loses the
last records already logged as scraped and can leave a torn last line. Here each record
the exporter hands over (JSON Lines: one complete line) is written with one ``os.write``
straight to the kernel: once it returns, a kill or a crash of the crawl cannot lose it
(the page cache outlives the process). Only a power loss or an OS crash can, until the
file is ``fsync``-ed: that is done at most ``ARCHIVE_FEED_FSYNC_SECONDS`` (1 s) after a
record is written, and at close before the crawl reports its outputs done, so a power
loss loses at most the last second's records, and a resumed crawl, which takes the
output as the record of what is done (:mod:`crawler.runtime.resume`), fetches them again.
With ``0`` every record is ``fsync``-ed before the next, as it must be when something
else durable claims the article done once its record is written: a distributed crawl
commits its Redis claim at ``item_scraped``, and so does ``-a state=PATH`` its article to
the state store (:func:`fsync_interval`). When a JSON Lines
feed is appended to (``-o``), a torn last line left by an earlier kill or power loss is
cut off before anything is added.

A write or ``fsync`` that fails (disk full, file too large, I/O error) is undone: the
file is cut back to its last whole record (after a failed ``fsync``: to where it was
last ``fsync``-ed, since the records after it may not be on the disk), counted as the
failure ``output`` (the crawl exits 1) with each record cut counted as lost, logged once,
and stops the crawl: the crawl's ``JOBDIR`` is then kept as after a kill, so the same
command, run again once the disk has room, fetches again exactly the articles that were
not written. ``-O`` empties an existing file only when the crawl really starts: at its
first record, or at its end unless its start requests failed.
"""

from __future__ import annotations

import io
import json
import logging
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO, Any, Self, cast

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exporters import BaseItemExporter, CsvItemExporter, JsonLinesItemExporter
from scrapy.extensions.feedexport import FileFeedStorage, StdoutFeedStorage
from scrapy.settings import BaseSettings
from scrapy.statscollectors import StatsCollector
from twisted.internet.task import LoopingCall

from crawler.reporting import stats_keys
from crawler.runtime.durable import DurableFile, durable_feed_files, records_syncing
from crawler.runtime.exit_status import RunRefused, failures, output_failed
from crawler.runtime.run import ArchiveRun
from crawler.schema import article_schema

logger = logging.getLogger(__name__)

LINE_FORMATS = frozenset({"jsonlines", "jsonl", "jl"})
"""Feed formats with one record per line, whose torn tail can be repaired."""


class RecordLinesExporter(JsonLinesItemExporter):
    """Scrapy's JSON Lines exporter (``FEED_EXPORTERS`` of the :data:`LINE_FORMATS`), the
    same bytes, faster for the plain dict the output pipeline hands over: with no
    ``FEED_EXPORT_FIELDS`` and no serializer, a dict's fields are exported as they are, in
    its order, so the dict is encoded without an adapter and a call per field (about half
    the exporter's time on an article record). Any other item goes Scrapy's way.

    >>> import io
    >>> file = io.BytesIO()
    >>> RecordLinesExporter(file, encoding="utf-8").export_item({"title": "Ünïcode", "n": [1]})
    >>> file.getvalue().decode()
    '{"title": "Ünïcode", "n": [1]}\\n'
    """

    def get_serialized_fields(
        self, item: Any, default_value: Any = None, include_empty: bool | None = None
    ) -> Iterable[tuple[str, Any]]:
        if (
            type(item) is dict
            and self.fields_to_export is None
            and type(self).serialize_field is BaseItemExporter.serialize_field
        ):
            return item.items()
        return super().get_serialized_fields(item, default_value, include_empty)


def _column_types(spec: dict[str, Any]) -> set[str]:
    """The JSON types a schema property allows (its ``$ref`` definitions are all strings)."""
    if "type" in spec:
        kinds = spec["type"]
        return set(kinds) if isinstance(kinds, list) else {kinds}
    if "const" in spec:
        return {"integer" if isinstance(spec["const"], int) else "string"}
    branches = spec.get("oneOf") or spec.get("anyOf")
    if branches:
        return set().union(*map(_column_types, branches))
    return {"string", "null"} if "enum" in spec else {"string"}


CSV_COLUMN_TYPES = {
    name: _column_types(spec) for name, spec in article_schema()["properties"].items()
}
"""The JSON types of each of the schema's fields, to read a CSV cell back as its value.
(Not :func:`crawler.runtime.parquet.arrow_schema`'s types: that imports pyarrow, which a
crawl loads only for a Parquet feed.)"""


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")
"""What a text cell a spreadsheet would run as a formula starts with (OWASP's CSV
injection), and the quote that marks one as text."""


def csv_cell(value: Any) -> Any:
    """A record's value as its CSV cell: a list or an object as its JSON text, null as an
    empty cell, a text a spreadsheet would run as a formula after a quote (which
    spreadsheets show as text and hide; one that starts with a quote gets another),
    anything else as it is. A title ``=HYPERLINK("http://evil.example")`` had been a link
    in the reader's spreadsheet.

    >>> csv_cell(["Doe, Jane"]), csv_cell(None), csv_cell(412), csv_cell("=cmd")
    ('["Doe, Jane"]', '', 412, "'=cmd")
    """
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    return "" if value is None else value


def csv_record(row: dict[str, str]) -> dict[str, Any]:
    """A CSV row (:class:`RecordCsvExporter`) read back as its record: JSON text as the list
    or object it is, a whole number as a number, an empty cell as null, a text without
    the quote :func:`csv_cell` put before it.

    >>> csv_record({"title": "[Update] Story", "authors": '["Doe, Jane"]', "version": "1", "section": ""})
    {'title': '[Update] Story', 'authors': ['Doe, Jane'], 'version': 1, 'section': None}
    >>> csv_record({"title": "'=cmd", "section": "''Tis"})
    {'title': '=cmd', 'section': "'Tis"}
    """
    record: dict[str, Any] = {}
    for name, cell in row.items():
        kinds = CSV_COLUMN_TYPES.get(name, {"string"})
        if cell == "":
            record[name] = None
        elif kinds & {"array", "object"}:
            record[name] = json.loads(cell)
        elif "integer" in kinds:
            record[name] = int(cell)
        else:
            record[name] = cell.removeprefix("'")  # a formula's quote (csv_cell)
    return record


def csv_columns(fields: Sequence[str] | None) -> list[str]:
    """A CSV output's columns: ``fields`` (``FEED_EXPORT_FIELDS``, a feed's ``fields``),
    else the schema's fields in its order."""
    return list(fields) if fields else list(article_schema()["properties"])


WHOLE_DOCUMENT_FORMATS = frozenset({"json", "xml"})
"""Feed formats whose file is one document: one appended to is two, which no reader reads."""


def check_appends(settings: BaseSettings) -> None:
    """Refuse (:class:`RunRefused`) to append (``-o``) to an output that cannot take
    more records: a JSON array or an XML document that holds records already (a second
    array went after the first, and no JSON reader read the file), or a CSV table whose
    header is not this crawl's columns (another program's table, or one with other
    ``FEED_EXPORT_FIELDS``: the rows went on under it without a word, and the file no
    longer read as one table, ``pandas.read_csv``: a ``ParserError``)."""
    for uri, options in settings.getdict("FEEDS").items():
        path = Path(str(uri))
        if options.get("overwrite") or not path.is_file():
            continue
        if options.get("format") in WHOLE_DOCUMENT_FORMATS and path.stat().st_size:
            raise RunRefused(
                f"the output {path} is one {options['format'].upper()} document, which -o "
                "cannot append to: write JSON Lines (-o FILE.jsonl), which appends, or -O "
                "to replace it"
            )
        if options.get("format") != "csv":
            continue
        with path.open("rb") as file:
            header = file.readline().decode("utf-8-sig", errors="replace").strip()
        fields = csv_columns(options.get("fields") or settings.getlist("FEED_EXPORT_FIELDS"))
        if header and header.split(",") != fields:
            raise RunRefused(
                f"the output {path} has another table's header ({header[:80]!r}), not this "
                "crawl's columns: append to a CSV file a crawl wrote, or write this one elsewhere"
            )


class RecordCsvExporter(CsvItemExporter):
    """The records as CSV (``-O articles.csv``), for a spreadsheet: a header row of the
    schema's fields in its order (``FEED_EXPORT_FIELDS`` to choose others), then a row a
    record; a list or an object (``authors``, ``tags``, ``images``, ``extractor``,
    ``capture``) as its JSON text, where Scrapy's exporter joined a list's strings with
    commas (a name with a comma in it became two) and wrote an object as Python's repr;
    null as an empty cell (:func:`csv_cell`; :func:`csv_record` reads a row back). Appended
    to (``-o``), a file that holds rows already gets no second header. JSON Lines and
    Parquet keep the types.

    >>> import csv, io
    >>> file = io.BytesIO()
    >>> exporter = RecordCsvExporter(file, fields_to_export=["title", "authors", "images"])
    >>> exporter.export_item({"title": "Ünïcode", "authors": ["Doe, Jane"], "images": []})
    >>> exporter.finish_exporting()
    >>> rows = list(csv.reader(io.StringIO(file.getvalue().decode())))
    >>> rows, json.loads(rows[1][1])
    ([['title', 'authors', 'images'], ['Ünïcode', '["Doe, Jane"]', '[]']], ['Doe, Jane'])
    """

    def __init__(self, file: Any, **kwargs: Any) -> None:
        kwargs["fields_to_export"] = csv_columns(kwargs.get("fields_to_export"))
        if isinstance(file, DurableFile) and not file.truncate_pending and file.synced_size:
            kwargs["include_headers_line"] = False  # -o: rows go on under the file's header
        super().__init__(file, **kwargs)

    def serialize_field(self, field: Any, name: str, value: Any) -> Any:
        return csv_cell(value)


def fsync_interval(crawler: Crawler) -> float:
    """Seconds between a feed's ``fsync`` calls (and the WARC's, :mod:`crawler.capture.warc`,
    which must reach the disk no later than the records made from it):
    ``ARCHIVE_FEED_FSYNC_SECONDS``, but 0 (every record) when a record's article is
    claimed done elsewhere, durably, once the record is written: a distributed crawl's
    Redis claim (committed at ``item_scraped``: a claim whose line a power loss dropped
    would be skipped by every worker for good), and ``-a state=PATH`` (its store commits
    the article at ``item_scraped`` too: were the line not yet on the disk, a power loss
    could drop it while the store, which SQLite syncs, says it was emitted, and no later
    run would emit it)."""
    if crawler.settings.get("DISTRIBUTED_REDIS_URL"):
        return 0.0
    if ArchiveRun.of(crawler).article_state is not None:
        return 0.0
    return max(0.0, crawler.settings.getfloat("ARCHIVE_FEED_FSYNC_SECONDS", 1.0))


def cut_torn_last_line(path: Path) -> int:
    """Truncate ``path`` after its last newline; returns how many bytes were cut (0 if none).

    A kill during a write can leave the start of a record without its newline; the next
    record appended after it would fuse with it into one invalid line.
    """
    size = path.stat().st_size
    if size == 0:
        return 0
    with path.open("rb+") as file:
        chunk = 64 * 1024
        end = size
        while end > 0:
            start = max(0, end - chunk)
            file.seek(start)
            block = file.read(end - start)
            if end == size and block.endswith(b"\n"):
                return 0
            newline = block.rfind(b"\n")
            if newline != -1:
                keep = start + newline + 1
                break
            end = start
        else:
            keep = 0
        file.truncate(keep)
        file.flush()
        os.fsync(file.fileno())
    return size - keep


class DurableFileFeedStorage(FileFeedStorage):
    """``FEED_STORAGES`` entry for local files (``-o``/``-O`` paths and ``file://`` URIs).

    Counts ``resume/torn_line_bytes_cut`` when it repairs an appended JSON Lines file.
    """

    def __init__(
        self,
        uri: str,
        *,
        feed_options: dict[str, Any] | None = None,
        crawler: Crawler | None = None,
    ) -> None:
        super().__init__(uri, feed_options=feed_options)
        self.line_format = (feed_options or {}).get("format") in LINE_FORMATS
        self.crawler = crawler
        self.stats: StatsCollector | None = crawler.stats if crawler is not None else None
        self.syncing: LoopingCall | None = None

    @classmethod
    def from_crawler(
        cls, crawler: Crawler, uri: str, *, feed_options: dict[str, Any] | None = None
    ) -> Self:
        return cls(uri, feed_options=feed_options, crawler=crawler)

    def open(self, spider: Spider) -> DurableFile:
        path = Path(self.path)
        path.parent.mkdir(parents=True, exist_ok=True)
        appending = self.write_mode == "ab"
        if appending and self.line_format and path.exists():
            cut = cut_torn_last_line(path)
            if cut:
                logger.warning("Cut a torn last line (%d bytes) from %s", cut, path)
                if self.stats is not None:
                    self.stats.inc_value(stats_keys.RESUME_TORN_LINE_BYTES_CUT, cut)
        every = fsync_interval(self.crawler) if self.crawler is not None else 0.0
        file = DurableFile(
            path,
            "ab",
            fsync_every=every,
            before_sync=self.sync_sources,
            on_error=self.write_failed,
            on_lost=self.record_lost,
            truncate_first=not appending,
        )
        if every > 0:
            self.syncing = LoopingCall(file.sync)
            self.syncing.start(every, now=False)
        return file

    def store(self, file: IO[bytes]) -> None:
        if self.syncing is not None and self.syncing.running:
            self.syncing.stop()
        if (
            isinstance(file, DurableFile)
            and file.truncate_pending
            and not (self.stats and failures(self.stats.get_stats()))
        ):
            # -O: a crawl that ran and found nothing leaves an empty file; one that failed
            # and wrote nothing (its start requests, its site unreachable) keeps the old.
            file.start_over()
        file.close()  # fsyncs the last records: a failure is handled as a failed write

    def sync_sources(self) -> None:
        if self.crawler is not None:
            self.crawler.signals.send_catch_log(records_syncing)

    def write_failed(self, error: OSError, lost: int) -> None:
        """The first failed write or ``fsync``, which cost ``lost`` records: count them,
        say so, and stop the crawl."""
        output_failed(
            self.crawler,
            error,
            f"to {self.path}",
            "Every record written before is complete; run the same command again once it "
            "can be written: with -o and JOBDIR it fetches again exactly the articles not "
            "written.",
            stats_keys.OUTPUT_RECORDS_LOST,
            lost,
        )

    def record_lost(self) -> None:
        if self.stats is not None:
            self.stats.inc_value(stats_keys.OUTPUT_RECORDS_LOST)


class PipeOutput(io.RawIOBase):
    """Standard output for the records (``-o -:jsonlines``), each flushed as written so a
    reader of the pipe (``jq``) has it at once. Where the reader closed its end (``head``,
    a pager quit), the first refused write stops the crawl with one ERROR line
    (:func:`output_failed`) and the later ones are counted as lost, where every record
    raised a ``BrokenPipeError`` and its traceback."""

    def __init__(self, stream: IO[bytes], storage: StdoutRecordsFeedStorage) -> None:
        super().__init__()
        self.stream = stream
        self.storage = storage
        self.refused = False

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        size = len(memoryview(data))
        if self.refused:
            self.storage.record_lost()
            return size
        try:
            self.stream.write(data)
            self.stream.flush()
        except OSError as error:
            self.refused = True
            # Nothing more goes out: not even Python's own flush of stdout at exit, which
            # would print its BrokenPipeError too.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self.stream.fileno())
            os.close(devnull)
            self.storage.write_failed(error, 1)
        return size


class StdoutRecordsFeedStorage(StdoutFeedStorage):
    """``FEED_STORAGES`` entry for ``stdout:`` (``-o -``): Scrapy's, writing through
    :class:`PipeOutput`."""

    crawler: Crawler | None = None

    @classmethod
    def from_crawler(
        cls, crawler: Crawler, uri: str, *, feed_options: dict[str, Any] | None = None
    ) -> Self:
        storage = cls(uri, feed_options=feed_options)
        storage.crawler = crawler
        return storage

    def open(self, spider: Spider) -> IO[bytes]:
        return cast(IO[bytes], PipeOutput(self._stdout, self))

    def write_failed(self, error: OSError, lost: int) -> None:
        output_failed(
            self.crawler,
            error,
            "to standard output",
            "Its reader closed the pipe; every record it took was whole.",
            stats_keys.OUTPUT_RECORDS_LOST,
            lost,
        )

    def record_lost(self) -> None:
        if self.crawler is not None and self.crawler.stats is not None:
            self.crawler.stats.inc_value(stats_keys.OUTPUT_RECORDS_LOST)


class SyncFeedsAtClose:
    """Extension (``EXTENSIONS``, first of all): when the spider closes, what the records
    were made from (the WARC: :data:`~crawler.runtime.durable.records_syncing`), then
    every durable feed file, is ``fsync``-ed before any other extension takes the outputs
    as done (the date join, :class:`crawler.runtime.resume.CrashSafeResume` marking
    ``JOBDIR`` cleanly stopped, the reports). Scrapy's feed exporter closes its files in a
    task of its own, only after those have run; a failed ``fsync`` here is a failed write,
    counted before they look."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_closed(self) -> None:
        self.crawler.signals.send_catch_log(records_syncing)
        for file in durable_feed_files(self.crawler):
            file.sync()
