"""Small, pure cleaning functions used as item-loader processors and by pipelines.

Each function takes one value and returns the cleaned value, or ``None`` to drop it:
``MapCompose`` skips ``None`` results, so a filter is just a function that returns ``None``.
"""

from __future__ import annotations

import html
import re
import unicodedata
import warnings
from datetime import date, datetime
from datetime import time as dt_time
from functools import lru_cache

import jdatetime
from dateutil import parser as dateutil_parser
from dateutil.parser import UnknownTimezoneWarning

# Zero-width characters and soft hyphens carry no text; BOM and ZWJ/ZWNJ-free scripts here.
# Nor do Unicode's noncharacters (U+FDD0-U+FDEF, U+FFFE, U+FFFF: a page's "&#65535;").
_INVISIBLE = re.compile(r"[\u00ad\u200b\u2060\ufeff\ufdd0-\ufdef\ufffe\uffff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Either of the two above: most text has neither, and one search is cheaper than two subs.
_INVISIBLE_OR_CONTROL = re.compile(f"{_INVISIBLE.pattern}|{_CONTROL.pattern}")
DIRECTION_MARKS = "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
"""The marks and controls of text direction (LRM, RLM, ALM, embeddings, overrides,
isolates): at the ends of a name or a tag they direct nothing, and "\u200eWorld\u200e" and
"World" were two sections to a reader grouping by them."""


def normalize_text(value: str | None) -> str | None:
    """Unicode NFC, invisible characters removed, whitespace collapsed; ``None`` if empty.

    >>> normalize_text("  Cafe\u0301\u00a0 au\\n lait ")
    'Café au lait'
    >>> normalize_text("\u00a0") is None, normalize_text("a\uffffb\x01 c")
    (True, 'ab c')
    """
    if value is None:
        return None
    text = unicodedata.normalize("NFC", value)
    # Most text is clean already: a printable string has no controls, no invisible
    # characters and no whitespace but the plain space (isprintable() says no to all of
    # them), so it only needs collapsing if a space is doubled or at an end. A tenth of
    # the cost of splitting and joining a paragraph.
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text or None
    if _INVISIBLE_OR_CONTROL.search(text):
        text = _CONTROL.sub(" ", _INVISIBLE.sub("", text))
    # str.split() splits on every character str.isspace() names: all Unicode space
    # separators and the controls HTML text leaks (tabs, CR, LF), 4x faster than a regex.
    text = " ".join(text.split())
    return text or None


def without_direction_marks_at_ends(text: str) -> str | None:
    """A value without the marks of text direction at its ends (:data:`DIRECTION_MARKS`):
    a name, a tag, a section, a title; not a paragraph, whose first mark may set its
    direction.

    >>> without_direction_marks_at_ends("\u200eWorld\u200e"), without_direction_marks_at_ends("\u202bبيروت\u202c")
    ('World', 'بيروت')
    >>> without_direction_marks_at_ends("\u200f") is None
    True
    """
    if text[:1] in DIRECTION_MARKS or text[-1:] in DIRECTION_MARKS:
        text = text.strip(DIRECTION_MARKS + " ")
    return text or None


def text_key(text: str) -> str:
    """A paragraph's words, for matching text that two extractors spaced differently.

    >>> text_key("Mr . Trump’s plan ,") == text_key("Mr. Trump’s plan,")
    True
    """
    return " ".join(re.findall(r"\w+", text.casefold()))


def decode_entities(text: str) -> str:
    """HTML character references decoded at any depth (``&amp;ouml;`` is ``ö``).

    >>> decode_entities("Sch&amp;ouml;n &#8216;quoted&#8217; &amp;quot;x&amp;quot;")
    'Schön ‘quoted’ "x"'
    >>> decode_entities("AT&T")
    'AT&T'
    """
    for _ in range(3):  # a page encodes a title at most twice over
        decoded = html.unescape(text)
        if decoded == text:
            break
        text = decoded
    return text


_COPYRIGHT_PREFIX = re.compile(
    r"^(?:copyright(?=[\s,]*(?:©|\(c\)|\d{4}))|©|\(c\))"
    r"(?:[\s,]*(?:©|\(c\)|\d{4}(?:\s*[-–]\s*\d{4})?\b))*[\s,.:]*",
    flags=re.IGNORECASE,
)
_NOTICE_END = re.compile(
    r"(?:[\s.,;|-]*all rights reserved\.?|(?<=\S),?\s+(?:inc|ltd|llc)\.?)$", flags=re.IGNORECASE
)


def without_copyright(name: str) -> str:
    """A site's name as a copyright notice gives it (a page's ``<meta name=copyright>``,
    which trafilatura reads as the site's name): its entities decoded, without the "©"
    or "Copyright", the years, "All rights reserved" and a company's "Inc." or "Ltd.".

    >>> without_copyright("&amp;amp;copy; 2016 aryanews.com")
    'aryanews.com'
    >>> without_copyright("Copyright © 2005-2020 The Hindu. All rights reserved.")
    'The Hindu'
    >>> without_copyright("Copyright, 2011, 2012, 2013 Daily Legal News, Inc.")
    'Daily Legal News'
    >>> [without_copyright(name) for name in ("The Guardian", "Copyright Alliance", "2020 Media")]
    ['The Guardian', 'Copyright Alliance', '2020 Media']
    >>> without_copyright("Inc.")  # inc.com's name is no company's suffix
    'Inc.'
    """
    name = decode_entities(name).strip()
    return _NOTICE_END.sub("", _COPYRIGHT_PREFIX.sub("", name)).strip()


_URL_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+){2,}")


def is_url_slug(title: str) -> bool:
    """Whether a title is written as a web address's last segment, lower-case words
    joined by hyphens: a CMS's title field left unset (adac.de's ``og:title``
    "adac-kindersitztest-herbst-2018"), no headline.

    >>> is_url_slug("adac-kindersitztest-herbst-2018"), is_url_slug("covid-19"), is_url_slug("Kindersitz-Test-2018")
    (True, False, False)
    """
    return _URL_SLUG.fullmatch(title) is not None


_TITLE_SEPARATORS = r"[|\-\u2013\u2014:\u00b7\u2022/»«\u2039\u203a]"
TITLE_PART_BREAK = re.compile(rf"\s+{_TITLE_SEPARATORS}\s+")
"""Where a ``<title>`` puts its parts ("Page not found – Example News")."""
# A character of Chinese, Japanese or Korean text, or a full-width form.
_CJK_CHARACTER = r"[\u3000-\u9fff\uac00-\ud7af\uf900-\ufaff\uff01-\uff60]"
# Of those, the letters of the scripts written with no space between words: kana and the
# CJK ideographs (not Hangul: Korean spaces its words; nor punctuation, nor full-width forms).
_SPACELESS_SCRIPT = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")
# Where Chinese and Japanese titles put the site's name right after the headline, with no
# space: after a doubled separator ("…想--上報"), an underscore ("…_新浪网"), a full-width
# bar or dash. Only after such a headline: "Spider--Man" is a name.
_UNSPACED_SEPARATOR = re.compile(
    rf"(?<={_CJK_CHARACTER})(?:{_TITLE_SEPARATORS}{{2}}|[_\uff5c\uff0d])"
)
# A site name's runs of one script: "上報" and "Up Media" of "上報 Up Media".
_SCRIPT_RUN = re.compile(rf"{_CJK_CHARACTER}+|(?:(?!{_CJK_CHARACTER}).)+")


def strip_title_suffix(title: str, site_names: tuple[str, ...]) -> str:
    """Remove a trailing ``<sep> <site name>`` (or a leading ``<site name> <sep>``) from a
    page title; a site name is also matched without its ``www.`` or domain ending.

    >>> strip_title_suffix("Live from Lebanon | Example Archive 2005 -2017", ("Example Archive",))
    'Live from Lebanon'
    >>> strip_title_suffix("Neue Chips für alle - Golem.de", ("golem.de",))
    'Neue Chips für alle'
    >>> strip_title_suffix("SPIEGEL ONLINE: Wahl in Bayern", ("Spiegel Online",))
    'Wahl in Bayern'
    >>> strip_title_suffix("Why jazz matters – Amman Daily", ("www.ammandaily.com",))
    'Why jazz matters – Amman Daily'
    >>> strip_title_suffix("Why it matters - Entermedia", ("entermedia.co.kr",))
    'Why it matters'
    >>> strip_title_suffix("Internationale Steuerberatung | Kanzlei Viehbacher", ("viehbacher.com",))
    'Internationale Steuerberatung'
    >>> strip_title_suffix("吳宗憲：鼓勵患者別只往負面想--上報", ("上報 Up Media",))
    '吳宗憲：鼓勵患者別只往負面想'
    >>> strip_title_suffix("Spider--Man", ("Man",)), strip_title_suffix("Top_Gear", ("Gear",))
    ('Spider--Man', 'Top_Gear')

    >>> strip_title_suffix("대전일보 모바일 :: 코로나19 극복 성금 기탁 줄 잇는다", ("대전일보",))
    '코로나19 극복 성금 기탁 줄 잇는다'

    >>> strip_title_suffix("Guinée : un braconnier condamné ‹ Wara", ("Wara",))
    'Guinée : un braconnier condamné'

    WordPress's default theme of the 2000s put "Blog Archive" between the two:

    >>> strip_title_suffix("The Film Gang » Blog Archive » Stand Up Guys", ("The Film Gang",))
    'Stand Up Guys'
    """
    whole = title.strip()
    for pattern in _title_affixes(site_names):
        stripped = pattern.sub("", title).strip()
        if stripped != whole and stripped:
            return _BLOG_ARCHIVE.sub("", stripped) or stripped
    for separator in _UNSPACED_SEPARATOR.finditer(title):
        rest = title[separator.end() :].strip().casefold()
        if any(rest.startswith(name.casefold()) for name in _name_variants(site_names)):
            return title[: separator.start()].strip()
    return title


_BLOG_ARCHIVE = re.compile(rf"^blog archive\s*{_TITLE_SEPARATORS}\s+", flags=re.IGNORECASE)


_DOMAIN_ENDING = r"\.(?:(?:co|com|net|org|ac|edu|gov|or|ne|go)\.)?[a-z]{2,6}$"
"""A host name's domain ending, of one label or two (``.com``, ``.co.kr``, ``.com.mx``)."""
_HOST_ENDS = re.compile(rf"^(?:www|m|mobile|amp)\.|{_DOMAIN_ENDING}")
"""What a host name has besides the site's name: a ``www.`` or mobile host's label, its
domain ending (:data:`_DOMAIN_ENDING`)."""


@lru_cache(maxsize=256)
def _name_variants(site_names: tuple[str, ...]) -> tuple[str, ...]:
    """Each site name as titles write it: as given, without its ``www.`` or its host's
    labels (:data:`_HOST_ENDS`), and each part of a name in two scripts.

    >>> _name_variants(("上報 Up Media", "www.golem.de"))
    ('Up Media', '上報', '上報 Up Media', 'golem', 'golem.de', 'www.golem.de')
    """
    variants: dict[str, None] = {}
    for name in site_names:
        forms = {name, re.sub(r"^www\.", "", name), _HOST_ENDS.sub("", name)}
        runs = [run for run in _SCRIPT_RUN.findall(name) if run.strip()]
        forms |= set(runs) if len(runs) > 1 else set()
        variants |= dict.fromkeys(sorted({form.strip() for form in forms if form.strip()}))
    return tuple(variants)


@lru_cache(maxsize=256)
def _title_affixes(site_names: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    """The suffix and prefix patterns of each variant of each site name, in the order
    :func:`strip_title_suffix` tries them. Compiled once per set of names: a page's title
    signals are stripped several times, and building a dozen patterns per call cost more
    than matching them. Bounded: the generic profile's names differ from site to site."""
    patterns = []
    for variant in _name_variants(site_names):
        escaped = re.escape(variant)
        # Up to two words may come before the name there: "Kanzlei Viehbacher" on
        # viehbacher.com (the law firm's), "BBC Sport".
        suffix = rf"\s+{_TITLE_SEPARATORS}\s*(?:[^\s|]+\s+){{0,2}}{escaped}[^|]*$"
        # One more word may follow the name there: "대전일보 모바일 :: …" (its mobile site).
        prefix = rf"^\s*{escaped}(?:\s+[^\s|:]+)?\s*{_TITLE_SEPARATORS}{{1,2}}\s+"
        patterns += [re.compile(suffix, re.IGNORECASE), re.compile(prefix, re.IGNORECASE)]
    return tuple(patterns)


# A credit is an agency or photographer line that closes a caption: "./ REUTERS",
# "(AFP)", "(AP Photo/Hussein Malla)", "(Asharq Al-Awsat/Name)", "(AFP PHOTO/JOSEPH EID)".
_CREDIT_WORDS = (
    r"AFP|AP|Reuters|EPA|Getty|SPA|WAM|KUNA|MENA|Anadolu|Xinhua|SANA|IRNA|DPA|UPI|"
    r"Asharq Al-Awsat|Photo|Photograph|Courtesy|Handout|Agencies"
)
# In parentheses or brackets: "(AP Photo/Hussein Malla)", "(Photos by A/Invision/AP)",
# "(©Adobe Stock)", Al Jazeera's "[File: Reuters]".
_CREDIT_IN_PARENS = re.compile(
    rf"\s*[(\[]\s*((?:{_CREDIT_WORDS})\b[^()\[\]]*|(?:File|Image|Credits?)\s*:[^()\[\]]*"
    rf"|[^()\[\]]*\bPhotos?\b[^()\[\]]*"
    rf"|©[^()\[\]]*|[^()\[\]/]+/[^()\[\]]+)[)\]]\s*\.?$",
    flags=re.IGNORECASE,
)
_CREDIT_AFTER_SLASH = re.compile(
    rf"\s*/\s*((?:{_CREDIT_WORDS})\b[^/]*?(?:/[^/]+)?)\s*$", flags=re.IGNORECASE
)
# "… on Aug. 4, 2021. REUTERS/Mohamed Azakir": an agency/photographer pair after a sentence.
_CREDIT_AFTER_SENTENCE = re.compile(
    rf"(?<=[.!?])\s+((?:{_CREDIT_WORDS})(?:\s+Photo)?/[^/]+?)\s*$", flags=re.IGNORECASE
)
# A labelled credit at the end: "Credit: EPA" anywhere ("… treatment Credit: EPA", Le
# Figaro's "Crédits photo : X"); "Photo:" after a sentence or a dash (or as the whole
# caption): the Guardian's "… movement.’ Photograph: AFP via Getty", dpa's "… Foto: Markus
# Scholz/dpa", not Reuters' "FILE PHOTO: <the caption>".
_CREDIT_LABEL = re.compile(
    r"(?:(?:^|(?<=[.!?’”\"—–-]))\s*(?:Photo|Photograph|Foto)"
    r"|(?:^|(?<=\s))(?:Photo\s+)?Cr[eé]dits?(?:\s+photos?)?)\s*:\s*([^.]+?)\s*\.?$",
    re.IGNORECASE,
)
# "Photo by X" after a sentence or as the whole caption, no parentheses: what Ghost's and
# Medium's Unsplash integration writes ("… cupboard. Photo by Tom Dawson / Unsplash").
_CREDIT_BY_AFTER_SENTENCE = re.compile(
    r"(?:^|(?<=[.!?]))\s*(?:Photo(?:graph)?|Image)\s+by\s+([^.]+?)\s*\.?$", re.IGNORECASE
)
# A label the credit keeps from its parentheses ("(Image: Getty Images)", "[File: Reuters]")
# or its own element ("Credit:", "Photograph:", "Image credit:", "Crédits photo :").
_CREDIT_LABEL_WORD = re.compile(
    r"^(?:(?:image|photo|picture)\s+)?(?:cr[eé]dits?(?:\s+photos?)?|file|image|photo(?:graph)?|"
    r"picture|foto|bild)\s*:\s*",
    re.IGNORECASE,
)


def bare_credit(text: str) -> str | None:
    """A credit as its markup sets it apart, without the brackets around it or its label.

    >>> bare_credit("(Image credit: TNG Collaboration)"), bare_credit("Credit: EPA")
    ('TNG Collaboration', 'EPA')
    >>> bare_credit("Crédits photo : Jean-Christophe MARMARA/Le Figaro")
    'Jean-Christophe MARMARA/Le Figaro'
    >>> bare_credit("Photograph by Robyn Beck/AFP/Getty Images"), bare_credit(" ")
    ('Photograph by Robyn Beck/AFP/Getty Images', None)
    """
    credit = normalize_text(text) or ""
    if credit[:1] in "([" and credit[-1:] in ")]":
        credit = credit[1:-1]
    return normalize_text(_CREDIT_LABEL_WORD.sub("", credit.strip()))


_SITE_ADDRESS = re.compile(
    r"(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|net|org|info|io|[a-z]{2})"
)
"""A web site's name in lower case ("topleftpixel.com"), not a file's ("google.JPG",
"img_0412.jpg"), which :func:`is_host_name` (any case, any ending of two to six letters)
takes for one."""


def split_caption_credit(text: str) -> tuple[str | None, str | None]:
    """Split an image caption into ``(caption, credit)``.

    >>> split_caption_credit("Putin (R) in Moscow, Russia./ REUTERS")
    ('Putin (R) in Moscow, Russia.', 'REUTERS')
    >>> split_caption_credit("Protesters in Beirut (AP Photo/Hussein Malla)")
    ('Protesters in Beirut', 'AP Photo/Hussein Malla')
    >>> split_caption_credit("A view of the old city")
    ('A view of the old city', None)

    A credit in parentheses is whole, a slash inside it or not; a label before it goes:

    >>> split_caption_credit("Swift at home. (Photo by Kevin Mazur/Getty Images for Ithaca)")
    ('Swift at home.', 'Photo by Kevin Mazur/Getty Images for Ithaca')
    >>> split_caption_credit("Troops in Kabul [File: Reuters]")
    ('Troops in Kabul', 'Reuters')
    >>> split_caption_credit("Batic und Leitmayr. Foto: Markus Scholz/dpa")
    ('Batic und Leitmayr.', 'Markus Scholz/dpa')
    >>> split_caption_credit("O pitbull resgatado — Foto: Diêgo Holanda/G1")
    ('O pitbull resgatado', 'Diêgo Holanda/G1')
    >>> split_caption_credit("FILE PHOTO: Putin in Moscow, Russia/ REUTERS")
    ('FILE PHOTO: Putin in Moscow, Russia', 'REUTERS')
    >>> split_caption_credit("A hospital in Beijing Credit: EPA")
    ('A hospital in Beijing', 'EPA')
    >>> split_caption_credit("Staff get notice (Credit: iStock)")
    ('Staff get notice', 'iStock')
    >>> split_caption_credit("The first rack. Photo by Tom Dawson / Unsplash")
    ('The first rack.', 'Tom Dawson / Unsplash')
    >>> split_caption_credit("Photo by Kelly Sikkema on Unsplash")
    (None, 'Kelly Sikkema on Unsplash')

    A web site's name alone names where the image comes from:

    >>> split_caption_credit("topleftpixel.com")
    (None, 'topleftpixel.com')
    """
    caption = normalize_text(text)
    if caption is None:
        return None, None
    if _SITE_ADDRESS.fullmatch(caption):
        return None, caption
    patterns = (
        _CREDIT_IN_PARENS,
        _CREDIT_LABEL,
        _CREDIT_BY_AFTER_SENTENCE,
        _CREDIT_AFTER_SLASH,
        _CREDIT_AFTER_SENTENCE,
    )
    for pattern in patterns:
        match = pattern.search(caption)
        if match:
            credit = normalize_text(_CREDIT_LABEL_WORD.sub("", match.group(1)))
            # The dash or bar that set the credit apart: g1's "… resgatado — Foto: X".
            rest = normalize_text(caption[: match.start()].rstrip(" —–|-"))
            return rest, credit
    return caption, None


def has_credit(text: str) -> bool:
    """True when the text ends with a photo credit, the mark of a caption.

    >>> has_credit("Smoke rises over Aleppo (AFP)")
    True
    >>> has_credit("He said (in private) that it was over.")
    False
    """
    return split_caption_credit(text)[1] is not None


_DIGIT = re.compile(r"\d")
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# What meta tags and JSON-LD nearly always hold: the standard library parses it exactly as
# dateutil does, once instead of twice and 20 times faster.
_ISO_DATETIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:\d{2})?$"
)
# "Jun 27, 2014", "June 27 2014": WordPress's default date formats, on every post and
# listing entry of a WordPress site; read directly, as dateutil reads them (two dateutil
# parses cost ~0.4 ms, a listing page shows ten such dates).
_MONTH_DAY_YEAR = re.compile(r"^([A-Za-z]{3,9})\.? (\d{1,2}),? ([1-9]\d{3})$")
# "2020年07月12日", "2020년 7월 12일": the year, month and day as Chinese, Japanese and Korean
# write them, a 24-hour time after it kept ("2020年7月12日 10:30"), one of twelve hours not.
_EAST_ASIAN_DATE = re.compile(
    r"([12][0-9]{3})\s*[年년]\s*([0-9]{1,2})\s*[月월]\s*([0-9]{1,2})\s*[日일]"
    r"(?:\s*\([^)]*\))?(?:\s+([0-9]{1,2}):([0-9]{2})(?![0-9]))?"
)
_TWELVE_HOURS = re.compile(r"午前|午後|上午|下午|오전|오후|[AaPp]\.?[Mm]\b")
# "12.07.2020": a day, a month and a year with dots, as Europe writes them, the day first;
# dateutil's default reads the month first (7 December).
_DOTTED_DATE = re.compile(
    r"(?<![0-9.])([0-9]{1,2})\.\s?([0-9]{1,2})\.\s?([12][0-9]{3}|[0-9]{2})(?![0-9.])"
)
_CLOCK_TIME = re.compile(r"(?<![0-9.])([0-9]{1,2}):([0-9]{2})(?![0-9])")
_MONTH_NUMBERS = {
    name.lower(): number
    for number, names in enumerate(dateutil_parser.parserinfo.MONTHS, start=1)
    for name in names
}
# Two defaults that differ in every component: a component the text does not give
# comes out different in the two parses, so we can tell "Jun 27, 2014" from a datetime.
# "2020-09-26T12:07:40+02:00CET": a zone name after the offset adds nothing to it.
_ZONE_NAME_AFTER_OFFSET = re.compile(r"([+-]\d{2}:?\d{2}|\dZ)\s*\(?[A-Z]{2,5}\)?$")
# Zone abbreviations news pages print after a time, each naming one offset.
ZONE_NAMES = {
    name: hours * 3600
    for hours, names in (
        (-8, "PST"), (-7, "PDT MST"), (-6, "MDT CST"), (-5, "CDT EST"), (-4, "EDT"),
        (1, "CET WAT"), (2, "CEST EET SAST"), (3, "EEST MSK"), (8, "AWST"), (9, "JST KST"),
        (10, "AEST"), (11, "AEDT"),
    )
    for name in names.split()
}  # fmt: skip
_DEFAULT_A = datetime(2000, 1, 1, 0, 0, 0)
_DEFAULT_B = datetime(2001, 2, 2, 1, 1, 1)

EARLIEST_DATE = date(1990, 1, 1)
"""No news archive we crawl has articles older than this: an earlier date is a misparse, or
a CMS's null ("0001-01-01T00:00:00", the Unix epoch)."""


DATES_REMEMBERED = 256
"""Dates :func:`parse_date` keeps the answer for: a crawl's process parses an article's
date three times (whether the page is dated, its normalized date, its day for the
coverage ledger), each 2-8 µs, a hit 0.1 µs; the last few hundred suffice."""


@lru_cache(maxsize=DATES_REMEMBERED)
def parse_date(raw: str) -> str | None:
    """Parse a date as found on a page into ISO 8601, keeping only the precision given.

    >>> parse_date("Jun 27, 2014")
    '2014-06-27'
    >>> parse_date("2016-05-21T09:14:00+00:00")
    '2016-05-21T09:14:00+00:00'
    >>> parse_date("April 13, 2020 8:38 PM EDT")
    '2020-04-13T20:38:00-04:00'
    >>> parse_date("2020-09-26T12:07:40+02:00CET")
    '2020-09-26T12:07:40+02:00'
    >>> parse_date("not a date") is None
    True
    >>> parse_date("2016-02-30"), parse_date("٢٠١٦-٠٥-٢١"), parse_date("2016-05-21T09:14Z (GMT)")
    (None, None, '2016-05-21T09:14:00+00:00')
    >>> parse_date("Jan 1 2020 10:00 +2500") is None  # no zone is 25 hours from UTC
    True

    East Asian dates, Europe's dotted ones (the day first), Iran's and Afghanistan's:

    >>> parse_date("2020年07月12日"), parse_date("2020년 7월 12일 오후 3:05")
    ('2020-07-12', '2020-07-12')
    >>> parse_date("2020年7月12日(日) 10:30"), parse_date("2020年2月30日")
    ('2020-07-12T10:30:00', None)
    >>> parse_date("12.07.2020"), parse_date("12.07.2020, 14:30 Uhr"), parse_date("31.02.2020")
    ('2020-07-12', '2020-07-12T14:30:00', None)
    >>> parse_date("12.07.2020 2:30 PM"), parse_date("11:15 05.10.18")
    ('2020-07-12', '2018-10-05T11:15:00')
    >>> parse_date("2 تیر 1399")
    '2020-06-22'
    """
    text = normalize_text(raw)
    if text is None or not _DIGIT.search(text):
        return None  # a calendar date has a day and a year: no digit, no date (no dateutil)
    if text[-1] == ")" or "A" <= text[-1] <= "Z":  # what the pattern ends with (5x faster)
        text = _ZONE_NAME_AFTER_OFFSET.sub(r"\1", text)
    if _DATE_ONLY.match(text):
        try:
            # strptime(text, "%Y-%m-%d") reads the same dates (ASCII digits only), 10x slower.
            return date.fromisoformat(text).isoformat()
        except ValueError:
            return None
    if _ISO_DATETIME.match(text):
        try:
            return datetime.fromisoformat(text).isoformat()
        except ValueError:
            return None
    month_day_year = _MONTH_DAY_YEAR.match(text)
    if month_day_year and month_day_year.group(1).lower() in _MONTH_NUMBERS:
        name, day, year = month_day_year.groups()
        try:
            return date(int(year), _MONTH_NUMBERS[name.lower()], int(day)).isoformat()
        except ValueError:  # "Jun 31, 2014"
            return None
    if not text.isascii() and (solar := solar_hijri_day(text)) is not None:
        return solar
    if (east_asian := _EAST_ASIAN_DATE.search(text)) is not None:
        return _east_asian_date(east_asian, twelve_hours=bool(_TWELVE_HOURS.search(text)))
    if (dotted := _DOTTED_DATE.search(text)) is not None:
        return _dotted_date(dotted, text)
    try:
        # A zone name dateutil does not know ("IST" is three zones) leaves the time naive.
        with warnings.catch_warnings(action="ignore", category=UnknownTimezoneWarning):
            first = dateutil_parser.parse(text, default=_DEFAULT_A, tzinfos=ZONE_NAMES)
            second = dateutil_parser.parse(text, default=_DEFAULT_B, tzinfos=ZONE_NAMES)
        first.utcoffset()  # dateutil keeps an offset of a day or more ("+2500"); this refuses it
    except (ValueError, OverflowError):
        return None
    if first.year != second.year or first.month != second.month or first.day != second.day:
        return None  # no full calendar date in the text
    if first.hour != second.hour or first.minute != second.minute:
        return first.date().isoformat()
    return first.isoformat()


# The months of the Solar Hijri calendar, as Iran's press names them (and Mordad's older
# name, Amordad), then as Afghanistan's (Dari) names them; in Persian letters (the Arabic
# yeh and kaf some sites type are read as Persian's).
_SOLAR_HIJRI_MONTHS = {
    name: number
    for names in (
        "فروردین اردیبهشت خرداد تیر مرداد شهریور مهر آبان آذر دی بهمن اسفند",
        "حمل ثور جوزا سرطان اسد سنبله میزان عقرب قوس جدی دلو حوت",
    )
    for number, name in enumerate(names.split(), start=1)
} | {"امرداد": 5}
_SOLAR_HIJRI_DATE = re.compile(
    r"(?<![0-9])([0-9]{1,2})\s+("
    + "|".join(sorted(_SOLAR_HIJRI_MONTHS, key=len, reverse=True))
    + r")\s+(1[34][0-9][0-9])(?![0-9])"
)
_PERSIAN_FORMS = str.maketrans(
    {"ي": "ی", "ك": "ک"}
    | {chr(0x06F0 + n): str(n) for n in range(10)}  # Persian digits
    | {chr(0x0660 + n): str(n) for n in range(10)}  # Arabic-Indic digits
)


def solar_hijri_day(text: str) -> str | None:
    """The Gregorian day of the first Solar Hijri date in ``text`` (Iran's and
    Afghanistan's calendar: "2 تير 1399", in Persian, Arabic or Latin digits), ISO; None
    if there is none, or it is no day of that calendar.

    >>> solar_hijri_day("2 تير 1399 - 12:09:08 ب.ظ"), solar_hijri_day("سه‌شنبه ۲۹ اسفند ۱۳۹۸")
    ('2020-06-22', '2020-03-19')
    >>> solar_hijri_day("۱ حمل ۱۳۹۹"), solar_hijri_day("31 اسفند 1398")
    ('2020-03-20', None)
    """
    found = _SOLAR_HIJRI_DATE.search(text.translate(_PERSIAN_FORMS))
    if found is None:
        return None
    day, month, year = int(found[1]), _SOLAR_HIJRI_MONTHS[found[2]], int(found[3])
    try:
        return jdatetime.date(year, month, day).togregorian().isoformat()
    except ValueError:
        return None


def _dotted_date(found: re.Match[str], text: str) -> str | None:
    """The ISO date of a day-month-year date with dots as :data:`_DOTTED_DATE` found it in
    ``text`` (a year of two digits in this century or the last), with the time the text
    gives around it ("13.11.2019, 23:06", "11:15 05.10.18", "09.08.2020 u 10:52") unless
    it says morning or afternoon."""
    day, month, year = (int(part) for part in found.groups())
    if year < 100:
        year += 2000 if year <= date.today().year % 100 + 1 else 1900
    try:
        found_day = date(year, month, day)
    except ValueError:
        return None
    time = _CLOCK_TIME.search(text[: found.start()] + " " + text[found.end() :])
    if time is None or _TWELVE_HOURS.search(text):
        return found_day.isoformat()
    try:
        return datetime.combine(found_day, dt_time(int(time[1]), int(time[2]))).isoformat()
    except ValueError:
        return found_day.isoformat()


def _east_asian_date(found: re.Match[str], twelve_hours: bool) -> str | None:
    """The ISO date of a year-month-day date as :data:`_EAST_ASIAN_DATE` found it, with its
    time unless the text says morning or afternoon (the hour is then one of twelve)."""
    year, month, day = int(found[1]), int(found[2]), int(found[3])
    try:
        if found[4] is None or twelve_hours:
            return date(year, month, day).isoformat()
        return datetime(year, month, day, int(found[4]), int(found[5])).isoformat()
    except ValueError:
        return None


def slug_to_name(slug: str) -> str | None:
    """Turn an author slug into a display name: the last resort when no byline exists.

    >>> slug_to_name("amir-taheri")
    'Amir Taheri'
    """
    words = [word for word in re.split(r"[-_]+", slug) if word]
    if not words:
        return None
    return " ".join(word[:1].upper() + word[1:] for word in words)


# "and" in the languages of the press we meet; "&", commas and semicolons. The word that
# split is kept (a capture) for :func:`byline_parts`.
_AUTHOR_SEPARATOR = re.compile(
    r"\s*(?:[,;&|]|\s(and|und|et|y|e|og|en|och|ve|i)\s)\s*", flags=re.IGNORECASE
)
# "And" opening a list's last item after a comma ("A, B, and C"); not the one-letter ones,
# which open names too (Balinese "I Made").
_LEADING_AND = re.compile(r"^(?:and|und|et|og|och|ve)\s+", flags=re.IGNORECASE)
# The Spanish, Portuguese and Catalan "and" that also joins a double surname.
_SURNAME_JOINERS = frozenset({"y", "e", "i"})
_BYLINE_WORD = re.compile(
    r"^(?:(?:(?:\w+ )?by|von|par|por|door|di|af|av|from|text|texto|tekst|текст|авторы?|piše)"
    r"\s*:?\s+|(?:authors?|autor(?:in|/in|innen|es|as?)?|auteure?s?|autori?e?)\s*:\s*)",
    flags=re.IGNORECASE,
)
_EMAIL = re.compile(r"\S+@\S+\.\w+")
# "(Image: Getty Images)", "(AFP)", "(dpa)", "[Reuters]": credits and agency initials.
_PARENTHESES = re.compile(r"\s*[(\[][^()\[\]]*[)\]]")
# The desk or rank words a role starts with ("News reporter", "National Political Writer").
_ROLE_QUALIFIER = (
    r"(?:staff|senior|chief|deputy|managing|executive|associate|assistant|contributing|"
    r"special|political|politics|foreign|national|international|news|sports?|business|"
    r"economics|health|science|tech|technology|entertainment|investigative|digital|online|web)"
)
# The words that qualify a role, and a place after them ("Senior Washington Correspondent").
_ROLE_DESK = rf"(?:{_ROLE_QUALIFIER} )*(?:{_ROLE_QUALIFIER} [\w.-]+ )?"
_ROLE = re.compile(
    rf"\s*(?:[-|,–]\s*)?\b{_ROLE_DESK}(?:(?:correspondent|reporter|editor|columnist|writer)s?|"
    r"contributors?|redakteur(?:in)?|journalist(?:in|e)?|rédacteur|rédactrice|redacción|"
    r"photographer|fotograf)\b.*$",
    flags=re.IGNORECASE,
)
# A dateline run into the byline ("Jeff Foust Monday, November 18, 2019" read without its
# digits): weekdays, the months that are no one's name, and the words that announce a date.
_DATELINE_WORD = re.compile(
    r"\s+\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|"
    r"september|october|november|december|published|updated|submitted|posted|uppdaterad|publicerad|"
    r"aktualisiert|actualizado|atualizado|publicado|prije)\b.*$",
    flags=re.IGNORECASE,
)
MONTH_NAME = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
"""An English month's name or abbreviation (a pattern, for case-insensitive use)."""
# Months as dates abbreviate them, but "Jan" and "May", which are names too.
_MONTH_ABBREVIATIONS = frozenset("feb mar apr jun jul aug sep sept oct nov dec".split())  # noqa: SIM905
# The news agencies whose stories other sites run under their own bylines' names.
WIRE_SERVICE = r"(?:the )?(?:associated press|reuters|afp|dpa|efe|ansa)"
# A wire service run into the name before it with no separator ("JILL LAWLESS Associated
# Press"): :func:`byline_parts` takes it apart.
_WIRE_AFTER_NAME = re.compile(rf"\s+{WIRE_SERVICE}$", flags=re.IGNORECASE)


def is_wire_service(name: str) -> bool:
    """Whether an author name is a news agency's.

    >>> is_wire_service("The Associated Press"), is_wire_service("Reuters Staff")
    (True, False)
    """
    return re.fullmatch(WIRE_SERVICE, name.strip(), flags=re.IGNORECASE) is not None


# Academic and professional credentials after a name ("Ilana Muhlstein, MS, RDN").
_CREDENTIAL = re.compile(
    r"(?:md|phd|ph\.d\.?|ms|msc|ma|mba|mph|rd|rdn|rn|np|dds|dvm|jd|cpa|cfa|cpt|cscs|facs|esq)\.?",
    flags=re.IGNORECASE,
)
_DOMAIN_NAME = re.compile(r"^[\w-]+(?:\.[\w-]+)*\.[a-z]{2,6}$", flags=re.IGNORECASE)
# A link or web address in a byline ("… www.eldia.com", a profile URL given as a name).
# An address read without its dots ("… www eldia com") runs to the end.
_WEB_ADDRESS = re.compile(r"\s*(?:https?://\S*|www\.\S+|\bwww\s.*$)", flags=re.IGNORECASE)
_ADDRESS = re.compile(rf"{_EMAIL.pattern}|(?:https?://|www\.)\S+", flags=re.IGNORECASE)


def is_address(text: str) -> bool:
    """Whether a text is an e-mail or web address and nothing else (a link's text).

    >>> is_address("pillgoo9@gmail.com"), is_address("www.entermedia.co.kr")
    (True, True)
    >>> is_address("Write to news@x.com"), is_address("www eldia com")
    (False, False)
    """
    return _ADDRESS.fullmatch(text) is not None


# Where a byline lists names and each name's role or credentials: commas, semicolons, bars.
_LIST_SEPARATOR = re.compile(r"\s*[,;|]\s*")


def is_host_name(text: str) -> bool:
    """Whether a text is a web host's name, where a name or a section should be.

    >>> is_host_name("gizmodo.com"), is_host_name("mdr.de"), is_host_name("Electric Co.")
    (True, True, False)
    """
    return bool(_DOMAIN_NAME.match(text))


_KOREAN_TITLES = (
    "선임기자|전문기자|객원기자|수습기자|기자|특파원|논설위원|편집위원|칼럼니스트|통신원"
)
KOREAN_REPORTER = re.compile(
    rf"^(?:[^\s=]+\s?=\s?)?(?:(?P<name>[가-힣]{{2,4}})\s?(?:{_KOREAN_TITLES})"
    rf"|(?:{_KOREAN_TITLES})\s(?P<name_after>[가-힣]{{2,4}}))$"
)
"""A Korean byline or sign-off: a name (two to four Hangul syllables) and its title,
reporter (기자), correspondent (특파원), columnist (칼럼니스트)..., the title before the
name or after it, the outlet first in a wire credit ("스포츠조선=선수민 기자")."""


def korean_reporter(text: str) -> str | None:
    """The name a Korean byline or sign-off line gives, without its title, outlet or
    e-mail address; None for any other text.

    >>> korean_reporter("이용민 기자"), korean_reporter("스포츠조선=선수민 기자")
    ('이용민', '선수민')
    >>> korean_reporter("칼럼니스트 박생강 pillgoo9@gmail.com")
    '박생강'
    >>> korean_reporter("정덕현 칼럼니스트 thekian1@entermedia.co.kr")
    '정덕현'
    >>> korean_reporter("기자회견이 열렸다"), korean_reporter("Jane Doe")
    (None, None)
    """
    match = KOREAN_REPORTER.match(" ".join(_EMAIL.sub("", text).split()))
    return (match["name"] or match["name_after"]) if match else None


def clean_author(value: str) -> str | None:
    """One person's name from a byline fragment: no "By", e-mail address, role, photo
    credit or agency initials; ``None`` when nothing of a name is left.

    >>> clean_author("By Jane Doe (AFP)"), clean_author("Von Max Muster, Redakteur")
    ('Jane Doe', 'Max Muster')
    >>> clean_author("John Smith john.smith@example.com (Image: Getty Images)")
    'John Smith'
    >>> clean_author("Staff Writer") is None, clean_author("mdr.de") is None
    (True, True)
    >>> clean_author("https://www.couriermail.com.au/video/id-534877/x") is None
    True
    >>> clean_author("Analysis by Chris Cillizza"), clean_author("Tom Gillespie News reporter")
    ('Chris Cillizza', 'Tom Gillespie')
    >>> clean_author("Carrie Arnold November"), clean_author("Wednesday"), clean_author("Apr")
    ('Carrie Arnold', None, None)
    >>> clean_author("Andrea Stone Senior Washington Correspondent"), clean_author("Submitted")
    ('Andrea Stone', None)
    >>> clean_author("Diario El Dia de La Plata www eldia com")
    'Diario El Dia de La Plata'
    >>> clean_author("@ Reuters"), clean_author("J"), clean_author("李")
    ('Reuters', None, '李')
    >>> clean_author("The Associated Press"), clean_author("스포츠조선=선수민 기자")
    ('The Associated Press', '선수민')
    """
    text = normalize_text(value) or ""
    if reporter := korean_reporter(text):
        return reporter
    text = _PARENTHESES.sub("", _WEB_ADDRESS.sub("", _EMAIL.sub("", text)))
    text = _BYLINE_WORD.sub("", text.strip())
    text = _DATELINE_WORD.sub("", f" {text}")
    text = _ROLE.sub("", text).strip(" -|,:;@")
    letters = [c for c in text if c.isalpha()]
    if text.lower().rstrip(".") in _MONTH_ABBREVIATIONS:
        return None  # what is left of a date ("David Gura; Apr")
    if is_host_name(text) or (len(letters) < 2 and "".join(letters).isascii()):
        return None  # no letters, or one initial ("J", a user name's first letter)
    if any(c.isdigit() for c in text):
        return None  # a date or time of the byline line ("Apr 7", "15:43 IST"), not a name
    if not is_name_case(text):
        return None  # words of a sentence ("Syrian defense ministries"), not a name
    return normalize_text(text)


# Lower-case words a name holds: "José Volta e Pinto", "Vincent van Gogh", "Omar al Bashir".
NAME_PARTICLES = _SURNAME_JOINERS | frozenset(
    "al bin da das de del della der di do dos du el la le ten ter van von zu".split()  # noqa: SIM905
)


def with_initials_as_printed(name: str, text: str) -> str:
    """A name whose initials lost their periods (trafilatura drops them), as ``text``
    prints it; the name itself where the text has it no other way.

    >>> with_initials_as_printed("Trevor J Mitchell", "Lisa Kaczke and Trevor J. Mitchell, Argus")
    'Trevor J. Mitchell'
    >>> with_initials_as_printed("P Mucović", "Piše: P.Mucović"), with_initials_as_printed("Al Gore", "")
    ('P.Mucović', 'Al Gore')
    """
    words = name.split()
    if not any(len(word) == 1 and word.isalpha() for word in words):
        return name
    pattern = "".join(
        rf"{re.escape(word)}\.\s*"
        if len(word) == 1 and word.isalpha()
        else rf"{re.escape(word)}\s+"
        for word in words
    )
    printed = re.search(pattern.removesuffix(r"\s+").removesuffix(r"\s*"), text)
    return (normalize_text(printed.group()) or name) if printed else name


def without_date_after(name: str, text: str) -> str:
    """A name of three words or more less a month's name that closes it, where ``text``
    prints the name before that month and a day: trafilatura reads a byline's name and
    the date on the line below it as one ("By <b>Nathan Willis</b><br>March 25, 2015",
    lwn.net).

    >>> without_date_after("Nathan Willis March", "By Nathan Willis March 25, 2015")
    'Nathan Willis'
    >>> without_date_after("Nathan Willis March", "By Nathan Willis March"), without_date_after("Anna May", "Anna May 5")
    ('Nathan Willis March', 'Anna May')
    """
    first, _, last = name.rpartition(" ")
    if len(name.split()) < 3 or not re.fullmatch(MONTH_NAME, last, flags=re.IGNORECASE):
        return name
    dated = re.search(rf"{re.escape(first)}\s+{re.escape(last)}\.?\s+\d", text)
    return first if dated else name


def is_name_case(name: str) -> bool:
    """Whether a name of several words is written as names are: no word of it is all
    lower-case letters but a particle. One word (a user name), a word like "d'Estaing" or
    "iG", and scripts without case always are.

    >>> is_name_case("José Volta e Pinto"), is_name_case("Valéry Giscard d'Estaing")
    (True, True)
    >>> is_name_case("kei_eno"), is_name_case("李 明"), is_name_case("Syrian defense ministries")
    (True, True, False)
    """
    words = name.split()
    return len(words) < 2 or not any(
        word.isalpha() and word.islower() and word not in NAME_PARTICLES for word in words
    )


def split_authors(value: str) -> list[str]:
    """Split a byline holding several names, each cleaned by :func:`clean_author`;
    "Last, First" is one name.

    >>> split_authors("By Sawsan Al-Abtah and Thaer Abbas")
    ['Sawsan Al-Abtah', 'Thaer Abbas']
    >>> split_authors("Von Anna Schmidt und Peter Weber; dpa")
    ['Anna Schmidt', 'Peter Weber', 'dpa']
    >>> split_authors("Dupont, Marie")
    ['Dupont, Marie']
    >>> split_authors("Ashok Pradhan | TNN | Apr 7, 2020, 15:43 IST")
    ['Ashok Pradhan', 'TNN']
    >>> split_authors("Wednesday, 08 Apr 2020 11:39 PM MYT"), split_authors("Текст: Венера Ерофеева")
    ([], ['Венера Ерофеева'])
    >>> split_authors("Autor/in: Korinna Hennig"), split_authors("Author: Jane Doe")
    (['Korinna Hennig'], ['Jane Doe'])

    A role or credentials listed after a name are no one's name, whatever words qualify
    the role ("AP Auto Writer" is no "AP Auto"):

    >>> split_authors("By TOM KRISHER, AP Auto Writer"), split_authors("Ilana Muhlstein, MS, RDN")
    (['TOM KRISHER'], ['Ilana Muhlstein'])
    >>> split_authors("By Jane Doe and John Roe, Staff Writers")
    ['Jane Doe', 'John Roe']

    A list's last name after a comma and "and" (the serial comma) is a name too:

    >>> split_authors("Dana A. Ford, Chien-Ming Wang, and Tom Watkins, CNN")
    ['Dana A. Ford', 'Chien-Ming Wang', 'Tom Watkins', 'CNN']
    """
    text = _PARENTHESES.sub("", normalize_text(value) or "")
    text = _BYLINE_WORD.sub("", text.strip())
    if parse_date(text):
        return []  # a dateline in the byline's place ("Wednesday, 08 Apr 2020 11:39 PM")
    if re.fullmatch(r"[^\s,]+,\s*[^\s,]+", text):
        return [name] if (name := clean_author(text)) else []
    segments = [
        _LEADING_AND.sub("", segment)
        for index, segment in enumerate(_LIST_SEPARATOR.split(text))
        if index == 0 or not (_ROLE.search(segment) or _CREDENTIAL.fullmatch(segment))
    ]
    return [
        name
        for segment in segments
        for part in byline_parts(segment)
        if (name := clean_author(part))
    ]


def byline_parts(segment: str) -> list[str]:
    """A byline segment split where it lists names ("and", "&", commas); a "y", "e" or
    "i" followed by a single word joins a double surname, not two people.

    >>> byline_parts("Kimberly Miller and Gareth McGrath")
    ['Kimberly Miller', 'Gareth McGrath']
    >>> byline_parts("José Volta e Pinto"), byline_parts("Ana Pérez y Luis Gil")
    (['José Volta e Pinto'], ['Ana Pérez', 'Luis Gil'])
    """
    pieces = _AUTHOR_SEPARATOR.split(segment)  # part, joining word (or None), part, ...
    parts = [pieces[0]]
    for word, part in zip(pieces[1::2], pieces[2::2], strict=True):
        if word and word.lower() in _SURNAME_JOINERS and len(part.split()) == 1:
            parts[-1] = f"{parts[-1]} {word} {part}"
        else:
            parts.append(part)
    return [piece for part in parts for piece in _wire_apart(part)]


def _wire_apart(part: str) -> list[str]:
    """A name and the wire service run into it with no separator, apart: the name is the
    two or more words before it.

    >>> _wire_apart("JILL LAWLESS Associated Press"), _wire_apart("The Associated Press")
    (['JILL LAWLESS', 'Associated Press'], ['The Associated Press'])
    """
    wire = _WIRE_AFTER_NAME.search(part)
    if wire is None or len(part[: wire.start()].split()) < 2:
        return [part]
    return [part[: wire.start()], wire.group().strip()]


_DESK_WORDS = frozenset(
    "bureau desk staff team editorial editors newsroom report reports redacción redaccion "  # noqa: SIM905
    "redação redacao redaktion rédaction redazione redakcja redactie redaktori redaksi "
    "συντακτικη ομαδα ब्यूरो डेस्क".split()
)
"""Words of a newsroom's desk, which end a desk's name ("National Desk", "HNN Staff")."""
_ACCOUNT_WORDS = frozenset({"admin", "administrator", "webmaster", "super", "user"})
"""A CMS's account names, a site's byline where no one signs (Joomla's "Super User")."""
NEWSROOM_WORDS = _DESK_WORDS | _ACCOUNT_WORDS | {"the", "blog", "online", "digital", "web", "group"}
"""Words that turn a site's name into its newsroom's byline ("Staff Reports", "Redazione
ANSA", "The Beachbody Blog") or its publisher's ("Arya Group" on aryanews.com), a CMS's
account names, and a leading article."""
_NAME_WORD = re.compile(r"[\w\u0900-\u0dff]+")
"""A word of a name: letters and digits, and the vowel signs of the Indic scripts, which
the regex word class leaves out (Devanagari's "ब्यूरो", bureau, would be three words)."""


def _site_key(text: str, newsroom: bool = False) -> str:
    """A name's words without ``www.`` or a domain ending (".com", ".com.mx"), and without a
    newsroom word unless ``newsroom``, run together; a Latin letter without its accent, as
    a host name writes it.

    >>> _site_key("El Sol de México"), _site_key("www.elsoldemexico.com.mx")
    ('elsoldemexico', 'elsoldemexico')
    """
    text = re.sub(rf"^www\.|{_DOMAIN_ENDING}", "", text.strip().lower())
    text = text.translate(_LATIN_BASE_LETTERS)
    return "".join(w for w in _NAME_WORD.findall(text) if newsroom or w not in NEWSROOM_WORDS)


_LATIN_BASE_LETTERS = {
    code: base
    for code in range(0xC0, 0x250)
    if (base := unicodedata.normalize("NFKD", chr(code))[0]).isascii() and base.isalpha()
}
"""Each accented Latin letter's base letter ("é": "e"), for ``str.translate``."""


def _initials(name: str) -> str:
    """The first letters of a name's words but "the", lower case, for two words or more.

    >>> _initials("The Hindustan Times"), _initials("Reuters")
    ('ht', '')
    """
    words = [w for w in re.findall(r"\w+", name.lower()) if w != "the"]
    return "".join(w[0] for w in words) if len(words) > 1 else ""


def is_site_name(name: str, site_names: tuple[str, ...]) -> bool:
    """True when an author name is the site's or publisher's own name, not a person's:
    the name itself, or it with a newsroom word ("News Nation Bureau", "Redacción La Razón"),
    or its host name read without the dots ("Mynet com", "Newsam").

    >>> is_site_name("STERN.de", ("stern.de",)), is_site_name("Tagesschau", ("www.tagesschau.de",))
    (True, True)
    >>> is_site_name("Times Of India", ("The Times of India",))
    True
    >>> is_site_name("News Nation Bureau", ("News Nation",)), is_site_name("Reuters Editorial", ("reuters.com",))
    (True, True)
    >>> is_site_name("Anna Stern", ("stern.de",))
    False
    >>> is_site_name("Mynet com", ("www.mynet.com",)), is_site_name("Newsam", ("news.am",))
    (True, True)
    >>> is_site_name("TIMESOFINDIA COM", ("Times Of India", "timesofindia.indiatimes.com"))
    True
    >>> is_site_name("Mailonline", ("Mail Online",)), is_site_name("Beachbody", ("The Beachbody Blog",))
    (True, True)

    Its initials in capitals, and with a newsroom word, the start of its host's name,
    are the site's name too:

    >>> is_site_name("HT", ("Hindustan Times",)), is_site_name("Ht", ("Hindustan Times",))
    (True, False)

    >>> site = ("practicalhorsemanmag.com",)
    >>> is_site_name("Practical Horseman Editorial Staff", site), is_site_name("Practical", site)
    (True, False)
    >>> is_site_name("Arya Group", ("aryanews.com",))  # the publisher's company
    True
    """
    name_key = _site_key(name)
    if not name_key:
        return False
    hosts = [re.sub(r"^www\.", "", site.lower()) for site in site_names if _DOMAIN_NAME.match(site)]
    keys = {_site_key(site, newsroom) for site in site_names for newsroom in (False, True)}
    keys |= {re.sub(r"\W", "", h) for h in hosts}
    if name_key in keys or _site_key(name, newsroom=True) in keys:
        return True
    if _site_key(name, newsroom=True) != name_key and any(
        host.startswith(name_key) for host in hosts
    ):
        return True  # "Practical Horseman Editorial Staff" on practicalhorsemanmag.com
    if name.isalpha() and name.isupper() and name_key in map(_initials, site_names):
        return True  # "HT" of "Hindustan Times" ("HT Correspondent" less the role)
    words = name.split()
    endings = {host.rsplit(".", 1)[-1] for host in hosts}
    return (
        len(words) > 1 and words[-1].lower() in endings and _site_key(" ".join(words[:-1])) in keys
    )


def is_site_byline(name: str, site_names: tuple[str, ...]) -> bool:
    """True when an author name is the site's own name (:func:`is_site_name`) or starts
    with it: the site's desk or newsroom ("CNN Business", "Detroit News wire services").
    An empty name is none.

    >>> is_site_byline("CNN Business", ("CNN",)), is_site_byline("Anna Stern", ("stern.de",))
    (True, False)

    A byline of newsroom words alone is the site's newsroom, whatever the site's name, and
    so is one that names a desk:

    >>> is_site_byline("Editorial", ()), is_site_byline("Redacción", ())
    (True, True)
    >>> is_site_byline("National Desk", ()), is_site_byline("World's Editorial", ())
    (True, True)
    >>> is_site_byline("वाराणसी ब्यूरो", ()), is_site_byline("डिजिटल डेस्क", ())
    (True, True)
    >>> is_site_byline("Super User", ()), is_site_byline("Super Mario", ())
    (True, False)
    """
    name_words = _NAME_WORD.findall(name.lower())
    if name_words and (
        all(word in NEWSROOM_WORDS for word in name_words) or name_words[-1] in _DESK_WORDS
    ):
        return True
    words = name.split()
    return any(is_site_name(" ".join(words[:end]), site_names) for end in range(len(words), 0, -1))


# Tags packed into one value: a comma with no space after it ("Hong Kong,Protest"), or
# with spaces on both sides; "Beshear, Andrew G" (a name, last name first) is one tag.
_PACKED_TAGS = re.compile(r"(?<=[^\d\s])[,،](?=[^\s\d])|\s[,،]\s")


def tag_list(value: str) -> list[str]:
    """The tags in one tag value: those a page packed into one, split.

    >>> tag_list("Hong Kong,Protest,Asia Pacific"), tag_list("Beshear, Andrew G (1977- )")
    (['Hong Kong', 'Protest', 'Asia Pacific'], ['Beshear, Andrew G (1977- )'])
    >>> tag_list("قاچاق کالا , مواد مخدر"), tag_list("1,000 days")
    (['قاچاق کالا', 'مواد مخدر'], ['1,000 days'])

    Three items and more are a list whatever their spacing (cnn.com's one meta keyword
    "business figures, eastern europe, europe, …, vladimir putin"):

    >>> tag_list("russia, europe, vladimir putin"), tag_list("1,000,000 views")
    (['russia', 'europe', 'vladimir putin'], ['1,000,000 views'])
    """
    if _PACKED_TAGS.search(value) or len(_LIST_COMMA.findall(value)) >= 2:
        return _listed(value)
    return [value]


_LIST_COMMA = re.compile(r"[,،]\s")
"""A comma between the items of a list, not one inside a number ("1,000")."""


def _listed(value: str) -> list[str]:
    """The items of a comma-separated list (Latin or Arabic commas), stripped."""
    return [item.strip() for item in re.split(r"[,،]", value) if item.strip()]


# A path of sections: "Politics > Elections", "News » Local".
_SECTION_PATH = re.compile(r"\s+[>»›]\s+")


_EDGE_SEPARATORS = " ›»>|,;·•–—:"


def without_edge_separators(value: str) -> str | None:
    """A section's or tag's name without the separators a page set around it, in a
    breadcrumb or a list ("› Gebäck", "Thomanerchor,"); ``None`` if nothing else is left.

    >>> without_edge_separators("› Gebäck"), without_edge_separators("Thomanerchor,")
    ('Gebäck', 'Thomanerchor')
    >>> without_edge_separators("Electric Co."), without_edge_separators("C#"), without_edge_separators(" | ")
    ('Electric Co.', 'C#', None)
    """
    return value.strip(_EDGE_SEPARATORS) or None


def first_section(value: str) -> str:
    """A section value's first section, when the page packed several into one (commas with
    no space after them, or three sections and more): the one a reader sees the article
    filed under; a section whose name holds a comma stays whole.

    >>> first_section("Business,Entrepreneurs,Small Business"), first_section("Nacionales, comercio, Cuba")
    ('Business', 'Nacionales')
    >>> first_section("Arts, Culture"), first_section("Middle East")
    ('Arts, Culture', 'Middle East')

    A path of sections gives its last, most specific level:

    >>> first_section("سیاست > انتخابات"), first_section("News » Local » Crime")
    ('انتخابات', 'Crime')
    """
    if _SECTION_PATH.search(value):
        return _SECTION_PATH.split(value)[-1]
    if _PACKED_TAGS.search(value) or value.count(",") >= 2:
        return next(iter(_listed(value)), value)
    return value


# A CMS's namespaced tags ("tag:Crime", "Topic/news", "type:story", "articleID/N6TP…"):
# a topic key's value is a topic; the other keys are the CMS's bookkeeping.
_NAMESPACED_TAG = re.compile(r"(?P<key>[A-Za-z][\w-]*) ?[:/] ?(?P<value>\S.*)")
_TOPIC_KEYS = frozenset({"tag", "tags", "topic", "topics", "keyword", "keywords", "subject"})
_BOOKKEEPING_KEYS = frozenset(
    [
        "adnode",
        "articleid",
        "author",
        "category",
        "channel",
        "clone",
        "content_subtype",
        "edition",
        "feed",
        "format",
        "genre",
        "id",
        "length",
        "page",
        "path",
        "post-id",
        "region",
        "section",
        "site",
        "source",
        "ssts",
        "status",
        "target",
        "template",
        "type",
    ]
)
# The CMS's own labels: "@post-id:1913719", "/article", "_no-apple-news", "[SYNDICATED
# CONTENT]", syndication partners' codes ("AR_Conway_thecabin.net"), identifiers
# ("channel_other", "autoplay_video"), a tag cut at an entity's ";" ("PG&amp").
_LABEL_TAG = re.compile(r"[@/_].*|\[.*\]|[A-Z]{2}_.*|[a-z0-9]+(?:_[a-z0-9]+)+|.*&")


def topic_tag(value: str) -> str | None:
    """A tag as a reader would file the article under it, or ``None`` for the CMS's
    bookkeeping, a lone letter, a page title or a sentence put in the keywords.

    >>> topic_tag("tag:Crime"), topic_tag("topic: White House"), topic_tag("Brexit: the deal")
    ('Crime', 'White House', 'Brexit: the deal')
    >>> [topic_tag(t) for t in ["type:story", "Length/medium", "@river", "channel_other"]]
    [None, None, None, None]
    >>> topic_tag("AR_Hope - hopestar.com"), topic_tag("[SYNDICATED CONTENT]"), topic_tag("T")
    (None, None, None)
    >>> topic_tag("Congresos y seminarios | soychile.cl"), topic_tag("Se realizarán desde el 3.")
    (None, None)
    >>> topic_tag("Electric Co."), topic_tag("猫"), topic_tag("")
    ('Electric Co.', '猫', None)
    """
    if not value:
        return None
    namespaced = _NAMESPACED_TAG.fullmatch(value)
    if namespaced:
        key = namespaced["key"].lower()
        if key in _TOPIC_KEYS:
            return topic_tag(namespaced["value"])
        if key in _BOOKKEEPING_KEYS:
            return None
    if _LABEL_TAG.fullmatch(value) or " | " in value or (len(value) == 1 and value.isascii()):
        return None
    if value[-1] in ".!?" and len(value.split()) >= 4:
        return None  # a sentence: the page's description
    return value


# The words of "lorem ipsum" placeholder text, as generators and CMSs write it (the
# classic passage and the word list generators draw from, Cicero's De finibus).
LOREM_IPSUM_WORDS = frozenset(
    """a ab accusamus accusantium ad adipisci adipiscing alias aliqua aliquam aliquid aliquip
    amet anim animi aperiam architecto asperiores aspernatur assumenda at atque aut aute autem
    beatae blanditiis cillum commodi commodo consectetur consequat consequatur consequuntur
    corporis corrupti culpa cum cumque cupidatat cupiditate debitis delectus deleniti deserunt
    dicta dignissimos distinctio do dolor dolore dolorem doloremque dolores doloribus dolorum
    ducimus duis ea eaque earum eius eiusmod eligendi elit enim eos error esse est et eum
    eveniet ex excepteur excepturi exercitation exercitationem expedita explicabo facere
    facilis fuga fugiat fugit harum hic id illo illum impedit in incididunt incidunt inventore
    ipsa ipsam ipsum irure iste itaque iure iusto labore laboriosam laboris laborum laudantium
    libero lorem magna magnam magni maiores maxime minim minima minus modi molestiae molestias
    mollit mollitia nam natus necessitatibus nemo neque nesciunt nihil nisi nobis non nostrud
    nostrum nulla numquam obcaecati occaecat odio odit officia officiis omnis optio pariatur
    perferendis perspiciatis placeat porro possimus praesentium proident provident quae quaerat
    quam quas quasi qui quia quibusdam quidem quis quisquam quo quod quos ratione recusandae
    reiciendis rem repellat repellendus reprehenderit repudiandae rerum saepe sapiente sed
    sequi similique sint sit soluta sunt suscipit tempor tempora tempore temporibus tenetur
    totam ullam ullamco unde ut vel velit veniam veritatis vero vitae voluptas voluptate
    voluptatem voluptates voluptatibus voluptatum""".split()  # noqa: SIM905 (200 words)
)


def is_placeholder_text(text: str) -> bool:
    """Whether a paragraph is "lorem ipsum" filler: eight words or more, nearly all of them
    the placeholder's (a paywall's scrambled text, an unfinished template); a Latin
    quotation shares only its small words with it.

    >>> is_placeholder_text("Dolor ipsam et est cumque. Laboriosam sed delectus rerum sint.")
    True
    >>> is_placeholder_text("Gallia est omnis divisa in partes tres, quarum unam incolunt Belgae.")
    False
    >>> is_placeholder_text("Lorem ipsum dolor sit amet")
    False
    """
    words = re.findall(r"[^\W\d_]+", text.lower())
    placeholder = sum(word in LOREM_IPSUM_WORDS for word in words)
    return len(words) >= 8 and placeholder >= 0.9 * len(words)


def unique_ignoring_case(values: list[str]) -> list[str]:
    """Drop values repeated in another case, keeping the first's position and spelling.

    >>> unique_ignoring_case(["Business", "Social Media", "business", "Ads", "social media"])
    ['Business', 'Social Media', 'Ads']
    """
    first: dict[str, str] = {}
    for value in values:
        first.setdefault(value.casefold(), value)
    return list(first.values())


def unique(values: list[str]) -> list[str]:
    """Drop repeated values, keeping the first occurrence's position.

    >>> unique(["Syria", "Russia", "Syria"])
    ['Syria', 'Russia']
    """
    return list(dict.fromkeys(values))


def prose_words(text: str) -> int:
    """How much prose ``text`` holds, in words: its whitespace-separated tokens, each kana
    or CJK ideograph counted as one word of its own, as word processors count them. A
    700-character Chinese article is 15 tokens; a rule that asks whether a line is a
    sentence, or an extraction whether it kept an article, measures it with this.

    >>> prose_words("Three short words"), prose_words("米朝首脳 talks"), prose_words("６月12日")
    (3, 5, 4)
    """
    if _SPACELESS_SCRIPT.search(text) is None:
        return len(text.split())
    spaced, characters = _SPACELESS_SCRIPT.subn(" ", text)
    return len(spaced.split()) + characters


# A token with no letter or digit ("—", "|", "..."), after a space and up to the next one.
_WORDLESS_TOKEN = re.compile(r" [^\w\s]+(?= |$)")


def word_count(text: str) -> int:
    """Number of whitespace-separated tokens that hold at least one letter or digit.

    >>> word_count("U.S. Disregards Russia's proposal — again")
    5
    >>> word_count("— a — b — — ..."), word_count(" "), word_count("a\tb")
    (2, 0, 2)
    """
    # The tokens, each after a single space. A record's body is that already, but for its
    # paragraph breaks and first space: then only they need putting in (a split on "\n\n"
    # and a join cost three quarters of a replace), and printable text (no whitespace but the
    # space) with no doubled or end space needs no split into a thousand strings.
    spaced = " ".join(["", *text.split("\n\n")])
    if not (spaced.isprintable() and "  " not in spaced and spaced[-1] != " "):
        spaced = " ".join(["", *text.split()])
    # Wordless tokens are rare: one search finds them (its first character a literal
    # space, re skips from space to space), where testing each token cost five times more.
    return spaced.count(" ") - len(_WORDLESS_TOKEN.findall(spaced))
