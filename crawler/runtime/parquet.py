"""Parquet output: the article records as typed Arrow columns (``-O articles.parquet``).

The Arrow schema is derived from the record's JSON Schema (``crawler/schema``), so a
field added there is a column here with no change to this module:

- strings, integers and booleans map to ``string``, ``int64``, ``bool``; ``oneOf`` a type
  or null to a nullable column; arrays to lists; objects (``images``' items,
  ``extractor``, ``capture``) to structs with the same fields, in the same order;
- ``utcTimestamp`` fields (``fetched_at``) to ``timestamp[ms, UTC]`` (Parquet has no
  seconds unit);
- ``isoDate`` fields (``published``, ``modified``) to ``timestamp[us, UTC]``, the instant
  the page gave (a date alone is its midnight UTC, a time without an offset is read as
  UTC), plus a ``<field>_iso`` string column: the ISO text exactly as the JSON Lines
  record has it (only the precision and UTC offset the page gave), which a typed column
  cannot hold. Converting back to JSON Lines uses that text, so the round trip is exact.

Crash safety (:class:`ParquetItemExporter`): a Parquet file is readable only once its
footer is written, at its very end. So records are written in row groups of
``PARQUET_ROW_GROUP_SIZE`` records, each as a complete file of its own, written to a
temporary name, fsync-ed and renamed into place: ``articles.parquet``, then
``articles-00001.parquet``, ``articles-00002.parquet``… (``articles*.parquet`` is the
corpus). A kill loses only the records of the row group not yet written (a resumed crawl
fetches them again, even those another output holds: ``crawler/runtime/resume.py``) and
never leaves a part half-written; ``-o`` adds new parts after the existing ones; ``-O``
replaces the first part and removes the old output's other parts when it writes its first. A part is rewritten only to join a date from a listing
read after its record was written (:mod:`crawler.runtime.date_join`), replaced whole in
the same way.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Self

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.exporters import BaseItemExporter
from scrapy.extensions.feedexport import FeedExporter

from crawler.reporting import stats_keys
from crawler.runtime.durable import a_feed_failed, records_syncing, replace_durably
from crawler.runtime.exit_status import output_failed, record_failure
from crawler.schema import article_schema

# pyarrow (and numpy with it) is imported where a function needs it, not with this module:
# Scrapy loads every feed exporter at start, and a crawl with no Parquet feed has no use
# for its 0.1 s and 50 MB.
if TYPE_CHECKING:
    import pyarrow as pa

logger = logging.getLogger(__name__)

PARQUET_SUFFIX = ".parquet"
COMPRESSION = "zstd"
"""Text compresses about twice as well as with Parquet's default (snappy); every current
reader (pyarrow, pandas, Polars, DuckDB, Spark, Hugging Face datasets) reads it."""
ISO_TEXT_SUFFIX = "_iso"
UTC_SECONDS = "%Y-%m-%dT%H:%M:%SZ"

JSON_TYPES = {"string": "string", "integer": "int64", "number": "float64", "boolean": "bool"}
"""The Arrow type (its name for ``pa.type_for_alias``) of each JSON Schema scalar type."""
TIMESTAMP_DEFS = {"utcTimestamp": "ms", "isoDate": "us"}
"""``$defs`` whose strings become typed timestamps (UTC), with their unit."""
TEXT_KEPT_DEFS = frozenset({"isoDate"})
"""Timestamp ``$defs`` whose exact text is also kept, in a ``<field>_iso`` column."""


class UnsupportedSchema(ValueError):
    """A JSON Schema construct with no Arrow type here; the message names the field."""


# -- the Arrow schema, from the JSON Schema ---------------------------------------------


def ref_name(node: dict[str, Any]) -> str | None:
    """``isoDate`` for ``{"$ref": "#/$defs/isoDate"}``, else None."""
    ref = node.get("$ref")
    return ref.rsplit("/", 1)[-1] if isinstance(ref, str) else None


def arrow_type(node: dict[str, Any], defs: dict[str, Any], where: str) -> tuple[pa.DataType, bool]:
    """The Arrow type of a JSON Schema node and whether it may be null.

    >>> arrow_type({"type": "array", "items": {"type": "string"}}, {}, "tags")
    (ListType(list<item: string not null>), False)
    >>> arrow_type({"oneOf": [{"type": "integer"}, {"type": "null"}]}, {}, "n")
    (DataType(int64), True)
    """
    import pyarrow as pa

    name = ref_name(node)
    if name is not None:
        if name in TIMESTAMP_DEFS:
            return pa.timestamp(TIMESTAMP_DEFS[name], tz="UTC"), False
        return arrow_type(defs[name], defs, where)
    alternatives = node.get("oneOf") or node.get("anyOf")
    if alternatives:
        typed = [alt for alt in alternatives if alt.get("type") != "null"]
        if len(typed) != 1:
            raise UnsupportedSchema(f"{where}: a union of {len(typed)} non-null types")
        data_type, _ = arrow_type(typed[0], defs, where)
        return data_type, len(typed) < len(alternatives)
    if "const" in node:
        return arrow_type({"type": json_type_of(node["const"], where)}, defs, where)
    if "enum" in node:
        kinds = {json_type_of(value, where) for value in node["enum"]}
        nullable = "null" in kinds
        kinds.discard("null")
        if len(kinds) != 1:
            raise UnsupportedSchema(f"{where}: an enum of several types")
        return pa.type_for_alias(JSON_TYPES[kinds.pop()]), nullable
    kind = node.get("type")
    if isinstance(kind, list):
        nullable = "null" in kind
        named = [k for k in kind if k != "null"]
        if len(named) != 1:
            raise UnsupportedSchema(f"{where}: a type list {kind}")
        data_type, _ = arrow_type({**node, "type": named[0]}, defs, where)
        return data_type, nullable
    if kind in JSON_TYPES:
        return pa.type_for_alias(JSON_TYPES[kind]), False
    if kind == "array":
        item_type, item_nullable = arrow_type(node.get("items", {}), defs, f"{where}[]")
        return pa.list_(pa.field("item", item_type, nullable=item_nullable)), False
    if kind == "object" and "properties" in node:
        return pa.struct(object_fields(node, defs, where)), False
    raise UnsupportedSchema(f"{where}: no Arrow type for {node}")


def json_type_of(value: Any, where: str) -> str:
    for kind, python_type in (("boolean", bool), ("integer", int), ("number", float)):
        if isinstance(value, python_type):
            return kind
    if isinstance(value, str):
        return "string"
    if value is None:
        return "null"
    raise UnsupportedSchema(f"{where}: a constant {value!r}")


def object_fields(node: dict[str, Any], defs: dict[str, Any], where: str) -> list[pa.Field]:
    """One Arrow field per property, in the schema's order; a property that keeps its
    exact date text is followed by its ``<name>_iso`` column."""
    import pyarrow as pa

    fields = []
    for name, prop in node["properties"].items():
        data_type, nullable = arrow_type(prop, defs, f"{where}.{name}" if where else name)
        fields.append(pa.field(name, data_type, nullable=nullable))
        if keeps_text(prop, defs):
            fields.append(pa.field(name + ISO_TEXT_SUFFIX, pa.string(), nullable=nullable))
    return fields


def keeps_text(node: dict[str, Any], defs: dict[str, Any]) -> bool:
    """Whether a property is a date whose exact ISO text needs its own column."""
    alternatives = node.get("oneOf") or node.get("anyOf") or [node]
    return any(ref_name(alt) in TEXT_KEPT_DEFS for alt in alternatives)


def arrow_schema(json_schema: dict[str, Any] | None = None) -> pa.Schema:
    """The Arrow schema of article records (of ``json_schema``, default the record's)."""
    import pyarrow as pa

    json_schema = json_schema or article_schema()
    fields = object_fields(json_schema, json_schema.get("$defs", {}), "")
    return pa.schema(fields, metadata={"schema": json_schema.get("$id", "")})


# -- records <-> tables --------------------------------------------------------------


def to_instant(text: str) -> datetime:
    """The UTC instant of an ISO 8601 date or datetime; no offset is read as UTC; a month
    alone (a date only a month archive gives) is its first day (``<field>_iso`` keeps
    the text, ``published_precision`` says so).

    >>> to_instant("2016-03-04")
    datetime.datetime(2016, 3, 4, 0, 0, tzinfo=datetime.timezone.utc)
    >>> to_instant("2016-03-04T08:10:00+03:00")
    datetime.datetime(2016, 3, 4, 5, 10, tzinfo=datetime.timezone.utc)
    >>> to_instant("2007-05")
    datetime.datetime(2007, 5, 1, 0, 0, tzinfo=datetime.timezone.utc)
    """
    moment = datetime.fromisoformat(f"{text}-01" if len(text) == len("2007-05") else text)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def timestamp_fields(schema: pa.Schema) -> list[str]:
    import pyarrow as pa

    return [f.name for f in schema if pa.types.is_timestamp(f.type)]


def text_kept_fields(schema: pa.Schema) -> list[str]:
    return [f.name for f in schema if f.name + ISO_TEXT_SUFFIX in schema.names]


def to_row(record: dict[str, Any], dates: list[str], kept: list[str]) -> dict[str, Any]:
    """A record with its date strings as instants and their exact text beside them."""
    row = dict(record)
    for name in kept:
        row[name + ISO_TEXT_SUFFIX] = record.get(name)
    for name in dates:
        if row.get(name) is not None:
            row[name] = to_instant(row[name])
    return row


def records_table(records: Iterable[dict[str, Any]], schema: pa.Schema) -> pa.Table:
    """An Arrow table of plain records (as the JSON Lines output has them)."""
    import pyarrow as pa

    dates, kept = timestamp_fields(schema), text_kept_fields(schema)
    return pa.Table.from_pylist([to_row(r, dates, kept) for r in records], schema=schema)


def table_records(table: pa.Table) -> Iterator[dict[str, Any]]:
    """The records of a table, exactly as the JSON Lines output has them (keys in column
    order, dates as the text they were written as)."""
    schema = table.schema
    dates, kept = timestamp_fields(schema), set(text_kept_fields(schema))
    companions = {name + ISO_TEXT_SUFFIX for name in kept}
    for batch in table.to_batches():
        for row in batch.to_pylist():
            record = {}
            for name, value in row.items():
                if name in companions:
                    continue
                if name in kept:
                    value = row[name + ISO_TEXT_SUFFIX]
                elif name in dates and value is not None:
                    value = value.astimezone(UTC).strftime(UTC_SECONDS)
                record[name] = value
            yield record


# -- file parts ----------------------------------------------------------------------


def part_path(path: Path, serial: int) -> Path:
    """Part ``serial`` of the output ``path``: the path itself, then ``-00001`` and on.

    >>> part_path(Path("out/articles.parquet"), 2).as_posix()
    'out/articles-00002.parquet'
    """
    if serial == 0:
        return path
    return path.with_name(f"{path.stem}-{serial:05d}{path.suffix}")


def part_paths(path: Path) -> list[Path]:
    """The existing parts of ``path``, in order (``path`` itself first, if it exists)."""
    pattern = re.compile(re.escape(path.stem) + r"-(\d{5})" + re.escape(path.suffix))
    numbered = sorted(
        (int(match.group(1)), candidate)
        for candidate in path.parent.glob(f"{path.stem}-*{path.suffix}")
        if (match := pattern.fullmatch(candidate.name))
    )
    return ([path] if path.exists() else []) + [candidate for _, candidate in numbered]


def is_parquet_file(path: Path) -> bool:
    """Whether ``path`` is a whole Parquet file (its footer written)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        pq.read_metadata(path)
    except (OSError, pa.ArrowException):
        return False
    return True


def write_part(table: pa.Table, path: Path) -> None:
    """Write ``table`` as one complete file at ``path``: to a temporary name, fsync-ed,
    then renamed, so ``path`` is either absent or whole, whenever the process dies."""
    import pyarrow.parquet as pq

    temporary = path.with_name(f".{path.name}.tmp")
    pq.write_table(table, temporary, compression=COMPRESSION, row_group_size=len(table) or None)
    replace_durably(temporary, path)


def rewrite_parts(
    path: Path, revise: Callable[[list[dict[str, Any]]], list[dict[str, Any]] | None]
) -> None:
    """Give the records of each part of the Parquet output ``path`` to ``revise``, and
    replace the part with the records it returns; None leaves the part as it is. Each is
    replaced whole (:func:`write_part`), so a kill leaves every part old or new. Empty
    files (a feed storage's) are skipped."""
    for part in part_paths(path):
        if not part.stat().st_size:
            continue
        revised = revise(list(read_records([part])))
        if revised is not None:
            write_part(records_table(revised, arrow_schema()), part)


def read_records(paths: Iterable[Path]) -> Iterator[dict[str, Any]]:
    """Every record of the Parquet files ``paths``, in order, one row group at a time."""
    import pyarrow.parquet as pq

    for path in paths:
        parquet = pq.ParquetFile(path)
        for group in range(parquet.num_row_groups):
            yield from table_records(parquet.read_row_group(group))


row_group_written = object()
"""Signal sent with ``records`` (the record dicts of a part) once a Parquet part is
written whole and ``fsync``-ed: what commits their articles (:class:`CommitWhenWritten`)
where the kill of a crawl must not leave an article claimed done with its record lost."""


def parquet_exporters(crawler: Crawler) -> list[ParquetItemExporter]:
    """The crawl's Parquet feed exporters (those whose feed has started)."""
    feeds = crawler.get_extension(FeedExporter)
    slots = getattr(feeds, "slots", ())
    return [slot.exporter for slot in slots if isinstance(slot.exporter, ParquetItemExporter)]


def write_pending_row_groups(crawler: Crawler) -> None:
    """Write the records the Parquet feeds still hold, now: Scrapy closes its feeds (and
    the exporter writes its last row group) only after the ``spider_closed`` handlers and
    the pipelines' ``close_spider`` have run, which need them written."""
    for exporter in parquet_exporters(crawler):
        exporter.write_pending()


class CommitWhenWritten:
    """Commits articles (``commit`` with their URLs) once every output has their record
    on disk: at once, from ``item_scraped`` (:meth:`scraped`), for a record every output
    has written by then, as JSON Lines outputs do; else once every Parquet output that
    holds it in memory for its row group has written that row group
    (:data:`row_group_written`). A record whose part could not be written is never
    committed. What :class:`pipelines.state.IncrementalStatePipeline` commits to its
    store, and a distributed worker its claims and leases in Redis
    (:mod:`crawler.runtime.distributed`), none of which may outlive a record a kill loses.
    """

    def __init__(self, crawler: Crawler, commit: Callable[[list[str]], None]) -> None:
        self.crawler = crawler
        self.commit = commit
        self.held: dict[str, int] = {}
        """Articles some Parquet outputs hold, by URL, with how many of those."""
        crawler.signals.connect(self.row_group_written, signal=row_group_written)

    def scraped(self, url: str) -> bool:
        """Every output has the record of the article at ``url`` or holds it for its row
        group (asked at ``item_scraped``): commit it now, or say it waits (True). A record
        handed over after an output failed was not written: it waits for good, never
        committed, so a distributed worker gives its claim and request back as it stops."""
        if a_feed_failed(self.crawler):
            return True
        held = sum(exporter.holds(url) for exporter in parquet_exporters(self.crawler))
        if not held:
            self.commit([url])
            return False
        self.held[url] = self.held.get(url, 0) + held
        return True

    def row_group_written(self, records: list[dict[str, Any]]) -> None:
        """A Parquet output wrote these records: commit the articles no output holds now."""
        written = []
        for record in records:
            url = record.get("url")
            if url not in self.held:
                continue
            self.held[url] -= 1
            if not self.held[url]:
                del self.held[url]
                written.append(url)
        if written:
            self.commit(written)


class ParquetItemExporter(BaseItemExporter):
    """``FEED_EXPORTERS`` entry for ``.parquet`` feeds (see the module docstring).

    Scrapy hands a feed exporter one open file; a Parquet file cannot be appended to, so
    this one writes its parts beside it by name, as complete files, and writes nothing
    through the handle (local files only: ``-o``/``-O`` paths and ``file://`` URIs).
    Each part written is logged (INFO). As for JSON Lines, ``-O`` replaces the old output
    only once the crawl writes (here: its first part), and a part that cannot be written
    (disk full) stops the crawl, counted as ``failures/output`` and ``output/records_lost``.
    """

    def __init__(self, file: IO[bytes], *, crawler: Crawler | None = None, **kwargs: Any) -> None:
        super().__init__(dont_fail=True, **kwargs)
        name = getattr(file, "name", None)
        if not isinstance(name, str | os.PathLike):
            raise TypeError("Parquet feeds are written to local files only (-O out.parquet)")
        self.path = Path(name)
        # DurableFileFeedStorage opens both -o and -O files for appending; -O's emptying
        # waits until the crawl writes.
        self.overwrite = bool(getattr(file, "truncate_pending", "a" not in file.mode))
        self.crawler = crawler
        settings = crawler.settings if crawler else None
        self.row_group_size = settings.getint("PARQUET_ROW_GROUP_SIZE") if settings else 5000
        self.schema = arrow_schema()
        self.buffer: list[dict[str, Any]] = []
        self.next_serial = 0
        self.stale: list[Path] = []
        self.failed = False

    @classmethod
    def from_crawler(cls, crawler: Crawler, file: IO[bytes], **kwargs: Any) -> Self:
        return cls(file, crawler=crawler, **kwargs)

    def start_exporting(self) -> None:
        # An empty first path is the feed storage's (or a killed run's): free to use.
        existing = [p for p in part_paths(self.path) if p.stat().st_size]
        if self.overwrite:
            self.stale = existing
        elif existing:
            self.next_serial = 1 + max(
                0 if p == self.path else int(p.stem.rsplit("-", 1)[-1]) for p in existing
            )

    def export_item(self, item: Any) -> None:
        self.buffer.append(ItemAdapter(item).asdict())
        if len(self.buffer) >= self.row_group_size:
            self.flush()

    def holds(self, url: str) -> bool:
        """Whether the record just exported, of the article at ``url``, waits in memory
        for its row group (asked at ``item_scraped``, right after the export: a record
        that filled its row group was written with it, and the buffer emptied)."""
        return bool(self.buffer) and self.buffer[-1].get("url") == url

    def finish_exporting(self) -> None:
        stats = self.crawler.stats if self.crawler else None
        if stats is not None and stats.get_value(stats_keys.FAILURES_START_ERROR):
            return  # the crawl never started: the old output stays as it was
        if self.buffer or (self.next_serial == 0 and not self.failed):
            self.flush()  # an empty crawl still leaves a readable, empty table
        if self.path.exists() and not self.path.stat().st_size:
            self.path.unlink()  # created by the feed storage; the records are in later parts

    def write_pending(self) -> None:
        """Write the records held for the next row group now, as a part of their own."""
        if self.buffer:
            self.flush()

    def flush(self) -> None:
        records, self.buffer = self.buffer, []
        if self.failed:
            self.count_lost(len(records))
            return
        path = part_path(self.path, self.next_serial)
        if self.crawler is not None:
            self.crawler.signals.send_catch_log(records_syncing)
        try:
            table = records_table(records, self.schema)
        except (ValueError, TypeError, ArithmeticError) as error:  # Arrow's errors among them
            records, table = self.writable(records, error)
        try:
            write_part(table, path)
        except OSError as error:
            self.write_failed(path, error, len(records))
            return
        logger.info("Parquet: %d records written to %s", len(records), path)
        if self.crawler is not None:
            self.crawler.signals.send_catch_log(row_group_written, records=records)
        self.next_serial += 1
        for stale in self.stale:  # -O: the old output's other parts go once ours begins
            if stale != path:
                stale.unlink(missing_ok=True)
        self.stale = []

    def writable(
        self, records: list[dict[str, Any]], error: Exception
    ) -> tuple[list[dict[str, Any]], pa.Table]:
        """The records of a part that Arrow can hold, and their table: one it cannot (a
        value of no type the schema has) is left out with an ERROR and counted as
        ``output/records_lost`` and ``failures/unwritable_record`` (exit status 1), where
        the part, every record of it, had been lost."""
        kept = []
        for record in records:
            try:
                records_table([record], self.schema)
            except (ValueError, TypeError, ArithmeticError) as record_error:
                logger.error(
                    "Parquet: record %s left out, Arrow cannot hold it: %s",
                    record.get("url"),
                    record_error,
                )
                self.count_lost(1)
                if self.crawler is not None and self.crawler.stats is not None:
                    record_failure(self.crawler.stats, "unwritable_record")
            else:
                kept.append(record)
        logger.debug("Parquet: part of %d records refused (%s)", len(records), error)
        return kept, records_table(kept, self.schema)

    def write_failed(self, path: Path, error: OSError, records: int) -> None:
        """A part that cannot be written: count it, say so, and stop the crawl."""
        self.failed = True
        output_failed(
            self.crawler,
            error,
            str(path),
            "Every part written before is complete; run the same command again with -o "
            "and JOBDIR once it can be written.",
            stats_keys.OUTPUT_RECORDS_LOST,
            records,
        )

    def count_lost(self, records: int) -> None:
        if self.crawler is not None and self.crawler.stats is not None:
            self.crawler.stats.inc_value(stats_keys.OUTPUT_RECORDS_LOST, records)
