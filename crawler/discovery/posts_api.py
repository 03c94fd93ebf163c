"""A site's list of its posts from WordPress's REST API (``/wp-json/wp/v2/posts``).

WordPress (4.7 and later) answers ``/wp-json/wp/v2/posts?per_page=100&page=N`` with up to
100 published posts as JSON, newest first, each with its ``link`` (the post's permalink)
and ``date`` (its publication time, in the site's time zone), and says how many pages
there are in the ``X-WP-TotalPages`` header. Most WordPress sites leave it on: 82 of the
110 WordPress pages of the two real-page benchmarks (``python -m bench.real_pages``)
advertise it (``<link rel="https://api.w.org/">``). For ``-a discovery=sitemap-first``
(``crawler/spiders/sitemap_first.py``) it is what the category listings are, a list of
every post made apart from the sitemaps that dates each one, in a hundredth of the
requests: ten posts a listing page against a hundred an API page.

This module reads one page of that list; the spider decides what to fetch.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from urllib.parse import urlencode

from crawler.extraction.metadata import json_document

_ISO_DAY = re.compile(r"\d{4}-\d\d-\d\d")
POSTS_PER_PAGE = 100
"""WordPress's largest ``per_page``."""
FIELDS = "link,date"
"""What the crawl needs of a post (``_fields``, WordPress 4.9.8 and later: an older one
sends every field, the post's content included, and is read all the same)."""


def posts_page_url(api_url: str, page: int) -> str:
    """The URL of page ``page`` (from 1) of the posts list at ``api_url``.

    >>> posts_page_url("https://x.org/wp-json/wp/v2/posts", 2)
    'https://x.org/wp-json/wp/v2/posts?per_page=100&page=2&_fields=link%2Cdate'
    """
    return f"{api_url}?{urlencode({'per_page': POSTS_PER_PAGE, 'page': page, '_fields': FIELDS})}"


@dataclass(frozen=True)
class ApiPost:
    link: str
    date: str | None
    """As the API gives it (``"2013-10-18T08:00:00"``, the site's time), or None."""

    @property
    def day(self) -> str | None:
        """The day of :attr:`date` (``"2013-10-18"``), as a listing prints a post's day: a
        crawl keeps one for every post, and a 12-year archive has a few thousand days
        against one time a post (``crawler/discovery/dates.py`` keeps one copy of each);
        None if the date does not start with one.

        >>> ApiPost("https://x.org/a/", "2013-10-18T08:00:00").day
        '2013-10-18'
        >>> ApiPost("https://x.org/a/", "yesterday").day is None
        True
        """
        day = (self.date or "")[:10]
        return day if _ISO_DAY.fullmatch(day) else None


@dataclass(frozen=True)
class PostsPage:
    """One page of the list: its posts, the entries that were not posts with a link, and
    how many pages the list has if the server says (``X-WP-TotalPages``)."""

    posts: list[ApiPost]
    unreadable: int
    total_pages: int | None

    def is_last(self, page: int) -> bool:
        """Whether page ``page`` (this one) is the list's last: the server says so, or it
        has fewer posts than a full page.

        >>> PostsPage([], 0, None).is_last(1), PostsPage([], 0, 3).is_last(3)
        (True, True)
        >>> PostsPage([ApiPost("https://x.org/a/", None)] * POSTS_PER_PAGE, 0, None).is_last(1)
        False
        """
        if self.total_pages is not None:
            return page >= self.total_pages
        return len(self.posts) + self.unreadable < POSTS_PER_PAGE


class NotAPostsList(ValueError):
    """The answer is not a page of WordPress's posts list; its message says what it is."""


def read_posts_page(body: bytes, total_pages: str | None = None) -> PostsPage:
    """The posts of a page of the list, from its JSON ``body`` and its ``X-WP-TotalPages``
    header; raises :class:`NotAPostsList` for anything else (an HTML page, an error
    object, a list of other things).

    >>> page = read_posts_page(
    ...     b'[{"link": "https://x.org/a/", "date": "2013-10-18T08:00:00"}, {"id": 7}]', "4"
    ... )
    >>> page.posts, page.unreadable, page.total_pages
    ([ApiPost(link='https://x.org/a/', date='2013-10-18T08:00:00')], 1, 4)
    >>> read_posts_page(b'{"code": "rest_no_route", "message": "No route was found"}')
    Traceback (most recent call last):
    ...
    crawler.discovery.posts_api.NotAPostsList: a JSON object, not a list of posts: rest_no_route
    >>> read_posts_page(b"<!DOCTYPE html><html>...")
    Traceback (most recent call last):
    ...
    crawler.discovery.posts_api.NotAPostsList: not JSON (Expecting value at 1:1)
    >>> read_posts_page(b'[{"id": 7}]')
    Traceback (most recent call last):
    ...
    crawler.discovery.posts_api.NotAPostsList: a list of 1 entries, none a post with a link
    """
    try:
        data = json_document(body)
    except json.JSONDecodeError as error:
        raise NotAPostsList(f"not JSON ({error.msg} at {error.lineno}:{error.colno})") from None
    except (ValueError, UnicodeDecodeError) as error:  # not UTF-8, -16 or -32
        raise NotAPostsList(f"not JSON ({error})") from None
    if not isinstance(data, list):
        code = data.get("code") if isinstance(data, dict) else None
        detail = f": {code}" if isinstance(code, str) else ""
        kind = "object" if isinstance(data, dict) else "value"
        raise NotAPostsList(f"a JSON {kind}, not a list of posts{detail}")
    posts = [
        ApiPost(entry["link"], entry.get("date") if isinstance(entry.get("date"), str) else None)
        for entry in data
        if isinstance(entry, dict) and isinstance(entry.get("link"), str) and entry["link"]
    ]
    if data and not posts:
        raise NotAPostsList(f"a list of {len(data)} entries, none a post with a link")
    return PostsPage(posts, len(data) - len(posts), _page_count(total_pages))


def _page_count(header: str | None) -> int | None:
    """``X-WP-TotalPages`` as a number, if it is one.

    >>> _page_count("15"), _page_count(None), _page_count("many")
    (15, None, None)
    """
    text = (header or "").strip()
    return int(text) if text.isdigit() else None
