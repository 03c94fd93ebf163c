"""The crawl benchmark's command lines: every spider crawls under the same rules; and what
its measuring device counts."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.bare_spider import BareSpider
from bench.crawl import SPIDERS, benchmark_arguments, crawl_command
from bench.floor_spider import FloorSpider
from bench.stats import children_cpu_seconds


def settings_of(command: list[str]) -> dict[str, str]:
    pairs = [command[i + 1] for i, arg in enumerate(command) if arg == "-s"]
    return dict(pair.split("=", 1) for pair in pairs)


@pytest.mark.parametrize("spider", SPIDERS)
def test_a_polite_crawl_gives_every_spider_the_same_delay_and_connections(spider):
    command, _ = crawl_command(
        spider, "http://127.0.0.1:1/", Path("/tmp/out"), delay=0.02, pages=Path("/tmp/pages.txt")
    )
    settings = settings_of(command)
    assert settings["DOWNLOAD_DELAY"] == "0.02"
    assert settings["CONCURRENT_REQUESTS_PER_DOMAIN"] == "4"


def test_a_full_speed_crawl_leaves_the_bare_spider_on_scrapy_defaults():
    bare, _ = crawl_command("bare", "http://127.0.0.1:1/", Path("/tmp/out"))
    ours, _ = crawl_command("ours", "http://127.0.0.1:1/", Path("/tmp/out"))
    assert "DOWNLOAD_DELAY" not in settings_of(bare)
    assert settings_of(ours)["DOWNLOAD_DELAY"] == "0"


def test_warc_makes_our_crawls_record_next_to_their_feed():
    ours, _ = crawl_command("ours", "http://127.0.0.1:1/", Path("/tmp/out"), warc=True)
    bare, _ = crawl_command("bare", "http://127.0.0.1:1/", Path("/tmp/out"), warc=True)
    assert settings_of(ours)["WARC_OUTPUT"] == "/tmp/out/crawl.warc.gz"
    assert "WARC_OUTPUT" not in settings_of(bare)


def test_the_floor_spider_fetches_the_archive_page_list_with_the_bare_spider_settings():
    pages = Path("/tmp/pages.txt")
    floor, cwd = crawl_command("floor", "http://127.0.0.1:1/", Path("/tmp/out"), pages=pages)
    bare, _ = crawl_command("bare", "http://127.0.0.1:1/", Path("/tmp/out"))
    assert floor[floor.index("runspider") + 1].endswith("bench/floor_spider.py")
    assert f"paths={pages}" in floor
    assert settings_of(floor) == settings_of(bare)
    assert cwd == Path("/tmp/out")  # outside the project folder: Scrapy's defaults
    assert FloorSpider.custom_settings == BareSpider.custom_settings


def test_the_floor_spider_cannot_run_without_the_page_list():
    with pytest.raises(ValueError, match="page list"):
        crawl_command("floor", "http://127.0.0.1:1/", Path("/tmp/out"))


def test_the_cpu_of_a_child_process_no_getrusage_counts_is_counted():
    # The extraction pool's forkserver is such a child: alive, never waited for.
    before = children_cpu_seconds(os.getpid())
    busy = "import sys, time\nend = time.process_time() + 0.3\nwhile time.process_time() < end: pass\nsys.stdin.read()"
    child = subprocess.Popen([sys.executable, "-c", busy], stdin=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while children_cpu_seconds(os.getpid()) - before < 0.25 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert children_cpu_seconds(os.getpid()) - before >= 0.25
    finally:
        child.communicate(b"")


def test_output_and_feed_folders_that_do_not_exist_yet_are_made(tmp_path):
    """``--output-dir /dev/shm/arch`` raised FileNotFoundError (a traceback) when the
    folder was not there."""
    args = benchmark_arguments(
        "A benchmark.",
        10,
        ["--output-dir", str(tmp_path / "a" / "b"), "--feeds-dir", str(tmp_path / "c")],
        feeds=True,
    )
    assert args.output_dir.is_dir()
    assert args.feeds_dir.is_dir()
