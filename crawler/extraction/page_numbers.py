"""Articles split in pages by a numbered pager that is not WordPress's: which links of a
page are its article's other pages.

News sites of the archive years split long stories in pages: ``/story?page=2``,
``/story/2/``, ``/story-2.html``, ``/story-p2.htm``, ``/story?seite=2``, with a pager of numbered links
(``1 2 3 Next``). A record of the first page alone holds a third of the story, and
nothing said so. A numbered link is one of the article's pages when its address is this
page's with that page number (:func:`page_of`): the number its text shows, the host one
of the page's own, and the numbers, with this page's, running 1 to N.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from lxml import etree

PAGE_PARAMETERS = frozenset({"page", "pg", "pagina", "seite", "pagenum", "pageno", "pagenumber"})
"""Query parameters a site numbers a story's or a listing's pages with. Not WordPress's
``p`` (a post's id) nor ``paged`` (a listing's page)."""
MAX_PAGE = 99
"""A story is split in fewer pages; a larger number in a URL is something else (a year)."""
_PATH_PAGE = re.compile(r"(?:/page)?/(?P<number>\d{1,2})/?$")
_FILE_PAGE = re.compile(r"[-_]p?(?P<number>\d{1,2})(?P<extension>\.(?:s?html?|php|aspx?))$")


def page_of(url: str) -> tuple[str, int]:
    """The address of the article ``url`` is a page of (path and query, no host: a copy
    of the site serves it elsewhere), and which page it is (1 when it names none).

    >>> page_of("https://x.org/news/story?page=3&ref=rss")
    ('/news/story?ref=rss', 3)
    >>> page_of("https://x.org/news/story/2/"), page_of("http://copy:8000/news/story/")
    (('/news/story', 2), ('/news/story', 1))
    >>> page_of("https://x.org/a/story-2.html"), page_of("https://x.org/a/story_3.shtml")
    (('/a/story.html', 2), ('/a/story.shtml', 3))
    >>> page_of("https://x.org/a/story-2196g-p2.htm")
    ('/a/story-2196g.htm', 2)
    >>> page_of("https://x.org/story/page/2/"), page_of("https://x.org/2020/05/")
    (('/story', 2), ('/2020', 5))
    >>> page_of("https://x.org/news/story?page=0"), page_of("https://x.org/archive/2017/")
    (('/news/story?page=0', 1), ('/archive/2017', 1))
    """
    parts = urlsplit(url)
    path, number = parts.path, 1
    query = parse_qsl(parts.query, keep_blank_values=True)
    numbered = [
        (name, value)
        for name, value in query
        if name.lower() in PAGE_PARAMETERS and value.isdigit() and 1 <= int(value) <= MAX_PAGE
    ]
    if len(numbered) == 1:
        number = int(numbered[0][1])
        query = [pair for pair in query if pair != numbered[0]]
    elif match := _PATH_PAGE.search(path):
        number, path = int(match["number"]), path[: match.start()]
    elif match := _FILE_PAGE.search(path):
        number, path = int(match["number"]), path[: match.start()] + match["extension"]
    path = path.rstrip("/")
    return (f"{path}?{urlencode(query)}" if query else path), max(number, 1)


def numbered_pages(
    root: etree._Element, page_url: str, base_url: str, hosts: Collection[str]
) -> tuple[int, dict[int, str]] | None:
    """Which page of its article the page at ``page_url`` is, and the URLs of the others
    by number (resolved against ``base_url``), from the page's numbered links to its own
    page variants; None when they do not run 1 to N with this page among them.

    >>> from crawler.extraction.parsing import parse_html
    >>> pager = (b'<p>Text.</p><div class="pager"><span>1</span> <a href="?page=2">2</a> '
    ...     b'<a href="?page=3"><b>3</b></a> <a href="?page=2">Next</a></div>'
    ...     b'<ol><li><a href="/top/story-4.html">4</a></li></ol>')
    >>> url = "https://x.org/news/story"
    >>> numbered_pages(parse_html(pager, url), url, url, {"x.org"})
    (1, {2: 'https://x.org/news/story?page=2', 3: 'https://x.org/news/story?page=3'})
    >>> second = b'<a href="/news/story">1</a> <span>2</span> <a href="/news/story?page=3">3</a>'
    >>> url = "https://x.org/news/story?page=2"
    >>> numbered_pages(parse_html(second, url), url, url, {"x.org"})
    (2, {1: 'https://x.org/news/story', 3: 'https://x.org/news/story?page=3'})
    >>> comments = b'<a href="?page=1">2</a> <a href="?page=2">3</a>'  # Drupal's, 0-based
    >>> numbered_pages(parse_html(comments, url), url, url, {"x.org"})
    >>> gap = b'<a href="/news/story?page=3">3</a>'
    >>> numbered_pages(parse_html(gap, "https://x.org/news/story"), url, url, {"x.org"})
    """
    own, current = page_of(page_url)
    urls: dict[int, str] = {}
    for link in root.iter("a"):
        href = link.get("href")
        if not href:
            continue
        text = "".join(link.itertext()).strip()
        if not (text.isdigit() and int(text) <= MAX_PAGE):
            continue
        try:
            url = urljoin(base_url, href.strip())
            host = urlsplit(url).netloc
        except ValueError:  # "http://[::1": no page of this article
            continue
        number = int(text)
        if host in hosts and number != current and page_of(url) == (own, number):
            urls.setdefault(number, url)
    if not urls or sorted({*urls, current}) != list(range(1, len(urls) + 2)):
        return None
    return current, urls
