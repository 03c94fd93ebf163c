"""A news site no profile knows, with the listings and traps of sites that are not
WordPress, crawled with the generic spider as users crawl: section fronts at bare paths
(``/politics/``) listing their stories in ``<article>`` teasers, a section paged
``/world/2/`` without end, another ``/sport/page/2``, another by "Load more"
(``?offset=``) and another ``/local/?p=2`` without end by a link saying "Next »", a calendar linking every month before and after, and a phpBB-style
session id (``?sid=``) in every link."""

from __future__ import annotations

import json
import re
import secrets
from urllib.parse import parse_qs, urlsplit

import pytest

from crawler.capture.mirror import MirrorResponse, start_server
from qa.fixtures import CrawlResult, run_crawl

SECTIONS = {"politics": 3, "world": 4, "sport": 4, "opinion": 4, "local": 4}
"""Stories of each section."""
PAGE_SIZE = 2
HTML = {"Content-Type": "text/html; charset=utf-8"}


def slug(section: str, number: int) -> str:
    return f"/news/{section}-story-{number}/"


class NewsSite:
    """The site: every link carries a new session id (as phpBB's ``sid``)."""

    def link(self, path: str) -> str:
        joint = "&" if "?" in path else "?"
        return f"{path}{joint}sid={secrets.token_hex(16)}"

    def chrome(self, path: str) -> str:
        menu = "".join(
            f"<li><a href='{self.link(f'/{s}/')}'>{s.title()}</a></li>" for s in SECTIONS
        )
        year, month = (2015, 3)
        if found := re.fullmatch(r"/calendar/(\d+)/(\d+)/", path):
            year, month = int(found[1]), int(found[2])
        before = (year, month - 1) if month > 1 else (year - 1, 12)
        after = (year, month + 1) if month < 12 else (year + 1, 1)
        calendar = "".join(
            f"<a href='{self.link(f'/calendar/{y}/{m:02d}/')}'>{y}-{m:02d}</a> "
            for y, m in (before, after)
        )
        return (
            f"<header><nav><ul>{menu}</ul></nav></header><aside class='calendar'>{calendar}</aside>"
        )

    def page(self, path: str, title: str, main: str) -> MirrorResponse:
        body = (
            f"<!DOCTYPE html><html><head><title>{title} | Harbour Courier</title></head><body>"
            f"{self.chrome(path)}<main>{main}</main><footer><p>© Harbour Courier</p></footer>"
            "</body></html>"
        )
        return MirrorResponse(200, HTML, body.encode())

    def teaser(self, section: str, number: int) -> str:
        return (
            f"<article class='teaser'><h2><a href='{self.link(slug(section, number))}'>"
            f"{section.title()} story {number}</a></h2><time datetime='2015-03-{number:02d}'>"
            f"March {number}, 2015</time><p>The council of the harbour town met about the "
            f"{section} story number {number} and argued for a long time about …</p></article>"
        )

    def listing(
        self, path: str, section: str, page: int, pager: str, size: int = PAGE_SIZE
    ) -> MirrorResponse:
        numbers = range(1, SECTIONS[section] + 1)[(page - 1) * size : page * size]
        teasers = "".join(self.teaser(section, number) for number in numbers)
        main = f"<h1>{section.title()}</h1>{teasers or '<p>No more stories.</p>'}{pager}"
        return self.page(path, section.title(), main)

    def story(self, path: str, section: str, number: int) -> MirrorResponse:
        text = "".join(
            f"<p>Paragraph {part} of the {section} story {number}: the harbour council met on "
            "a wet Tuesday evening and argued about the sea wall until the lights went out.</p>"
            for part in range(5)
        )
        main = (
            f"<article class='story'><h1>{section.title()} story {number}</h1><p class='byline'>By "
            f"Ann Reed</p><time datetime='2015-03-{number:02d}T08:00:00Z'>March {number}</time>"
            f"{text}</article>"
        )
        return self.page(path, f"{section.title()} story {number}", main)

    def respond(self, target: str) -> MirrorResponse:
        parts = urlsplit(target)
        path, query = parts.path, parse_qs(parts.query)
        if path == "/":
            return self.page(path, "Home", "<h1>Harbour Courier</h1>")
        found = re.fullmatch(r"/news/(\w+)-story-(\d+)/", path)
        if found and found[1] in SECTIONS and 1 <= int(found[2]) <= SECTIONS[found[1]]:
            return self.story(path, found[1], int(found[2]))
        if path in ("/politics/",):
            return self.listing(path, "politics", 1, "", size=SECTIONS["politics"])
        if found := re.fullmatch(r"/world/(?:(\d+)/)?", path):  # "next" without end
            page = int(found[1] or 1)
            return self.listing(
                path, "world", page, f"<a href='{self.link(f'/world/{page + 1}/')}'>Next</a>"
            )
        if found := re.fullmatch(r"/sport/(?:page/(\d+))?", path):  # later pages: no slash
            page = int(found[1] or 1)
            return self.listing(
                path, "sport", page, f"<a href='{self.link(f'/sport/page/{page + 1}')}'>Next</a>"
            )
        if path == "/opinion/":
            offset = int(query.get("offset", ["0"])[0])
            page = offset // PAGE_SIZE + 1
            more = f"<a class='more' href='{self.link(f'/opinion/?offset={offset + PAGE_SIZE}')}'>Load more</a>"
            return self.listing(path, "opinion", page, more)
        if path == "/local/":  # ``p`` names a post at the root; "Next" marked by its text only
            page = int(query.get("p", ["1"])[0])
            return self.listing(
                path, "local", page, f"<a href='{self.link(f'/local/?p={page + 1}')}'>Next »</a>"
            )
        if re.fullmatch(r"/calendar/\d+/\d+/", path):
            return self.page(path, "Calendar", "<h1>Events</h1><p>No events this month.</p>")
        return MirrorResponse(404, HTML, b"<html><body><h1>Not found</h1></body></html>")


@pytest.fixture(scope="module")
def crawl(tmp_path_factory) -> CrawlResult:
    server = start_server(NewsSite().respond)
    try:
        result = run_crawl(
            "archive",
            f"http://127.0.0.1:{server.server_port}/",
            tmp_path_factory.mktemp("traps"),
            "-s",
            "ARCHIVE_NOT_ARTICLE_PATTERN_BUDGET=20",
        )
    finally:
        server.shutdown()
        server.server_close()
    assert result.returncode == 0, result.log[-3000:]
    return result


def test_every_story_is_found_once_and_no_section_front_is_a_record(crawl):
    """The section fronts were records ("Politics", made of their teasers' excerpts),
    the stories past the first "Load more", past the session ids and past ``/local/``'s
    first page lost."""
    paths = sorted(urlsplit(json.loads(line)["url"]).path for line in crawl.output.splitlines())
    assert paths == sorted(slug(s, n) for s, count in SECTIONS.items() for n in range(1, count + 1))
    assert crawl.report["stats"]["pages/not_article/listing"] >= 1


def test_endless_pagers_and_the_calendar_end(crawl):
    """``/world/N/`` and ``/calendar/Y/M/`` were followed without end."""
    stats = crawl.report["stats"]
    assert crawl.report["finish_reason"] == "finished"
    assert stats["traps/not_article_pattern"] >= 2
    assert "matching /calendar/N/N/ read were none an article: a trap?" in crawl.log
    assert "matching /world/N/ read were none an article: a trap?" in crawl.log
    assert stats["traps/pagination_stopped"] >= 1  # /sport/page/N: a listing now
    assert stats["downloader/request_count"] < 120
    assert stats["traps/session_ids_stripped"] >= 1


class OldestFirstSite:
    """A site whose archive lists its stories oldest first (``/archive/``, then
    ``/archive/page/N/``), two a page, one story a season from 2015 to 2017."""

    DAYS = ("2015-03-02", "2015-09-14", "2016-03-07", "2016-09-19", "2017-03-06", "2017-09-18")

    def page(self, title: str, main: str) -> MirrorResponse:
        body = (
            f"<!DOCTYPE html><html><head><title>{title} | Harbour Courier</title></head><body>"
            "<header><nav><a href='/'>Home</a> <a href='/archive/'>Archive</a></nav></header>"
            f"<main>{main}</main><footer><p>© Harbour Courier</p></footer></body></html>"
        )
        return MirrorResponse(200, HTML, body.encode())

    def respond(self, target: str) -> MirrorResponse:
        path = urlsplit(target).path
        if path == "/":
            return self.page("Home", "<h1>Harbour Courier</h1>")
        if found := re.fullmatch(r"/archive/(?:page/(\d+)/)?", path):
            page = int(found[1] or 1)
            numbers = range(len(self.DAYS))[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
            teasers = "".join(
                f"<article class='teaser'><h2><a href='/news/story-{n}/'>Story {n}</a></h2>"
                f"<time datetime='{self.DAYS[n]}'>{self.DAYS[n]}</time><p>The council met "
                f"about story number {n} and argued for a long time about …</p></article>"
                for n in numbers
            )
            pager = f"<a rel='next' href='/archive/page/{page + 1}/'>Next</a>" if page < 3 else ""
            return self.page("Archive", f"<h1>Archive</h1>{teasers}{pager}")
        if (found := re.fullmatch(r"/news/story-(\d)/", path)) and int(found[1]) < 6:
            n = int(found[1])
            text = "".join(
                f"<p>Paragraph {part} of story {n}: the harbour council met on a wet Tuesday "
                "evening and argued about the sea wall until the lights went out.</p>"
                for part in range(5)
            )
            main = (
                f"<article><h1>Story {n}</h1><time datetime='{self.DAYS[n]}T08:00:00Z'>"
                f"{self.DAYS[n]}</time>{text}</article>"
            )
            return self.page(f"Story {n}", main)
        return MirrorResponse(404, HTML, b"<html><body><h1>Not found</h1></body></html>")


def test_an_oldest_first_listing_is_paged_on_past_posts_before_since(tmp_path):
    """A listing page whose posts all predate ``-a since`` stopped its pagination; listed
    oldest first, the newer posts the later pages list were lost (2 of 6 stories)."""
    server = start_server(OldestFirstSite().respond)
    try:
        result = run_crawl(
            "archive", f"http://127.0.0.1:{server.server_port}/", tmp_path, "-a", "since=2016-01-01"
        )
    finally:
        server.shutdown()
        server.server_close()
    assert result.returncode == 0, result.log[-3000:]
    paths = sorted(urlsplit(json.loads(line)["url"]).path for line in result.output.splitlines())
    assert paths == [f"/news/story-{n}/" for n in range(2, 6)]
    assert "date_range/pagination_stopped" not in result.report["stats"]
