"""A feed file that survives ``kill -9``: every record is on disk the moment it is logged.

Scrapy's own file storage writes through a userspace buffer, so a hard kill loses the
last records already logged as scraped and can leave a torn last line. Here each record
the exporter hands over (JSON Lines: one complete line) is written with ``os.write``
straight to the kernel and then ``fsync``-ed; and when a JSON Lines feed is appended to
(``-o``), a torn last line left by an earlier kill is cut off before anything is added.
"""

from __future__ import annotations

import io
import logging
import os
from pathlib import Path
from typing import Any, Self

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.extensions.feedexport import FileFeedStorage
from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

LINE_FORMATS = frozenset({"jsonlines", "jsonl", "jl"})
"""Feed formats with one record per line, whose torn tail can be repaired."""


class DurableFile(io.FileIO):
    """An unbuffered file whose every ``write`` reaches the disk whole before returning."""

    def write(self, data: Any) -> int:
        view = memoryview(data).cast("B")
        written = 0
        while written < len(view):  # a regular file rarely takes less; never leave a part
            written += super().write(view[written:]) or 0
        os.fsync(self.fileno())
        return written


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
        stats: StatsCollector | None = None,
    ) -> None:
        super().__init__(uri, feed_options=feed_options)
        self.line_format = (feed_options or {}).get("format") in LINE_FORMATS
        self.stats = stats

    @classmethod
    def from_crawler(
        cls, crawler: Crawler, uri: str, *, feed_options: dict[str, Any] | None = None
    ) -> Self:
        return cls(uri, feed_options=feed_options, stats=crawler.stats)

    def open(self, spider: Spider) -> DurableFile:
        path = Path(self.path)
        path.parent.mkdir(parents=True, exist_ok=True)
        appending = self.write_mode == "ab"
        if appending and self.line_format and path.exists():
            cut = cut_torn_last_line(path)
            if cut:
                logger.warning("Cut a torn last line (%d bytes) from %s", cut, path)
                if self.stats is not None:
                    self.stats.inc_value("resume/torn_line_bytes_cut", cut)
        return DurableFile(path, "ab" if appending else "wb")
