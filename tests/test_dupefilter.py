"""The duplicate filter that keeps fingerprints compact (crawler/runtime/dupefilter.py)."""

from __future__ import annotations

from pathlib import Path

from scrapy import Request
from scrapy.dupefilters import RFPDupeFilter
from scrapy.settings import Settings
from scrapy.utils.misc import load_object

from crawler.runtime.dupefilter import CompactDupeFilter

SEEN = [Request(f"https://x.org/2016/05/post-{n}/") for n in range(300)]


def test_a_request_seen_once_is_refused_after():
    dupefilter = CompactDupeFilter()
    assert not any(dupefilter.request_seen(request) for request in SEEN)
    assert all(dupefilter.request_seen(Request(request.url)) for request in SEEN)
    assert not dupefilter.request_seen(Request("https://x.org/2016/05/post-300/"))
    # the same URL with another method or body is another request, as for Scrapy's
    assert not dupefilter.request_seen(Request(SEEN[0].url, method="POST", body=b"a"))


def fill(dupefilter: RFPDupeFilter, requests: list[Request]) -> None:
    for request in requests:
        dupefilter.request_seen(request)
    dupefilter.close("finished")


def test_a_crawl_resumed_from_scrapys_requests_seen_refuses_what_it_had_seen(tmp_path: Path):
    fill(RFPDupeFilter(str(tmp_path)), SEEN[:200])
    resumed = CompactDupeFilter(str(tmp_path))
    assert all(resumed.request_seen(request) for request in SEEN[:200])
    assert not any(resumed.request_seen(request) for request in SEEN[200:])
    resumed.close("finished")


def test_scrapys_filter_resumes_from_the_requests_seen_it_writes(tmp_path: Path):
    fill(CompactDupeFilter(str(tmp_path)), SEEN[:100])
    fill(CompactDupeFilter(str(tmp_path)), SEEN[100:200])  # a second run appends
    written = (tmp_path / "requests.seen").read_bytes()
    (tmp_path / "scrapy").mkdir()
    fill(RFPDupeFilter(str(tmp_path / "scrapy")), SEEN[:200])
    assert written == (tmp_path / "scrapy" / "requests.seen").read_bytes()
    resumed = RFPDupeFilter(str(tmp_path))
    assert all(resumed.request_seen(request) for request in SEEN[:200])
    assert not resumed.request_seen(SEEN[200])
    resumed.close("finished")


def test_the_project_crawls_with_it():
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    assert load_object(settings["DUPEFILTER_CLASS"]) is CompactDupeFilter
