"""Bot walls: a challenge or block page a bot-protection service serves instead of the page.

Incapsula (Imperva), Reblaze, Cloudflare, Akamai, PerimeterX (HUMAN), DataDome, Sucuri,
Kasada and AWS WAF answer a client they do not trust with a page of their own: a script
that must run in a browser (a JavaScript challenge), a CAPTCHA, or "Access Denied". Such
a page holds no article, and extracting it would put an empty or made-up record in the
corpus; the page the URL names exists, but this crawler was not shown it.

A page is a wall when it carries a vendor's *challenge* markup (not the vendor's
ordinary script, which protected sites load on every real page) and shows almost no text
of its own; or, without a vendor's markup, when its little text is only a wall's plea
("enable JavaScript", "verify you are human"). No page of the real-page corpora or the
fixture sites is a wall but the three bot walls of the date corpus
(``tests/test_bot_walls.py`` checks all of them).

The check costs a few milliseconds (substring searches, then a parse), so it runs only
where a wall can be: on error pages (403, 429, 503: ``BotWallMiddleware`` in
``crawler/runtime/middlewares.py``) and on pages whose extraction found no title or under
:data:`MAX_WALL_WORDS` words of body (the spider). A wall is not retried: a challenge asks
for a browser to run its script, and asking again at once gets the same wall from a
service already wary of the crawler.
"""

from __future__ import annotations

from collections.abc import Mapping

from lxml import etree, html
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response

VENDOR_MARKERS: tuple[tuple[str, tuple[bytes, ...]], ...] = (
    ("incapsula", (b"_Incapsula_Resource", b"Incapsula incident ID")),
    ("reblaze", (b"window.rbzns", b"rbzns={")),
    (
        "cloudflare",
        (
            b"cf_chl_",  # the challenge's options and tokens (cf_chl_opt, __cf_chl_f_tk)
            b"/cdn-cgi/challenge-platform/h/",  # the challenge's script, not bot management's
            b"cf-browser-verification",  # "Checking your browser" (older challenge)
            b"cf-error-details",  # "Attention Required!" / "Sorry, you have been blocked"
            b"<title>Just a moment...</title>",
        ),
    ),
    (
        "akamai",
        (b"errors.edgesuite.net", b"errors&#46;edgesuite&#46;net", b"sec-if-cpt-container"),
    ),
    ("perimeterx", (b"px-captcha", b"_pxCaptcha", b"captcha.px-cdn.net", b"/whywasiblocked")),
    ("datadome", (b"captcha-delivery.com",)),
    ("sucuri", (b"sucuri_cloudproxy", b"Sucuri WebSite Firewall")),
    ("kasada", (b"KPSDK",)),
    ("aws_waf", (b"AwsWafIntegration", b"awswaf.com")),
)
"""Each vendor's challenge or block markup, as bytes found in the page."""

HEADER_MARKERS: tuple[tuple[str, bytes, bytes], ...] = (
    ("cloudflare", b"cf-mitigated", b"challenge"),  # set on every Cloudflare challenge
    ("datadome", b"x-datadome", b"protected"),
)
"""``(vendor, header, value)``: a response header that says the answer is a challenge."""

WALL_PLEAS = (
    b"enable javascript",
    b"enable cookies",
    b"javascript is disabled",
    b"checking your browser",
    b"verify you are human",
    b"verify that you are human",
    b"are you a robot",
    b"unusual traffic",
    b"access denied",
)
"""What a wall with no vendor's markup asks of its reader (lower case)."""

MAX_WALL_WORDS = 200
"""Visible words of the longest wall page (Cloudflare's block page has about 120); every
real article page of the corpora has more, or no vendor markup."""
MAX_PLEA_WORDS = 40
"""Visible words of a wall known only by its plea: an "enable JavaScript" shell."""
MAX_WALL_BYTES = 512 * 1024
"""No wall page is this large (the biggest seen, Reblaze's obfuscated script, is 100 KB)."""

HIDDEN_TEXT = "ancestor::script or ancestor::style or ancestor::noscript or ancestor::template"
VISIBLE_TEXT = etree.XPath(f"//body//text()[not({HIDDEN_TEXT})]", smart_strings=False)


class BotWall(IgnoreRequest):
    """A page answered with a bot wall; the request's errback reads the ``vendor``."""

    def __init__(self, vendor: str, url: str) -> None:
        super().__init__(f"bot wall ({vendor}) at {url}")
        self.vendor = vendor


def response_headers(response: Response) -> dict[bytes, bytes]:
    """The headers :func:`wall_vendor` reads, lower-case name → first value."""
    return {
        header: value
        for _, header, _ in HEADER_MARKERS
        if (value := response.headers.get(header)) is not None
    }


def is_thin(title: str | None, body: str | None) -> bool:
    """Whether an extracted record is empty enough to be a wall page's.

    >>> is_thin("A headline", "Some words " * 200), is_thin(None, "Words " * 500)
    (False, True)
    >>> is_thin("Just a moment...", "Checking your browser before accessing the site.")
    True
    """
    # Splitting stops after MAX_WALL_WORDS words: a long body costs no more than a short one.
    return not title or len((body or "").split(maxsplit=MAX_WALL_WORDS)) < MAX_WALL_WORDS


def visible_words(body: bytes, root: etree._Element | None = None) -> int:
    """Words a reader sees in the page's ``<body>`` (no script, style or noscript text);
    ``root`` is the page already parsed, when the caller has it.

    >>> visible_words(b"<html><body><script>var a = 1;</script><p>Two words</p></body></html>")
    2
    """
    if root is None:
        try:
            root = html.document_fromstring(body)
        except (etree.ParserError, ValueError):
            return 0
    return sum(len(text.split()) for text in VISIBLE_TEXT(root))


def wall_vendor(
    body: bytes,
    headers: Mapping[bytes, bytes] | None = None,
    root: etree._Element | None = None,
) -> str | None:
    """The bot-protection vendor whose challenge or block page ``body`` is, ``generic``
    for a wall with no vendor's markup, or None for any other page.

    ``headers`` maps lower-case header names to values (:func:`response_headers`);
    ``root`` is the page already parsed (the spider's), so the page is not parsed twice.

    >>> incapsula = (b'<html><head><META NAME="robots" CONTENT="noindex,nofollow">'
    ...     b'<script src="/_Incapsula_Resource?SWJIYLWA=5074a7"></script><body></body></html>')
    >>> wall_vendor(incapsula)
    'incapsula'
    >>> wall_vendor(b"<html><body><noscript>Please enable JavaScript.</noscript></body></html>")
    'generic'
    >>> article = b"<p>" + b"Cloudflare's cf_chl_opt challenge was in the news. " * 40 + b"</p>"
    >>> wall_vendor(article) is None
    True
    >>> wall_vendor(b"<html><body>Hi</body></html>", {b"cf-mitigated": b"challenge"})
    'cloudflare'
    """
    if len(body) > MAX_WALL_BYTES:
        return None
    vendor = next(
        (
            name
            for name, header, value in HEADER_MARKERS
            if headers and value in (headers.get(header) or b"").lower()
        ),
        None,
    ) or next((name for name, markers in VENDOR_MARKERS if any(m in body for m in markers)), None)
    if vendor is not None:
        return vendor if visible_words(body, root) <= MAX_WALL_WORDS else None
    lowered = body.lower()
    if any(plea in lowered for plea in WALL_PLEAS) and visible_words(body, root) <= MAX_PLEA_WORDS:
        return "generic"
    return None
