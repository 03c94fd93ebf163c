"""Locks that keep two crawls off the same job folder or output file.

A second crawl started on a ``JOBDIR`` or an output file another crawl is using would
take the first one's running marker for a crash and discard its queue, or interleave
records in one file. Each is locked with ``flock`` for the whole crawl; the kernel drops
the lock when the process ends, however it ends (``kill -9`` too), so a stale lock never
blocks a resume. A second crawl is refused (:class:`RunRefused`, exit 3) with a message
naming the file and the process holding it.
"""

from __future__ import annotations

import fcntl
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Self
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.settings import BaseSettings

from crawler.runtime.exit_status import RunRefused
from crawler.runtime.feeds import check_appends


@dataclass
class FileLock:
    """An exclusive ``flock`` on a file, held until :meth:`release` or the process ends."""

    path: Path
    fd: int

    @classmethod
    def acquire(cls, path: Path, busy: str, advice: str, *, note_pid: bool = True) -> Self:
        """Lock ``path`` (created if missing, never truncated); refuse when it is held:
        ``busy`` says what is in use, ``advice`` what to do."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        except OSError as error:
            raise RunRefused(f"cannot write {path} ({error.strerror or error})") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_holder(path) if note_pid else ""
            os.close(fd)
            raise RunRefused(f"{busy}{holder}; {advice}") from None
        if note_pid:
            os.ftruncate(fd, 0)
            os.write(fd, f"pid {os.getpid()}\n".encode())
        return cls(path, fd)

    def release(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)  # closing the descriptor drops the lock
            self.fd = -1


def _read_holder(path: Path) -> str:
    try:
        holder = path.read_text().strip()
    except OSError:
        return ""
    return f" ({holder})" if holder else ""


def local_feed_paths(settings: BaseSettings, only_overwritten: bool = False) -> list[Path]:
    """The local files this crawl's feeds (``-o``/``-O``/``FEEDS``) write; with
    ``only_overwritten``, those it replaces (``-O``)."""
    paths = []
    for uri, options in settings.getdict("FEEDS").items():
        uri = str(uri)
        scheme = urlsplit(uri).scheme
        if "%(" in uri or scheme not in {"", "file"}:
            continue  # a URI naming one file per batch or a remote store: nothing to lock
        if only_overwritten and not (options or {}).get("overwrite"):
            continue
        paths.append(Path(urlsplit(uri).path if scheme == "file" else uri))
    return paths


class OutputLock:
    """Extension: before anything is fetched, every local output file is checked to be
    writable (created if missing, never emptied here) and locked for the crawl."""

    def __init__(self, paths: list[Path]) -> None:
        self.locks = [
            FileLock.acquire(
                path,
                f"the output {path} is being written by another crawl",
                "wait for it to finish, or write this crawl elsewhere",
                note_pid=False,
            )
            for path in paths
        ]

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        check_appends(crawler.settings)
        extension = cls(local_feed_paths(crawler.settings))
        crawler.signals.connect(extension.engine_stopped, signal=signals.engine_stopped)
        return extension

    def engine_stopped(self) -> None:
        for lock in self.locks:
            lock.release()
