"""The kill tests' window where records wait in memory for their Parquet row group: one
article of the fixture archive is held unanswered while every other one is scraped, and
the crawl is killed then (``tests/test_parquet.py``, ``tests/test_distributed.py``)."""

from __future__ import annotations

import json
import re
import signal
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from qa import crawl_launcher
from qa.fixtures import FIXTURES, crawl_golden_files

EXPECTED_JSONL, _ = crawl_golden_files("aawsat")
HELD_ARTICLE = "/theaawsat/world/davos-panel-weighs-the-future-of-global-trade/"
"""An article of the sitemap held unanswered while the killed run runs: it cannot end."""
UNDATED_POST = "/amir-taheri/opinion/the-limits-of-a-charm-offensive/"
"""A builder post in the sitemap, dated only by these listings."""
DATING_LISTINGS = ("/category/opinion/", "/author/amir-taheri/", "/2013/10/")


def kill_when(command: list[str], ready: Callable[[], bool], log: Path) -> None:
    """Start the crawl, SIGKILL it as soon as ``ready()`` holds (or after 60 s), and check
    it died of the kill, not of its own accord."""
    with log.open("wb") as stderr:
        killed = crawl_launcher.start(command, FIXTURES.parent, stderr=stderr)
        deadline = time.monotonic() + 60
        while killed.poll() is None and time.monotonic() < deadline and not ready():
            time.sleep(0.02)
        killed.send_signal(signal.SIGKILL)
        killed.wait(timeout=60)
    assert killed.returncode == -signal.SIGKILL, log.read_text()[-3000:]


def held_until(resumed: threading.Event) -> Callable[[BaseHTTPRequestHandler, int], bool]:
    """A fault handler that leaves the killed run's request unanswered and answers the
    resumed run's normally."""

    def held(handler: BaseHTTPRequestHandler, attempt: int) -> bool:
        if resumed.is_set():
            return False
        resumed.wait(60)
        handler.close_connection = True  # its client was killed: no answer
        return True

    return held


def held_article_window(row_group: int) -> tuple[list[str], int, int]:
    """The golden records; how many a run writes while one article is held (all but that
    one); how many of those are in whole row groups of ``row_group``: fewer, the rest
    wait in memory for their row group (the window the kill tests kill in)."""
    golden = EXPECTED_JSONL.read_text().splitlines()
    written = len(golden) - 1
    in_parquet = written // row_group * row_group
    assert written > in_parquet
    return golden, written, in_parquet


def scraped_in_log(log: Path) -> int:
    """How many records the crawl logging to ``log`` (at ``LOG_LEVEL=DEBUG``) has scraped:
    written to every output but a Parquet one's pending row group."""
    text = log.read_text() if log.exists() else ""
    return len(re.findall(r"DEBUG: Scraped \S+ from <200", text))


def written_undated(output: Path, post: str) -> bool:
    """Whether the JSON Lines ``output`` holds ``post`` without a date."""
    lines = output.read_text().splitlines() if output.exists() else []
    return any(
        record["url"].endswith(post) and record["published"] is None
        for record in map(json.loads, lines)
    )
