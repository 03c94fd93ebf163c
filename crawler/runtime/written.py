"""What the output of earlier runs already holds, read back so a resumed crawl neither
fetches nor emits those articles again (``crawler/runtime/resume.py``)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from crawler.discovery.urls import canonicalize_url
from crawler.runtime.parquet import PARQUET_SUFFIX, is_parquet_file, part_paths

CSV_SUFFIX = ".csv"
CSV_KEYS = ("url", "fetched_url", "content_hash", "published")
"""The columns of a CSV output a resumed crawl reads back (those of a Parquet one)."""


def url_key(url: str) -> str:
    """Path and query of ``url``: the same for a record's public ``url`` and the URL it
    was fetched from (the crawl maps one origin to the other and never leaves the site).

    >>> url_key("https://eng-archive.aawsat.com/a/b/c/?utm_source=x")
    '/a/b/c/'
    """
    parts = urlsplit(canonicalize_url(url))
    return parts.path + (f"?{parts.query}" if parts.query else "")


CSV_CELL_LIMIT = 2**31 - 1
"""The longest CSV cell read back: any a crawl writes (a body of a million characters).
The csv module's own limit, 128 KiB, raised on a long read's body."""


def csv_rows(table: IO[str]) -> csv.DictReader[str]:
    """The rows of a CSV output (opened with ``newline=""``) by its header, however long
    their cells: every reader of one reads it so (resume, the date join, ``convert``)."""
    csv.field_size_limit(CSV_CELL_LIMIT)
    return csv.DictReader(table)


@dataclass
class WrittenArticles:
    """What the output already holds: URL keys, canonical URLs and content hashes, and
    the canonical URLs of the records written with no publication date."""

    url_keys: set[str] = field(default_factory=set)
    urls: set[str] = field(default_factory=set)
    content_hashes: set[str] = field(default_factory=set)
    count: int = 0
    unreadable_lines: int = 0
    undated: set[str] = field(default_factory=set)
    """Their dates can still come from listings, which the crawl's date join gives them
    when it ends (``crawler/runtime/date_join.py``); a sitemap-first crawl walks their
    month archives for one (``SitemapFirst.written_undated``)."""

    @classmethod
    def read(cls, files: Iterable[Path]) -> WrittenArticles:
        """Read every complete line; an unterminated last line is a torn write, not a record."""
        written = cls()
        for path in files:
            if path.suffix == PARQUET_SUFFIX:
                written.add_parquet(path)
                continue
            if not path.is_file():
                continue
            if path.suffix == CSV_SUFFIX:
                written.add_csv(path)
                continue
            with path.open("rb") as lines:
                for line in lines:
                    if line.endswith(b"\n"):
                        written.add_line(line)
        return written

    @classmethod
    def in_every(cls, outputs: Sequence[WrittenArticles]) -> WrittenArticles:
        """What every one of several outputs holds: an article one of them lacks is not
        written yet (a kill can stop a crawl between the outputs' writes).

        >>> jsonl = WrittenArticles({"/a/", "/b/"}, {"https://x/a/", "https://x/b/"}, {"1", "2"}, 2)
        >>> parquet = WrittenArticles({"/a/"}, {"https://x/a/"}, {"1"}, 1)
        >>> WrittenArticles.in_every([jsonl, parquet])
        WrittenArticles(url_keys={'/a/'}, urls={'https://x/a/'}, content_hashes={'1'}, count=1, unreadable_lines=0, undated=set())
        """
        first, *others = outputs
        common = cls(
            url_keys=first.url_keys.intersection(*(o.url_keys for o in others)),
            urls=first.urls.intersection(*(o.urls for o in others)),
            content_hashes=first.content_hashes.intersection(*(o.content_hashes for o in others)),
            unreadable_lines=sum(output.unreadable_lines for output in outputs),
            undated=first.undated.intersection(*(o.undated for o in others)),
        )
        common.count = len(common.urls)
        return common

    def holds(self, record: Mapping[str, Any]) -> bool:
        """Whether ``record``'s article is among these, by its canonical URL or its text
        (the keys :class:`crawler.runtime.resume.WrittenArticlesPipeline` drops by)."""
        return record.get("url") in self.urls or record.get("content_hash") in self.content_hashes

    def add_parquet(self, path: Path) -> None:
        """Every part of a Parquet feed (a part is whole or absent, never torn)."""
        import pyarrow.parquet as pq  # only a Parquet feed needs it (0.1 s, 50 MB)

        for part in part_paths(path):
            if not part.stat().st_size:
                continue  # created by the feed storage of a run killed before a row group
            if not is_parquet_file(part):
                self.unreadable_lines += 1
                continue
            table = pq.read_table(part, columns=["url", "fetched_url", "content_hash", "published"])
            for record in table.to_pylist():
                self.add_record(record)

    def add_csv(self, path: Path) -> None:
        """Every row of a CSV feed (a row is written whole, as a line of JSON Lines is)."""
        with path.open(newline="", encoding="utf-8") as table:
            for row in csv_rows(table):
                if row.get("url"):
                    self.add_record({name: row.get(name) or None for name in CSV_KEYS})
                elif any(row.values()):
                    self.unreadable_lines += 1

    def add_line(self, line: bytes) -> None:
        try:
            record = json.loads(line)
            self.add_record(record)
        except (ValueError, TypeError, KeyError):
            if line.strip():
                self.unreadable_lines += 1

    def add_record(self, record: dict[str, Any]) -> None:
        """Note one record of the output.

        >>> written = WrittenArticles()
        >>> written.add_record({"url": "https://x/a/", "fetched_url": "https://x/a/"})
        >>> written.add_record({"url": "https://x/b/", "fetched_url": "https://x/b/?p=2",
        ...     "published": "2007-05"})
        >>> written.undated, sorted(written.url_keys), written.count
        ({'https://x/a/'}, ['/a/', '/b/', '/b/?p=2'], 2)
        """
        url, fetched_url = record["url"], record["fetched_url"]
        self.count += 1
        self.urls.add(url)
        self.url_keys.update({url_key(url), url_key(fetched_url)})
        if record.get("content_hash"):
            self.content_hashes.add(record["content_hash"])
        if not record.get("published"):
            self.undated.add(url)
