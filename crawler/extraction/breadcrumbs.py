"""The section a page's breadcrumb trail files it under.

A trail ("Home > News > Business News > This article's headline") names the article's
section as its last level before the article: the trail's most specific place. Pages
give it as a JSON-LD ``BreadcrumbList``, as microdata (``itemtype=…/BreadcrumbList``), or
as links in an element whose class or id says "breadcrumb". The first level is the
site's home page and the last often the article itself: neither is a section.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, NamedTuple
from urllib.parse import urljoin, urlsplit

from lxml import etree

from crawler.extraction.metadata import element_value
from crawler.extraction.processors import MONTH_NAME, decode_entities, normalize_text, text_key

MAX_LEVELS = 7
"""More links than this (the home page, four levels, the article, one spare) is a menu
that calls itself a breadcrumb, not a trail."""

MAX_SECTION_WORDS = 6

HOME_NAMES = frozenset(
    [
        "home", "homepage", "inicio", "início", "forside", "startseite", "accueil",
        "главная", "головна", "首頁", "首页", "ホーム", "الرئيسية", "anasayfa", "beranda",
    ]
)  # fmt: skip
"""Names of the home page a trail starts with, where it gives no link to tell it by."""

# Pages of a site that list an author's, a person's (PolitiFact's "/personalities/…", Fox
# News's "/category/person/…") stories, or search it; not Blogger's "/search/label/…", its
# categories' pages.
NOT_A_SECTION_PATH = re.compile(
    r"/(?:authors?|autor|autore|user|users|profile|people|person|personalit(?:y|ies)|"
    r"search(?!/label/))(?:/|$)|"
    # a reader's account: signing in, registering ("/anmelden.php", "/mon-compte?retour=…")
    r"/(?:log-?in|sign-?in|sign-?up|register|registrierung|anmelden|(?:my-?)?account|"
    r"mon-compte|(?:mein-?)?konto)(?:[/.?]|$)",
    flags=re.IGNORECASE,
)
TAG_NAMES = (
    r"tags?|tagg|topics?|subjects?|themen|keywords?|schlagw(?:o|ö)rte?r?|etiquetas?|temas?|"
    r"sujets?|mots-cl(?:e|é)s|argomenti"
)
"""The words a site names its tags or topics with, in its languages (a pattern): in a tag
page's address, a tag block's class, the heading over a tag list."""
TAG_PAGE = re.compile(
    rf"/(?:{TAG_NAMES}|all-about)(?:/|$)|[?&](?:tags?|topics?|keywords?)=",
    flags=re.IGNORECASE,
)
"""An address of a tag's or topic's page, which lists the stories of a word, not of a
section: ``/tag/swimming``, ``/tagg/`` (Swedish, Norwegian), ``/topics/sopa``, the Reach
newspapers' ``/all-about/``, ``0,114012.html?tag=grupa+lotos``, ``?keyword=``."""


def lists_no_section(url: str) -> bool:
    """Whether an address is a page of a site's that lists no section's stories: an
    author's, a person's, a search, a reader's account (:data:`NOT_A_SECTION_PATH`), a
    tag's or a topic's (:data:`TAG_PAGE`).

    >>> lists_no_section("https://x.pl/0,114012.html?tag=grupa+lotos")
    True
    >>> lists_no_section("https://www.hbl.fi/tagg/premier-league"), lists_no_section("/politics/")
    (True, False)
    >>> lists_no_section("https://www.tagesausblick.de/anmelden.php"), lists_no_section("/accounting/")
    (True, False)
    """
    return bool(NOT_A_SECTION_PATH.search(urlsplit(url).path) or TAG_PAGE.search(url))


# A level of a date archive ("2020 > August"): a year or month, by its name or its address.
_DATE_LEVEL_NAME = re.compile(
    rf"\d+|{MONTH_NAME}|(?:kw|week|woche|semaine|semana|settimana)\s*\d{{1,2}}",
    flags=re.IGNORECASE,
)
"""A date archive's level: a year, a month, a week ("KW 15", heise.de's Kalenderwoche)."""
_DATE_LEVEL_PATH = re.compile(r"/(?:19|20)\d\d(?:/[^/]+)?/?$")


class Crumb(NamedTuple):
    name: str
    url: str | None


MICRODATA_TRAILS = etree.XPath('//*[contains(@itemtype, "BreadcrumbList")]')
MICRODATA_LEVELS = etree.XPath('.//*[@itemprop="itemListElement"]')
MICRODATA_NAME = etree.XPath('.//*[@itemprop="name"]')
LEVEL_LINK = etree.XPath("string((descendant-or-self::*[@href])[1]/@href)")
HTML_TRAILS = etree.XPath(
    '//*[contains(@class, "readcrumb") or contains(@id, "readcrumb")]'  # b or B
)
TRAIL_LINKS = etree.XPath(".//a[@href]")


def jsonld_trail(nodes: Iterable[dict[str, Any]]) -> list[Crumb]:
    """The first JSON-LD ``BreadcrumbList``'s levels in position order.

    >>> jsonld_trail([{"@type": "BreadcrumbList", "itemListElement": [
    ...     {"position": 2, "item": {"@id": "https://x.com/news/", "name": "News"}},
    ...     {"position": 1, "name": "Home", "item": "https://x.com/"}]}])
    [Crumb(name='Home', url='https://x.com/'), Crumb(name='News', url='https://x.com/news/')]
    """
    for node in nodes:
        types = node.get("@type")
        if "BreadcrumbList" not in (types if isinstance(types, list) else [types]):
            continue
        elements = node.get("itemListElement")
        listed = elements if isinstance(elements, list) else [elements]
        levels = [level for level in listed if isinstance(level, dict)]
        levels.sort(key=_position)
        return [crumb for level in levels if (crumb := _jsonld_crumb(level))]
    return []


def _position(level: dict[str, Any]) -> float:
    try:
        return float(level.get("position") or 0)
    except (TypeError, ValueError):
        return 0.0


def _jsonld_crumb(level: dict[str, Any]) -> Crumb | None:
    item = level.get("item")
    name = level.get("name")
    url = item if isinstance(item, str) else None
    if isinstance(item, dict):
        name = name or item.get("name")
        url = item.get("@id") or item.get("url")
    if not isinstance(name, str) or not (text := normalize_text(decode_entities(name))):
        return None
    return Crumb(text, url if isinstance(url, str) else None)


def markup_trail(root: etree._Element, base_url: str) -> list[Crumb]:
    """The levels of the page's microdata trail, else of its first element called a
    breadcrumb that holds links (their text and absolute address)."""
    for trail in MICRODATA_TRAILS(root):
        levels = [
            Crumb(text, urljoin(base_url, href) if (href := LEVEL_LINK(level).strip()) else None)
            for level in MICRODATA_LEVELS(trail)
            for name in MICRODATA_NAME(level)[:1]
            if (text := normalize_text(element_value(name)))
        ]
        if levels:
            return levels
    for trail in HTML_TRAILS(root):
        links = [
            Crumb(text, urljoin(base_url, link.get("href", "").strip()))
            for link in TRAIL_LINKS(trail)
            if (text := normalize_text(element_value(link)))
        ]
        if links:
            return links
    return []


def last_section(levels: list[Crumb]) -> str | None:
    """The most specific of a trail's :func:`section_levels`, where it names a section.

    >>> home, news = Crumb("Home", "https://x.com/"), Crumb("News", "https://x.com/news/")
    >>> last_section(section_levels([home, news, Crumb("Business News", None),
    ...                              Crumb("A story", None)], ["https://x.com/a-story/"], "A story"))
    'Business News'
    >>> last_section(section_levels([home, news, Crumb("Story", "https://x.com/a-story/")],
    ...                             ["https://x.com/a-story/"], "A headline"))
    'News'
    >>> last_section(section_levels([home, news, Crumb("Jordan's law, explained", None)], [],
    ...                             "Jordan’s law"))
    'News'
    >>> last_section(section_levels([Crumb("Início", None), Crumb("Alfabetização", None)], [], None))
    'Alfabetização'
    >>> last_section(section_levels([home, Crumb("Sport", None), Crumb("Ascom announces a "
    ...                             "distribution partnership with GE Healthcare", None)], [], "x"))
    'Sport'

    A trail of the home page alone, longer than a trail is, or ending in a date archive
    names no section:

    >>> last_section(section_levels([home], [], None)), last_section(section_levels([news] * 8, [], None))
    (None, None)
    >>> last_section([news, Crumb("August", "https://x.com/news/2020/aug")])
    >>> last_section([news, Crumb("2015", None), Crumb("KW 15", "https://x.com/news/?woche=15")])
    """
    return levels[-1].name if levels and _names_a_section(levels[-1]) else None


def section_levels(
    trail: list[Crumb], page_urls: Iterable[str], headline: str | None
) -> list[Crumb]:
    """A trail's levels but its home page and the article itself; none for a trail longer
    than a trail is. A level that links to the page itself, or to it with a query or a
    fragment, is the article or an action on it (webmd.com's header links "Email a Friend"
    and "Print Article", ``?print=true``, in its breadcrumb's block).

    >>> home, news = Crumb("Home", "https://x.com/"), Crumb("News", "https://x.com/news/")
    >>> actions = [Crumb("Email a Friend", "https://x.com/a-story/#"),
    ...            Crumb("Print Article", "https://x.com/a-story/?print=true")]
    >>> section_levels([home, news, *actions], ["https://x.com/a-story/"], "A story")
    [Crumb(name='News', url='https://x.com/news/')]
    """
    if len(trail) > MAX_LEVELS:
        return []
    own = {url.rstrip("/") for url in page_urls}
    levels = [level for level in trail if _page_address(level.url) not in own]
    if levels and (
        text_key(levels[-1].name) == text_key(headline or "")
        or len(levels[-1].name.split()) > MAX_SECTION_WORDS  # a headline, not a section
        # the page itself, named with no address, after levels that have one (Yoast's)
        or (levels[-1].url is None and len(levels) > 1 and levels[-2].url is not None)
    ):
        levels.pop()
    return [level for level in levels if not _is_home(level)]


def _page_address(url: str | None) -> str:
    """A level's address without its query, fragment and closing slash ("" for none)."""
    return urlsplit(url)._replace(query="", fragment="").geturl().rstrip("/") if url else ""


def refined_section(section: str, levels: list[Crumb]) -> str:
    """A section the page's metadata names, as its trail shows it: in the trail's words
    when the trail ends with it, or the trail's last level when that comes right after it
    (the subsection the article is filed under).

    >>> refined_section("india-news", [Crumb("India News", None)])
    'India News'
    >>> refined_section("Opinion", [Crumb("Opinion", None), Crumb("Commentary", None)])
    'Commentary'

    A trail of two levels or more that does not show it files the article as the
    reader sees it; the metadata's is a label of the site's own ("Latest Headlines"):

    >>> refined_section("Latest Headlines", [Crumb("News", None), Crumb("Politics", None)])
    'Politics'
    >>> refined_section("US News", [Crumb("News", None)])
    'US News'

    A trail that goes on past the level after it lists topics, not sections:

    >>> refined_section("Health", [Crumb(n, None) for n in ("Health", "Marijuana", "Weed")])
    'Health'
    """
    keys = [text_key(level.name) for level in levels]
    key = text_key(section)
    if key in keys[-2:] or (key not in keys and len(levels) > 1):
        return last_section(levels) or section
    return section


def _names_a_section(crumb: Crumb) -> bool:
    """Not a headline's length, nor a year's or month's level of a date archive."""
    path = urlsplit(crumb.url).path if crumb.url else ""
    return not (
        len(crumb.name.split()) > MAX_SECTION_WORDS
        or (crumb.url is not None and lists_no_section(crumb.url))
        or _DATE_LEVEL_NAME.fullmatch(crumb.name)
        or _DATE_LEVEL_PATH.search(path)
    )


def _is_home(crumb: Crumb) -> bool:
    if crumb.url is not None and urlsplit(crumb.url).path.strip("/") == "":
        return True
    return crumb.name.casefold() in HOME_NAMES
