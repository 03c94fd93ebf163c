"""The fixture archive served with the spider traps a 12-year-old WordPress site can have.

    python -m qa.trapped_site serve fixtures/aawsat/site --port 8000
    python -m qa.trapped_site crawl fixtures/aawsat/site aawsat -O trapped.jsonl

Every page of the mirror is served as it is, plus three traps that each lead a naive
crawler on forever (all answered 200, as by themes and page caches that never say 404):

- **endless pagination**: every listing (home, category, tag, author, date archive)
  links "« Older Entries" to the next ``/page/N/``, and any ``/page/N/`` past the last
  real one answers with the listing's first page (what a page cache that ignores
  ``paged`` serves), again linking to ``N+1``;
- **calendar**: every page carries a calendar widget linking each day of its month
  (``/YYYY/MM/DD/``) and the previous and next months, whether or not posts exist there;
  any day or month archive from 1990 to 2030 that the mirror lacks answers 200 with an
  empty archive page and its own calendar, so the months chain on and on;
- **session ids**: every page links a "Popular" widget whose URLs carry a session id that
  changes on every view (``;jsessionid=…`` in the path, ``?PHPSESSID=…``, ``?sessionid=``
  with a tracking parameter); the server ignores it.

Only what the traps add is served by this module; the pages themselves, the sitemaps and
robots.txt are the mirror's (``crawler/capture/mirror.py``), unchanged.
"""

from __future__ import annotations

import calendar
import itertools
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

from crawler.capture.mirror import Mirror, MirrorResponse, crawl_command
from crawler.cli.mirror import build_parser, serve_or_crawl

FIRST_YEAR, LAST_YEAR = 1990, 2030
"""Years the trapped calendar answers date archives for."""
LATEST_MONTH = (2017, 2)
"""The month the calendar shows on pages that are not date archives (the newest posts)."""
PAGINATED = re.compile(r"^(?P<base>/.*?/|/)page/(?P<number>\d+)/$")
DATE_ARCHIVE = re.compile(r"^/(?P<year>\d{4})/(?P<month>\d{2})/(?:(?P<day>\d{2})/)?$")
SESSION_PATH_PARAMETER = re.compile(r";jsessionid=[^/?#]*", re.IGNORECASE)
LISTING_BODY = re.compile(rb'<body class="[^"]*\b(?:home|archive|blog)\b')
HTML = {"Content-Type": "text/html; charset=UTF-8"}
POPULAR = (
    "/category/opinion/;jsessionid={sid}",
    "/tag/syria/?PHPSESSID={sid}",
    "/diana-moukalled/opinion/live-from-lebanon/?sessionid={sid}&utm_source=widget",
)


class TrappedSite:
    """Answers requests like the mirror at ``root``, with the traps above added."""

    def __init__(self, root: Path) -> None:
        self.mirror = Mirror(root)
        self.views = itertools.count(1)

    def respond(self, target: str) -> MirrorResponse:
        path = SESSION_PATH_PARAMETER.sub("", urlsplit(target).path)
        served = self.mirror.respond(path)
        page_number = 1
        if served.status == 404 and (paginated := PAGINATED.match(path)):
            first = self.mirror.respond(paginated["base"])
            if first.status == 200 and LISTING_BODY.search(first.body):
                served, page_number = first, int(paginated["number"])
                path = paginated["base"]
        day = DATE_ARCHIVE.match(path) if served.status == 404 else None
        if day and FIRST_YEAR <= int(day["year"]) <= LAST_YEAR and 1 <= int(day["month"]) <= 12:
            served = MirrorResponse(200, HTML, empty_archive(path))
        if served.status != 200 or not served.headers.get("Content-Type", "").startswith(
            "text/html"
        ):
            return served
        return MirrorResponse(200, served.headers, self.add_traps(served.body, path, page_number))

    def add_traps(self, body: bytes, path: str, page_number: int) -> bytes:
        widgets = [calendar_widget(path), self.popular_widget()]
        if LISTING_BODY.search(body):
            widgets.insert(0, older_entries(path, page_number + 1))
        return body.replace(b"</body>", "".join(widgets).encode() + b"</body>", 1)

    def popular_widget(self) -> str:
        session = f"{next(self.views):08x}{'c0ffee' * 4}"
        links = "".join(
            f'<li><a href="https://eng-archive.aawsat.com{link.format(sid=session)}">Popular</a></li>'
            for link in POPULAR
        )
        return f'<div class="widget popular-posts"><ul>{links}</ul></div>'


def older_entries(base: str, number: int) -> str:
    href = f"https://eng-archive.aawsat.com{base}page/{number}/"
    return (
        '<div class="pagination clearfix"><div class="alignleft">'
        f'<a href="{href}">&laquo; Older Entries</a></div></div>'
    )


def calendar_widget(path: str) -> str:
    """WordPress's calendar for the month of a date archive (else the newest month),
    linking every day and both neighbouring months, as a broken calendar plugin does."""
    match = DATE_ARCHIVE.match(path)
    year, month = (int(match["year"]), int(match["month"])) if match else LATEST_MONTH
    site = "https://eng-archive.aawsat.com"
    days = "".join(
        f'<td><a href="{site}/{year:04d}/{month:02d}/{day:02d}/">{day}</a></td>'
        for day in range(1, calendar.monthrange(year, month)[1] + 1)
    )
    previous = (year - 1, 12) if month == 1 else (year, month - 1)
    following = (year + 1, 1) if month == 12 else (year, month + 1)
    return (
        '<div id="calendar_wrap"><table id="wp-calendar">'
        f"<caption>{calendar.month_name[month]} {year}</caption><tbody><tr>{days}</tr></tbody>"
        f'<tfoot><tr><td id="prev"><a href="{site}/{previous[0]:04d}/{previous[1]:02d}/">'
        f'&laquo;</a></td><td id="next"><a href="{site}/{following[0]:04d}/{following[1]:02d}/">'
        "&raquo;</a></td></tr></tfoot></table></div>"
    )


def empty_archive(path: str) -> bytes:
    """A date archive with no posts, as a theme that never answers 404 renders it."""
    return (
        '<!DOCTYPE html><html lang="en-US"><head><meta charset="UTF-8">'
        f"<title>Archive {path} | ASHARQ AL-AWSAT English Archive 2005 -2017</title></head>"
        '<body class="archive date"><div id="main-content"><div id="left-area">'
        '<div class="entry"><h1>No Results Found</h1></div></div></div></body></html>'
    ).encode()


def main(argv: list[str] | None = None) -> int:
    parser = build_parser("python -m qa.trapped_site", __doc__, lambda command: None)
    return serve_or_crawl(parser, argv, lambda args: TrappedSite(args.root).respond, crawl_command)


if __name__ == "__main__":
    sys.exit(main())
