"""The generic profile: any news or blog site no site profile knows.

Metadata comes from what sites publish about themselves (JSON-LD, OpenGraph and
``article:*`` meta, ``<time>`` elements, bylines, WordPress classes), each field taking
its signals in priority order. The body comes from trafilatura (main-content extraction,
``favor_precision``), then goes through our own processors: the text policy
(``normalize_text``), one paragraph per line, captions and credits moved out of the text
into ``images``, theme and widget chrome lines removed, the headline not repeated.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator
from copy import deepcopy
from datetime import date, tzinfo
from functools import cached_property
from itertools import chain, pairwise, takewhile
from typing import TYPE_CHECKING, Any
from urllib.parse import SplitResult, urljoin, urlsplit

from lxml import etree
from lxml.html import HtmlElement
from parsel.csstranslator import css2xpath

from crawler.extraction.breadcrumbs import (
    HOME_NAMES,
    TAG_NAMES,
    TAG_PAGE,
    Crumb,
    jsonld_trail,
    last_section,
    lists_no_section,
    markup_trail,
    refined_section,
    section_levels,
)
from crawler.extraction.content import (
    ArticleBody,
    LineRules,
    SelectorSet,
    TextBlock,
    absolute_http_url,
    content_blocks,
    names_site_image,
)
from crawler.extraction.language import text_language
from crawler.extraction.loaders import language_code
from crawler.extraction.localtime import in_site_zone, path_locale, site_zones, url_day
from crawler.extraction.metadata import element_value, first_text
from crawler.extraction.page_numbers import PAGE_PARAMETERS, numbered_pages
from crawler.extraction.parsing import (
    DEFAULT_PARSER_MAX_DEPTH,
    INLINE_TAGS,
    NESTED_PARAGRAPHS,
    deep_html_tree,
    html_markup,
    unnest_paragraphs,
)
from crawler.extraction.processors import (
    EARLIEST_DATE,
    MONTH_NAME,
    TITLE_PART_BREAK,
    WIRE_SERVICE,
    decode_entities,
    is_address,
    is_host_name,
    is_placeholder_text,
    is_site_byline,
    is_site_name,
    is_url_slug,
    is_wire_service,
    korean_reporter,
    normalize_text,
    parse_date,
    prose_words,
    split_authors,
    strip_title_suffix,
    text_key,
    with_initials_as_printed,
    without_copyright,
    without_date_after,
    word_count,
)
from crawler.sites.base import (
    NO_ARTICLE_MARKUP,
    ArticlePage,
    ListingEntry,
    ListingPage,
    PostPages,
    SiteProfile,
    UrlKind,
    attributes_first,
    css_query,
    css_text,
    first_nonempty,
    page_title,
)
from crawler.sites.wordpress import (
    DIVI_BYLINE,
    WORDPRESS_BOILERPLATE,
    WORDPRESS_POSTS_API,
    WORDPRESS_WIDGETS,
    WordPressSignals,
    archive_period,
    is_category_listing,
    is_listing,
    is_machinery,
    path_segments,
)

# trafilatura is imported where the body is extracted, not with this module: a crawl loads
# every profile's module, and only a generic crawl's pages need its 0.06 s of imports.
if TYPE_CHECKING:
    from trafilatura.settings import Document

# Where the article's figures sit (featured image in the header included), widest first.
ARTICLE_SCOPE = tuple(
    css_query(css)
    for css in ("article", "[itemprop=articleBody]", ".entry-content", "main", "#content")
)
ARTICLES = css_query("article")
HEADLINE = css_text("h1[class*=entry-title]")
# The headline the page marks up for schema.org (wday.ru, slate.com: the SEO title is
# another wording), unless it is a link to another page (a teaser of another story).
ITEMPROP_HEADLINES = css_query("h1[itemprop~=headline]")
# Where a comment's author's name is written: WordPress's div.comment-author,
# ultimahora.es's span.sf_comment_author.
COMMENT_AUTHORS = etree.XPath(
    "//*/@class[contains(., 'comment') and contains(., 'author')]/parent::*", smart_strings=False
)
LINK_TARGETS = css_query("a::attr(href)")
HEADING_LINK_AROUND = etree.XPath("ancestor::a[1]/@href")
IMAGE_ALTS = etree.XPath(".//img/@alt", smart_strings=False)
ONCLICK_TARGET = etree.XPath(
    'substring-before(substring-after(@onclick, "location.href=\'"), "\'")',
    smart_strings=False,
)
# A theme that gives the site's logo the h1 titles the post with an h2 (radionacional.com.ar).
TITLE_H2S = css_query("h2[class*=post-title], h2[class*=entry-title], h2[id*=title]")
"""A story's title set in an ``<h2>``: a blog's post title, money.udn.com's
``h2#story_art_title`` (its ``<h1>`` is another story's)."""
PERMALINK_HEADINGS = etree.XPath("//*[self::h2 or self::h3][descendant::a[@href]]")
"""Headings with a link, which may be a post's title linking to its own page."""
LOGIN = re.compile(r"[a-z][a-z0-9_.-]*")
"""A login, not a byline: one word, no capital (carta.info's WordPress author "dehlix",
where the story is signed "von Klaus-Peter Schöppner")."""
WEB_ADDRESS = re.compile(r"(?:https?://|www\.)[\w-]+\.", flags=re.IGNORECASE)
"""A web address as a byline may write it: a scheme or ``www.`` first."""
REPORTING_CREDITS = re.compile(
    r"^\(?(additional )?(reporting|writing) by [^;()]{3,120}"
    r"(; ?(additional reporting|reporting|writing|editing) by [^;()]{3,160})*\)?\.?$",
    flags=re.IGNORECASE,
)
"""A wire story's credits line: "Reporting by Will Dunham; Editing by Tom Brown"."""
CREDITS_WORDS = 30
"""Words of a credits line, at most."""
KICKER_CONTEXT_WORDS = 3
"""Words of text right around a link, at most, for it to be a label of its own."""
WIDGET_HEADINGS = etree.XPath(
    "//@class[contains(., 'widget')]/parent::*[self::h2 or self::h3 or self::h4]"
)
"""A sidebar widget's heading (WordPress's ``h2.widgettitle``, ``h3.widget-title``)."""
DATED_TIMES = css_query("time[datetime]")
FIRST_DATED_TIME = css_text("time[datetime]")
ACCOUNT_NAMES = css_query(".submitted .username::text")
"""Drupal's "Submitted by" account name: the CMS user who posted a story, not its author."""
BYLINE_AUTHORS = css_query(".byline .author a, .byline a[rel~=author]")
BYLINE_ELEMENTS = etree.XPath("//*[contains(@class, 'byline') or contains(@class, 'Byline')]")
BYLINE_CHARS = 300
"""Text of a visible byline, at most: an element longer is a story or a page that a class
says has a byline."""
WIRE_AFTER_NAMES = re.compile(rf"[\s,/|·–—-]*({WIRE_SERVICE})\b", flags=re.IGNORECASE)
TAG = re.compile(r"<[^>]*>")
STRUCTURED_BODY_SHARE = 3
"""The markup's text is the body unless it holds less than this share (a third) of the
words of the article's own text in its JSON-LD (``articleBody``)."""
ARTICLE_BODY_BREAK = re.compile(
    r"<(?:br|/p|/div|/h[1-6]|/li|/blockquote)\b[^>]*>|\n", re.IGNORECASE
)
"""Where an ``articleBody`` breaks its text: a line break, or the end of an HTML block."""
NAME_AFTER_NAME = re.compile(r"\s*(?:,|\band\b|&amp;|&)\s*[A-Z][\w.'-]+\s+[A-Z]")
# A link to an author's page: /author/jane-doe/, /staff/jane-doe/, /by/jane-doe,
# /experts/444, author-Jane-Doe-4792.cms; not a topic's page about a person
# (/topics/people/donald-trump.html: a tag or topic page, TAG_PAGE).
AUTHOR_PAGE = re.compile(
    r"/(?:authors?|autor(?:es)?|auteurs?|staff|experts?|people|profiles?|journalists?|"
    r"reporters?|writers?|columnists?|contributors?|bloggers?|by)/[^/]|/(?:author|autor)[-_]",
    flags=re.IGNORECASE,
)
BYLINE_LINKS = 4
"""Authors' pages linked under the headline, at most: more are a list of the staff's."""
FOLLOWING_ELEMENTS = etree.XPath("following::*[position() <= 300]")
"""The elements after one, in page order, as far as a byline under a headline may be."""
BYLINE_LEAD = r"(?i:by|von|por|par|door)\s*:?"
"""The word a byline starts with: "By", "By:", "Von"..."""
BY_BEFORE_LINK = re.compile(rf"(?:^|\s){BYLINE_LEAD}\s*$")
"""The text right before a link that makes it a byline's name."""
IMAGE_WORK = (
    r"photo(?:graph)?s?|portraits?|illustrat\w*|images?|pictures?|graphics?|videos?|"
    r"artwork|drawings?|cartoons?|fotos?|bilder?"
)
"""What an image's credit names before "by": "Photo", "Portrait", "Illustration"..."""
IMAGE_CREDIT_BEFORE_LINK = re.compile(
    rf"\b(?:{IMAGE_WORK})\s+{BYLINE_LEAD}\s*$",
    flags=re.IGNORECASE,
)
"""The text before a link that makes it an image's credit, not a byline: "Portrait by
<a>…</a>" (daringfireball.net), "Photo by", "Foto von"."""
BYLINE_TEXT = re.compile(rf"{BYLINE_LEAD}\s+\S")
"""An element's own text that starts as a byline's, with the name in it: "Von Claudia
Ludewig" (noz.de's ``p.author-line``), not "By" before a link."""
BYLINE_LINE_CHARS = 80
"""Text of such an element, at most: a longer one is prose that starts with "By"."""
NAME_WORDS = 5
"""Words of a name as an author's link gives it, at most ("Biography", "View all posts by
the Editorial Team" are no names)."""
POST_META_AUTHORS = css_query(".post-meta .author a, .entry-meta .author a")
# schema.org microdata: the name of the author the page marks up, unless the item is an
# Organization (the publisher, mostly), and the publisher's name; each the item's own name,
# not one of an item inside it (a logo's).
ITEMPROP_AUTHORS = css_query("[itemprop~=author]:not([itemtype*=Organization]) > [itemprop~=name]")
ITEMPROP_AUTHOR_TEXTS = css_query("[itemprop~=author]:not([itemscope])")
"""Microdata authors given as text, not as a Person item with a name."""
NOT_THE_STORYS_ITEM = re.compile(r"ImageObject|Photograph|Review")
"""Microdata items whose author is not the story's: an image's (its credit), a review's."""
ITEM_AROUND = etree.XPath("ancestor::*[@itemscope][1]/@itemtype", smart_strings=False)
"""The type of the microdata item a property belongs to: the nearest element around it
with ``itemscope``."""
ITEMPROP_PUBLISHERS = css_query("[itemprop~=publisher] > [itemprop~=name]")
ITEMPROP_SECTIONS = css_query("[itemprop~=articleSection]")
SECTION_WORDS = 6
"""Words a section's name has at most, where the markup may hold any text: "Carnaval 2020
no Rio de Janeiro" (g1.globo.com) has six."""
PUBLISHED_TIME = css_query("time.published::attr(datetime), time.entry-date::attr(datetime)")
ARTICLE_DATED_TIMES = css_query("article time[datetime]")
POST_META_DATE = css_query(".post-meta .published::text")
MENU_POST_CATEGORIES = css_query("li.current-post-parent > a::text")
CATEGORY_LINKS = css_query(
    "article a[rel~=category]::text, .type-post a[rel~=category]::text, .cat-links a::text, "
    ".category > a::text"
)
"""A post's category links: WordPress's ``rel="category"`` and ``.cat-links``, and the link
of an element classed ``category`` (polygraph.info's and lsm.lv's over the headline)."""
TAG_LINKS = css_query("article a[rel~=tag]:not([rel~=category])::text, .tags-links a::text")
REL_TAG_LINKS = css_query("a[rel~=tag]:not([rel~=category])")
"""Links to the story's tags wherever they are (cbslocal.com's, time.com's outside the
``<article>``); WordPress marks a category link ``rel="category tag"``."""
TAG_BOX = re.compile(r"(?:^|[\s_-])(?:tags?|tagged|keywords?|topics?)(?:$|[\s_-])", re.IGNORECASE)
"""A class or id that names a block of the story's tags ("tags", "article-tags",
"entry-keywords")."""
TAG_CLOUD = re.compile(r"cloud", re.IGNORECASE)
"""A tag cloud: every tag of the site, not the story's."""
TAG_LINKS_MAX = 25
"""Tags linked in one block, at most: more are an index of the site's tags."""
TAG_WORDS = 10
"""Words of a tag, at most (a kana or CJK ideograph is a word: "#セレクションセール" is 9):
a longer link is a headline."""
LISTING_POST_LINK = css_query(".entry-title a::attr(href), h2 a::attr(href), h3 a::attr(href)")
LISTING_POST_DATE = css_query("time::attr(datetime), .published::text")
OLDER_PAGE = css_query(
    "link[rel=next]::attr(href), a[rel=next]::attr(href), a.next::attr(href), "
    ".nav-previous a::attr(href), .pagination .alignleft a::attr(href)"
)
BOILERPLATE = SelectorSet.from_css(
    (
        *WORDPRESS_BOILERPLATE,
        ".share",
    )
)
# The label of a link to another story, as news sites write it in their languages.
NEXT_PAGE_TEXT = re.compile(
    r"(?:(?:next|older)(?: page| posts| entries| articles| stories| news)?|weiter|"
    r"nächste(?: seite)?|ältere(?: beiträge| artikel)?|suivant(?:e)?|page suivante|"
    r"siguiente|próxima|successiv[ao]|avanti|volgende|nästa|następna|далее|"
    r"следующая|التالي|下一页|次へ|다음)\s*[»›>→]*|[»›]",
    re.IGNORECASE,
)
"""The whole text of a listing's link to its next page where no class or ``rel`` marks
it: "Next »", "Older posts", "Weiter", "»"."""
READ_ALSO = (
    r"(also read|read also|read more|must read|read|see also|related|more|lire aussi|"
    r"[àa] lire aussi|voir aussi|leia também|leia mais|lea también|lee también|"
    r"ver también|lesen sie auch|lue myös|lees ook|leggi anche|"
    r"czytaj (też|także|również)|читайте также)"
)
# Words that head a list of other stories in English, a line of their own: shared by the
# chrome lines and the related-links headings.
OTHER_STORIES = r"you (may|might) also like|don'?t miss|most (read|popular|viewed)"
# Share buttons' labels, run together when the buttons are icons with a text label each.
SHARE_BUTTON = r"(facebook|twitter|linkedin|e-?mail|whatsapp|pinterest|reddit|telegram|print)"
CHROME_LINES = re.compile(
    r"^(share this:?|like this:?|related( posts| articles)?:?|advertisements?|"
    # a share buttons' label: "Share on", German "Teilen auf", French "Partager sur"…
    r"(share on|teilen( auf)?|partager( sur)?|compartir( en)?|compartilhe|condividi( su)?)"
    r"\s*:?|"
    r"advertise with us|(skip to )?(the )?main content|skip to content|skip navigation|"
    r"read more|continue reading|leave a (reply|comment)|subscribe|select page|learn more|"
    r"back to top|"
    # a list's pagination count ("1 - 5 of 218 results.", greenpeace.org)
    r"\d+\s*[-–]\s*\d+ of \d[\d,.]* (results?|items?|articles?|posts?)\.?|"
    r"sign up( (for|to) (our |the )?[\w ]{0,20}(newsletters?|e-?mails?|updates|alerts))?|"
    r"report this (page|post|article|comment|ad)|"
    # a prompt to share ("Like this story? Share it with a friend!", rt.com), and a link to
    # another story labelled with the site's address ("Also on rt.com Journalists…")
    r"(like|enjoy(ed)?) this (story|article)\?.*|also on [\w-]+(\.[a-z]{2,})+\b.*|"
    r"tell us what you think\W*|"
    # Joomla's stand-in for an e-mail address it writes with a script, as bare text
    r"(e-?mail:?\s*)?(this e-?mail address is being protected from spambots|"
    r"diese e-mail-adresse ist (gegen|vor) spambots geschützt)\b.*|"
    # a WordPress shortcode the site failed to render, and its button's label
    # ("[button link=”http://…” type=”big”] Send us YOUR kit review", morebikes.co.uk)
    r"\[\w+( \w+=[^\]]*)+\].*|"
    # a script's placeholder ("Loading weather data ...", cnn.com), a comment count in the
    # site's language ("Kommentare (", futurezone.at), an ad label, a lone "Updated"
    r"loading([\w ]{0,30}?\s*(\.\.\.|…))?|working(\.\.\.|…)|"
    r"(\d+ )?(comments?|kommentare?|commentaires?|comentarios?)( ?\(\d*\)?)?|"
    # a comment or a form's button ("Commenter", liberation.fr; "abschicken", austria.info)
    r"commenter|kommentieren|comentar|submit|abschicken|absenden|envoyer|enviar|invia|"
    r"sponsored( ads| content| links)?|(last )?updated:?|"
    # a health story's reviewer ("Reviewed by Hansa D. Bhargava, MD", webmd.com)
    r"((medically|clinically) )?reviewed by .{1,60}|fact[- ]checked by .{1,60}|"
    # a reading time ("Tempo de leitura: 2 minutos", "5 min read", "Lesezeit: ca. 3 Min.")
    r"(reading time|read time|tempo de leitura|tiempo de lectura|temps de lecture|lesezeit|"
    r"lesedauer)\s*:?\s*(ca\.\s*)?\d+\s*\w+\.?|\d+\s*min(ute)?s?\.?\s*read|"
    rf"({OTHER_STORIES})( in [\w ]{{1,30}})?\W*|"
    r"posted in .*|filed under:? .*|tagged .*|"
    # a print or e-mail dialog's lines (Dow Jones' sites write them after every story)
    r"print( this)? article|order reprints|this article has been sent to.*|"
    r"this copy is for your personal,? non-commercial use only\..*|"
    r"an error has occurred,? please try again( later)?\.?|"
    rf"{READ_ALSO}\s*[:|](\s*.+)?|({SHARE_BUTTON}[\s,|/·•]*){{2,}})$",
    flags=re.IGNORECASE,
)
LINE_RULES = LineRules(chrome=CHROME_LINES, byline=DIVI_BYLINE)
# Month and weekday names, and the words between a date's parts, of the languages of
# Western Europe's news sites: French ("mercredi 11 septembre 2019"), German, Spanish
# and Portuguese ("11 de septiembre de 2019"), Italian, Dutch.
_OTHER_DATE_WORDS = (
    r"janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre|"
    r"lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|"
    r"januar|jänner|februar|märz|juni|juli|oktober|dezember|"
    r"montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|"
    r"enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|"
    r"noviembre|diciembre|lunes|martes|miércoles|jueves|viernes|sábado|domingo|"
    r"janeiro|fevereiro|março|maio|junho|julho|setembro|outubro|dezembro|"
    r"(segunda|terça|quarta|quinta|sexta)(-feira)?|"
    r"gennaio|febbraio|aprile|maggio|giugno|luglio|settembre|ottobre|dicembre|"
    r"lunedì|martedì|mercoledì|giovedì|venerdì|sabato|domenica|"
    r"januari|februari|maart|mei|augustus|maandag|dinsdag|woensdag|donderdag|vrijdag|"
    r"zaterdag|zondag|de|del|à|um|alle|le|el|am|den|uhr|h"
)
# A line that is a date and nothing else: numbers, month and weekday names, a time, a zone
# in capitals, separators, perhaps an "Updated:" label (a year is required besides).
_DATE_TOKEN = (
    rf"(\d{{1,4}}|{MONTH_NAME}\.?|(mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?|[ap]\.?m\.?|"
    rf"(?-i:[A-Z]{{2,4}})([+-]\d{{1,2}})?|at|({_OTHER_DATE_WORDS})\.?)"
)
DATE_LINE = re.compile(
    r"^(((last )?updated|published|posted)( on| at)?\s*:?\s*)?"
    rf"{_DATE_TOKEN}([\s,./:|–—-]+{_DATE_TOKEN})*[\s.|]*$",
    flags=re.IGNORECASE,
)
YEAR = re.compile(r"(?<!\d)(19|20)\d\d(?!\d)")
DATELINE = re.compile(
    rf"(?P<date>{_DATE_TOKEN}([\s,./]+{_DATE_TOKEN}){{2,5}})\s+(--|—|–)\s+\S",
    flags=re.IGNORECASE,
)
"""A paragraph that opens with a date, a dash after it: "Feb. 23, 2015 -- Life-threatening…"."""
HEAD_PARAGRAPHS = 4
CLOCK = re.compile(r"(?<!\d)\d{1,2}:\d{2}(?!\d)")
STAMP_WORDS = 8
"""Words of the longest time stamp line: a date and time with the source, a byline or a
label beside them ("5:45 AM PST 11/19/2019 by Patrick Shanley")."""
STAMP_SEPARATOR = re.compile(r"\s[|•·]\s")
"""What sets a stamp's parts apart: "Name | Place | 08/01/2014"."""
# A caption or credit under its label: Reuters' "FILE PHOTO:", "Foto:", "Photos:"...
CAPTION_LINE = re.compile(
    r"^(file photo|photos?|fotos?|image|picture|caption|credit|photo credit|bild|"
    r"źródło zdjęcia( głównego)?)\s*:\s*\S",
    flags=re.IGNORECASE,
)
# A credit line with no label's colon: "Illustration by Mike Nudelman", "Courtesy G4".
CREDIT_LINE = re.compile(
    rf"^(?:(?:{IMAGE_WORK})\s+(?:by|courtesy of)|courtesy(?: of)?)\s+[^.,;!?]{{1,40}}\.?$",
    flags=re.IGNORECASE,
)
# A photo's source closing a caption in the Chinese-language press: "（資料照）" (file
# photo), "（記者王小明攝）" (photo by the reporter), "（圖／取自臉書）", "（翻攝自…）".
CJK_PHOTO_CREDIT = re.compile(
    r"[（(][^（）()]*(?:資料照|资料图|攝|摄|圖／|圖/|图／|图/|翻攝|取自|截圖|截图|示意圖|示意图|"
    r"圖片來源|图片来源|照片來源)[^（）()]*[）)]\s*$"
)
# A Chinese-language story's dateline: reporter, place, "report" ("〔記者巫其倫／台北報導〕").
CJK_DATELINE = re.compile(
    r"^\s*[〔【\[(（]\s*(?:記者|记者)\s*(?P<reporter>[^\s／/〕】\])）、，,]{2,4})\s*[／/]"
    r"\s*[^\s〕】\])）]{1,8}(?:報導|报道|電|电)\s*[〕】\])）]"
)
# The heading of a block of links to other stories that trafilatura keeps at the end, in
# the languages of news sites: English ("Editors' Recommendations:"); German ("Verwandte
# Themen auf unserem Blog:", "Das Thema könnte dich auch interessieren:", "Auch auf
# gofeminin.de"); French, Spanish, Portuguese, Italian, Dutch; and the heading over the
# tag links, in the words tag pages and tag blocks are named with (TAG_NAMES: "Tags",
# "Schlagwörter", "Temas").
RELATED_HEADING = re.compile(
    r"^(related( information| stories| articles| posts| content| links| coverage| news)?|"
    r"further reading|more news|more stories|more coverage|more from [\w .]+|"
    r"other( [\w-]+){0,3} (columns|stories|articles|posts|news)|"
    r"more [\w-]+( [\w-]+){0,3} coverage|recommended( for you| stories)?|"
    rf"see also|also read|read also|{OTHER_STORIES}|"
    r"latest( news| stories| headlines)?|"
    rf"{TAG_NAMES}|"
    r"(editors?['’]s? )?recommendations|(also|more) on [\w.-]+|(auch|mehr) auf [\w.-]+|"
    r"(verwandte|ähnliche) (themen|artikel|beiträge)( [\w ]{1,30})?|mehr zum thema( [\w-]+)?|"
    r"(das|dies)( thema)? könnte (dich|sie|euch) auch interessieren|auch interessant|"
    r"weitere (artikel|beiträge|nachrichten|meldungen)( [\w ]{1,30})?|"
    r"empfehlungen( von [\w.-]+)?|lesen sie auch|"
    r"(à )?lire aussi|sur le même sujet|articles? (similaires|liés|connexes)|"
    r"vous aimerez aussi|(también )?(te|le) puede interesar|noticias relacionadas|"
    r"(notícias|matérias) relacionadas|veja também|leia também|"
    r"articoli correlati|leggi anche|(ti )?potrebbe interessarti|"
    r"gerelateerde artikelen|lees ook)\s*:?$",
    flags=re.IGNORECASE,
)
LINK_SHARE = 0.6
"""A paragraph that starts with a link's text, the link being this share of its words
or more, is that link ("Title (Forbes)")."""
# Where a page writes an image's caption or credit: a <figcaption>, an element whose class
# names a caption ("image-caption", "imageCaption", "img_cptn"), a credit in a <figure>,
# and the image's own alt and title text, which many CMSs fill with the caption.
CAPTION_TEXTS = etree.XPath(
    "//figcaption | //*/@class[contains(., 'caption') or contains(., 'Caption')"
    " or contains(., 'cptn') or ((contains(., 'video') or contains(., 'mage') or contains(., 'hoto'))"
    " and (contains(., 'desc') or contains(., 'Desc')))]/parent::*"
    " | //figure//*/@class[contains(., 'credit')]/parent::* | //img/@alt | //img/@title",
    smart_strings=False,
)
"""Captions and credits: ``<figcaption>``, a class naming a caption or a video's, image's or
photo's description (usatoday.com's ``p.video-desc`` over its story, faz.net's
``p.atc-ImageDescriptionInner``), a credit in a ``<figure>``, an image's ``alt`` and
``title``."""
# Labels a page writes for no reader of the story: a photo's credit ("Courtesy G4" in
# span.photoCredit), text for screen readers only ("Main Content", "Share this news"), a
# CMS field's name ("Episode Description:", Drupal's div.field-label), the byline (a
# wire's name, "CNN", in div#pnlByline).
SCREEN_READER_CLASS = (
    "contains(., 'invisible') or contains(., 'sr-only') or contains(., 'screen-reader')"
    " or contains(., 'isually') or contains(., 'hide-text')"
)
"""A test of a class attribute naming text for screen readers only ("element-invisible",
"sr-only", "screen-reader-text", "visually-hidden", "hide-text")."""
LABEL_TEXTS = etree.XPath(
    f"//*/@class[contains(., 'redit') or {SCREEN_READER_CLASS}"
    " or contains(., 'field-label') or contains(., 'yline') or contains(., 'kicker')"
    " or contains(., 'antetitulo') or contains(., 'pretitle') or contains(., 'supertitle')]"
    "/parent::*"
    " | //*/@id[contains(., 'yline')]/parent::*"
)
LABEL_WORDS = 6
"""Words of a label, at most ("Photo: Jane Doe / Getty Images")."""
LABEL_CLASS = re.compile(
    r"(?:^|[\s_-])(?:photo-?|image-?|img-?)?credits?(?:$|[\s_-])|photoCredit|sr-only|"
    r"screen-reader-text|visually-?hidden|hide-text|element-invisible|field-label|byline|"
    r"kicker|antetitulo|pre-?title|super-?title",
    flags=re.IGNORECASE,
)
# A WordPress post's <article> inside another's: a related or "more stories" block the
# theme prints within the post, each of its posts an article of its own.
NESTED_POSTS = "article[id^='post-'] article[id^='post-']"
# Tests of a class or id attribute (the context node; ``parent::`` its element) for what
# to prune besides the widgets: merged into one walk of the class attributes and one of
# the ids, as trafilatura runs each XPath on the whole page (twenty walks had cost about
# 6 ms on a whole article-extraction page, two cost 2.4 ms).
NOT_THE_PAGE = "not(parent::body or parent::html)"
"""Not the <body> or <html>, whose classes may name the site's feature flags."""
# A recirculation module, the newsroom's word for a block of links to its other stories
# (time.com's "More Must-Reads From TIME" in div.inline-article-recirc); not the <body>
# (gizmodo.com's "f_native_recirc_…_on").
RECIRCULATION = f"contains(., 'recirc') and {NOT_THE_PAGE}"
# Teasers of the next posts after the story (boingboing.net's div#next-post-thumbnails,
# each div.nextstory a headline, an image and the post's first paragraph).
NEXT_POSTS = (
    f"contains(., 'next') and (contains(., 'post') or contains(., 'story')) and {NOT_THE_PAGE}"
)
# A "read also" box, a link to another story set in the story's text (mondediplo.net's
# q.lire_aussi before its first paragraph: "Lire aussi Martine Bulard & Sung Il-kwon, « En
# Corée… », Le Monde diplomatique, juin 2018.").
READ_ALSO_BOX = (
    "((contains(., 'aussi') and contains(., 'lire')) or (contains(., 'also') and contains(., 'read')))"
    f" and {NOT_THE_PAGE}"
)
# A comment form's container, with the house rules for comments written beside the form
# (ultimahora.es's div#sf_comment_form_container_…: "Comentar", its legal notice).
COMMENT_FORM = (
    "contains(., 'omment') and (contains(., 'comment_form') or contains(., 'comment-form')"
    " or contains(., 'commentform'))"
)
# A notice about the site, not the story: a cookie banner (oberstdorfresort.de's
# div#cookie_overlay, "Durch die weitere Nutzung der Webseite stimmen Sie … Cookies zu"),
# a message to browsers without scripts (rosneft.com's div#noscript, "Please activate
# JavaScript…"), Joomla's stand-in for an e-mail address it writes with a script
# (span#cloak…: "Diese E-Mail-Adresse ist gegen Spambots geschützt!"). By id, or by a class
# that is no WordPress term's (a post tagged "cookies" has the class "tag-cookies"); not
# the <body>, and not a block as long as a story.
NOTICE_CHARS = 1500
_SHORT_BLOCK = f"{NOT_THE_PAGE} and string-length(normalize-space(..)) < {NOTICE_CHARS}"
SITE_NOTICE_ID = (
    "(contains(., 'ookie') or contains(., 'noscript') or starts-with(., 'cloak'))"
    f" and {_SHORT_BLOCK}"
)
SITE_NOTICE_CLASS = (
    "contains(., 'ookie') and not(contains(., 'tag-') or contains(., 'category-'))"
    f" and {_SHORT_BLOCK}"
)
IN_A_HEADING = "ancestor::*[self::h1 or self::h2 or self::h3 or self::h4 or self::h5 or self::h6]"
# A heading's permalink: an empty link (or a "#", "¶") to the heading's own anchor, which
# blogs and Markdown renderers set in each subheading (github.blog's a.heading-link).
# trafilatura's precision mode drops a short block whose every link is empty, taking
# the subheading with it.
HEADING_PERMALINK = (
    "descendant-or-self::*/@href[starts-with(., '#')]/parent::a"
    f"[string-length(normalize-space()) < 2][not(.//img)][{IN_A_HEADING}]"
)
# A date set inside a heading (nationalgeographic.co.uk's standfirst, an <h2> that ends
# with span.ngart-hl__date and no space before it: "…its recovery?Monday, 6 January 2020"):
# the record's date, not the heading's words.
DATE_IN_HEADING = f"contains(., 'date') and ../{IN_A_HEADING}"
# Text for screen readers only inside a paragraph or a link: Drupal's "(link is external)"
# after every outside link (span.element-invisible, creativecommons.at), WordPress's
# span.screen-reader-text. No reader of the page sees it.
SCREEN_READER_INLINE = f"({SCREEN_READER_CLASS}) and ../ancestor::*[self::p or self::a]"
_SIMPLE_SELECTOR = re.compile(r"(?P<tag>[a-z]+)?(?P<kind>[.#])(?P<name>[\w-]+)")


def attribute_tests(selectors: Iterable[str]) -> tuple[list[str], list[str]]:
    """The XPath tests of a class attribute and of an id (each the context node) that
    select the elements of simple CSS selectors (``.name``, ``#name``, ``tag.name``), to
    merge into one walk of each; a selector of another form is an error.

    >>> attribute_tests([".share", "#jp-related", "blockquote.tweet"])[1]
    [". = 'jp-related'"]
    >>> attribute_tests([".share"])[0]
    ["contains(., 'share') and contains(concat(' ', normalize-space(.), ' '), ' share ')"]
    >>> attribute_tests(["div .share"])
    Traceback (most recent call last):
    ValueError: not a simple selector: 'div .share'
    """
    by_class, by_id = [], []
    for selector in selectors:
        simple = _SIMPLE_SELECTOR.fullmatch(selector)
        if simple is None:
            raise ValueError(f"not a simple selector: {selector!r}")
        name, tag = simple["name"], simple["tag"]
        if simple["kind"] == "#":
            by_id.append(f". = '{name}'")
        else:
            token = f"contains(concat(' ', normalize-space(.), ' '), ' {name} ')"
            by_class.append(
                f"contains(., '{name}') and {token}" + (f" and parent::{tag}" if tag else "")
            )
    return by_class, by_id


# A page's sidebar by the ids themes give it: "#sidebar", and Drupal's columns
# (creativecommons.at's div#sidebar-second, whose teaser of another post trafilatura put
# before the story).
SIDEBARS = ("#sidebar", "#sidebar-first", "#sidebar-second")
_WIDGET_CLASSES, _WIDGET_IDS = attribute_tests([*WORDPRESS_WIDGETS, *SIDEBARS])


def _any_of(tests: Iterable[str]) -> str:
    return " or ".join(f"({test})" for test in tests)


# Embeds, widgets and sidebars trafilatura would otherwise keep as text, recirculation
# modules, next posts' teasers, "read also" boxes, comment forms, site notices, dates in
# headings and screen-reader text in paragraphs (one walk of the class attributes, one of
# the ids, each test opening with its rarest word: a page has thousands of classes), nested
# posts, the attribution line under a quote (not a paragraph of the story), heading
# permalinks.
_CLASS_TESTS = [
    *_WIDGET_CLASSES,
    RECIRCULATION,
    NEXT_POSTS,
    READ_ALSO_BOX,
    COMMENT_FORM,
    SITE_NOTICE_CLASS,
    DATE_IN_HEADING,
    SCREEN_READER_INLINE,
]
FORM_BOX_CHARS = 500
"""The most text a box around a form holds (a sign-up box holds 150-300 characters)."""
_ID_TESTS = [*_WIDGET_IDS, NEXT_POSTS, COMMENT_FORM, SITE_NOTICE_ID]
FORM_BOX = (
    "descendant-or-self::input[@type='email']/ancestor::*"
    "[self::form or self::div or self::section or self::aside]"
    f"[string-length(normalize-space()) < {FORM_BOX_CHARS}]"
)
"""A form that asks for an e-mail address and the short box around it: a newsletter's
sign-up ("Sign up for The Daily…", its promise and its terms) set in the story's column,
whose lines read as prose. Not a search, rating or comment form, which a short story's
container may hold too; nor the form an ASP.NET page wraps itself in."""
PRUNE_XPATHS = [
    f"descendant-or-self::*/@class[{_any_of(_CLASS_TESTS)}]/parent::*",
    f"descendant-or-self::*/@id[{_any_of(_ID_TESTS)}]/parent::*",
    "descendant-or-self::blockquote/descendant::cite",
    attributes_first(css2xpath(NESTED_POSTS)),
    HEADING_PERMALINK,
    FORM_BOX,
]
PRUNED = etree.XPath(" | ".join(PRUNE_XPATHS))
"""What trafilatura is told to prune, found in the page itself (for the text read beside
trafilatura's)."""
# A page nested deeper than trafilatura's parser goes (libxml2 without ``huge_tree``):
# what lies deeper, and every element after it, is not in trafilatura's tree. An old
# page's unclosed <font> in each paragraph nests each paragraph in the one before.
NESTED_BEYOND_TRAFILATURA = etree.XPath("boolean(/*" + "/*" * DEFAULT_PARSER_MAX_DEPTH + ")")
NUMERIC_REFERENCE = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));?")


def without_unreadable_references(text: str) -> str:
    """``text`` (a page's HTML) without its character references to what an XML tree may
    not hold (C0 controls but tab and line breaks, U+FFFE, U+FFFF, beyond U+10FFFF):
    libxml2 puts them in the text, and trafilatura, building its output tree, fails on
    the first and returns nothing: one ``&#1;`` in a story and the page had no body.
    Surrogates are left: libxml2 already reads them as U+FFFD.

    >>> without_unreadable_references("<p>a&#1;b &#x1F;c &#65535;d &#8217;e &#x41;</p>")
    '<p>ab c d &#8217;e &#x41;</p>'
    """
    if "&#" not in text:
        return text

    def kept(match: re.Match[str]) -> str:
        hex_digits, digits = match.groups()
        code = int(hex_digits, 16) if hex_digits else int(digits)
        readable = code in (0x9, 0xA, 0xD) or (
            0x20 <= code <= 0x10FFFF
            and code
            not in (
                0xFFFE,
                0xFFFF,
            )
        )
        return match.group(0) if readable or code == 0 else ""

    return NUMERIC_REFERENCE.sub(kept, text)


# What trafilatura's body extraction sets on its Document (comments off, no target
# language); every other field is the page's metadata, the same in every mode.
BODY_FIELDS = ("body", "raw_text", "text")
# trafilatura's output tree: text blocks, and the containers that hold them.
TEXT_BLOCKS = frozenset({"p", "head", "item", "quote", "cell", "code"})
CONTAINERS = frozenset({"list", "table", "row", "div", "body"})
NESTED_BLOCKS = (TEXT_BLOCKS | CONTAINERS) - {"code"}
"""What makes a text block a container of blocks: not a ``<code>``, which inside a
paragraph is a word of it (stackoverflow.blog's "the concept of <code>NULL</code>.")."""
STATIC_FILE = re.compile(
    r"\.(?:jpe?g|png|gif|webp|svg|css|js|pdf|zip|xml|txt|mp[34]|ico)$", re.IGNORECASE
)
LISTING_FIRST_SEGMENTS = frozenset(
    {"topics", "topic", "section", "sections", "archive", "archives"}
)
ARTICLE_ID_QUERY = re.compile(
    r"(?:idx(?:no)?|no|n?id|aid|art(?:icle)?_?id|news_?(?:id|no)|story_?id|content_?id"
    r"|doc_?id|post_?id|entry_?id|autono)=\d{1,12}",
    re.IGNORECASE,
)
"""The query of an article on a site of the PHP and ASP years: its one parameter, the
article's number (``news_view.html?idx=8576``, ``articleView.html?idxno=12345``,
``article.php?id=42``, ``articlepath.aspx?articleid=17``, ``storypage.php?autono=166607``).
A name for a page, a sort or a filter (``page=2``, ``cat=5``), or a second parameter, is
not one: those multiply without end on some sites."""
PAGE_QUERY = re.compile(
    rf"(?:{'|'.join(sorted(PAGE_PARAMETERS | {'paged', 'start', 'limitstart', 'offset'}))})"
    r"=\d{1,6}",
    re.IGNORECASE,
)
"""The query of a listing's later page, its one parameter: Drupal's and many a CMS's
``/news?page=2`` (:data:`~crawler.extraction.page_numbers.PAGE_PARAMETERS`: ``pg=``,
``seite=``, ``pagina=``...), WordPress's plain permalinks' ``/?paged=2``, Joomla's
``/news?start=10`` (the offset of the page's first story; ``limitstart`` in its older
URLs), a "Load more" link's ``?offset=20``. Followed as a listing, so
that the chain of its pages ends where they list nothing new (``crawler/spiders/traps.py``);
with another parameter (a filter, a sort), it is not followed: those multiply."""
PLAIN_PERMALINK = re.compile(r"p=\d{1,12}")
"""WordPress's plain permalink (``/?p=4179``), at the site's root only: ``?p=2`` after a
post's own path is its second page."""
WORD = re.compile(r"\w+")
PRECISION_KEEPS = 0.5
PROSE_WORDS = 15
LINES_PARAGRAPH_WORDS = 8
"""The fewest words of each paragraph a block's ``<br><br>`` split it in (:func:`block_lines`)."""
TEXT_ELEMENTS = ("p", "li", "h2", "h3", "h4", "h5", "h6", "td", "dd", "pre")
"""Elements that hold a paragraph of a body, as trafilatura reads them."""
EMBEDDED_POSTS = etree.XPath(
    "//blockquote[contains(concat(' ', normalize-space(@class), ' '), ' twitter-tweet ')]"
)
"""Tweets as the page embeds them, before Twitter's script replaces them (the text in
``<p>``, then "— Name (@handle) <a>date</a>")."""
NOT_TEXT = frozenset({"script", "style", "noscript", "template", "textarea", "title"})
"""Elements whose text no reader sees as text (a script's may hold the article's)."""
LEAD_PROBE_WORDS = 6
LEAD_PROBE_CHARS = 20
"""A paragraph's first words, as looked for in the page's text: enough to be its own."""
SENTENCE_END = re.compile(r"[.!?…\"”’»)。！？」』）]\s*$")
"""How a line of prose ends: Latin and CJK (full-width) sentence ends and closing quotes."""
MIN_WORDS = 40
"""A page with no article markup and fewer words than this is not an article."""
META_CAPTION_CHARS = 15
"""A caption the metadata gives an image, at least: a shorter one may be a heading's words."""
CAPTION_WORDS = 5
"""A caption shorter than this is not told from the story's headings and table cells."""
IMAGES_NAMED = etree.XPath("//img[@alt != '' or @title != '']")
_NAMED_AS_DATE = (
    "(contains(@class, 'date') or contains(@class, 'time') or contains(@class, 'published')"
    " or contains(@id, 'date') or contains(@id, 'time'))"
    " and not(contains(@class, 'updated') or contains(@class, 'modified')"
    " or contains(@id, 'updated') or contains(@id, 'modified') or self::i)"
)
"""An element whose class or id names it as a date, a time or the publication (hAtom's
``published``), but not as the last update's (an XPath predicate): "updated" holds "date",
and hAtom's ``span.updated`` under cleveland.com's headline is when the story was last
changed. Nor an ``<i>``, an icon: Font Awesome's close button, ``i.fa-times``, "times"
holding "time", under rnz.de's headline before its date."""
DATE_ELEMENT_AFTER = etree.XPath(f"following::*[{_NAMED_AS_DATE}][1]")
DATE_ELEMENTS_WITHIN = etree.XPath(f"descendant::*[{_NAMED_AS_DATE}]")
SHOWN_DATE_CHARS = 80
"""Characters of an element's text that shows a date, at most: a date line, not a story."""
HIDDEN_BLOCKS = etree.XPath("//@style[contains(., 'none')]/parent::* | //@hidden/parent::*")
"""Candidates for :func:`is_hidden`, found by their attributes: a walk of the attributes,
not a test of every element's."""
HIDDEN_CHARS = 300
"""Characters of a block a page hides, at most, for its text to be no story's: a tooltip's
(characters, not words: Chinese and Japanese put no space between words)."""


def is_chrome_line(text: str) -> bool:
    """Whether a paragraph is a theme's or a CMS's line, not the story's
    (:data:`CHROME_LINES`): a share or comment button, an ad label, a link to another
    story under a "read also" label in the site's language.

    >>> is_chrome_line("ALSO READ | Serena donates signed dress to bushfire appeal")
    True
    >>> is_chrome_line("Lire aussi : Solidarité. Don de masques"), is_chrome_line("Lue myös:")
    (True, True)
    >>> is_chrome_line("A lire aussi : Notre récit du discours de Martine Aubry")
    True
    >>> is_chrome_line("Commenter"), is_chrome_line("abschicken"), is_chrome_line("Submit your story.")
    (True, True, False)
    >>> is_chrome_line("FacebookTwitterLinkedinEMail"), is_chrome_line("Advertisements")
    (True, True)
    >>> is_chrome_line("Order Reprints"), is_chrome_line("An error has occurred, please try again later.")
    (True, True)
    >>> is_chrome_line("Main Content"), is_chrome_line("Skip to main content")
    (True, True)
    >>> is_chrome_line("Loading weather data ..."), is_chrome_line("Kommentare ("), is_chrome_line("Sponsored Ads")
    (True, True, True)
    >>> is_chrome_line("Tempo de leitura: 2 minutos"), is_chrome_line("5 min read"), is_chrome_line("You may also like...")
    (True, True, True)
    >>> is_chrome_line("DON'T MISS"), is_chrome_line("Most read in world news"), is_chrome_line("Most read books of 2019 were thrillers.")
    (True, True, False)
    >>> is_chrome_line("Twitter and Facebook removed the posts."), is_chrome_line("More died.")
    (False, False)
    """
    return CHROME_LINES.match(text) is not None


def is_date_line(text: str) -> bool:
    """Whether a paragraph is only a date with a year, perhaps a time and a label: a
    page's "Updated: Jan 23, 2020, 10.45 AM IST" line, not a sentence of the story.

    >>> is_date_line("Updated: Jan 23, 2020, 10.45 AM IST"), is_date_line("15.12.2020 – 14:49")
    (True, True)
    >>> is_date_line("January 18, 2020"), is_date_line("2020-04-01 10:29")
    (True, True)
    >>> is_date_line("mercredi 11 septembre 2019"), is_date_line("11 de septiembre de 2019")
    (True, True)
    >>> is_date_line("Le président a parlé le 11 septembre 2019")
    False
    >>> is_date_line("16:20"), is_date_line("Palm Bay 18 22 13 17 — 70")
    (False, False)
    >>> is_date_line("On January 18, 2020 protesters gathered."), is_date_line("The 2020 race")
    (False, False)

    A short line with a clock time and a year is a time stamp too, whatever stands beside
    them (a source, a byline, "às", "입력"), unless it ends as a sentence does:

    >>> is_date_line("News24 13 Jan 2020, 22:11 GMT+10"), is_date_line("입력 2020.08.27 20:27")
    (True, True)
    >>> is_date_line("At 10:30 on 5 May 2020, he spoke.")
    False

    So is a short line of parts set apart by bars or dots, one of them a date: the
    byline, place and date of ultimahora.es's stamp.

    >>> is_date_line("Patricio Candia | Palma de Mallorca | 08/01/2014")
    True
    >>> is_date_line("Scores | 2019 season | 2020 season")
    False
    """
    if YEAR.search(text) is None:
        return False
    if DATE_LINE.match(text) is not None:
        return True
    if len(text.split()) > STAMP_WORDS:
        return False
    parts = STAMP_SEPARATOR.split(text)
    if len(parts) > 1 and any(DATE_LINE.match(part.strip()) for part in parts):
        return True
    return CLOCK.search(text) is not None and text.rstrip()[-1:] not in (".", "!", "?")


def after_headline(
    blocks: list[str], headline: str | None, is_link: Callable[[str], bool]
) -> list[str]:
    """The blocks without those before the story's own headline that are links or
    short lines, where the extracted text holds the headline after other blocks: those
    are the page's (a sidebar's teasers, macrumors.com's "16\" MacBook Pro Now
    Available"). Prose before it stays: some pages put the story's first paragraph first
    (cnn.com's "(CNN)President Donald Trump, …").

    >>> blocks = ["Night mode is a setting.", "Now Available", "The Headline", "Story."]
    >>> after_headline(blocks, "The headline", lambda text: text.startswith("Night"))
    ['Story.']
    >>> lead = "(CNN) " + "A lead paragraph of the story, long enough to be prose. " * 2
    >>> after_headline([lead, "The Headline", "Story."], "The headline", lambda text: False)
    ['(CNN) A lead paragraph of the story, long enough to be prose. A lead paragraph of the story, long enough to be prose. ', 'Story.']
    """
    key = text_key(headline or "")
    for index, block in enumerate(blocks):
        if key and text_key(block) == key:
            before = [
                text
                for text in blocks[:index]
                if prose_words(text) >= PROSE_WORDS and not is_link(text)
            ]
            return [*before, *blocks[index + 1 :]]
    return blocks


def structured_paragraphs(text: str) -> list[str]:
    """The paragraphs of an article's text as its JSON-LD gives it (``articleBody``): its
    lines, as some sites keep them, or its HTML's blocks, as others write it, without
    tags; a text with no break is one paragraph.

    >>> structured_paragraphs("First line.\\n\\nSecond &amp; last.")
    ['First line.', 'Second & last.']
    >>> structured_paragraphs("<p>One.</p><p>Two <b>bold</b>.<br>Three.</p>")
    ['One.', 'Two bold.', 'Three.']
    """
    lines = (decode_entities(TAG.sub("", line)) for line in ARTICLE_BODY_BREAK.split(text))
    return [line for line in map(normalize_text, lines) if line]


def text_lines(
    container: etree._Element,
    stop: etree._Element | None = None,
    skip: Collection[etree._Element] = (),
) -> list[str]:
    """The lines of text that ``container`` holds itself, before its child ``stop``: its
    own text and its inline elements' (:data:`INLINE_TAGS`) but those in ``skip``, a line
    ending at a ``<br>`` or another element. What a child block holds is the child's, not
    a line here.

    >>> from lxml import html
    >>> div = html.fromstring(
    ...     "<div>A <em>lead</em> line.<br><br><img src=x><center>Caption</center> Next."
    ...     "<div><p>Widget</p></div>Tail text.<q>Read also</q><p>Kept</p>After.</div>"
    ... )
    >>> text_lines(div, div.find("p"), skip={div.find("q")})
    ['A lead line.', 'Next.', 'Tail text.']
    """
    lines: list[str] = []
    pieces = [container.text or ""]
    for child in container:
        if child is stop:
            break
        if child in skip:
            pass
        elif child.tag in INLINE_TAGS:
            pieces.append("".join(child.itertext()))
        elif isinstance(child.tag, str):  # a comment's text is no one's
            lines.append("".join(pieces))
            pieces = []
        pieces.append(child.tail or "")
    lines.append("".join(pieces))
    return [line for line in map(normalize_text, lines) if line]


def without_leading_dates(paragraphs: list[str]) -> list[str]:
    """``paragraphs`` less the date lines (:func:`is_date_line`) among the first
    ``HEAD_PARAGRAPHS``: the article's head (date, source, caption) that trafilatura keeps
    with the text. Further down, a date line is a table's or a timeline's.

    >>> without_leading_dates(["Jan 2, 2020", "Story.", "More.", "End.", "3 March 2020"])
    ['Story.', 'More.', 'End.', '3 March 2020']
    """
    head = [text for text in paragraphs[:HEAD_PARAGRAPHS] if not is_date_line(text)]
    return head + paragraphs[HEAD_PARAGRAPHS:]


EDIT_LINK = re.compile(
    r"\s*\[(?:edit|edit source|bearbeiten(?: \| quelltext bearbeiten)?|"
    r"modifier(?: \| modifier le code)?|editar(?: \| editar código-fonte)?|"
    r"modifica(?: \| modifica wikitesto)?)\]$",
    flags=re.IGNORECASE,
)
"""A wiki's link to edit a section, after its heading: MediaWiki's "[edit]", in the
languages of its largest wikis."""


def without_edit_link(text: str) -> str:
    """A line without the wiki edit link after it (:data:`EDIT_LINK`).

    >>> without_edit_link("Plot[edit]"), without_edit_link("Handlung[Bearbeiten | Quelltext bearbeiten]")
    ('Plot', 'Handlung')
    >>> without_edit_link("Edit [edit] this")
    'Edit [edit] this'
    """
    return EDIT_LINK.sub("", text) or text


def without_closing_heading(paragraphs: list[str]) -> list[str]:
    """``paragraphs`` less the short lines (:data:`LABEL_WORDS`) at their end that announce
    what follows them, ending with ":", where nothing does: the heading of a list of links
    or photos that is not the story ("Weiterführende Links:", changelog.blog; "See more
    photos:"; "Empfehlungen von Matthias:", mixed.de). Never the only line.

    >>> without_closing_heading(["The story.", "Its end.", "Links:", "See more photos:"])
    ['The story.', 'Its end.']
    >>> without_closing_heading(["He said:"]), without_closing_heading(["Story.", "He said: yes"])
    (['He said:'], ['Story.', 'He said: yes'])
    """
    end = len(paragraphs)
    while end > 1 and paragraphs[end - 1].endswith(":"):
        if len(paragraphs[end - 1].split()) > LABEL_WORDS:
            break
        end -= 1
    return paragraphs[:end]


def without_related_links(
    paragraphs: list[str],
    is_link: Callable[[str], bool],
    holds_link: Callable[[str], bool] = lambda text: False,
) -> list[str]:
    """``paragraphs`` less a block of other stories at their end: a heading
    (:data:`RELATED_HEADING`: "Further Reading", "RELATED INFORMATION", "More News")
    after the story, followed by nothing but links (``is_link``), or by teasers
    (:func:`are_teasers`).

    >>> story = ["The story.", "Its end."]
    >>> links = {"Other story", "Another one"}.__contains__
    >>> without_related_links([*story, "Further Reading", "Other story", "Another one"], links)
    ['The story.', 'Its end.']
    >>> without_related_links([*story, "Related", "Other story", "A paragraph."], links)
    ['The story.', 'Its end.', 'Related', 'Other story', 'A paragraph.']
    """
    for index, text in enumerate(paragraphs[1:], start=1):
        rest = paragraphs[index + 1 :]
        if RELATED_HEADING.match(text) and (
            all(map(is_link, rest)) or are_teasers(rest, holds_link)
        ):
            return paragraphs[:index]
    return paragraphs


def are_teasers(lines: list[str], holds_link: Callable[[str], bool]) -> bool:
    """Whether lines are two teasers of other stories or more: each a line that holds a
    link to the story (its kicker and headline: "Editorial Fraser's lasting legacy"), and
    perhaps lines of its first words after it (heraldsun.com.au's "Other Opinion
    Columns"). One link and a paragraph may be the story's own.

    >>> headlines = {"Fraser's legacy", "Wave of stupidity"}
    >>> def holds(line): return any(h in line for h in headlines)
    >>> are_teasers(["Editorial Fraser's legacy", "MALCOLM Fraser was…", "Wave of stupidity", "HOW is it…"], holds)
    True
    >>> are_teasers(["Wave of stupidity", "A paragraph."], holds), are_teasers(["A line.", "Wave of stupidity"], holds)
    (False, False)
    """
    linked = list(map(holds_link, lines))
    return (
        sum(linked) >= 2 and linked[0] and all(this or before for before, this in pairwise(linked))
    )


MENU_LINKS = 4
"""Short link lines in a row, at least, that make a menu."""


def without_closing_menu(paragraphs: list[str], is_link: Callable[[str], bool]) -> list[str]:
    """``paragraphs`` cut where a menu starts after most of their words:
    :data:`MENU_LINKS` or more lines in a row that are each a short link (:data:`LABEL_WORDS`
    words at most, and a letter: a table's figures may be the texts of some links), the
    site's footer that a page laid out in tables gives its story (business-standard.com's
    "About us", "Authors", "Partner with us", "Jobs@BS"…, then its copyright and
    disclaimers). A list of links the story makes is a sentence or more each.

    >>> links = {"About us", "Authors", "Jobs", "Contact us", "2"}.__contains__
    >>> story = ["The story, long enough to hold most of the words.", "Its end."]
    >>> without_closing_menu([*story, "About us", "Authors", "Jobs", "Contact us", "© BS"], links)
    ['The story, long enough to hold most of the words.', 'Its end.']
    >>> without_closing_menu(["About us", "Authors", "Jobs", "Contact us", *story], links)[:2]
    ['About us', 'Authors']
    >>> without_closing_menu([*story, "2", "2", "2", "2"], links)[-1]
    '2'
    """
    # Whether each line is short and has a letter; whether it is a link, asked only of
    # such lines, where a menu may start (a link is looked up among all the page's).
    short = [
        len(text.split()) <= LABEL_WORDS and any(map(str.isalpha, text)) for text in paragraphs
    ]
    words = [prose_words(text) for text in paragraphs]
    half = sum(words) / 2
    before = 0
    for start in range(len(paragraphs) - MENU_LINKS + 1):
        window = range(start, start + MENU_LINKS)
        if (
            before >= half
            and all(short[i] for i in window)
            and all(is_link(paragraphs[i]) for i in window)
        ):
            return paragraphs[:start]
        before += words[start]
    return paragraphs


def links_run_together(key: str, link_keys: list[str]) -> list[str]:
    """The links whose texts (:func:`text_key`, as ``link_keys``), one after the other,
    make up a paragraph's words (``key``), the longest first; none where some words are
    no link's.

    >>> links = ["20 kilo abnehmen", "warum nehme ich nicht ab", "warum"]
    >>> links_run_together("warum nehme ich nicht ab 20 kilo abnehmen", links)
    ['warum nehme ich nicht ab', '20 kilo abnehmen']
    >>> links_run_together("warum nehme ich nicht ab heute", links)
    []
    """
    found, rest = [], key
    while rest:
        link = max(
            (link for link in link_keys if rest == link or rest.startswith(f"{link} ")),
            key=len,
            default=None,
        )
        if link is None:
            return []
        found.append(link)
        rest = rest[len(link) :].lstrip()
    return found


def opening(paragraph: str) -> str:
    """A paragraph's first words (:data:`LEAD_PROBE_WORDS`), as looked for in the page.

    >>> opening("SAN FRANCISCO (AP) — Steve Jobs, the mind behind the iPhone")
    'SAN FRANCISCO (AP) — Steve Jobs,'
    """
    return " ".join(paragraph.split()[:LEAD_PROBE_WORDS])


def holds(text: str | None, words: str) -> bool:
    """Whether a piece of the page's text holds ``words``, however the page spaces them.

    >>> holds("  SAN  FRANCISCO   (AP)", "SAN FRANCISCO (AP)"), holds(None, "A")
    (True, False)
    """
    return words in " ".join((text or "").split())


def text_before(element: etree._Element) -> str:
    """The text right before an element: its previous sibling's tail, else its parent's
    own text.

    >>> from lxml import html
    >>> p = html.fromstring("<p>By <a>Jane Doe</a> and <a>John Roe</a></p>")
    >>> [text_before(link) for link in p.iter("a")]
    ['By ', ' and ']
    """
    previous = element.getprevious()
    if previous is not None:
        return previous.tail or ""
    parent = element.getparent()
    return (parent.text or "") if parent is not None else ""


def reporters_in_dateline(paragraphs: list[str]) -> list[str]:
    """The reporters a Chinese-language story's dateline names at its start:
    "〔記者巫其倫／台北報導〕" (reporter Wu Chi-lun, Taipei), "【记者 张三/北京报道】".

    >>> reporters_in_dateline(["〔記者巫其倫／台北報導〕財政部今天下午將公佈中獎清冊。"])
    ['巫其倫']
    >>> reporters_in_dateline(["記者會上，他說了這些話。"]), reporters_in_dateline([])
    ([], [])
    """
    match = CJK_DATELINE.match(paragraphs[0]) if paragraphs else None
    return [match["reporter"]] if match else []


SIGN_OFF_LINES = 5
"""The story's last paragraphs where a sign-off may stand (before a copyright line or a
photo credit)."""


def reporters_signing_off(paragraphs: list[str]) -> list[str]:
    """The reporter a Korean story names in a line of its own, at its start or among its
    last :data:`SIGN_OFF_LINES` paragraphs (:func:`korean_reporter`): "이용민 기자"
    (reporter Lee Yong-min), "칼럼니스트 박생강 pillgoo9@gmail.com".

    >>> reporters_signing_off(["코로나19 극복을 위한 특별모금이 이어지고 있다.", "이용민 기자",
    ...     "<저작권자ⓒ대전일보사. 무단전재-재배포 금지>"])
    ['이용민']
    >>> reporters_signing_off(["기자회견이 열렸다."]), reporters_signing_off([])
    ([], [])
    """
    lines = dict.fromkeys([*paragraphs[:1], *paragraphs[-SIGN_OFF_LINES:]])
    return [name for line in lines if (name := korean_reporter(line))][:1]


def is_caption_line(text: str) -> bool:
    """Whether a paragraph is a caption or a credit, under its label (:data:`CAPTION_LINE`)
    or as a credit line (:data:`CREDIT_LINE`), which trafilatura keeps when the page does
    not put it in a ``<figure>``.

    >>> is_caption_line("FILE PHOTO: French President Emmanuel Macron delivers his wishes")
    True
    >>> is_caption_line("Foto: Agencije"), is_caption_line("Photo by the author, who left.")
    (True, False)
    >>> is_caption_line("Illustration by Mike Nudelman"), is_caption_line("Courtesy G4")
    (True, True)
    >>> is_caption_line("Courtesy of the family, the letters were read aloud at the wake.")
    False

    The Chinese-language press closes a caption with its photo's source in parentheses
    (:data:`CJK_PHOTO_CREDIT`):

    >>> is_caption_line("財政部今天下午將公佈統一發票中獎清冊。（資料照）")
    True
    >>> is_caption_line("警方表示（記者陳XX攝）"), is_caption_line("他說（取自臉書）：「好」。")
    (True, False)
    """
    return (
        CAPTION_LINE.match(text) is not None
        or CREDIT_LINE.match(text) is not None
        or CJK_PHOTO_CREDIT.search(text) is not None
    )


def has_words(text: str) -> bool:
    """Whether a paragraph holds a word or a number: one that holds none is a separator
    ("- - -", "• • •") or what is left of a row of links or buttons ("|").

    >>> has_words("|"), has_words("• • •"), has_words("-->"), has_words("3"), has_words("Ja.")
    (False, False, False, True, True)
    """
    return WORD.search(text) is not None


def is_followed_by(name: str, pattern: re.Pattern[str], markup: str) -> bool:
    """Whether ``markup`` has what ``pattern`` matches right after ``name``, with only tags
    between: a cheap test, before a search of the page's bylines. :data:`WIRE_AFTER_NAMES`
    finds a wire service there, :data:`NAME_AFTER_NAME` another name (a comma or "and",
    then two capitalized words).

    >>> markup = "<p>By <span>Tom Davies</span> <span>Associated Press</span>, Jo Roe</p>"
    >>> is_followed_by("Tom Davies", WIRE_AFTER_NAMES, markup)
    True
    >>> is_followed_by("Tom Davies", WIRE_AFTER_NAMES, "Tom Davies, Photo: Reuters")
    False
    >>> is_followed_by("Stefan Becket", NAME_AFTER_NAME, "By Stefan Becket, Kathryn Watson")
    True
    >>> is_followed_by("Stefan Becket", NAME_AFTER_NAME, "Stefan Becket</a> said, in a note")
    False
    """
    start = 0
    while (at := markup.find(name, start)) >= 0:
        start = at + len(name)
        if pattern.match(TAG.sub(" ", markup[start : start + BYLINE_CHARS])):
            return True
    return False


TEASER_LINK_WORDS = 4
"""Words of a link's text, at least, for it to be another story's headline."""
TEASER_CHARS = 400
"""Characters of a block's text, at most, for it to be a teaser (a headline, its date, a
line of summary): more is a story, whose own links may be long."""
TEASER_LEVELS = 4
"""Levels above a date element where a teaser's headline link is looked for."""
_HEADING = "self::h2 or self::h3 or self::h4 or self::h5 or self::h6"
STORY_LINKS = etree.XPath(
    f"descendant::a[parent::li or ancestor::*[{_HEADING}] or descendant::*[{_HEADING}]]"
    "[@href and not(starts-with(@href, '#') or starts-with(@href, 'javascript:'))]"
    "[not(contains(@rel, 'author') or contains(@rel, 'tag') or contains(@rel, 'category'))]"
)
"""Links that may be a story's headline: a list's item, or in a heading or around one; a
link to a page, not an author's, a tag's or a category's (``rel``)."""
COMMENTS = etree.XPath(
    "ancestor::*[contains(@itemtype, 'Comment') or contains(@class, 'comment')"
    " or contains(@id, 'comment')][not(self::body or self::html)]"
)
"""A reader comment around an element (not the <body>, whose classes may say whether
comments are open)."""


def in_another_story(element: etree._Element, headline: etree._Element | None) -> bool:
    """Whether a date or byline element belongs to another text than the page's story:

    - a post the page embeds (an Instagram post's ``<time>`` in a ``<blockquote>``,
      horizont.net);
    - a reader's comment (an ancestor whose ``itemtype``, class or id names a comment:
      wday.ru's "11:15 05.10.18" by "Гость", a guest, its first date after the headline);
    - a teaser of another story: the smallest block around the date that holds a story's
      link (:data:`STORY_LINKS`) of :data:`TEASER_LINK_WORDS` or more, not to an author's
      page, is short (:data:`TEASER_CHARS`) and does not hold the page's headline. A
      sidebar's "<li><a>Guinée : Une douanière…</a> <span class=post-date>09/09/2019"
      (wara-enforcement.org), a blog's other posts with their ``<time>`` before the story
      (blogs.mediapart.fr), related posts' "<h4><a>…</a></h4> <a class=post-meta-time>"
      (ldt.de).

    >>> from lxml import html
    >>> page = html.fromstring(
    ...     "<div><h1>Our story</h1><p class=date>3 May 2019</p><p>Text…</p><ul><li>"
    ...     "<a href=/b/>Another story from last week</a><span class=date>1 May</span></li>"
    ...     "</ul><blockquote><time datetime=2018-01-02>Jan 2</time></blockquote>"
    ...     "<ol class=comment-list><li><em class=date>4 May</em> Nice!</li></ol></div>")
    >>> [in_another_story(e, page.find("h1")) for e in page.iter("p", "span", "time", "em")]
    [False, False, True, True, True]
    >>> byline = html.fromstring(
    ...     "<div><span class=date>3 May</span> <a href='javascript:print()'>Print this "
    ...     "article now</a><ul><li><a href=/author/jo/>Jo de la Cruz Smith</a></li></ul></div>")
    >>> in_another_story(byline.find("span"), None)
    False
    """
    if COMMENTS(element) or any(a.tag == "blockquote" for a in element.iterancestors()):
        return True
    around_headline = set(headline.iterancestors()) if headline is not None else set()
    for level, block in enumerate(element.iterancestors()):
        if level == TEASER_LEVELS or block in around_headline:
            return False
        if any(
            word_count(paragraph_text(link)) >= TEASER_LINK_WORDS
            and not AUTHOR_PAGE.search(link.get("href", ""))
            for link in STORY_LINKS(block)
        ):
            return len(paragraph_text(block)) <= TEASER_CHARS
    return False


def is_hidden(element: etree._Element) -> bool:
    """Whether an element hides itself: a ``hidden`` attribute or an inline ``display:
    none`` (a stylesheet's rules are not read)."""
    style = (element.get("style") or "").replace(" ", "").lower()
    return element.get("hidden") is not None or "display:none" in style


def without_affiliation(name: str, site_names: tuple[str, ...]) -> str:
    """A name without the publication it writes for, when that is the site itself
    ("Amitai Winehouse For Mailonline", "Wilmer Leon. Sputnik International").

    >>> without_affiliation("Amitai Winehouse For Mailonline", ("MailOnline",))
    'Amitai Winehouse'
    >>> without_affiliation("Wilmer Leon. Sputnik International", ("Sputnik International",))
    'Wilmer Leon'
    >>> without_affiliation("Center for Strategic Studies", ("MailOnline",))
    'Center for Strategic Studies'
    """
    for separator in (" for ", " For ", ". "):
        person, found, publication = name.rpartition(separator)
        if found and person.strip() and is_site_byline(publication, site_names):
            return person.strip()
    return name


# Pieces of a web address or an image file's name, as trafilatura leaves them in an author
# it read from markup that names no one ("Sputnik https", "Logo Png", "CNN com").
WEB_RESOURCE_WORD = re.compile(r"\b(?:(?i:https?|www|png|jpe?g|gif|svg|webp)|com|net|org)\b")


# A share or print button's word, in the languages of the press we meet.
SHARE_LABEL_WORD = re.compile(
    r"\b(?:share|print|recommend|empfehlen|teilen|drucken|partager|imprimer|compartir|"
    r"imprimir|condividi|stampa)\b",
    flags=re.IGNORECASE,
)


# A word of the site's interface or of the software that made the page, which names no one:
# an account menu's placeholder ("Username", washingtonpost.com's header), a generator's
# version ("rfcmarkup version 1.111" in an IETF draft's ``<meta name=creator>``).
INTERFACE_WORD = re.compile(
    r"\b(?:user ?name|log ?in|log ?out|sign ?in|sign ?out|my account|version)\b",
    flags=re.IGNORECASE,
)


# "The" and one word, where trafilatura took a sentence's first words for a name.
SENTENCE_START = re.compile(r"(?:^|;\s*)The \w+\s*(?:;|$)")


MENU_NAME = re.compile(r"menu|nav", flags=re.IGNORECASE)


def class_and_id(element: etree._Element) -> str:
    """An element's class and id, to search as one.

    >>> from lxml.html import fragment_fromstring as tag
    >>> class_and_id(tag("<div class='post-tags' id='tags'></div>")), class_and_id(tag("<p></p>"))
    ('post-tags tags', ' ')
    """
    return f"{element.get('class') or ''} {element.get('id') or ''}"


def is_menu(element: etree._Element) -> bool:
    """Whether an element is the page's navigation, header or footer, or a menu. Not
    the ``<header>`` of an ``<article>`` (HTML's own header of the story: its kicker,
    headline and byline), nor the ``<body>`` whatever its class ("nav-no-loaded").

    >>> from lxml import html
    >>> page = html.document_fromstring("<body class='nav-closed'><header id='top'><a>Home</a>"
    ...     "</header><article><header><a>Syria</a><h1>Story</h1></header></article></body>")
    >>> [is_menu(link.getparent()) for link in page.iter("a")], is_menu(page.body)
    ([True, False], False)
    """
    if element.tag in ("body", "html"):
        return False
    if element.tag == "header":
        return next(element.iterancestors("article"), None) is None
    return element.tag in ("nav", "footer") or bool(MENU_NAME.search(class_and_id(element)))


def own_post_names(links: list[etree._Element]) -> list[str]:
    """The names the byline links give (their own text), but for those in a sidebar's
    widget (class ``widget``), which lists other posts, each with its byline (erp-news.info's
    "Sponsored Posts" widget, every entry by "Sponsored Post").

    >>> from lxml import html
    >>> page = html.fromstring("<div><span class='byline'><a>Matthias Weber</a></span>"
    ...     "<aside class='widget'><span class='byline'><a>Sponsored Post</a></span></aside></div>")
    >>> own_post_names(page.xpath("//a"))
    ['Matthias Weber']
    """
    return [
        text
        for link in links
        if not any("widget" in (a.get("class") or "").split() for a in link.iterancestors())
        for text in link.xpath("text()")
    ]


def link_before(container: etree._Element, target: etree._Element) -> etree._Element | None:
    """The last link in ``container`` before ``target`` in document order, not one
    around it."""
    around = set(target.iterancestors())
    last = None
    for element in container.iter():
        if element is target:
            return last
        if element.tag == "a" and element.get("href") and element not in around:
            last = element
    return None


def is_above(target: SplitResult, page: SplitResult) -> bool:
    """Whether an address is a page above another on its site: its home, a section's or
    a blog's front page.

    >>> is_above(urlsplit("https://x.jp/blog"), urlsplit("https://x.jp/blog/e/52743"))
    True
    >>> is_above(urlsplit("https://x.jp/blog/e/52743"), urlsplit("https://x.jp/blog/e/52743/"))
    False
    """
    return target.netloc == page.netloc and page.path.rstrip("/").startswith(
        target.path.rstrip("/") + "/"
    )


def is_misread_byline(byline: str) -> bool:
    """Whether an author string holds pieces of a web address or a file name, or a
    sentence's first words: it was read from markup or text that names no one (script and
    image addresses, "The Russian defense ministry said"), so none of its names is.

    >>> is_misread_byline("Sputnik https; Cdnarabic; I; Logo Png"), is_misread_byline("CNN com")
    (True, True)
    >>> is_misread_byline("The Russian; Syrian defense ministries")
    True
    >>> is_misread_byline("Kate Sullivan; Ana Compton"), is_misread_byline("")
    (False, False)
    >>> is_misread_byline("The Associated Press")
    False

    Or a share button's label (sonntag-sachsen.de's initials "so" beside "Artikel
    empfehlen:", read as one name):

    >>> is_misread_byline("So Artikel Empfehlen"), is_misread_byline("Sharon Printz")
    (True, False)

    Or a word of the site's interface or software (:data:`INTERFACE_WORD`):

    >>> is_misread_byline("Username"), is_misread_byline("Rfcmarkup Version; Kooman; F")
    (True, True)
    """
    return bool(
        WEB_RESOURCE_WORD.search(byline)
        or SENTENCE_START.search(byline)
        or SHARE_LABEL_WORD.search(byline)
        or INTERFACE_WORD.search(byline)
    )


def is_reading_of(guess: str, byline: str) -> bool:
    """Whether ``guess`` is ``byline`` as another extractor read it, respelled: each of its
    words in it, and most of its letters.

    >>> is_reading_of("Speicherguide De", "speicherguide.de")
    True
    >>> is_reading_of("Majainfos Zlfca", "majainfos_zlfca4v6")  # a login, its digits lost
    True
    >>> is_reading_of("Karl Fröhlich", "by speicherguide.de GbR Karl Fröhlich, Ulrike Haak")
    False
    """
    words = re.findall(r"[^\W\d_]+", guess.casefold())
    letters = sum(character.isalpha() for character in byline)
    return (
        bool(words)
        and all(word in byline.casefold() for word in words)
        and sum(map(len, words)) >= READING_LETTERS * letters
    )


READING_LETTERS = 0.8
"""Share of a byline's letters a respelling of it keeps, at least."""


PLACEHOLDER_TEXT = "placeholder_text"
"""Not-article reason of a page whose article text is "lorem ipsum" filler."""

ERROR_PAGE = "error_page"
"""Not-article reason of a "page not found" page served with a 200 (a soft 404): a dead
article's URL answered with the site's error template."""
HOME_PAGE = "home_page"
"""Not-article reason of the site's home page served at another URL (a soft 404 of a site
that answers every unknown URL with its front page): its canonical names the home page
and nothing on it says "article"."""
ERROR_PAGE_HEADING = re.compile(
    r"""^\W*(?:
        (?:error\s*)?404(?:\s*error)?(?:\W+(?:page\s+)?not\s+found)?
      | (?:page|file|url)?\s*not\s+found
      | (?:error|oops)\b.*\b(?:not\s+(?:be\s+)?found|can[’']?t\s+be\s+found|does\s*n[’']?o?t\s+exist)
      | (?:that\s+|this\s+|the\s+)?(?:page|article|story|post|content)\s+
        (?:you\s+(?:are|were)\s+looking\s+for\s+)?(?:was\s+|is\s+|could\s+)?
        (?:not\s+(?:be\s+)?found|can(?:no|[’'])t\s+be\s+found|does\s*n[’']?o?t\s+exist
          |(?:has\s+been\s+)?(?:removed|deleted)|no\s+longer\s+(?:available|exists?))
      | (?:this|the)\s+(?:page|article|story)\s+is\s+no\s+longer\s+available
      | nothing\s+(?:was\s+)?found
      | seite\s+nicht\s+gefunden | page\s+(?:non\s+)?introuvable
      | p[áa]gina\s+n[ãao]o?\s+encontrada | pagina\s+non\s+trovata | pagina\s+niet\s+gevonden
      | strona\s+nie\s+zosta[łl]a\s+znaleziona | sayfa\s+bulunamad[ıi]
      | страница\s+не\s+найдена | الصفحة\s+غير\s+موجودة | 页面不存在 | 找不到(?:该)?页面
      | ページが見つかりません | 페이지를\s*찾을\s*수\s*없습니다
    )\W*$""",
    re.IGNORECASE | re.VERBOSE,
)
"""A heading or title (its site's name left out) that says the page was not found: English
and the web's most common other languages. Pages that say so and hold little else are
error pages (:data:`ERROR_PAGE_MAX_WORDS`)."""
ERROR_PAGE_MAX_WORDS = 150
"""Prose words of an error page's text, at most: an article about a 404 error runs longer."""

# What CMSs write where a section goes that names none: WordPress's default category (in
# the languages of its installs), a post type, a placement flag.
PLACEHOLDER_SECTIONS = frozenset(
    [
        "uncategorized",
        "uncategorised",
        "sin categoría",
        "non classé",
        "senza categoria",
        "sem categoria",
        "allgemein",
        "post",
        "posts",
        "article",
        "all",
        "featured",
        "slider",
    ]
)


def is_section_name(name: str) -> bool:
    """Whether a section value names a section: not a placeholder, nor the site's host.
    (A section named as the site is one: a subsite's ``og:site_name`` is its section,
    "Economia" of economia.ig.com.br.)

    >>> is_section_name("Middle East"), is_section_name("Uncategorized")
    (True, False)
    >>> is_section_name("gizmodo.com"), is_section_name("featured")
    (False, False)

    Nor a lone letter (an icon's, a logo's: gizmodo.com's "K" of Kinja), in an alphabet:

    >>> is_section_name("K"), is_section_name("文")
    (False, True)
    """
    name = name.strip()
    return (
        name.casefold() not in PLACEHOLDER_SECTIONS
        and not is_host_name(name)
        and not (len(name) == 1 and name.isascii())
    )


def is_variant(heading: set[str], title: set[str]) -> bool:
    """Whether a heading's words are a wording of a title's: most of the heading's words
    are the title's, and more than one of them (one is a section or the site's name the
    title also holds: "Rondônia" of "Estudante faz vaquinha … | Rondônia | G1").

    >>> is_variant(words("Exec says: we had some issues"), words("Disney+ glitches: exec says we had some issues"))
    True
    >>> is_variant(words("Rondônia"), words("Estudante faz vaquinha virtual para tratamento | Rondônia"))
    False
    """
    shared = len(heading & title)
    return shared >= 0.6 * len(heading) and shared >= min(2, len(title))


def is_new_year(day: str) -> bool:
    """Whether an ISO day is 1 January: the day htmldate gives a page for a year alone.

    >>> is_new_year("2016-01-01"), is_new_year("2016-01-01T08:00:00"), is_new_year("2016-10-01")
    (True, False, False)
    """
    return len(day) == 10 and day.endswith("-01-01")


def byline_text(byline: str) -> str:
    """A byline as metadata gives it, as text: its entities decoded and any markup, which
    JSON-LD and meta tags carry as text, taken out.

    >>> byline_text("<b>John Bold</b> &amp; <i>Jane Italic</i>")
    'John Bold & Jane Italic'
    """
    text = decode_entities(byline)
    return TAG.sub("", text) if "<" in text else text


ISO_MONTH = re.compile(r"(?:1[6-9]|20)\d\d-(?:0[1-9]|1[0-2])")
"""A month in ISO 8601 (``2016-05``), as JSON-LD's ``datePublished`` may give it."""


def first_line(element: etree._Element) -> str:
    """An element's text up to its first ``<br>``: a byline's name, not the role set on
    the line under it ("By Susan Marsh<br>Weekly Correspondent").

    >>> from lxml import html
    >>> first_line(html.fromstring("<strong>By <b>Susan</b> Marsh<br>Weekly Correspondent</strong>"))
    'By Susan Marsh'
    """
    pieces = [element.text or ""]
    for child in element:
        if child.tag == "br":
            break
        pieces += [paragraph_text(child), child.tail or ""]
    return "".join(pieces)


PUBLICATION_WORD = re.compile(
    r"\b(?:news|times|post|daily|weekly|courier|herald|gazette|journal|tribune|review|"
    r"magazine|media|press|report|chronicle|observer|guardian|star|sun|mirror|express|"
    r"telegraph|record|today|online|network|tv|radio|digital|group|agency|blog|"
    r"zeitung|nachrichten|diario|noticias|informaci[oó]n|gazzetta|corriere)\b",
    re.IGNORECASE,
)
"""A word of a publication's name, not a person's ("Harbour Courier", "Daily Star")."""
TEXT_FIELDS = frozenset({"title", "author", "date", "sitename", "language", "text"})
"""The fields of trafilatura's reading read here as text: it passes on what the page's
JSON-LD holds, which may be a list, a value object or a bool (``"headline": [...]``)."""


def words(text: str) -> set[str]:
    """The lower-case words of a text, for comparing two wordings of a title.

    >>> sorted(words("Why jazz matters | Sport"))
    ['jazz', 'matters', 'sport', 'why']
    """
    return set(re.findall(r"\w+", text.lower()))


class Loose(str):
    """Text of trafilatura's output tree outside any block (a tail between blocks)."""


# What only the rest of a line can start with: a closing bracket, a comma.
_LINE_REST = ("(", "（", "[")
_REST_OF_LINE = (")", "）", "]", ",", "，", "、")


def continues_line(before: str, text: str) -> bool:
    """Whether ``text``, a block of trafilatura's output after ``before``, is the rest of
    ``before``'s line: trafilatura, splitting a ``<br>``-broken text into paragraphs, puts
    an inline link's text outside them ("칼럼니스트 박생강 <a>pillgoo9@gmail.com</a>";
    "엔터미디어(<a>www.entermedia.co.kr</a>), 무단전재…"). So the line goes on after an
    opening bracket, into a closing one or a comma, and into loose text that is an address
    alone after a line that does not end a sentence.

    >>> continues_line("엔터미디어(", "www.entermedia.co.kr"), continues_line("x(www", "), y")
    (True, True)
    >>> continues_line("칼럼니스트 박생강", Loose("pillgoo9@gmail.com"))
    True
    >>> continues_line("Write to us.", Loose("news@x.com")), continues_line("Contact", "news@x.com")
    (False, False)
    """
    if before.endswith(_LINE_REST) or text.startswith(_REST_OF_LINE):
        return True
    return (
        isinstance(text, Loose)
        and is_address(text)
        and not before.endswith((".", "!", "?", "。", ":"))
    )


TEASER_END = re.compile(r"(?:\.\.\.|…)\s*$")
"""The end of a teaser: the start of another story's text, cut."""
TEASERS = 3
"""Cut paragraphs that make a text a list of teasers, at least (and a third of its
paragraphs of :data:`TEASER_WORDS` words or more)."""
TEASER_WORDS = 8
"""Words of a paragraph counted as a teaser or not, at least: shorter ones are headings."""


HEADLINE_LINKS = etree.XPath(
    ".//*[self::h1 or self::h2 or self::h3 or self::h4]//a/@href"
    " | .//a[.//*[self::h1 or self::h2 or self::h3 or self::h4]]/@href",
    smart_strings=False,
)
"""The links of an element's headlines (a link in a heading, or around one)."""
TEASER_MAX_WORDS = 100
"""Words of a teaser at most: a headline, a byline and an excerpt (a story holds more)."""
LISTING_TEASERS = 2
"""Teasers that, holding the text read as a page's story, make it a list of stories."""
TEASERS_SHARE = 0.8
"""Of the words of the text read as a page's story, the share in its teasers that makes
it a list of stories (:meth:`GenericArticlePage._lists_teasers`)."""


def is_teasers_text(paragraphs: list[str], teasers: list[str]) -> bool:
    """Whether :data:`TEASERS_SHARE` of the words of ``paragraphs`` are in ``teasers``
    (an excerpt's cut end aside).

    >>> teasers = ["Harbour reopens By Ann · May 2 The harbour reopened after a winter …",
    ...     "Ferry fares rise By Bo · May 1 Fares on the island ferry rise in June …"]
    >>> is_teasers_text(["The harbour reopened after a winter …", "Fares on the island ferry"
    ...     " rise in June …"], teasers)
    True
    >>> is_teasers_text(["The council met on Tuesday to argue about the sea wall budget."], teasers)
    False
    """
    within = " ".join(normalize_text(teaser) or "" for teaser in teasers)
    total = held = 0
    for paragraph in paragraphs:
        words = prose_words(paragraph)
        total += words
        if TEASER_END.sub("", normalize_text(paragraph) or "") in within:
            held += words
    return total > 0 and held >= TEASERS_SHARE * total


def is_teaser_list(paragraphs: list[str]) -> bool:
    """Whether a text's paragraphs are teasers of other stories: :data:`TEASERS` or more,
    and a third or more of its paragraphs of some length, end cut ("…", "...").

    >>> story = "A full sentence of the story, with more than eight words in it."
    >>> teaser = "The start of another story, cut after a few of its words ..."
    >>> is_teaser_list(["Zoo prices", teaser, "Kids' summit", teaser, story, teaser])
    True
    >>> is_teaser_list([story, story, teaser, story, story, story, teaser, story])
    False
    """
    long = [text for text in paragraphs if prose_words(text) >= TEASER_WORDS]
    cut = sum(TEASER_END.search(text) is not None for text in long)
    return cut >= TEASERS and 3 * cut >= len(long)


LINE_PIECES = etree.XPath("descendant-or-self::text() | descendant::lb", smart_strings=False)
"""A block's text nodes and line breaks (``<lb/>``), in order."""


def block_lines(block: etree._Element) -> list[str]:
    """A text block of trafilatura's output tree as its paragraphs: its text as written,
    a line break (``<lb/>``) a space, and two in a row (a ``<br><br>``, whitespace between
    them or not) the end of a paragraph, as a browser shows them, when each paragraph so
    split is a sentence (:data:`LINES_PARAGRAPH_WORDS`): an old blog's post, a hand-written page, is one
    block of paragraphs split so; a block of short lines (a product's "(1)", "süß",
    "USA") stays one line, as the lines before it.

    >>> from lxml import etree
    >>> block_lines(etree.fromstring("<p>the concept of <code>NULL</code>. Nutzer<hi>innen</hi>"
    ...     "<lb/>sagen</p>"))
    ['the concept of NULL. Nutzerinnen sagen']
    >>> long = "a sentence long enough to be a paragraph"
    >>> block_lines(etree.fromstring(f"<p>{long}.<lb/> <lb/>{long}<lb/>too.<lb/><lb/></p>"))
    ['a sentence long enough to be a paragraph.', 'a sentence long enough to be a paragraph too.']
    >>> block_lines(etree.fromstring("<p>(1)<lb/><lb/>süß<lb/><lb/>USA</p>"))
    ['(1) süß USA']
    """
    paragraphs: list[list[str]] = [[]]
    breaks = 0
    for piece in LINE_PIECES(block):
        if not isinstance(piece, str):
            breaks += 1
            if breaks == 2 and paragraphs[-1]:
                paragraphs.append([])
            elif breaks == 1:
                paragraphs[-1].append(" ")
        elif piece.strip() or not breaks:
            breaks = 0
            paragraphs[-1].append(piece)
    lines = [line for words in paragraphs if (line := "".join(words).strip())]
    if len(lines) > 1 and not all(prose_words(line) >= LINES_PARAGRAPH_WORDS for line in lines):
        return [" ".join(lines)]
    return lines


def block_texts(tree: etree._Element) -> list[str]:
    """One paragraph per text block of trafilatura's output tree, in order (a block's
    lines split in paragraphs by ``<br><br>``: :func:`block_lines`); loose text between
    blocks is a paragraph too, and an ``<lb/>`` (a ``<br>``) is a space; a block
    that is the rest of the line before it (:func:`continues_line`) is joined to it.
    Iterative (a stack of containers still to read and texts still to add)."""
    texts: list[str] = []
    stack: list[etree._Element | str | None] = [tree]
    while stack:
        item = stack.pop()
        if not isinstance(item, etree._Element):
            if not (cleaned := normalize_text(item)):
                continue
            block = Loose(cleaned) if isinstance(item, Loose) else cleaned
            if texts and continues_line(texts[-1], block):
                joined = texts[-1].endswith(_LINE_REST) or cleaned.startswith(_REST_OF_LINE)
                texts[-1] += cleaned if joined else f" {cleaned}"
            else:
                texts.append(cleaned)
            continue
        pending: list[etree._Element | str | None] = [
            None if item.text is None else Loose(item.text)
        ]
        for child in item:
            nested = any(grandchild.tag in NESTED_BLOCKS for grandchild in child)
            if child.tag in CONTAINERS or (child.tag in TEXT_BLOCKS and nested):
                pending.append(child)
            elif child.tag in TEXT_BLOCKS:
                pending += block_lines(child) or [""]
            pending.append(None if child.tail is None else Loose(child.tail))
        stack.extend(reversed(pending))
    return texts


def heading_text(heading: etree._Element, titles: list[str]) -> str:
    """A heading's text without the lines (after a ``<br>``) that no title the page gives
    search engines holds: a byline set in the headline (nikkei.com's "編集委員 中沢克二").
    Its first line always stays, and every line when the page gives no title.

    >>> from lxml import html
    >>> h1 = html.fromstring("<h1><span>Trump tactics</span><br><span>Editor Kohei</span></h1>")
    >>> heading_text(h1, ["Trump tactics (photo: Reuters)"]), heading_text(h1, [])
    ('Trump tactics', 'Trump tactics Editor Kohei')
    >>> heading_text(html.fromstring("<h1>A long<br>headline</h1>"), ["A long headline | X"])
    'A long headline'
    """
    lines = paragraph_text(heading, line_break="\n").split("\n")
    keys = [text_key(title).replace(" ", "") for title in titles if title]
    kept = [
        line
        for index, line in enumerate(lines)
        if index == 0 or not keys or any(text_key(line).replace(" ", "") in key for key in keys)
    ]
    return " ".join(kept)


def edges(element: etree._Element) -> list[etree._Element]:
    """The child elements that open and close ``element``'s text: its first child where no
    text comes before it, its last where none comes after it.

    >>> from lxml import html
    >>> [e.text for e in edges(html.fromstring("<h1><span>Kicker</span>Title <b>Badge</b></h1>"))]
    ['Kicker', 'Badge']
    >>> edges(html.fromstring("<h1>The <b>bold</b> title</h1>"))
    []
    """
    children = [child for child in element if isinstance(child.tag, str)]
    if not children:
        return []
    opening = [children[0]] if not (element.text or "").strip() else []
    closing = [children[-1]] if not (children[-1].tail or "").strip() else []
    return list(dict.fromkeys([*opening, *closing]))


def paragraph_text(element: etree._Element, line_break: str = " ") -> str:
    """An element's text as a reader sees it: each ``<br>`` a space (or ``line_break``),
    comments, what no reader sees as text (:data:`NOT_TEXT`: the ``<style>`` of an inline
    SVG logo in marketwatch.com's heading) and what the page hides (:func:`is_hidden`: a
    CMS's "edit" button in a headline) left out (``itertext`` joins the words on both
    sides of a ``<br>``, and then a paragraph the page splits in lines never matches
    trafilatura's, which breaks them).

    >>> from lxml import html
    >>> paragraph_text(html.fromstring("<p>DON'T MISS<br>Plague <!-- ad --><b>doctors</b></p>"))
    "DON'T MISS Plague doctors"
    >>> paragraph_text(html.fromstring('<h1>A <i>B</i><a style="display: none">Edit</a> C</h1>'))
    'A B C'
    >>> paragraph_text(html.fromstring("<h1><svg><style>.a{fill:red}</style></svg>Site</h1>"))
    'Site'
    """
    if not any(
        node.tag == "br" or node.tag in NOT_TEXT or is_hidden(node)
        for node in element.iterdescendants("*")
    ):
        return "".join(element.itertext())
    parts: list[str] = []
    walk = etree.iterwalk(element, events=("start", "end"))
    for event, node in walk:
        if event == "start":
            if node.tag == "br":
                parts.append(line_break)
            elif node is not element and (node.tag in NOT_TEXT or is_hidden(node)):
                walk.skip_subtree()
            elif isinstance(node.tag, str) and node.text:
                parts.append(node.text)
        elif node is not element and node.tail:
            parts.append(node.tail)
    return "".join(parts)


def caption_keys(root: etree._Element) -> set[str]:
    """The words (:func:`text_key`) of every caption and credit a page writes
    (:data:`CAPTION_TEXTS`) of at least ``CAPTION_WORDS`` words; a shorter one is as often
    a heading or a table cell of the story ("How to retire early", "Kyle Busch").

    >>> from lxml import html
    >>> for key in sorted(caption_keys(html.fromstring(
    ...     '<div><img alt="Fans outside the stadium on Sunday" src="a.jpg">'
    ...     '<p class="img_cptn">Fans outside the stadium on Sunday. (Credits: PTI)</p>'
    ...     '<figure><img alt="Kyle Busch"><div class="image-credit">Image: A. B. / Mashable'
    ...     '</div></figure></div>'))):
    ...     print(key)
    fans outside the stadium on sunday
    fans outside the stadium on sunday credits pti
    image a b mashable
    """
    texts = (
        found if isinstance(found, str) else paragraph_text(found) for found in CAPTION_TEXTS(root)
    )
    return {text_key(text) for text in texts if prose_words(text) >= CAPTION_WORDS}


def sole_name(names: Iterable[str | None]) -> str | None:
    """The one name ``names`` give, however often; None if they give none or several
    (a post filed under two categories says nothing of which is its section).

    >>> sole_name(["World", None, "World"]), sole_name(["World", "Sport"]), sole_name([])
    ('World', None, None)
    """
    distinct = set(filter(None, names))
    return distinct.pop() if len(distinct) == 1 else None


def image_caption_keys(root: etree._Element) -> set[str]:
    """The words (:func:`text_key`) of each element beside an image (a child of the
    image's parent) that says what the image's ``alt`` or ``title`` says: its caption,
    however short ("Izaskun Lesaka." under elmundo.es's photo of her, in a ``div.foto``
    no caption class names), where :func:`caption_keys` keeps only long ones.

    >>> from lxml import html
    >>> sorted(image_caption_keys(html.fromstring(
    ...     '<div><div class="foto"><img alt="Izaskun Lesaka." src="a.jpg"><p>Izaskun Lesaka.'
    ...     '</p></div><p>Izaskun Lesaka was arrested.</p><img alt="Map"></div>')))
    ['izaskun lesaka']
    """
    keys = set()
    for image in IMAGES_NAMED(root):
        names = {text_key(image.get("alt") or ""), text_key(image.get("title") or "")} - {""}
        parent = image.getparent()
        if parent is None:
            continue
        for sibling in parent:
            if (
                sibling is not image
                and isinstance(sibling.tag, str)
                and (key := text_key(paragraph_text(sibling))) in names
            ):
                keys.add(key)
    return keys


def hidden_text_keys(
    root: etree._Element, paragraphs: list[tuple[etree._Element, str]] | None = None
) -> set[str]:
    """The words (:func:`text_key`) of each line of text inside a short block the page
    hides (a ``hidden`` attribute or an inline ``display: none``, :data:`HIDDEN_CHARS`
    characters at most) that no ``<p>`` outside such blocks shows too (``paragraphs``: the
    page's ``<p>`` elements with their text, when known): a tooltip or a pull-down no reader
    sees ("記事保存 / 有料会員の方のみご利用になれます…", nikkei.com's save button). Not a
    long block (some sites hide the story's second half until "Read more" is clicked), nor
    a line shown elsewhere (chinadaily.com.cn hides a copy of its lead for the share
    button).

    >>> from lxml import html
    >>> sorted(hidden_text_keys(html.fromstring(
    ...     '<div><div style="display: none"><p>Save</p><p>Members only.</p><h2>Lead.</h2></div>'
    ...     '<div hidden><p>' + 'A long story. ' * 30 + '</p></div><p>Lead.</p></div>')))
    ['members only', 'save']
    """
    hidden: set[str] = set()
    inside: set[etree._Element] = set()
    for block in HIDDEN_BLOCKS(root):
        text = normalize_text(" ".join(block.itertext())) or ""
        if is_hidden(block) and len(text) <= HIDDEN_CHARS:
            lines = [element for element in block.iter("*") if (element.text or "").strip()]
            hidden |= {text_key(paragraph_text(element)) for element in lines}
            inside.update(block.iter("*"))
    if not hidden:
        return hidden
    if paragraphs is None:
        paragraphs = [(p, paragraph_text(p)) for p in root.iter("p")]
    shown = {text_key(text) for p, text in paragraphs if p not in inside}
    return hidden - shown - {""}


def label_keys(root: etree._Element) -> set[str]:
    """The words (:func:`text_key`) of every label a page writes for no reader of the
    story (:data:`LABEL_TEXTS`, :data:`LABEL_CLASS` in a class or an id): photo credits,
    screen-reader text, bylines.
    Short ones too: a label is never a heading of the story.

    >>> from lxml import html
    >>> sorted(label_keys(html.fromstring(
    ...     '<div><a class="hidden sr-only" href="#c">Main Content</a><p>Story, <span '
    ...     'class="photoCredit">Courtesy G4</span></p><p class="incredible">A</p></div>')))
    ['courtesy g4', 'main content']
    """
    return {
        text_key(paragraph_text(element))
        for element in LABEL_TEXTS(root)
        if LABEL_CLASS.search(class_and_id(element))
    } - {""}


def word_shingles(text: str) -> set[tuple[str, ...]]:
    words = text_key(text).split()
    return {tuple(words[i : i + 4]) for i in range(max(1, len(words) - 3))}


def adds_more_prose(kept: list[str], candidate: list[str]) -> bool:
    """Whether ``candidate``'s paragraphs add more words of new prose than ``kept`` holds:
    paragraphs of at least ``PROSE_WORDS`` words, mostly not repeating ``kept``'s text
    (summaries and metadata lines repeat it or are short).

    >>> story = ["One two three four five six seven eight nine ten eleven twelve thirteen "
    ...          "fourteen fifteen sixteen."]
    >>> more = ["Alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi "
    ...         "omicron pi rho sigma."] * 2
    >>> adds_more_prose(story, story + more), adds_more_prose(story, story + story + ["2019"])
    (True, False)
    """
    kept_words = sum(prose_words(text) for text in kept)
    kept_shingles = set().union(*(word_shingles(text) for text in kept)) if kept else set()
    seen = {text_key(text) for text in kept}
    added = 0
    for text in candidate:
        key = text_key(text)
        if key in seen or prose_words(key) < PROSE_WORDS:
            continue
        seen.add(key)
        shingles = word_shingles(text)
        if len(shingles & kept_shingles) * 2 <= len(shingles):
            added += prose_words(key)
    return added > kept_words


def with_body_of(metadata: Document, body: Document) -> Document:
    """``metadata``'s Document with ``body``'s extracted text: what trafilatura returns
    with metadata in ``body``'s mode, without reading the metadata (its own parse and the
    date search) again. The metadata does not depend on the mode: it is read from the
    page before, and apart from, the body.

    >>> from trafilatura.settings import Document
    >>> merged = with_body_of(Document(title="T", text="precise"), Document(text="default"))
    >>> merged.title, merged.text
    ('T', 'default')
    """
    from trafilatura.settings import Document

    return Document.from_dict(
        {**metadata.as_dict(), **{field: getattr(body, field) for field in BODY_FIELDS}}
    )


def element_kind(element: etree._Element) -> tuple[str, str | None, str, str | None]:
    """An element's tag and class, and its parent's: what repeats when a page splits one
    text into parts."""
    parent = element.getparent()
    assert parent is not None
    return element.tag, element.get("class"), parent.tag, parent.get("class")


def same_wrapper(part: etree._Element, other: etree._Element) -> bool:
    """Whether two elements have the same grandparent: the parts of one article, split
    between ad slots, sit side by side in its body's wrapper (wired.com), while the
    teasers of other stories, which CMSs render with the article's own classes (Drupal's
    ``div.field-item``), each sit in a card or node of their own.

    >>> from lxml import html
    >>> page = html.fromstring(
    ...     "<div><section><div class='row'><div class='body'><p>1</p></div></div>"
    ...     "<div class='row'><div class='body'><p>2</p></div></div></section>"
    ...     "<ul><li><div class='row'><div class='body'><p>Teaser</p></div></div></li></ul>"
    ...     "</div>"
    ... )
    >>> one, two, teaser = page.iter("p")
    >>> same_wrapper(one.getparent(), two.getparent())
    True
    >>> same_wrapper(one.getparent(), teaser.getparent())
    False
    """
    parent, other_parent = part.getparent(), other.getparent()
    return (
        parent is not None
        and other_parent is not None
        and parent.getparent() is other_parent.getparent()
    )


def _nested(element: etree._Element, other: etree._Element) -> bool:
    """Whether one of the two elements holds the other."""
    return any(a is other for a in element.iterancestors()) or any(
        a is element for a in other.iterancestors()
    )


def classify_url(url: str) -> UrlKind:
    """Kind of an on-site URL of an unknown site: listings and machinery by WordPress and
    common CMS conventions; anything else may be an article, and the page decides.

    >>> [classify_url(u).value for u in ("https://x/2016/05/12/a-post/", "https://x/2016/05/",
    ...  "https://x/topics/syria/", "https://x/wp-content/a.jpg", "https://x/?s=q")]
    ['article', 'listing', 'listing', 'other', 'other']

    A URL with a query is an article only when the query is the article's number
    (:data:`ARTICLE_ID_QUERY`, :data:`PLAIN_PERMALINK`):

    >>> [classify_url(u).value for u in ("https://x/news/news_view.html?idx=8576",
    ...  "https://x/?p=4179", "https://x/a-post.html?p=2", "https://x/list.php?id=3&page=2",
    ...  "https://x/news_list.html?bc=03", "https://x/view.php?id=abc")]
    ['article', 'article', 'other', 'other', 'other', 'other']

    A listing's later page named by its one query parameter (:data:`PAGE_QUERY`) is a
    listing:

    >>> [classify_url(u).value for u in ("https://x/news?page=2", "https://x/?paged=3",
    ...  "https://x/news?page=2&sort=date", "https://x/feed/?paged=2")]
    ['listing', 'listing', 'other', 'other']

    So is a section's later page at a path no WordPress rule knows, where its pages were
    read as possible articles and their "next" links followed without end:

    >>> [classify_url(u).value for u in ("https://x/politics/page/3", "https://x/a-post/page-3/")]
    ['listing', 'article']
    """
    parts = urlsplit(url)
    if parts.query and PLAIN_PERMALINK.fullmatch(parts.query):
        return UrlKind.ARTICLE if parts.path in ("", "/", "/index.php") else UrlKind.OTHER
    segments = path_segments(url)
    if is_machinery(segments) or (segments and STATIC_FILE.search(segments[-1])):
        return UrlKind.OTHER
    if parts.query:
        if ARTICLE_ID_QUERY.fullmatch(parts.query):
            return UrlKind.ARTICLE
        return UrlKind.LISTING if PAGE_QUERY.fullmatch(parts.query) else UrlKind.OTHER
    if is_listing(segments) or segments[0] in LISTING_FIRST_SEGMENTS:
        return UrlKind.LISTING
    if len(segments) >= 2 and segments[-2] == "page" and segments[-1].isdigit():
        return UrlKind.LISTING  # a section's later page at any path (/politics/page/3)
    return UrlKind.ARTICLE


GENERIC_PROFILE_NAME = "generic"
"""The generic profile's name (its records' ``extractor``); a site it reads is named by
its host (``crawler/discovery/multisite.py`` ``site_at``)."""


class GenericArticlePage(WordPressSignals, ArticlePage):
    name = GENERIC_PROFILE_NAME
    version = "1.0"

    def older_page_url(self) -> str | None:
        href = older_page_href(self.root, self.base_url)
        return self.urljoin(href) if href else None

    def url(self) -> str:
        """The canonical URL (:meth:`ArticlePage.url`), unless it is a listing's
        (:func:`classify_url`): a template naming its section or a date archive as every
        story's canonical would make them all one URL, and all but the first duplicates."""
        url = super().url()
        if url != self.public_url and classify_url(url) is UrlKind.LISTING:
            return self.public_url
        return url

    def post_pages(self) -> PostPages | None:
        """WordPress's page links (:meth:`WordPressSignals.post_pages`), else a numbered
        pager of the page's own page variants (``?page=2``, ``/2/``, ``-2.html``:
        :func:`~crawler.extraction.page_numbers.numbered_pages`)."""
        pages = super().post_pages()
        if pages is not None:
            return pages
        numbered = numbered_pages(self.root, self.response.url, self.base_url, self.own_hosts)
        return None if numbered is None else PostPages(*numbered)

    @cached_property
    def _scope(self) -> etree._Element | None:
        for query in ARTICLE_SCOPE:
            found = query(self.root)
            if found:
                return found[0]
        return None

    @cached_property
    def _figures(self) -> tuple[list[dict[str, str | None]], set[str]]:
        """Images with captions and credits, and every line of the article that our own
        walker knows is not body text (captions, credits, chrome, bylines)."""
        if self._scope is None:
            return [], set()
        blocks = content_blocks(self._scope, BOILERPLATE, self.public_url, self._own_urls)
        body = ArticleBody.split(blocks, self.headline, LINE_RULES)
        kept = set(body.paragraphs)
        not_body = {b.text for b in blocks if isinstance(b, TextBlock) and b.text not in kept}
        return [image for image in body.images if image["url"]], not_body

    @cached_property
    def _document(self) -> Document | None:
        """trafilatura's precision mode, unless it may have cut the article short.

        Precision mode scores better on the extraction benchmark (F1 0.963 vs 0.961 for
        the default mode, our processing after both), but sometimes keeps a fraction of
        the article. When it keeps almost nothing (under ``MIN_WORDS``), or a list of
        teasers (:func:`is_teaser_list`) where the default mode does not, the default
        mode's text is taken. When it keeps less than ``PRECISION_KEEPS`` of the words of
        the page's ``<p>`` elements, the default mode runs too and wins only if it adds
        more new prose than precision kept (:func:`adds_more_prose`): on the benchmark's
        pages where precision keeps under half of the default's words, what the default
        adds is either prose (a cut article) or metadata lines and repeats of the text.
        """
        precise = self._precise
        kept_words = prose_words(precise.text or "") if precise is not None else 0
        if kept_words < MIN_WORDS:
            return self._default or precise
        # A column of other stories' teasers, which precision mode may take for the text
        # (cdu-fraktion-erfurt.de's news column, where the default mode reads the story).
        if precise is not None and is_teaser_list(block_texts(precise.body)):
            default = self._default
            if default is not None and not is_teaser_list(block_texts(default.body)):
                return default
        page_words = sum(prose_words(text) for _, text in self._page_paragraphs)
        if kept_words >= PRECISION_KEEPS * page_words:
            return precise
        default = self._default
        if (
            default is not None
            and precise is not None
            and adds_more_prose(block_texts(precise.body), block_texts(default.body))
        ):
            return default
        return precise

    @cached_property
    def _page_paragraphs(self) -> list[tuple[etree._Element, str]]:
        """Every ``<p>`` of the page with its text: the prose a body can come from."""
        return [(element, paragraph_text(element)) for element in self.root.iter("p")]

    @cached_property
    def _precise(self) -> Document | None:
        """trafilatura's document in precision mode, metadata included."""
        return self._trafilatura(favor_precision=True)

    @cached_property
    def _default(self) -> Document | None:
        """trafilatura's document in its default mode: :attr:`_precise`'s metadata with
        the default mode's text (:func:`with_body_of`), so a page's metadata is read once;
        the default mode reads it itself only when precision mode found no document."""
        if self._precise is None:
            return self._trafilatura(favor_precision=False)
        default = self._trafilatura(favor_precision=False, with_metadata=False)
        return with_body_of(self._precise, default) if default is not None else None

    def _trafilatura(self, favor_precision: bool, with_metadata: bool = True) -> Document | None:
        import trafilatura
        from trafilatura.settings import Document

        document = trafilatura.bare_extraction(
            self._trafilatura_input,
            url=self.public_url,
            include_comments=False,
            favor_precision=favor_precision,
            with_metadata=with_metadata,
            prune_xpath=PRUNE_XPATHS,
        )
        return document if isinstance(document, Document) else None  # a dict only if as_dict

    @cached_property
    def _trafilatura_input(self) -> str | HtmlElement:
        """What trafilatura reads: the page's text, which it parses itself; a page nested
        deeper than its parser goes (:data:`NESTED_BEYOND_TRAFILATURA`), or with
        paragraphs nested in paragraphs left open, as a tree parsed as trafilatura parses,
        deep nesting allowed (``deep_html_tree``), each paragraph its own
        (``unnest_paragraphs``); either without references to characters trafilatura
        cannot hold (:func:`without_unreadable_references`)."""
        if NESTED_BEYOND_TRAFILATURA(self.root) or NESTED_PARAGRAPHS(self.root):
            markup = html_markup(self.response)
            if markup is not None:
                readable = without_unreadable_references(markup.decode("utf-8"))
                tree = deep_html_tree(readable.encode("utf-8"), self.base_url)
                unnest_paragraphs(tree)
                return tree
        return without_unreadable_references(self.response.text)

    @cached_property
    def _extraction(self) -> dict[str, Any]:
        """trafilatura's reading of the page, its text fields text or None."""
        found = self._document.as_dict() if self._document is not None else {}
        return {k: first_text(v) if k in TEXT_FIELDS else v for k, v in found.items()}

    @cached_property
    def site_names(self) -> tuple[str, ...]:
        """The site's and publisher's own names: ``og:site_name``, the JSON-LD WebSite,
        Organization and publisher, the Dublin Core and microdata publisher, and the host
        names the page gives itself."""
        site_name, *house_names = self._house_signals
        return self._names_of(
            site_name,
            *self.metadata.publisher_names(),
            self.metadata.first("dc.publisher"),
            *map(element_value, ITEMPROP_PUBLISHERS(self.root)),
            *house_names,
        )

    @cached_property
    def _house_names(self) -> tuple[str, ...]:
        """The site's own names, not its publisher's: a syndicated story's metadata may
        name the wire service as its publisher."""
        return self._names_of(*self._house_signals)

    @cached_property
    def _house_signals(self) -> tuple[str | None, ...]:
        """``og:site_name`` first, the name trafilatura reads, the host names the page gives
        itself, its logo's."""
        return (
            self.metadata.first("og:site_name"),
            self._extraction.get("sitename"),
            *(urlsplit(url).hostname for url in self._own_urls),
            *self._logo_headings,
        )

    def _names_of(self, *names: str | None) -> tuple[str, ...]:
        """The names given, once each, each without a copyright notice's words
        (:func:`without_copyright`), but those that are the page's title."""
        # A "site name" that is the page's own title names the page, not the site
        # (trafilatura's, read from prachatai.com's twitter:title).
        titles = {
            normalize_text(t)
            for t in (
                self.metadata.article_text("headline"),
                self.metadata.first("og:title"),
                self.metadata.first("twitter:title"),
                page_title(self.root),
            )
        }
        named = (without_copyright(n) for n in names if isinstance(n, str))
        return tuple(dict.fromkeys(n for n in named if n and normalize_text(n) not in titles))

    @cached_property
    def _logo_headings(self) -> list[str]:
        """``<h1>`` texts (or their images' ``alt``) that link only to the site's home page or
        to a page above this one (a blog's home), by a link in, around or clicked on them:
        a logo, the site's name, not the story's headline."""
        own = [urlsplit(url) for url in self._own_urls]
        logos = []
        for h1 in self.root.iter("h1"):
            hrefs = [*LINK_TARGETS(h1), *HEADING_LINK_AROUND(h1), ONCLICK_TARGET(h1)]
            targets = [urlsplit(self.urljoin(href)) for href in hrefs if href]
            if targets and all(any(is_above(t, page) for page in own) for t in targets):
                logos.append(normalize_text(paragraph_text(h1) or " ".join(IMAGE_ALTS(h1))))
        return [text for text in logos if text]

    @cached_property
    def _own_urls(self) -> list[str]:
        """The page's URL and the addresses it gives itself (canonical, ``og:url``)."""
        given = (self.metadata.canonical, self.metadata.first("og:url"))
        return [
            self.public_url,
            *(address.geturl() for url in given if url and (address := self.address_named(url))),
        ]

    def not_article_reason(self) -> str | None:
        kind = self.wordpress_page_kind()
        typed_article = (
            bool(self.metadata.article)
            or (self.metadata.first("og:type") or "").lower() == "article"
        )
        # WordPress marks its listings up as no article; a listing's body classes on a page
        # that says it is one are a theme's of another CMS (Engadget's "home article"), the
        # WordPress in it a widget's (another site's wp-content favicon).
        if kind is not None and not (kind == "listing" and typed_article):
            return kind
        if is_placeholder_text(self._extraction.get("text") or "") and not self.body():
            # Lorem ipsum where the story should be (a paywall's scrambled copy): this page,
            # as served, holds no article, and a record of it would hold filler or nothing.
            return PLACEHOLDER_TEXT
        if self._says_not_found():
            return ERROR_PAGE
        if self.is_single_post():
            return None
        if typed_article:
            return None
        if self._names_home_page():
            return HOME_PAGE
        if self._lists_teasers():
            return UrlKind.LISTING.value
        text = self._extraction.get("text") or ""
        if ARTICLES(self.root) and prose_words(text) >= MIN_WORDS:
            return None
        return NO_ARTICLE_MARKUP

    def _names_home_page(self) -> bool:
        """Whether the page, at another URL than the site's root, says it is the home page:
        its canonical (or ``og:url``) is the root. On an article page that is a template's
        mistake (:meth:`url` ignores it), so it is asked only of a page that says nothing
        of an article (no article type in its metadata, no WordPress post)."""
        for named in (self.metadata.canonical, self.metadata.first("og:url")):
            address = self.address_named(named) if named else None
            if address is not None and self.is_own_site(address) and self.is_home(address):
                return True
        return False

    def _lists_teasers(self) -> bool:
        """Whether the page is a section's list of stories, not a story: two or more
        teasers (``<article>`` elements of :data:`TEASER_MAX_WORDS` at most whose
        headlines link to other pages), and the text read as the page's story theirs
        (:func:`is_teasers_text`). A section front page at an address no URL rule knows
        (``/politics/``, ``/world/2/``), its teasers in ``<article>`` elements, was
        emitted as a story titled "Politics" made of their excerpts; a story's own
        ``<article>`` holds more words and a headline that links nowhere, and a story
        page's related-story teasers do not hold its text."""
        own = set(self._own_urls)
        teasers = []
        for article in ARTICLES(self.root):
            links = [
                a.geturl() for href in HEADLINE_LINKS(article) if (a := self.address_named(href))
            ]
            text = paragraph_text(article)
            if links and not own.intersection(links) and prose_words(text) <= TEASER_MAX_WORDS:
                teasers.append(text)
        return len(teasers) >= LISTING_TEASERS and is_teasers_text(self.body(), teasers)

    def _says_not_found(self) -> bool:
        """Whether the page is an error page served as a page (:data:`ERROR_PAGE`): its
        first heading or its ``<title>`` (or the title's first part, before a site's name)
        says it was not found, and its text is short."""
        heading = next(self.root.iter("h1"), None)
        title = decode_entities(self._page_titles[2] or "")
        said = [
            paragraph_text(heading) if heading is not None else "",
            title,
            TITLE_PART_BREAK.split(title, maxsplit=1)[0],
        ]
        if not any(ERROR_PAGE_HEADING.match(text) for text in said if text):
            return False
        return prose_words(self._extraction.get("text") or "") <= ERROR_PAGE_MAX_WORDS

    def _seo_titles(self) -> list[str | None]:
        """The titles of the page, most trusted first: JSON-LD's headline, ``og:title``,
        trafilatura's, ``<title>``; trafilatura's last where it is in doubt
        (:attr:`_trafilatura_title_in_doubt`)."""
        json_ld, og_title, title = self._page_titles
        if self._trafilatura_title_in_doubt:
            return [json_ld, og_title, title, self._trafilatura_title]
        return [json_ld, og_title, self._trafilatura_title, title]

    @cached_property
    def _trafilatura_title_is_own(self) -> bool:
        """Whether trafilatura's title is one of the page's own titles (its words in one)."""
        title: str = self._extraction.get("title") or ""
        return bool(title) and any(words(title) <= words(own) for own in self._page_titles if own)

    @cached_property
    def _trafilatura_title_in_doubt(self) -> bool:
        """Whether trafilatura's title is none of the page's own while a heading shows the
        page's ``<title>``: trafilatura read another heading (webmd.com's ``<h1>``
        "Allergies Health Center", its health center's name, where an ``<h2>`` shows the
        story the ``<title>`` names). A ``<title>`` no heading shows may be the site's
        generic one, and trafilatura's heading the story's."""
        title = self._page_titles[2]
        if self._trafilatura_title_is_own or not title:
            return False
        site_words = set().union(*map(words, self.site_names))
        shown = words(decode_entities(title)) - site_words
        return any(
            words(paragraph_text(heading)) - site_words == shown
            for heading in self.root.iter("h1", "h2", "h3", "h4", "h5", "h6")
        )

    @cached_property
    def _page_titles(self) -> list[str | None]:
        """The titles the page gives itself: JSON-LD's headline, ``og:title``, ``<title>``."""
        return [
            self.metadata.article_text("headline"),
            self.metadata.first("og:title"),
            page_title(self.root),
        ]

    @cached_property
    def _trafilatura_title(self) -> str | None:
        """trafilatura's title, unless it is a sidebar widget's heading: it takes an
        ``<h2>`` classed as a title for the page's where it finds no other
        (wara-enforcement.org's ``h2.widgettitle``, "Magazine Wildlife Justice", over the
        ``<title>`` that names the story)."""
        title: str | None = self._extraction.get("title")
        if not title or self._trafilatura_title_is_own:  # no widget's (and no walk of the page)
            return title
        if any(
            normalize_text(paragraph_text(heading)) == normalize_text(title)
            for heading in WIDGET_HEADINGS(self.root)
        ):
            return None
        return title

    def _visible_headline(self) -> str | None:
        """The first ``<h1>`` (else post-title ``<h2>``) that is a variant of a title the page
        gives search engines: what readers see, where the SEO title may differ ("… | Sport",
        another wording, straight quotes for the headline's curly ones).
        The words of the site's name are left out of both: an ``<h1>`` with the site's
        name ("The Spokesman-Review Newspaper") shares them with every title."""
        # The site's name in a heading or a title says nothing of which story it is.
        site_words = set().union(*map(words, self.site_names))
        # trafilatura's title in doubt was read from a heading: no evidence that the heading
        # is the headline.
        titles = self._page_titles if self._trafilatura_title_in_doubt else self._seo_titles()
        seo = [words(decode_entities(t)) - site_words for t in titles if t]
        # trafilatura's title may be read from the heading itself, kicker and all: no
        # evidence of which of its words are the headline's.
        page_titles = [words(decode_entities(t)) for t in self._page_titles if t]
        headings = chain(self.root.iter("h1"), TITLE_H2S(self.root), self._permalink_headings())
        for h1 in headings:
            for heading in dict.fromkeys((self._headline_words(h1, page_titles), h1)):
                text = normalize_text(decode_entities(paragraph_text(heading)))
                if (
                    text
                    and not is_site_name(text, self.site_names)
                    and any(is_variant(words(text) - site_words, title) for title in seo)
                ):
                    return text
        return None

    def _permalink_headings(self) -> Iterator[etree._Element]:
        """The ``<h2>`` and ``<h3>`` that link to the page itself: the post's title in the
        themes of WordPress's first decade (Kubrick's ``<h2><a href=permalink
        rel=bookmark>``; wara-enforcement.org's ``<h3>``, its ``<h1>`` commented out). Not
        by ``rel=bookmark`` alone: related posts' titles carry it too."""
        for heading in PERMALINK_HEADINGS(self.root):
            if any(
                self.urljoin(link.get("href", "")).rstrip("/") in self._own_addresses
                for link in heading.iter("a")
            ):
                yield heading

    def _headline_words(self, heading: etree._Element, titles: list[set[str]]) -> etree._Element:
        """``heading`` without what a heading may hold besides its headline (a copy; the
        heading itself where it holds none of it):

        - its links to other pages: a masthead's link home set in the headline's ``<h1>``
          right after it (ultimahora.es's "…de la Infanta" and "Ultima Hora Mallorca" with
          no space between), which no title holds as written;
        - a ``<time>`` whose words no title (``titles``, each a set of :func:`words`)
          holds: the day a Squarespace blog sets before the headline in its
          ``h2.entry-title`` ("Jun 17 Das vielleicht schönste Ende der Welt: Montauk");
        - an element that opens or closes the heading and whose words no title holds: a
          kicker (wunderweib.de's ``span.roofline``, "Wow, wow, wow!"; futurezone.at's
          ``span.pretitle``, "KNOWHOW"), a badge (la-bas.org's ``span.label``, "Abonnés").
        """

        def untitled(element: etree._Element) -> bool:
            return not any(words(paragraph_text(element)) <= title for title in titles)

        def asides(element: etree._Element) -> list[etree._Element]:
            dates = [time for time in element.iter("time") if untitled(time)]
            kicker_or_badge = filter(untitled, edges(element))
            return list(dict.fromkeys([*self._links_away(element), *dates, *kicker_or_badge]))

        if not asides(heading):
            return heading
        copy = deepcopy(heading)
        for aside in asides(copy):
            aside.drop_tree()  # its tail, the heading's text after it, stays
        return copy

    def _links_away(self, heading: etree._Element) -> list[etree._Element]:
        """The links in ``heading`` to another page than this one."""
        return [
            link
            for link in heading.iter("a")
            if (href := link.get("href"))
            and self.urljoin(href).rstrip("/") not in self._own_addresses
        ]

    @cached_property
    def _own_addresses(self) -> set[str]:
        """:attr:`_own_urls` without a trailing slash, as a link's target is compared."""
        return {url.rstrip("/") for url in self._own_urls}

    def _marked_headline(self) -> str | None:
        """The first ``h1[itemprop=headline]`` that links nowhere else."""
        for h1 in ITEMPROP_HEADLINES(self.root):
            if not self._links_away(h1):
                return heading_text(h1, [t for t in self._seo_titles() if t])
        return None

    @cached_property
    def headline(self) -> str | None:
        """The first title signal, entities decoded and site name removed: the visible
        headline first, since SEO titles (og:title, JSON-LD) are often a variant. Neither
        the site's name, a web address's slug (:func:`is_url_slug`) nor a theme's line
        (:func:`is_chrome_line`: jstor.org's ``<h1>`` "Loading", a dialog's) is a title."""
        candidates = (HEADLINE(self.root), self._marked_headline(), self._visible_headline())
        for candidate in (*candidates, *self._seo_titles()):
            text = normalize_text(decode_entities(candidate or ""))
            if (
                text
                and not is_site_name(text, self.site_names)
                and not is_url_slug(text)
                and not is_chrome_line(text)
            ):
                return strip_title_suffix(text, self.site_names)
        return None

    @cached_property
    def _site_zones(self) -> list[tzinfo]:
        times = [time.get("datetime") for time in DATED_TIMES(self.root)]
        dates = [*self._published_signals, *self._modified_signals(), *times]
        hosts = [urlsplit(url).hostname for url in self._own_urls]
        locales = [self.metadata.first("og:locale"), self.metadata.language]
        editions = list(map(path_locale, self._own_urls))
        return site_zones([d for d in dates if d], hosts, locales, editions)

    @cached_property
    def _shown_day(self) -> date | None:
        """The day the page files itself under: in its URL, in its first dated ``<time>``
        element's text, or, where nothing on the page tells the site's time zone, the day
        htmldate reads in its markup and text (a US site's UTC time at 01:50 is the day
        before, as its pages show it)."""
        day = next(filter(None, map(url_day, self._own_urls)), None)
        if day is None:
            shown = parse_date(FIRST_DATED_TIME(self.root))
            if shown is None and not self._site_zones:
                shown = self._searched_date
            day = date.fromisoformat(shown[:10]) if shown else None
        return day

    def _first_date(
        self, signals: list[str | None], shown_day: date | None
    ) -> tuple[str, str | None] | None:
        """``(raw, ISO)`` of the first signal that parses as a date, a UTC time in the
        site's own zone; the first raw value and ``None`` when none parses. A month
        (``"2016-05"``) where none gives a day is the date, at its precision: htmldate's
        search makes it the month's first day, a day no signal gave."""
        raws = [text for raw in signals if (text := normalize_text(raw))]
        month = next((raw for raw in raws if ISO_MONTH.fullmatch(raw)), None)
        for raw in raws:
            iso = parse_date(raw)
            # A CMS's null ("0001-01-01T00:00:00") dates nothing: the next signal may.
            if iso is not None and int(iso[:4]) >= EARLIEST_DATE.year:
                if month is not None and iso[:10] == f"{month}-01":
                    return month, month
                return raw, in_site_zone(iso, self._site_zones, shown_day)
        if month is not None:
            return month, month
        return (raws[0], None) if raws else None

    @cached_property
    def _published(self) -> tuple[str, str | None] | None:
        return self._first_date(self._published_signals, self._shown_day)

    @cached_property
    def _modified(self) -> tuple[str, str | None] | None:
        return self._first_date(self._modified_signals(), None)

    @cached_property
    def _published_signals(self) -> list[str | None]:
        """Read once: the site's zone and the publication date both start from them. Where
        the markup dates nothing, the date shown under the headline before htmldate's."""
        signals = [
            self.metadata.article_text("datePublished"),
            self.metadata.first("article:published_time"),
            next(iter(PUBLISHED_TIME(self.root)), None),
            self._own_time(ARTICLE_DATED_TIMES(self.root)),
            next(iter(POST_META_DATE(self.root)), None),
            self._own_time(DATED_TIMES(self.root)),
            self.metadata.first("datePublished"),  # microdata's <meta itemprop>
        ]
        if not any(signals):
            signals.append(self._shown_date or self._dateline_date)
        return [*signals, self._searched_date]

    def _own_time(self, times: list[etree._Element]) -> str | None:
        """The ``datetime`` of the first of ``times`` that dates the page's story, not
        another's (:func:`in_another_story`)."""
        heading = self._headline_heading
        return next((t.get("datetime") for t in times if not in_another_story(t, heading)), None)

    @cached_property
    def _headline_heading(self) -> etree._Element | None:
        """The ``<h1>`` that shows the headline, if one does."""
        return self._heading_showing_headline("h1")

    def _heading_showing_headline(self, *tags: str) -> etree._Element | None:
        """The first heading of ``tags`` (in page order) that shows the headline."""
        key = text_key(self.headline or "")
        return next(
            (h for h in self.root.iter(*tags) if key and text_key(paragraph_text(h)) == key),
            None,
        )

    @cached_property
    def _shown_date(self) -> str | None:
        """The text of the first element after the headline that a class or id names as a
        date or time, or of one such element within it, where it reads as a date
        (:func:`parse_date`): the day a blog or a news site shows under its headline in a
        form htmldate does not read ("2020年07月12日", goo.ne.jp's
        ``span.entry-top-info-time``, where htmldate took a photo's "2015/7/21撮影" in the
        text; Iran's and Afghanistan's calendar, "2 تير 1399 - 12:09:08 ب.ظ", aryanews.com's
        ``span.date-created``; "November 20 15:23 2019", indiapost.com's). Only the first:
        where it says "16 hours ago" the next ones date the related stories. None where the
        first dates another story or a comment (:func:`in_another_story`). Not one
        before the headline: the header's date is the day the page was fetched
        (aryanews.com's ``div.headerdate``)."""
        # A blog's headline may be an <h2> or <h3> (goo.ne.jp's is).
        heading = self._headline_heading
        if heading is None:
            heading = self._heading_showing_headline("h2", "h3")
        first = DATE_ELEMENT_AFTER(heading) if heading is not None else []
        if first and in_another_story(first[0], heading):
            return None
        for element in [*first, *(DATE_ELEMENTS_WITHIN(first[0]) if first else [])]:
            text = normalize_text(paragraph_text(element))
            if text and len(text) <= SHOWN_DATE_CHARS and parse_date(text):
                return text
        return None

    @property
    def _dateline_date(self) -> str | None:
        """The date a story's first paragraph of prose opens with, set apart by a dash, where
        the markup dates nothing: a health or wire service's dateline ("Feb. 23, 2015 --
        Life-threatening peanut allergies…", webmd.com, whose page htmldate dated from
        nothing the page says)."""
        document_body = self._document.body if self._document is not None else None
        blocks = block_texts(document_body) if document_body is not None else []
        first = next((text for text in blocks if prose_words(text) >= PROSE_WORDS), "")
        dateline = DATELINE.match(first)
        return parse_date(dateline["date"]) if dateline else None

    @cached_property
    def _searched_date(self) -> str | None:
        """trafilatura's date: htmldate's, which searches the page's text when its markup
        gives none. Not when it is 1 January of a year found alone (a copyright line, a
        year in a link), htmldate's last guess, a day no page gave, unless its search of
        the markup alone gives that day too."""
        day: str | None = self._extraction.get("date")
        if day is None or not is_new_year(day):
            return day
        from htmldate import find_date

        markup_day = find_date(
            self.response.text, url=self.public_url, original_date=True, extensive_search=False
        )
        return day if markup_day == day else None

    def _modified_signals(self) -> list[str | None]:
        # Not time.updated: themes print it on every post, equal to the publication date.
        return [
            self.metadata.article_text("dateModified"),
            self.metadata.first("article:modified_time"),
            self.metadata.first("dateModified"),
        ]

    # -- fields ----------------------------------------------------------------------

    def title(self) -> list[str | None]:
        return [self.headline]

    def authors(self) -> list[str]:
        return self._authors

    @cached_property
    def _authors(self) -> list[str]:
        """The first signal that names anyone but the site itself, split into people, and
        the wire service the visible byline names after them; trafilatura's guess next to
        last (initials as the page prints them), unless it holds pieces of an address or a
        file name; then the authors' pages linked under the headline; last, the reporter a
        Chinese-language dateline names (:func:`reporters_in_dateline`), or a Korean
        byline or sign-off line (:func:`reporters_signing_off`)."""
        names = first_nonempty(
            lambda: self._people(self.metadata.article_names("author")),
            lambda: self._people(self.metadata.all("author")),
            lambda: self._people(own_post_names(BYLINE_AUTHORS(self.root))),
            lambda: self._people(own_post_names(POST_META_AUTHORS(self.root))),
            lambda: self._people([element_value(e) for e in ITEMPROP_AUTHORS(self.root)]),
            lambda: self._people(self._itemprop_author_texts()),
            self._guessed_people,
            lambda: self._people(self._author_links_under_headline()),
            lambda: self._people(reporters_in_dateline(self._paragraphs[:1])),
            lambda: self._people(reporters_signing_off(self._paragraphs)),
            self._person_the_site_is_named_after,
        )
        return [*names, *self._listed_after(names), *self._wire_after(names)]

    def _itemprop_author_texts(self) -> list[str]:
        """The story's microdata authors given as text (ndr.de's ``<span
        itemprop=author>Autor/in: Korinna Hennig</span>``, which trafilatura splits at the
        slash): not an image's or a review's (:data:`NOT_THE_STORYS_ITEM`), a comment's, an
        embedded post's or another story's teaser's (:func:`in_another_story`)."""
        heading = self._headline_heading
        return [
            element_value(element)
            for element in ITEMPROP_AUTHOR_TEXTS(self.root)
            if not element.xpath(".//*[@itemprop]")
            and not any(map(NOT_THE_STORYS_ITEM.search, ITEM_AROUND(element)))
            and not in_another_story(element, heading)
        ]

    def _author_links_under_headline(self) -> list[str]:
        return self._byline_under_headline[0]

    @cached_property
    def _byline_under_headline(self) -> tuple[list[str], list[etree._Element]]:
        """The names of the links between the visible headline and the story's first
        paragraph that go to authors' pages (:data:`AUTHOR_PAGE`) or follow a "By"
        (:data:`BY_BEFORE_LINK`): a byline no class names ("By <a href=/staff/louis-jacobson/>
        Louis Jacobson</a> on Monday", politifact.com; "By: <a href=/id/15837548/>Patti
        Domm</a>", cnbc.com); and the names of a line of its own there that starts as a
        byline (:data:`BYLINE_TEXT`: "By Kate Sullivan, CNN"). Not a link an image's credit
        names (:data:`IMAGE_CREDIT_BEFORE_LINK`). None if there are more than
        :data:`BYLINE_LINKS`. With them, the elements they were read from."""
        heading = self._headline_heading
        if heading is None or not self._paragraphs:
            return [], []
        # The story's first paragraph of prose: a standfirst may come before the byline.
        first = next(
            (text for text in self._paragraphs if prose_words(text) >= PROSE_WORDS),
            self._paragraphs[0],
        )
        start = opening(first)
        names: dict[str, str] = {}
        sources = []
        for element in FOLLOWING_ELEMENTS(heading):
            # The story has begun: its opening ("<b>WASHINGTON</b> — The…" spans a tail),
            # or a paragraph of prose, where the opening is split further.
            if holds(f"{element.text or ''} {element.tail or ''}", start) or (
                element.tag == "p" and prose_words(paragraph_text(element)) >= PROSE_WORDS
            ):
                break
            href = element.get("href") if element.tag == "a" else None
            path = urlsplit(self.urljoin(href)).path if href else ""  # relative links too
            before = text_before(element) if href else ""
            if IMAGE_CREDIT_BEFORE_LINK.search(before):
                continue
            if href and (
                (AUTHOR_PAGE.search(path) and not TAG_PAGE.search(path))
                or BY_BEFORE_LINK.search(before)
            ):
                found = [normalize_text(paragraph_text(element)) or ""]
            elif BYLINE_TEXT.match((element.text or "").lstrip()):
                # Its first line, unless that holds no name ("By<br>Susan Marsh").
                found = self._byline_names(first_line(element)) or self._byline_names(
                    paragraph_text(element)
                )
            else:
                continue
            named = [name for name in found if 2 <= len(name.split()) <= NAME_WORDS]
            for name in named:
                names.setdefault(name.casefold(), name)
            if named:
                sources.append(element)
        if len(names) > BYLINE_LINKS:
            return [], []
        return list(names.values()), sources

    def _person_the_site_is_named_after(self) -> list[str]:
        """The JSON-LD author typed a ``Person`` whose name is the site's, and the meta
        author's too: a personal blog ("Sam Okafor", a Hugo or Jekyll site of its
        author's name). Every other signal
        leaves out a name that is the site's (a newsroom's byline), and it had no author.
        Not a name of a newsroom's words ("Editorial Team"), nor a publication's
        (:data:`PUBLICATION_WORD`: "Harbour Courier" typed a ``Person``)."""
        shown = {normalize_text(name) for name in self.metadata.all("author")}
        return [
            name
            for name in map(normalize_text, self.metadata.article_people("author"))
            if name
            and 2 <= len(name.split()) <= NAME_WORDS
            and is_site_name(name, self.site_names)
            and name in shown
            and not is_site_byline(name, ())
            and not PUBLICATION_WORD.search(name)
        ]

    @staticmethod
    def _byline_names(text: str) -> list[str]:
        """The names of a line that starts as a byline, if it is short enough to be one."""
        line = normalize_text(text) or ""
        found = split_authors(line) if len(line) <= BYLINE_LINE_CHARS else []
        return [name for name in found if 2 <= len(name.split()) <= NAME_WORDS]

    @cached_property
    def _byline_lines(self) -> set[str]:
        """The words (:func:`text_key`) of each short line (:data:`LABEL_WORDS`) of the
        blocks that hold the byline under the headline (:attr:`_byline_under_headline`):
        the author's title on a line of its own ("By: <a>Patti Domm</a><br>CNBC Executive
        News Editor", cnbc.com) is no sentence of the story."""
        keys = set()
        for element in self._byline_under_headline[1]:
            # A link's lines are its parent's: "By: <a>…</a><br>Title" in one <span>.
            holder = element.getparent() if element.tag == "a" else element
            if holder is not None:
                keys |= {
                    text_key(line)
                    for line in text_lines(holder)
                    if len(line.split()) <= LABEL_WORDS
                }
        return keys - {""}

    def _guessed_people(self) -> list[str]:
        guess = self._extraction.get("author") or ""
        if (
            is_misread_byline(guess)
            or any(is_reading_of(guess, byline) for byline in self._refused_bylines)
            or text_key(guess) in self._commenters
            or (text_key(guess) in self._account_names and self._byline_under_headline[0])
        ):
            return []
        people = self._people([guess])
        # Where a name may have lost an initial's period or taken the date after it.
        if any(len(parts) > 2 or 1 in map(len, parts) for parts in map(str.split, people)):
            text = " ".join(self.root.itertext())
            people = [without_date_after(name, text) for name in people]
            people = [with_initials_as_printed(name, text) for name in people]
        return people

    @cached_property
    def _account_names(self) -> set[str]:
        """The names of the site's user accounts the page shows as who posted it: Drupal's
        "Submitted by <span class=username>webeditor</span>", which trafilatura takes for
        the author over the byline under the headline, "By Maria Gonzalez". Where no
        byline names anyone, the account is the author (a community site's "Gespeichert
        von rasos")."""
        return {text_key(name) for name in ACCOUNT_NAMES(self.root)}

    @cached_property
    def _commenters(self) -> set[str]:
        """The names the page's comments are signed with (:data:`COMMENT_AUTHORS`), which
        trafilatura's author search may take for the story's (ultimahora.es's "Alcalino")."""
        return {text_key(paragraph_text(element)) for element in COMMENT_AUTHORS(self.root)}

    @cached_property
    def _refused_bylines(self) -> list[str]:
        """Each author value the page's metadata or its post's byline links give that names
        no one (:meth:`_people`): the site itself, a desk of it, its imprint, a login.
        trafilatura's guess may be the same byline, respelled (:func:`is_reading_of`):
        "speicherguide.de" as "Speicherguide De", the login "majainfos_zlfca4v6" as
        "Majainfos Zlfca", "वाराणसी ब्यूरो" (Varanasi bureau) as "वाराणसी ब्यूर", its last
        vowel sign lost, which then no longer reads as a desk's."""
        named = [
            *self.metadata.article_names("author"),
            *self.metadata.all("author"),
            *own_post_names(BYLINE_AUTHORS(self.root)),
            *own_post_names(POST_META_AUTHORS(self.root)),
        ]
        return [value for value in named if not self._people([value])]

    def _wire_after(self, names: list[str]) -> list[str]:
        """The wire service a visible byline names right after the names, where the
        signal they came from left it out ("By Orhan Coskun and Suleiman Al-Khalidi
        <span class=c-byline__source>Reuters</span>", JSON-LD naming the two)."""
        if any(map(is_wire_service, names)) or not self._followed_by(names, WIRE_AFTER_NAMES):
            return []
        text = self._byline_naming(names) or ""
        found = [re.search(re.escape(name), text, flags=re.IGNORECASE) for name in names]
        if not all(found):
            return []
        wire = WIRE_AFTER_NAMES.match(text, max(match.end() for match in found if match))
        return [wire.group(1)] if wire else []

    def _listed_after(self, names: list[str]) -> list[str]:
        """The people a visible byline lists after the names, where the signal they came
        from named fewer ("By Stefan Becket, Kathryn Watson, Grace Segers", JSON-LD naming
        the first): names of two words or more, not the site's."""
        if not self._followed_by(names, NAME_AFTER_NAME):
            return []
        byline = self._byline_naming(names)
        listed = self._people([byline]) if byline else []
        keys = {text_key(name) for name in names}
        if not keys <= {text_key(name) for name in listed}:
            return []
        return [name for name in listed if text_key(name) not in keys and len(name.split()) > 1]

    def _followed_by(self, names: list[str], pattern: re.Pattern[str]) -> bool:
        return bool(names) and is_followed_by(names[-1], pattern, self.response.text)

    def _byline_naming(self, names: list[str]) -> str | None:
        """The text of the first element that calls itself a byline, of a byline's length
        (:data:`BYLINE_CHARS`), that holds every one of ``names``, whatever their case."""
        keys = [text_key(name) for name in names]
        for element in BYLINE_ELEMENTS(self.root):
            text = normalize_text(" ".join(element.itertext())) or ""
            if len(text) <= BYLINE_CHARS and all(key in text_key(text) for key in keys):
                return text
        return None

    def _people(self, bylines: list[str]) -> list[str]:
        names = []
        for value in map(byline_text, bylines):
            # A byline that is the site's name as a whole names no one, though its pieces
            # may read as names ("Agency Name | Latest News of the World | AGN").
            if (
                is_site_name(value, self.site_names)
                or self._credits_a_maker(value)
                or LOGIN.fullmatch(value.strip())
            ):
                continue
            listed = split_authors(value)
            # Nor does the publisher's imprint, the site's name and then its address
            # (sueddeutsche.de's meta author "Süddeutsche.de GmbH, Munich, Germany"); but
            # bylines joined with ";" are several, a person's after the site's
            # (trafilatura's guess "Akhbarelyom; Heba Musa").
            if (
                ";" not in value
                and len(listed) > 1
                and self._names_the_site(listed[0])
                and not is_site_byline(listed[0], ())  # "Staff, Jane Doe": a newsroom word
            ):
                continue
            names += self._without_outlet(listed)
        names = [without_affiliation(name, self.site_names) for name in names]
        return [name for name in names if not self._names_the_site(name)]

    def _credits_a_maker(self, byline: str) -> bool:
        """Whether a byline names an organization by its own web address: one capitalized
        word, a company's legal form aside, that the address spells (the credit of the
        agency that built the site: ldt.de's meta author "Arentik d.o.o. -
        www.arentik.com"); not a person, with a site of their own or not ("Jane Doe -
        www.janedoe.com", "www.mrsadiq.info | Sadiq Məmmədov")."""
        tokens = byline.split()
        for address in filter(WEB_ADDRESS.match, tokens):
            name = " ".join(token for token in tokens if token != address).strip(" |-–—,")
            capitalized = [word for word in name.split() if word[:1].isupper()]
            if len(capitalized) == 1 and is_site_byline(name, (address,)):
                return True
        return False

    def _without_outlet(self, names: list[str]) -> list[str]:
        """A byline's names without the last one when it is another publication the page
        links to, after a person: the outlet that ran the story first ("Victor
        Tangermann, Futurism" on sciencealert.com, linking to futurism.com; "Galo Ramírez |
        El Sol de México" on elsoldemazatlan.com.mx). A wire service stays: the byline
        names it as the story's author."""
        if len(names) < 2 or is_wire_service(names[-1]):
            return names
        return names[:-1] if is_site_name(names[-1], self._linked_hosts) else names

    @cached_property
    def _linked_hosts(self) -> tuple[str, ...]:
        """The host of each other site the page links to, once."""
        own = {urlsplit(url).hostname for url in self._own_urls}
        hosts = (
            urlsplit(href).hostname
            for href in LINK_TARGETS(self.root)
            if href.startswith(("http://", "https://"))
        )
        return tuple(dict.fromkeys(host for host in hosts if host and host not in own))

    def _names_the_site(self, name: str) -> bool:
        """Whether an author name is the site's (:func:`is_site_byline`); a wire service's
        only where the site's own names name it: a syndicated story's metadata may name
        the wire as its publisher, and the byline names it as the story's author."""
        return is_site_byline(name, self._house_names if is_wire_service(name) else self.site_names)

    def published_raw(self) -> list[str | None]:
        return [self._published[0]] if self._published else []

    def published(self) -> list[str | None]:
        return [self._published[1]] if self._published else []

    def modified_raw(self) -> list[str | None]:
        return [self._modified[0]] if self._modified else []

    def modified(self) -> list[str | None]:
        return [self._modified[1]] if self._modified else []

    def section(self) -> list[str | None]:
        """The section the page's metadata names (JSON-LD, ``article:section``, then
        microdata), else its category link, else the last level of its breadcrumb trail
        (:mod:`crawler.extraction.breadcrumbs`), else the label linked right before its
        headline, else the category WordPress marks in the site's menu as the post's."""
        declared = [*self.metadata.article_sections(), self.metadata.first("article:section")]
        if not any(name and is_section_name(name) for name in declared):
            declared.append(self._microdata_section)  # a walk of the page: only if needed
        candidates = [*declared, next(iter(CATEGORY_LINKS(self.root)), None)]
        named = [name for name in candidates if name and is_section_name(name)]
        if named and self._breadcrumb_levels:
            named[0] = refined_section(named[0], self._breadcrumb_levels)
        # Read only where nothing before them names a section: it walks the page.
        if not named and (name := last_section(self._breadcrumb_levels)) and is_section_name(name):
            named.append(name)
        if not named and (name := self._kicker_section) and self._is_kicker_section(name):
            named.append(name)
        if not named and (name := self._menu_section) and is_section_name(name):
            named.append(name)
        return named

    @cached_property
    def _microdata_section(self) -> str | None:
        """The section the page's microdata names (``itemprop="articleSection"``: a
        ``<meta>``'s content, else the element's text: sputniknews.com's section link,
        upmedia.mg's ``<meta>``), when it names one, of a section's length
        (:data:`SECTION_WORDS`): a page that marks several ("New South Wales", "news",
        "Sydney") does not say which is its section, and one Polish site marks its
        author's biography."""
        return sole_name(
            name
            for element in ITEMPROP_SECTIONS(self.root)
            if (name := normalize_text(element_value(element)))
            and len(name.split()) <= SECTION_WORDS
        )

    @cached_property
    def _menu_section(self) -> str | None:
        """The category WordPress marks in the site's menu as the post's
        (``li.current-post-parent``), when it marks one name: a post filed under several
        is marked under each, and which of them the site calls its section, nothing says.
        Not the home page's item (techcrunch.com marked its "Home")."""
        name = sole_name(map(normalize_text, MENU_POST_CATEGORIES(self.root)))
        return None if name is None or name.casefold() in HOME_NAMES else name

    def _is_kicker_section(self, label: str) -> bool:
        """Whether a kicker's label names a section: not the story's author, whose column
        it links to (heraldsun.com.au's "Laurie Oakes" over his column)."""
        authors = {text_key(author) for author in self._authors}
        return is_section_name(label) and text_key(label) not in authors

    @cached_property
    def _kicker_section(self) -> str | None:
        """The label a story is filed under, shown as a link right before its headline
        ("World", "TECH" above the ``<h1>``): the last link before the first ``<h1>`` that
        is not the site's name, within three levels around it, of one to four words, to a
        page of the site (the page's own host or the one it gives itself) one to three
        levels deep that lists no author, tag, topic or numbered entity, and outside a
        menu inside that level: the ``<header>`` that holds the headline too is the
        story's, not the site's (washingtonpost.com's "Politics" over its ``<h1>``); not
        a link to the page itself, a button."""
        h1 = next(
            (
                h
                for h in self.root.iter("h1")
                if (text := normalize_text(paragraph_text(h))) and text not in self.site_names
            ),
            None,
        )
        container = h1
        for _ in range(3):
            if container is None or (container := container.getparent()) is None:
                return None
            if (link := link_before(container, h1)) is not None:
                return self._kicker_label(link, container)
        return None

    def _kicker_label(self, link: etree._Element, container: etree._Element) -> str | None:
        below = takewhile(lambda ancestor: ancestor is not container, link.iterancestors())
        if any(map(is_menu, below)):
            return None
        text = normalize_text(paragraph_text(link))
        address = self.urljoin(link.get("href", ""))
        target = urlsplit(address)
        levels = [level for level in target.path.split("/") if level]
        previous = link.getprevious()
        before = previous.tail if previous is not None else link.getparent().text
        if (
            not text
            or not any(c.isalpha() for c in text)
            # a link in a sentence: "Eine Widerspruchsmöglichkeit gibt es <a>hier</a>."
            # (bayern.de's cookie notice over its headline)
            or len(f"{before or ''} {link.tail or ''}".split()) > KICKER_CONTEXT_WORDS
            or len(text.split()) > 4
            or target.netloc not in {urlsplit(url).netloc for url in self._own_urls}
            or not 1 <= len(levels) <= 3
            or levels[-1].isdigit()  # an entity's page (a press office's, a user's)
            or lists_no_section(address)
            # a button: a link to the page itself (telemedicus.info's "Drucken", print, at "#")
            or address.split("#", 1)[0].rstrip("/") in self._own_addresses
        ):
            return None
        return text

    @cached_property
    def _breadcrumb_levels(self) -> list[Crumb]:
        """The section levels of the JSON-LD trail, else of the markup's."""
        trail = jsonld_trail(self.metadata.jsonld_nodes)
        if not trail and "readcrumb" in self.response.text:  # else no markup names one
            trail = markup_trail(self.root, self.base_url)
        return section_levels(trail, self._own_urls, self.headline)

    def tags(self) -> list[str]:
        """The first signal's tags, but the site's own name ("cnbc", "soychilecl")."""
        tags = first_nonempty(
            lambda: self.metadata.article_keywords(),
            lambda: self.metadata.all("article:tag"),
            lambda: TAG_LINKS(self.root),
            self._tag_links,
        )
        return [tag for tag in tags if not is_site_name(tag, self.site_names)]

    def _tag_links(self) -> list[str]:
        """The story's tags linked anywhere on the page, where its ``<article>`` links
        none: the links marked ``rel="tag"``, else the links to tag or topic pages
        (:data:`TAG_PAGE`) in a block named for tags (:data:`TAG_BOX`); neither in a menu,
        the header or footer, nor a tag cloud, and at most :data:`TAG_LINKS_MAX` of them;
        a link of a tag's length (:data:`TAG_WORDS`), not a label ("Temas relacionados:")
        nor another story's headline (news.biglobe.ne.jp's "topics" links)."""
        links = [link for link in REL_TAG_LINKS(self.root) if self._in_story_place(link)]
        if not links:
            links = [
                link
                for link in self.root.iter("a")
                if TAG_PAGE.search(link.get("href") or "")
                and any(TAG_BOX.search(class_and_id(above)) for above in link.iterancestors())
                and self._in_story_place(link)
            ]
        if len(links) > TAG_LINKS_MAX:
            return []
        texts = (normalize_text(paragraph_text(link)) or "" for link in links)
        return [
            text
            for text in texts
            if text and prose_words(text) <= TAG_WORDS and not text.endswith(":")
        ]

    @staticmethod
    def _in_story_place(link: etree._Element) -> bool:
        """Whether a link is outside the page's menus, header, footer and tag clouds."""
        return not any(
            is_menu(ancestor) or TAG_CLOUD.search(class_and_id(ancestor))
            for ancestor in link.iterancestors()
        )

    def post_id(self) -> list[str]:
        return self.post_ids()

    def language(self) -> list[str | None]:
        """The language the article is written in: the page's declaration (``<html
        lang>``, ``og:locale``, trafilatura's reading), unless its text is clearly in
        another, or none is declared (:func:`text_language`)."""
        declared = (*super().language(), self._extraction.get("language"))
        code = next((c for value in declared if value and (c := language_code(value))), None)
        return [text_language("\n".join([self.headline or "", *self.body()]), code)]

    def images(self) -> list[dict[str, str | None]]:
        """The images the article shows; where it shows none, the one its metadata gives
        for sharing (``og:image``, ``twitter:image``, else its JSON-LD ``image``, with
        the caption it gives there: the story's lead picture, often shown by a script or
        a video player), unless its address says it is the site's stand-in or an avatar
        (:func:`names_site_image`)."""
        shown = self._figures[0]
        if shown:
            return shown
        given = [
            (value.strip(), None)
            for name in ("og:image", "og:image:url", "og:image:secure_url", "twitter:image")
            if (value := self.metadata.first(name) or "").strip()
        ]
        for source, caption in (*given, *self.metadata.article_images()):
            url = absolute_http_url(self.base_url, source)
            if url and not names_site_image(url):
                return [{"url": url, "caption": caption, "credit": None}]
        return []

    def body(self) -> list[str]:
        # The byline is read from the paragraphs (where the story starts), so its lines
        # are left out of them only here; and a wiki's edit links, which the paragraphs
        # keep so that each is still the page's own text.
        return [
            without_edit_link(text)
            for text in self._paragraphs
            if len(text.split()) > LABEL_WORDS
            or not (text_key(text) in self._byline_lines or self._is_byline_naming_authors(text))
        ]

    def _is_byline_naming_authors(self, line: str) -> bool:
        """Whether a short line is a byline in the site's language that names the record's
        authors, perhaps with a date after them: "Par Elba" (blogs.mediapart.fr), "von
        Klaus-Peter Schöppner, 8.5.12" (carta.info)."""
        lead = BYLINE_TEXT.match(line)  # its end is the name's first character
        rest = text_key(line[lead.end() - 1 :]) if lead else ""
        return any(rest.startswith(key) for name in self._authors if (key := text_key(name)))

    @cached_property
    def _paragraphs(self) -> list[str]:
        document_body = self._document.body if self._document is not None else None
        blocks = block_texts(document_body) if document_body is not None else []
        paragraphs = [
            text
            for text in after_headline(blocks, self.headline, self._is_link)
            if self._is_body_text(text)
        ]
        paragraphs = [*self._lead_lines(paragraphs), *paragraphs]
        paragraphs = self._with_embedded_posts(self._with_other_parts(paragraphs))
        container = self._container(paragraphs)
        article = (
            next((a for a in (container, *container.iterancestors()) if a.tag == "article"), None)
            if container is not None
            else None
        )
        paragraphs = self._without_leading_lines_elsewhere(paragraphs, article)
        paragraphs = without_related_links(
            without_leading_dates(paragraphs), self._is_link, self._holds_link
        )
        paragraphs = without_closing_heading(without_closing_menu(paragraphs, self._is_link))
        paragraphs = [*paragraphs, *self._wire_credits(paragraphs, container, article)]
        return self._structured_body_instead(paragraphs)

    def _structured_body_instead(self, paragraphs: list[str]) -> list[str]:
        """``paragraphs``, or the article's text as its JSON-LD gives it
        (:func:`structured_paragraphs`) where they hold less than a third of its words
        (:data:`STRUCTURED_BODY_SHARE`): a page whose scripts write the story (scmp.com's,
        whose markup holds its photo's caption and placeholders) gives its text there, for
        search engines. Also where they are that text, its paragraphs run together:
        trafilatura, finding no story in the markup, reads the JSON-LD's text as one block."""
        structured = self.metadata.article_text("articleBody")
        if structured is None:
            return paragraphs
        split = structured_paragraphs(structured)
        words = sum(map(prose_words, paragraphs))
        if words * STRUCTURED_BODY_SHARE < prose_words(structured):
            return split
        if len(split) > len(paragraphs) and text_key(" ".join(paragraphs)) == text_key(
            " ".join(split)
        ):
            return split
        return paragraphs

    def _without_leading_lines_elsewhere(
        self, paragraphs: list[str], article: etree._Element | None
    ) -> list[str]:
        """``paragraphs`` less the short lines (:data:`LABEL_WORDS`) before the story's first
        paragraph of prose that the page writes only outside the ``<article>`` holding
        the story (``article``): a sidebar's box headings, their boxes' links dropped
        (ANSA's "NEWS DALLA SEZIONE", "i più letti" in its right column, over the story)."""
        first_prose = next(
            (i for i, text in enumerate(paragraphs) if prose_words(text) >= PROSE_WORDS), 0
        )
        leading = {
            text_key(text) for text in paragraphs[:first_prose] if len(text.split()) <= LABEL_WORDS
        }
        if article is None or not leading:
            return paragraphs
        places: dict[str, list[bool]] = {}
        for element, text in self._page_paragraphs:
            if (key := text_key(text)) in leading:
                inside = element is article or article in element.iterancestors()
                places.setdefault(key, []).append(inside)
        elsewhere = {key for key, inside in places.items() if not any(inside)}
        return [
            text
            for index, text in enumerate(paragraphs)
            if index >= first_prose or text_key(text) not in elsewhere
        ]

    def _wire_credits(
        self,
        paragraphs: list[str],
        container: etree._Element | None,
        article: etree._Element | None,
    ) -> list[str]:
        """The story's credits line ("Additional reporting by Steve Gorman; Editing by
        Marguerita Choy…", :data:`REPORTING_CREDITS`) where trafilatura left it out, in
        the ``<article>`` that holds the story's paragraphs' ``container``: Reuters sets
        it in its own ``div.Attribution`` after the story, which precision mode drops."""
        if article is None or any(REPORTING_CREDITS.match(text) for text in paragraphs[-2:]):
            return []
        kept = {text_key(text) for text in paragraphs}
        for element in article.iter("p"):
            if element.getparent() is container:
                continue  # a sentence of the story that trafilatura left out, not credits
            text = normalize_text(paragraph_text(element)) or ""
            if (
                len(text.split()) <= CREDITS_WORDS
                and REPORTING_CREDITS.match(text)
                and text_key(text) not in kept
            ):
                return [text]
        return []

    def _with_embedded_posts(self, paragraphs: list[str]) -> list[str]:
        """``paragraphs`` with the posts the story embeds (a tweet's text and its "— Name
        (@handle) date" line) in their place, after the paragraph before them: trafilatura
        drops them, and they are the story's quotes. Only posts inside the container of
        most kept paragraphs: a sidebar's timeline is not the story's."""
        posts = EMBEDDED_POSTS(self.root)
        container = self._container(paragraphs) if posts else None
        if container is None:
            return paragraphs
        kept = {text_key(text) for text in paragraphs}
        order = {element: index for index, element in enumerate(container.iter())}
        # Each kept paragraph's place in the page: the elements that hold one.
        places = [
            (order[element], key)
            for element in container.iter(*TEXT_ELEMENTS)
            if (key := text_key(paragraph_text(element))) in kept
        ]
        after: dict[str, list[str]] = {}
        for post in posts:
            if post not in order:
                continue
            lines = [line for part in post.iter("p") for line in text_lines(part)]
            lines += text_lines(post)  # the "— Name (@handle) date" line, when it is bare
            if any(text_key(line) in kept for line in lines):
                continue  # trafilatura kept it
            before = [key for place, key in places if place < order[post]]
            after.setdefault(before[-1] if before else "", []).extend(lines)
        merged = after.pop("", [])
        for text in paragraphs:  # each post once, after the first of equal paragraphs
            merged += [text, *after.pop(text_key(text), [])]
        return merged

    def _lead_lines(self, paragraphs: list[str]) -> list[str]:
        """The prose that the first kept paragraph's container holds as bare text before
        it, which trafilatura drops: yahoo.com's AP lead, the tail of a widget inside a
        ``<p>`` the parser closed; macrumors.com's, before a ``<br>`` and an image.
        Lines of prose only (:data:`PROSE_WORDS` words or more, ending as a sentence
        does, not a link or a label, not in what trafilatura prunes: mondediplo.net's
        "Lire aussi" box), never the page's ``<body>`` itself."""
        found = self._text_owner(paragraphs[0]) if paragraphs else None
        if found is None:
            return []
        container, stop, start = found
        if container.tag in ("body", "html"):
            return []
        kept = {text_key(text) for text in paragraphs}

        def leading(skip: Collection[etree._Element]) -> list[str]:
            lines = text_lines(container, stop, skip)
            if stop is None:  # the paragraph is one of the lines: those before it
                lines = list(takewhile(lambda line: start not in line, lines))
            return [
                line
                for line in lines
                if prose_words(line) >= PROSE_WORDS
                and SENTENCE_END.search(line)
                and text_key(line) not in kept
                and self._is_body_text(line)
                and not self._is_link(line)
            ]

        # What trafilatura prunes is looked for in the container only, and only where
        # there are lines to keep (most pages have none: the search costs about 2.5 ms).
        return leading(set(PRUNED(container))) if leading(()) else []

    def _text_owner(
        self, paragraph: str
    ) -> tuple[etree._Element, etree._Element | None, str] | None:
        """Where ``paragraph`` sits: its ``<p>``'s parent and the ``<p>``, or the parent of
        the block that is the whole line (an ``<h2>``) and the block, else the element whose
        own text holds its first words (and None), with those words."""
        key = text_key(paragraph)
        for element, text in self._page_paragraphs:
            parent = element.getparent()
            if text_key(text) == key and parent is not None:
                return parent, element, ""
        start = opening(paragraph)
        if len(start) < LEAD_PROBE_CHARS:
            return None
        body = self.root.find("body")
        for element in (body if body is not None else self.root).iter():
            owner = None
            if element.tag not in NOT_TEXT and holds(element.text, start):
                owner = element
            elif holds(element.tail, start):
                owner = element.getparent()
            # The line's block: "<p><b>SAN FRANCISCO</b> (AP) — …" is the <p>'s.
            while owner is not None and owner.tag in INLINE_TAGS:
                owner = owner.getparent()
            if owner is None:
                continue
            # A block that is the whole line (a heading) is one of its parent's, as a <p>.
            parent = owner.getparent()
            if (
                parent is not None
                and isinstance(owner.tag, str)  # a comment may hold the words too
                and text_key(paragraph_text(owner)) == key
            ):
                return parent, owner, ""
            return owner, None, start
        return None

    @cached_property
    def _link_keys(self) -> list[str]:
        """The words (:func:`text_key`) of every link's text on the page."""
        keys = {text_key(paragraph_text(link)) for link in self.root.iter("a")}
        return sorted(keys - {""})

    def _holds_link(self, text: str) -> bool:
        """Whether a paragraph holds the text of a link of the page of two words or more
        (a teaser's headline after its kicker)."""
        key = text_key(text)
        return any(" " in link and link in key for link in self._link_keys)

    def _is_link(self, text: str) -> bool:
        """Whether a paragraph is a link of the page: its text, or its text followed by a
        little more (the source: "Title (Forbes)"; :data:`LINK_SHARE`); or the texts of
        several links run together, a list of other stories trafilatura reads as one line
        (gofeminin.de's four teasers under "Auch auf gofeminin.de")."""
        key = text_key(text)
        return (
            any(
                key.startswith(link) and len(link) >= LINK_SHARE * len(key)
                for link in self._link_keys
            )
            or len(links_run_together(key, self._link_keys)) > 1
        )

    @cached_property
    def _captions(self) -> set[str]:
        """The page's captions (:func:`caption_keys`, :func:`image_caption_keys`): a
        paragraph that is one of them is an image's, not the story's, wherever it sits
        (trafilatura keeps a caption that is not in a ``<figure>``); and what its metadata
        says an image shows (:data:`META_CAPTION_CHARS`)."""
        described = (
            text_key(caption)
            for caption in self.metadata.image_captions()
            if len(caption.strip()) >= META_CAPTION_CHARS
        )
        return caption_keys(self.root) | image_caption_keys(self.root) | set(described)

    @cached_property
    def _hidden_texts(self) -> set[str]:
        """The texts of the short blocks the page hides (:func:`hidden_text_keys`), where
        the body is trafilatura's default mode's: its precision mode drops hidden blocks
        itself, and finding them walks every attribute of the page (0.4 ms a page of the
        article-extraction benchmark)."""
        if self._document is None or self._document is self._precise:
            return set()
        return hidden_text_keys(self.root, self._page_paragraphs)

    @cached_property
    def _labels(self) -> set[str]:
        """The page's labels (:func:`label_keys`), searched for only when a paragraph is as
        short as one (:data:`LABEL_WORDS`): the search walks every element's class."""
        return label_keys(self.root)

    def _is_body_text(self, text: str) -> bool:
        _, not_body = self._figures
        return (
            text not in not_body
            and text_key(text) not in self._captions
            and text_key(text) not in self._hidden_texts
            and not (len(text.split()) <= LABEL_WORDS and text_key(text) in self._labels)
            and text != self.headline
            # the page's <title> on a line of its own, the site's name in it ("Didier Porte
            # souhaite la Santé à Balkany | Chroniques | Là-bas si j'y suis", la-bas.org)
            and text not in self._page_titles
            # the site's name on a line of its own (a masthead: "TIMES OF INDIA")
            and not (len(text.split()) <= LABEL_WORDS and is_site_name(text, self.site_names))
            and not is_chrome_line(text)
            and not is_caption_line(text)
            and has_words(text)
            and not DIVI_BYLINE.match(text)
            and not is_placeholder_text(text)
            and text not in self._own_urls  # a print footer's address of the page
        )

    def _container(self, paragraphs: list[str]) -> etree._Element | None:
        """The parent of most of the ``<p>`` elements that hold ``paragraphs`` (not of a
        comment that quotes one)."""
        kept = {text_key(text) for text in paragraphs}
        holding = Counter(
            parent
            for element, text in self._page_paragraphs
            if text_key(text) in kept and (parent := element.getparent()) is not None
        )
        return max(holding, key=holding.__getitem__, default=None)

    @cached_property
    def _pruned(self) -> set[etree._Element]:
        """The elements trafilatura is told to prune (:data:`PRUNE_XPATHS`), in the page."""
        return set(PRUNED(self.root))

    def _is_pruned(self, element: etree._Element) -> bool:
        """Whether ``element`` is in what trafilatura prunes (a comment form's notes)."""
        return any(e in self._pruned for e in (element, *element.iterancestors()))

    def _with_other_parts(self, paragraphs: list[str]) -> list[str]:
        """``paragraphs`` with the article's other parts, when the page splits its text
        into several containers of one kind (``div.article__body`` between ad slots):
        trafilatura keeps the part that holds the most text and drops the rest, silently.

        The container is the parent of most of the ``<p>`` trafilatura kept (not of a
        comment that quotes one); its other parts are the elements with the same tag and
        class, in a parent of the same tag and class, that neither hold it nor sit in it,
        in the same wrapper (:func:`same_wrapper`), less what trafilatura prunes (a comment
        form's notes). Paragraphs are compared by their words, as trafilatura spaces
        inline elements its own way.
        """
        kept = {text_key(text) for text in paragraphs}
        container = self._container(paragraphs)
        if container is None or not container.get("class") or container.getparent() is None:
            return paragraphs
        kind = element_kind(container)
        before: list[str] = []
        after: list[str] = []
        side = before
        for part in self.root.iter(container.tag):
            if part is container:
                side = after
                continue
            if (
                element_kind(part) != kind
                or _nested(part, container)
                or not same_wrapper(part, container)
            ):
                continue
            for element in part.iter("p"):
                part_text = normalize_text(paragraph_text(element))
                if (
                    part_text
                    and text_key(part_text) not in kept
                    and self._is_body_text(part_text)
                    and not self._is_pruned(element)
                ):
                    kept.add(text_key(part_text))
                    side.append(part_text)
        return [*before, *paragraphs, *after]


class GenericListingPage(ListingPage):
    """Post lists of WordPress and similar themes: ``article`` entries, rel=next pagination."""

    def entries(self) -> list[ListingEntry]:
        entries = []
        for post in ARTICLES(self.root):
            href = next(iter(LISTING_POST_LINK(post)), None)
            if href:
                entries.append(
                    ListingEntry(
                        url=self.urljoin(href),
                        published=next(iter(LISTING_POST_DATE(post)), None),
                        section=next(iter(CATEGORY_LINKS(post)), None),
                    )
                )
        return entries

    def older_page_url(self) -> str | None:
        href = older_page_href(self.root, self.base_url)
        return self.urljoin(href) if href else None


def older_page_href(root: etree._Element, url: str) -> str | None:
    """The link of the listing at ``url`` to its next page: marked so (:data:`OLDER_PAGE`),
    else the first whose whole text says "next" (:data:`NEXT_PAGE_TEXT`), else the one
    numbered one more than the page (``2`` on a listing's first page, ``4`` on
    ``/news/?p=3``), to a page of the same listing.

    >>> from lxml import html
    >>> older_page_href(html.fromstring("<div><a href='/a/'>Next door</a> "
    ...     "<a href='/news/?p=2'>Next »</a></div>"), "https://x.org/news/")
    '/news/?p=2'
    >>> pager = html.fromstring("<div><a href='/2/'>2</a> <a href='/news/?p=2'>2</a>"
    ...     "<a href='/news/?p=4'>4</a></div>")
    >>> older_page_href(pager, "https://x.org/news/"), older_page_href(pager, "https://x.org/news/?p=3")
    ('/news/?p=2', '/news/?p=4')
    >>> older_page_href(html.fromstring("<div><a href='/a/'>Read more</a></div>"), "https://x.org/")
    """
    marked = OLDER_PAGE(root)
    if marked:
        return str(marked[0])
    links = [
        (str(link.get("href")), "".join(link.itertext()).strip())
        for link in root.iter("a")
        if link.get("href")
    ]
    if said_next := [href for href, text in links if NEXT_PAGE_TEXT.fullmatch(text)]:
        return said_next[0]
    address = urlsplit(url)
    following = str(next((int(n) for n in re.findall(r"=(\d+)", address.query)), 1) + 1)
    for href, text in links:
        target = urlsplit(urljoin(url, href))
        if text == following and target.path == address.path and target.query:
            return href
    return None


def generic_profile(public_origin: str) -> SiteProfile:
    """The generic profile for the site at ``public_origin``."""
    return SiteProfile(
        public_origin=public_origin,
        article_page=GenericArticlePage,
        listing_page=GenericListingPage,
        classify_url=classify_url,
        archive_period=archive_period,
        section_listing=is_category_listing,
        posts_api=WORDPRESS_POSTS_API,
        fallback_sitemaps=("wp-sitemap.xml", "sitemap_index.xml", "sitemap.xml"),
    )
