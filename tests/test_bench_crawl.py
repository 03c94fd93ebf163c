"""The crawl benchmark's command lines: every spider crawls under the same rules."""

from pathlib import Path

import pytest

from bench.crawl import SPIDERS, crawl_command


def settings_of(command: list[str]) -> dict[str, str]:
    pairs = [command[i + 1] for i, arg in enumerate(command) if arg == "-s"]
    return dict(pair.split("=", 1) for pair in pairs)


@pytest.mark.parametrize("spider", SPIDERS)
def test_a_polite_crawl_gives_every_spider_the_same_delay_and_connections(spider):
    command, _ = crawl_command(spider, "http://127.0.0.1:1/", Path("/tmp/out"), delay=0.02)
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
