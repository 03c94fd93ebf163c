"""Files on the disk in an order that survives a power loss: replacing a file whole, so
that it is the old one or the new one after any stop (the Parquet parts, the date join's
rewrites); appending records each written whole and ``fsync``-ed in time
(:class:`DurableFile`: the feeds, :mod:`crawler.runtime.feeds`, and the WARC); and the
signal that makes what the outputs' records were made from durable before the records
are."""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from scrapy.crawler import Crawler
from scrapy.extensions.feedexport import FeedExporter

records_syncing = object()
"""Signal sent just before an output makes its records durable (a feed's ``fsync``, a
Parquet part): what they were made from is made durable first, so that after a power
loss no output holds an article whose page the WARC lost (:mod:`crawler.capture.warc`
``fsync``-s its exchanges then)."""


def replace_durably(written: Path, path: Path) -> None:
    """Put the finished file ``written`` in place of ``path``: ``written`` is fsync-ed, then
    renamed over ``path``, then the folder is fsync-ed, so ``path`` is the old file or the
    whole new one whenever the process or the machine stops."""
    with written.open("rb") as file:
        os.fsync(file.fileno())
    written.replace(path)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


class DurableFile(io.FileIO):
    """An unbuffered file whose every ``write`` reaches the kernel whole before returning,
    and the disk (``fsync``) at once with ``fsync_every`` 0, else when :meth:`sync` is
    called (at :meth:`close` too).

    ``before_sync`` is called before each ``fsync`` (the records' own sources first).
    ``on_error`` is called with the ``OSError`` of a write or ``fsync`` that failed and
    the number of records lost, after the file was cut back (a write: to before its
    record; an ``fsync``: to its last ``fsync``-ed size); from then on writes are refused
    (``on_lost`` counts them), so the file ends at its last complete record. Without
    ``on_error`` the error is raised. ``truncate_first`` empties the file at the first
    write (``-O``).
    """

    def __init__(
        self,
        path: Path | str,
        mode: str = "ab",
        *,
        fsync_every: float = 0.0,
        before_sync: Callable[[], object] | None = None,
        on_error: Callable[[OSError, int], None] | None = None,
        on_lost: Callable[[], None] | None = None,
        truncate_first: bool = False,
    ) -> None:
        super().__init__(path, mode)
        self.fsync_every = fsync_every
        self.before_sync = before_sync
        self.on_error = on_error
        self.on_lost = on_lost
        self.truncate_pending = truncate_first
        self.failed = False
        self.synced_size = os.lseek(self.fileno(), 0, os.SEEK_END)
        """Where the file ended when it was last ``fsync``-ed (or opened)."""
        self.unsynced = 0
        """Records written since then."""

    def write(self, data: Any) -> int:
        view = memoryview(data).cast("B")
        if self.failed:
            if self.on_lost is not None:
                self.on_lost()
            return len(view)
        start = os.lseek(self.fileno(), 0, os.SEEK_END)
        try:
            if self.truncate_pending:
                self.start_over()
                start = 0
            written = 0
            while written < len(view):  # a regular file rarely takes less; never leave a part
                written += super().write(view[written:]) or 0
        except OSError as error:
            self.fail(error, cut_to=start, lost=1)
            return len(view)
        self.unsynced += 1
        if self.fsync_every <= 0:
            self.sync()
        return written

    def sync(self) -> None:
        """``fsync`` the records written since the last time, if any (and the file is open
        and has not failed)."""
        if not self.unsynced or self.failed or self.closed:
            return
        if self.before_sync is not None:
            self.before_sync()
        try:
            os.fsync(self.fileno())
        except OSError as error:
            self.fail(error, cut_to=self.synced_size, lost=self.unsynced)
            return
        self.synced_size = os.lseek(self.fileno(), 0, os.SEEK_END)
        self.unsynced = 0

    def fail(self, error: OSError, cut_to: int, lost: int) -> None:
        """Cut the file back to ``cut_to`` bytes, refuse further writes, tell ``on_error``."""
        if self.on_error is None:
            raise error
        self.failed = True
        with contextlib.suppress(OSError):
            os.ftruncate(self.fileno(), cut_to)
            os.fsync(self.fileno())  # best effort: the cut itself, on the disk
        self.on_error(error, lost)

    def close(self) -> None:
        """``fsync`` what is not yet (a failure is handled as in :meth:`sync`), then close."""
        self.sync()
        super().close()

    def start_over(self) -> None:
        """Empty the file (once): what ``-O`` does when the crawl really starts."""
        if self.truncate_pending:
            self.truncate_pending = False
            os.ftruncate(self.fileno(), 0)
            self.synced_size = 0


def durable_feed_files(crawler: Crawler) -> list[DurableFile]:
    """The crawl's durable feed files (those whose feed has started)."""
    exporter = crawler.get_extension(FeedExporter)
    slots = exporter.slots if exporter is not None else ()
    return [slot.file for slot in slots if isinstance(slot.file, DurableFile)]


def a_feed_failed(crawler: Crawler) -> bool:
    """Whether a durable feed file of the crawl could not be written: it refuses every
    record from then on, so a record handed to the exporters since was not written."""
    return any(file.failed for file in durable_feed_files(crawler))
