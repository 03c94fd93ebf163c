"""Titles, authors and dates the generic profile gives for page shapes seen on real pages."""

from __future__ import annotations

import gzip
import json

import pytest
from scrapy.http import HtmlResponse

from crawler.extraction.loaders import ArticleLoader
from crawler.items import ArticleItem
from crawler.runtime.middlewares import decoded_as_crawled
from crawler.sites.generic import GenericArticlePage
from pipelines.title_suffix import SiteTitleSuffixPipeline
from qa.corpus_crawl import corpus

STORY = "<p>" + "Some words of the story. " * 20 + "</p>"


def record(head: str, body: str, url: str = "https://www.example-news.de/a/story") -> dict:
    html = f"<html><head>{head}</head><body><article>{body}{STORY}</article></body></html>"
    item = GenericArticlePage(HtmlResponse(url=url, body=html.encode())).to_item()
    return {
        "title": item.title,
        "authors": item.authors,
        "published": item.published,
        "section": item.section,
    }


def jsonld(**data: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def test_the_visible_headline_wins_over_an_seo_variant():
    head = "<title>Disney+ glitches blamed on heavy demand - LA Times</title>"
    head += '<meta property="og:title" content="Disney+ glitches: exec says we had some issues">'
    body = "<h1>Site Name</h1><h1>‘We had some issues,’ exec says on Disney+ glitches</h1>"
    assert record(head, body)["title"] == "‘We had some issues,’ exec says on Disney+ glitches"


def test_an_h1_that_is_the_site_name_is_not_the_headline():
    head = "<title>Jangan Membenci Satu Kaum | Kabar Islam</title>"
    head += '<meta property="og:site_name" content="Kabar Islam">'
    assert record(head, "<h1>Kabar Islam</h1>")["title"] == "Jangan Membenci Satu Kaum"


def test_double_encoded_entities_and_the_publisher_suffix_are_removed():
    head = "<title>Sch&amp;ouml;ne &amp;quot;neue&amp;quot; Chips - Golem.de</title>"
    head += jsonld(
        **{"@type": "NewsArticle", "publisher": {"@type": "Organization", "name": "Golem.de"}}
    )
    assert record(head, "")["title"] == 'Schöne "neue" Chips'


def test_a_site_name_that_is_the_twitter_title_names_the_page_not_the_site():
    # prachatai.com: trafilatura read the site's name from the headline; the <h1> that
    # says it was then taken for the site's logo, and the logo's text for the headline.
    head = "<title>Forest fire near the river is out | Prachatai</title>"
    head += '<meta name="twitter:title" content="Forest fire near the river is out">'
    head += '<meta property="og:site_name" content="Forest fire near the river is out">'
    body = '<h1><a href="/node">Prachatai</a></h1><h1>Forest fire near the river is out</h1>'
    assert record(head, body)["title"] == "Forest fire near the river is out"


def test_a_byline_set_in_the_headline_is_not_the_title():
    # nikkei.com: the h1[itemprop=headline] holds the headline, a <br> and the byline.
    head = '<meta property="og:title" content="Trump tactics against Xi (photo: Reuters)">'
    body = '<h1 itemprop="headline"><span>Trump tactics against Xi</span><br><span>Senior'
    body += " Writer Katsuji Nakazawa</span></h1>"
    assert record(head, body)["title"] == "Trump tactics against Xi"


def test_the_host_name_is_a_site_name_too():
    assert (
        record("<title>Wahl in Bayern | example-news.de</title>", "")["title"] == "Wahl in Bayern"
    )


def test_the_sites_own_name_is_not_an_author_and_the_next_signal_is_used():
    head = jsonld(**{"@type": "NewsArticle", "headline": "Story", "author": {"name": "STERN.de"}})
    head += '<meta property="og:site_name" content="stern.de">'
    head += '<meta name="author" content="Von Anna Schmidt und Peter Weber, Redakteurin">'
    assert record(head, "")["authors"] == ["Anna Schmidt", "Peter Weber"]


def test_the_publishers_imprint_names_no_author_but_a_person_after_the_site_does():
    # sueddeutsche.de's meta author: the company, then its address; the page's byline, a
    # line the profile does not read, names the reporter.
    head = '<meta property="og:site_name" content="Süddeutsche.de">'
    imprint = '<meta name="author" content="Süddeutsche.de GmbH, Munich, Germany">'
    assert record(head + imprint, "")["authors"] == []
    # trafilatura's guess joins the bylines it found with ";": the site's, then a person's.
    person_after = head.replace("Süddeutsche.de", "Akhbarelyom") + (
        '<meta name="author" content="Akhbarelyom; Heba Musa">'
    )
    assert record(person_after, "")["authors"] == ["Heba Musa"]


@pytest.mark.parametrize(
    "meta_author",
    [
        "speicherguide.de",  # trafilatura: "Speicherguide De"
        "majainfos_zlfca4v6",  # a WordPress login; trafilatura: "Majainfos Zlfca"
    ],
)
def test_trafilaturas_respelling_of_a_refused_meta_author_is_refused_too(meta_author):
    head = f'<meta name="author" content="{meta_author}">'
    assert record(head, "", url="http://127.0.0.1:8000/a/story")["authors"] == []


def test_a_title_written_as_a_web_address_slug_is_no_title():
    # adac.de: its og:title the CMS's slug; the page's <title> names the story.
    head = (
        '<meta property="og:title" content="adac-kindersitztest-herbst-2018">'
        "<title>ADAC Kindersitz-Test 2018 | ADAC</title>"
    )
    assert record(head, "", url="https://www.adac.de/test/")["title"] == "ADAC Kindersitz-Test 2018"


def test_the_bylines_of_other_posts_in_a_sidebar_widget_are_no_authors():
    # erp-news.info: the post's byline, then a "Sponsored Posts" widget whose entries are
    # each by "Sponsored Post".
    def byline(name: str) -> str:
        return f"<span class='byline'><span class='author'><a href='/a/'>{name}</a></span></span>"

    widget = f"<aside class='widget widget_featured_posts'>{byline('Sponsored Post') * 3}</aside>"
    html = f"<html><body><article>{byline('Matthias Weber')}{STORY}</article>{widget}</body></html>"
    page = GenericArticlePage(HtmlResponse(url="https://erp-news.info/a/", body=html.encode()))
    assert page.to_item().authors == ["Matthias Weber"]


def test_a_year_found_alone_is_no_publication_day():
    """htmldate, reading the text of a page whose markup has no date, gives 1 January of
    a copyright year (seen on 3 of the 200 publication-date benchmark pages)."""
    footer = "<footer><p>Copyright © 2016 Example News. All rights reserved.</p></footer>"
    html = f"<html><head><title>Story</title></head><body><article>{STORY}</article>{footer}"
    item = GenericArticlePage(
        HtmlResponse(url="https://www.example-news.de/a/story", body=html.encode())
    ).to_item()
    assert item.published is None


def test_a_new_years_day_the_markup_gives_is_kept():
    assert record('<meta name="date" content="2020-01-01">', "")["published"] == "2020-01-01"


class CountingStats:
    def __init__(self) -> None:
        self.values: dict[str, int] = {}

    def inc_value(self, key: str) -> None:
        self.values[key] = self.values.get(key, 0) + 1


def test_a_suffix_repeated_across_a_sites_pages_is_removed_once_it_repeats():
    stats = CountingStats()
    pipeline = SiteTitleSuffixPipeline(stats)  # type: ignore[arg-type]
    titles = [
        ("https://news.example/a", "Wild beat Sabres 4-1 at home | Sport"),
        ("https://news.example/b", "Parise scores twice in the third | Sport"),
        ("https://news.example/c", "Coach says the streak is no accident | Sport"),
        ("https://other.example/d", "Markets rally as oil prices fall | Sport"),
        ("https://news.example/e", "Budget vote delayed - again"),
    ]
    cleaned = [pipeline.process_item(ArticleItem(url=u, title=t)).title for u, t in titles]
    assert cleaned == [
        "Wild beat Sabres 4-1 at home | Sport",
        "Parise scores twice in the third",
        "Coach says the streak is no accident",
        "Markets rally as oil prices fall | Sport",
        "Budget vote delayed - again",
    ]
    assert stats.values == {"title/site_suffix_removed": 2}


# -- real pages nobody here wrote (fixtures/article-extraction, fixtures/publication-dates) --


def corpus_page(name: str, id_prefix: str) -> GenericArticlePage:
    """A benchmark page as the crawl gets it: its bytes, served at ``/<id>/`` on loopback,
    decoded with the charset the crawl decodes it with."""
    source = corpus(name)
    page_id = next(i for i in source.truth if i.startswith(id_prefix))
    body = gzip.decompress(source.page_file(page_id).read_bytes())
    response = HtmlResponse(url=f"http://127.0.0.1/{page_id}/", body=body)
    return GenericArticlePage(decoded_as_crawled(response))


@pytest.mark.parametrize(
    ("name", "page_id", "authors"),
    [
        # "By TOM KRISHER, AP Auto Writer": a role after the name, whatever words qualify it
        ("article-extraction", "05844573ca", ["TOM KRISHER"]),
        ("publication-dates", "1598537220", ["HILLEL ITALIE"]),  # "…, AP National Writer"
        ("article-extraction", "921019755f", ["Tom Gillespie"]),  # "Tom Gillespie News reporter"
        ("article-extraction", "ec3878db7e", ["Ilana Muhlstein"]),  # "Ilana Muhlstein, MS, RDN"
        ("article-extraction", "ef4e67b66d", ["Chris Cillizza"]),  # "Analysis by Chris Cillizza"
        ("publication-dates", "1719330438", ["Дмитрий Попов"]),  # "Авторы: Дмитрий Попов"
        # the dateline read into the byline: "Jeff Foust Monday, November 18, 2019"
        ("article-extraction", "c00962aabe", ["Jeff Foust"]),
        ("article-extraction", "65bf3048b5", ["Mike Wuerthele", "Malcolm Owen"]),
        ("publication-dates", "1572542522", []),  # "Wednesday, 08 Apr 2020 11:39 PM MYT"
        ("publication-dates", "1619092544", []),  # "Uppdaterad 28.5.2020 17:43": no byline
    ],
)
def test_roles_credentials_and_datelines_are_no_authors(name, page_id, authors):
    assert corpus_page(name, page_id).to_item().authors == authors


@pytest.mark.parametrize(
    ("name", "page_id", "authors"),
    [
        ("publication-dates", "1783862633", []),  # "Mynet com": the host read without its dots
        ("publication-dates", "1778318045", []),  # "Newsam" on news.am
        ("publication-dates", "1789437552", []),  # "TIMESOFINDIA COM", site "Times Of India"
        # the Dublin Core and microdata publisher, and its address read without its dots:
        # "Diario El Dia de La Plata www eldia com"
        ("publication-dates", "1579111612", []),
        # the site's desk: "Jill Disis, CNN Business", "Detroit News wire services"
        ("article-extraction", "d605bdef2c", ["Jill Disis"]),
        ("article-extraction", "65ce3a4577", []),
        ("publication-dates", "1599860291", ["Amitai Winehouse"]),  # "… For Mailonline"
        ("publication-dates", "1592175395", ["Wilmer Leon"]),  # "… . Sputnik International"
        # the site's name as a whole, its pieces read as two names (yjc.ir's author meta
        # "خبرگزاری باشگاه خبرنگاران | آخرین اخبار ایران و جهان | YJC": "… | Latest News of Iran and
        # the World | YJC", its og:site_name)
        ("publication-dates", "1602557452", []),
        # the start of the host's name with newsroom words: "Practical Horseman Editorial
        # Staff" on practicalhorsemanmag.com, whose og:site_name is its tagline
        ("article-extraction", "e1cd54e557", []),
        # newsroom words alone: the site's newsroom, or a CMS account
        ("article-extraction", "5fa3154ec0", []),  # "Editorial"
        ("article-extraction", "961bd85ca8", []),  # "By Staff Reports"
        ("article-extraction", "11ea381ad9", []),  # "admin" (WordPress's account)
        ("publication-dates", "1579090372", []),  # "redaktori": Albanian "editor"
        ("publication-dates", "1671960661", []),  # "Redazione ANSA": the site's desk
        # the site's initials: "HT Correspondent, Hindustan Times, Bhubaneswar"
        ("publication-dates", "1589455043", []),
        ("publication-dates", "1506220874", []),  # "Redaccion"
        ("article-extraction", "f344ca5fb3", []),  # "HNN Staff": a desk
        # "वाराणसी ब्यूरो" (Varanasi bureau), Devanagari's vowel signs in its words; and
        # trafilatura's guess, the same byline without its last vowel sign
        ("publication-dates", "1579139187", []),
        # the site's name less its "Blog": "Beachbody" on "The Beachbody Blog"
        ("article-extraction", "5f03fc173e", []),
    ],
)
def test_the_sites_own_name_desk_and_address_are_no_authors(name, page_id, authors):
    assert corpus_page(name, page_id).to_item().authors == authors


@pytest.mark.parametrize(
    ("name", "page_id", "authors"),
    [
        # trafilatura's author read from image and script addresses: "Sputnik https;
        # Cdnarabic; I; Logo Png", and "CNN com; Gqlshare" where the markup says "CNN.com"
        ("publication-dates", "1550981615", []),
        # (the byline line under the headline names the author instead: below)
        ("publication-dates", "1588026728", ["Kate Sullivan"]),
        # one initial left of a user name or of the site's domain ("j03f3l_1000" as "J",
        # "a1plus.am" as "A"), and a Twitter handle's "@"
        ("publication-dates", "1677010256", []),
        ("publication-dates", "1711609490", []),
        ("publication-dates", "1676646261", ["Reuters"]),
        # a Portuguese double surname is one person: "José Volta e Pinto"
        ("publication-dates", "1735359864", ["José Volta e Pinto"]),
        # the wire service run into the last name is an author of its own: "DANICA KIRKA
        # and JILL LAWLESS Associated Press", "By LISA MASCARO, … and ERIC TUCKER Associated
        # Press"
        ("article-extraction", "e7994d5500", ["DANICA KIRKA", "JILL LAWLESS", "Associated Press"]),
        (
            "article-extraction",
            "82b6d780c7",
            ["LISA MASCARO", "MARY CLARE JALONICK", "ERIC TUCKER", "Associated Press"],
        ),
        # "Piše P Mucović prije": Bosnian "writes" before the name, "ago" after it; the
        # initial's period, which trafilatura drops, as the page prints it ("P. Mucović")
        ("publication-dates", "1750355638", ["P. Mucović"]),
        ("article-extraction", "776a1c0467", ["Lisa Kaczke", "Trevor J. Mitchell"]),
        # Greek "editorial team"; words of a sentence ("The Russian; Syrian defense
        # ministries": trafilatura's guess from "The Russian and Syrian defense ministries")
        ("publication-dates", "1687581723", []),
        ("article-extraction", "1ee91d1fce", []),
    ],
)
def test_misread_initials_and_addresses_are_no_authors_and_a_double_surname_is_one(
    name, page_id, authors
):
    assert corpus_page(name, page_id).to_item().authors == authors


@pytest.mark.parametrize(
    ("name", "page_id", "authors"),
    [
        # the visible byline names the wire after the people JSON-LD names: "By Orhan
        # Coskun and Suleiman Al-Khalidi <span class=c-byline__source>Reuters</span>"
        ("publication-dates", "1536545428", ["Orhan Coskun", "Suleiman Al-Khalidi", "Reuters"]),
        (
            "publication-dates",
            "1684405920",
            ["AMANDA SEITZ", "BEATRICE DUPUY", "The Associated Press"],
        ),
        # after the person trafilatura read: "Tom Davies <span>Associated Press</span>"
        ("article-extraction", "7de5241947", ["Tom Davies", "Associated Press"]),
        # ctpost.com: the JSON-LD publisher is the wire, not the site, whose byline names it
        (
            "article-extraction",
            "a6968f427c",
            ["MEG KINNARD", "ERRIN HAINES", "Associated Press"],
        ),
        # no wire after the names: none added although the page names Reuters elsewhere
        ("article-extraction", "57d46c9d75", ["Rodrigo Campos"]),
        # the people it lists after them: "By Stefan Becket, Kathryn Watson, Grace Segers"
        # (cbsnews.com, whose JSON-LD names the first)
        ("article-extraction", "7a664e40d2", ["Stefan Becket", "Kathryn Watson", "Grace Segers"]),
    ],
)
def test_the_wire_service_and_people_the_byline_adds_are_authors(name, page_id, authors):
    assert corpus_page(name, page_id).to_item().authors == authors


@pytest.mark.parametrize(
    ("name", "page_id", "authors"),
    [
        # politifact.com: "By <a href=/truth-o-meter/staff/louis-jacobson/>Louis Jacobson</a>
        # on Monday, …" in a p.article__meta, and no other signal
        ("article-extraction", "b6906ca016", ["Louis Jacobson"]),
        ("article-extraction", "9e8c9f082a", ["Matthew Digby", "Minh Do"]),
        # carnegieendowment.org: a link to /chinafinancialmarkets/experts/444 under the h1
        ("publication-dates", "1487058344", ["Michael Pettis"]),
        # healthline.com: "Written by <a href=/health/…>Rachael Link, MS, RD</a>"
        ("article-extraction", "e593d7fe88", ["Rachael Link"]),
        # zaxid.net: a relative link to blogger/yuriy_bratyuk_u53168/, after the standfirst
        ("publication-dates", "1628285861", ["Юрій Братюк"]),
    ],
)
def test_authors_pages_linked_under_the_headline_name_the_authors(name, page_id, authors):
    assert corpus_page(name, page_id).to_item().authors == authors


def test_the_reporter_a_chinese_dateline_names_is_the_author():
    # ltn.com.tw: the JSON-LD author is the paper; the story opens "〔記者巫其倫／台北報導〕",
    # after its photo's caption "…（資料照）", which is not body.
    item = corpus_page("publication-dates", "1564888577").to_item()
    assert item.authors == ["巫其倫"]
    assert (item.body or "").startswith("〔記者巫其倫／台北報導〕財政部今天下午將公佈")


@pytest.mark.parametrize(
    ("name", "page_id", "authors", "line"),
    [
        # daejonilbo.com: "이용민 기자" in a line of its own before the copyright line
        ("publication-dates", "1538026996", ["이용민"], "이용민 기자"),
        # entermedia.co.kr: "정덕현 칼럼니스트 <a href=mailto:…>thekian1@…</a>", the
        # columnist's name before his title; trafilatura put the link's text on a line
        # of its own, and the copyright line's "(<a>www.entermedia.co.kr</a>)" too
        (
            "article-extraction",
            "0ec95c7261",
            ["정덕현"],
            "정덕현 칼럼니스트 thekian1@entermedia.co.kr",
        ),
        ("article-extraction", "9da36ae471", ["박생강"], "칼럼니스트 박생강 pillgoo9@gmail.com"),
    ],
)
def test_a_korean_reporters_sign_off_names_the_author(name, page_id, authors, line):
    item = corpus_page(name, page_id).to_item()
    assert item.authors == authors
    assert line in (item.body or "").split("\n\n")


def test_an_inline_links_text_stays_on_its_line():
    item = corpus_page("article-extraction", "0ec95c7261").to_item()
    assert (item.body or "").endswith(
        "저작권자 ⓒ '대중문화컨텐츠 전문가그룹' 엔터미디어(www.entermedia.co.kr), 무단전재 및 재배포금지"
    )


@pytest.mark.parametrize(
    ("name", "page_id", "authors"),
    [
        # eastbaytimes.com: <div class="byline">By Kate Sullivan, CNN</div> before the
        # story (the outlet, one word, is no name)
        ("publication-dates", "1588026728", ["Kate Sullivan"]),
        # laprensalatina.com: the story's first paragraph, <p>By Cristina Alonso</p>
        ("publication-dates", "1632107283", ["Cristina Alonso"]),
    ],
)
def test_a_by_line_of_its_own_under_the_headline_names_the_authors(name, page_id, authors):
    assert corpus_page(name, page_id).to_item().authors == authors


@pytest.mark.parametrize(
    ("name", "page_id", "authors"),
    [
        # <meta name=author content="Victor Tangermann, Futurism"> on sciencealert.com, which
        # links to futurism.com: the story ran there first
        ("article-extraction", "14cc2a0ca5", ["Victor Tangermann"]),
        # "Galo Ramírez | El Sol de México" on elsoldemazatlan.com.mx, which links to
        # elsoldemexico.com.mx (the host's name written without its accent)
        ("publication-dates", "1551294044", ["Galo Ramírez"]),
    ],
)
def test_the_publication_that_ran_the_story_first_is_no_author(name, page_id, authors):
    assert corpus_page(name, page_id).to_item().authors == authors


def test_a_wire_service_or_a_person_the_page_links_to_stays_an_author():
    link = "<p><a href='https://www.reuters.com/x'>Reuters</a> <a href='https://janedoe.com/'>me</a></p>"
    for byline, authors in (
        ("Jane Doe, Reuters", ["Jane Doe", "Reuters"]),  # a wire is an author
        ("Jane Doe, John Roe", ["Jane Doe", "John Roe"]),  # no linked outlet
        ("Jane Doe", ["Jane Doe"]),  # her own site linked: one name, nothing after it
    ):
        head = f"<title>Story</title><meta name='author' content='{byline}'>"
        assert record(head, f"<h1>Story</h1>{link}")["authors"] == authors


def test_a_line_under_the_headline_that_starts_with_by_but_names_no_one_is_no_byline():
    story = "<p>" + "By the time the rain stopped, the river had risen. " * 3 + "</p>"
    for line in ("<h2>By the numbers</h2>", "<p>Von oben gesehen</p>"):
        assert record("<title>Story</title>", f"<h1>Story</h1>{line}{story}")["authors"] == []
    assert record("<title>Story</title>", "<h1>Story</h1><p>Von Claudia Ludewig</p>")[
        "authors"
    ] == ["Claudia Ludewig"]


def test_links_under_the_headline_to_a_topic_or_to_many_staff_pages_name_no_one():
    byline = "<h1>Story</h1><p>By <a href='/staff/jane-doe/'>Jane Doe</a> on Monday</p>"
    assert record("<title>Story</title>", byline)["authors"] == ["Jane Doe"]
    # cnbc.com (2011): "By: <a href=/id/15837548/cid/98209>Patti Domm</a>"
    byline = "<h1>Story</h1><span>By: <a href='/id/15837548/cid/98209'>Patti Domm</a></span>"
    assert record("<title>Story</title>", byline)["authors"] == ["Patti Domm"]
    # A link after "by" in the standfirst's prose names no one.
    standfirst = "<h1>Story</h1><p>A fall driven by <a href='/news/1/'>his abrupt departure</a></p>"
    assert record("<title>Story</title>", standfirst)["authors"] == []
    # Nor one after the story has begun, its opening split by markup: a footer's credit.
    opening = "<b>WASHINGTON</b> <i>(AP)</i> — " + "The council met and voted on the budget. " * 3
    footer = "<p>Hosted by <a href='/host/'>Acme Cloud Hosting</a></p>"
    assert (
        record("<title>Story</title>", f"<h1>Story</h1><p>{opening}</p>{footer}")["authors"] == []
    )
    people = "".join(f"<a href='/staff/person-{n}/'>Person Number{n}</a> " for n in range(5))
    for under_headline in (
        "<a href='/topics/people/donald-trump.html'>Donald Trump</a>",
        f"<div class='team'>{people}</div>",
    ):
        body = f"<h1>Story</h1>{under_headline}"
        assert record("<title>Story</title>", body)["authors"] == []


def test_the_people_the_page_marks_up_as_authors_are_all_read():
    """seattletimes.com: three schema.org Person authors in microdata, no other signal but
    trafilatura's, which names the first."""
    assert corpus_page("publication-dates", "1587149671").to_item().authors == [
        "Jim Rutenberg",
        "Lisa Lerer",
        "KENNETH P. VOGEL",
    ]


def test_a_placeholder_heading_is_no_title():
    """jstor.org: the page's one <h1> is a dialog's "Loading"; its <title> names the paper."""
    head = "<title>Keeping Tabs on Partners: The Logic of Delegation</title>"
    body = "<div class='modal'><h1 id='terms-and-conditions_title'>Loading</h1></div>"
    assert record(head, body)["title"] == "Keeping Tabs on Partners: The Logic of Delegation"


def test_an_author_marked_up_as_text_is_read_without_its_label():
    """ndr.de: the byline is ``<span itemprop=author>Autor/in: Korinna Hennig</span>`` (a
    property of the podcast episode's AudioObject), the meta author the site's name;
    trafilatura's guess split it at the slash ("Autor", "In Korinna Hennig")."""
    head = '<meta name="author" content="NDR"><meta property="og:site_name" content="NDR">'
    byline = (
        "<div itemscope itemtype='http://schema.org/AudioObject'><h1>Story</h1>"
        "<span itemprop='author'>Autor/in: Korinna Hennig </span></div>"
    )
    assert record(head, byline, url="https://www.ndr.de/a/story.html")["authors"] == [
        "Korinna Hennig"
    ]


def test_a_share_buttons_label_read_as_a_byline_is_no_author():
    """sonntag-sachsen.de: the author's initials "so" beside the share list's "Artikel
    empfehlen:", which trafilatura read as one name, "So Artikel Empfehlen"."""
    share = (
        "<h1>Story</h1><div class='author_share clearfix'><span> so</span><ul>"
        "<li>Artikel empfehlen:</li><li><a class='addthis_button_facebook'>Facebook</a></li>"
        "</ul></div>"
    )
    assert record("<title>Story</title>", share)["authors"] == []


def test_the_author_of_an_image_in_the_story_is_no_author():
    """andaluciainformacion.es: the photo's credit is its ImageObject's author."""
    credit = (
        "<figure itemscope itemtype='https://schema.org/ImageObject'><img src=a.jpg>"
        "<figcaption><ul itemprop='caption'><li>Javier Imbroda.</li>"
        "<li itemprop='author'>Europa Press</li></ul></figcaption></figure>"
    )
    assert record("", f"<h1>Story</h1>{credit}")["authors"] == []


def test_an_organization_marked_up_as_author_is_not_taken_for_the_byline():
    """rzn.mk.ru: the microdata author is the newspaper (an Organization); the byline names
    the reporter."""
    assert corpus_page("publication-dates", "1493663910").to_item().authors == ["Сергей Борисов"]


@pytest.mark.parametrize(
    ("name", "page_id", "title"),
    [
        # the h1 marked itemprop=headline, where the SEO titles are another wording
        (
            "article-extraction",
            "3c6d3381ef",
            "Мастера вкуса: 23 самых крутых фудблогера по версии Wday.ru",
        ),
        ("article-extraction", "851498a2b9", "The Disappearance of John M. Ford"),
        # an itemprop=headline h1 that links to another site is a teaser (digg.com)
        (
            "article-extraction",
            "680c2848e9",
            "The Early Reviews For Google's Stadia Gaming Platform Are Here — And They're Not Great",
        ),
        # an h1 that shares only the site's name, or one word, with the title is not its variant
        (
            "article-extraction",
            "c13b9c0e04",
            "‘Meth. We’re on it.’: Spokane ad agencies divided on South Dakota’s viral campaign",
        ),
        (
            "publication-dates",
            "1542250510",
            "Estudante faz vaquinha virtual para tratamento de pitbull abandonado com deficiência",
        ),
        # the post title in an h2 where the h1 is the site's logo; its quotes are curly
        (
            "publication-dates",
            "1493765064",
            "Intendente de Pilar: “Encontramos obras paralizadas y calles derrumbadas”",
        ),
        # an h1 that starts with the site's name is still the headline
        ("article-extraction", "5fa3154ec0", "The Guardian view on Hong Kong: a city on the brink"),
        # an h1 linked to the site's home or the blog's front page is its logo: the headline
        # is elsewhere, and the logo's name is no part of the title ("… - <blog name>")
        (
            "publication-dates",
            "1660064054",
            "JRA競走に勝ったセール出身馬紹介(2020/7/11-12､ダノンスプレンダーなど18頭)",
        ),
        (
            "publication-dates",
            "1651753632",
            "鉄山～弥山～八経ヶ岳 オオヤマレンゲ咲いてます （7/2）",
        ),
        # money.udn.com: the h1 is another story's; the headline is h2#story_art_title, and
        # the title's "| 兩岸焦點 | 兩岸" are sections
        ("publication-dates", "1728970162", "索尼、鎧俠業績遭波及 已向美申請供貨華為"),
    ],
)
def test_the_visible_headline_on_real_pages(name, page_id, title):
    assert corpus_page(name, page_id).headline == title


def test_an_og_site_name_that_is_the_pages_title_is_no_site_name():
    """blog.goo.ne.jp gives its post's title as og:site_name: the title is the post's, less
    the blog's name its logo gives."""
    page = corpus_page("publication-dates", "1651753632")
    assert page.headline == "鉄山～弥山～八経ヶ岳 オオヤマレンゲ咲いてます （7/2）"
    assert page.headline not in page.site_names


@pytest.mark.parametrize(
    ("name", "page_id", "tags"),
    [
        # a CMS's namespaced tags: a topic key's value kept, its bookkeeping dropped
        (
            "publication-dates",
            "1551271741",
            ["Crime Stoppers USA", "Crime", "Sadness", "Overall Negative", "Crime Prevention"],
        ),
        ("publication-dates", "1666031133", ["news"]),  # "articleID/…", "Length/medium"…
        # 140 syndication partners' codes ("AR_Hope - hopestar.com") and a bracketed label
        ("publication-dates", "1608581255", ["AP: International"]),
        # a page title and its description put in the keywords, and the site's name
        ("publication-dates", "1691780201", []),
        # tags packed into one value, in Latin and Arabic script
        (
            "article-extraction",
            "5fa3154ec0",
            [
                "Hong Kong",
                "Protest",
                "Asia Pacific",
                "Communism",
                "Xi Jinping",
                "China",
                "World news",
            ],
        ),
        (
            "publication-dates",
            "1731695567",
            ["النمر", "مدرسة البنات", "نعيمة عاكف", "فتاة السيرك", "بياعة الجرايد"],
        ),
        # "@river", "/article", "channel_other", "megaphone_top"; "social media" after
        # "Social Media"
        ("article-extraction", "3f65af7b6b", []),
        (
            "article-extraction",
            "d48aeb9cf2",
            ["Instagram", "analytics", "Social Media", "business"],
        ),
    ],
)
def test_the_cms_bookkeeping_is_no_tag_and_packed_tags_are_split(name, page_id, tags):
    assert corpus_page(name, page_id).to_item().tags == tags


@pytest.mark.parametrize(
    ("name", "page_id", "tags"),
    [
        # bbc.com: rel="tag" links, outside any <article>
        (
            "article-extraction",
            "70cb2d5bca",
            ["Justin Bieber", "Kanye West", "Taylor Swift", "Music"],
        ),
        # quantamagazine.org: links to /tag/ pages in a block named for tags
        ("article-extraction", "bdb56ac835", ["biology", "cell biology", "immunology"]),
        # farodevigo.es: the block's label, "Temas relacionados:", is no tag
        (
            "publication-dates",
            "1653186688",
            [
                "África",
                "Andrés Iniesta",
                "Deportes",
                "Fútbol",
                "La Liga",
                "Sudáfrica",
                "Sueno",
                "Vissel Kobe",
            ],
        ),
        # diariodelsur.com.co: "Leer más sobre …" links to tag pages are other stories'
        ("publication-dates", "1789664619", []),
    ],
)
def test_the_storys_tags_linked_outside_its_article_are_its_tags(name, page_id, tags):
    assert corpus_page(name, page_id).to_item().tags == tags


def tags_of(body: str) -> list[str]:
    html = f"<html><body>{body}{STORY}</body></html>"
    page = GenericArticlePage(HtmlResponse(url="https://news.example/a/story", body=html.encode()))
    return page.to_item().tags


def test_a_tag_cloud_a_menus_tag_pages_and_a_category_link_are_no_tags():
    links = "".join(f"<a href='/tag/{tag}/'>{tag}</a>" for tag in ("Alpha", "Beta"))
    assert tags_of(f"<div class='post-tags'>{links}</div>") == ["Alpha", "Beta"]
    assert tags_of(f"<div class='widget tagcloud tags'>{links}</div>") == []  # the site's
    assert tags_of(f"<nav class='tags'>{links}</nav>") == []
    assert tags_of("<a rel='category tag' href='/category/world/'>World</a>") == []  # WordPress


def test_the_separators_a_page_sets_around_a_section_or_tag_are_not_its_name():
    # kulinariaathome.com's category in its breadcrumb; sonntag-sachsen.de's tag links,
    # each with its comma; a CMS's "/article" stays out (a path, not a topic).
    assert ArticleLoader.field_value("section", ["› Gebäck"]) == "Gebäck"
    tags = ["Thomanerchor,", "Leipzig", "/article"]
    assert ArticleLoader.field_value("tags", tags) == ["Thomanerchor", "Leipzig"]


def test_a_link_to_the_page_itself_above_the_headline_is_a_button_not_a_section():
    # telemedicus.info: "Drucken" (print) and "Weiterempfehlen" (recommend) at "#".
    tools = "<div class='entry-tools'><a href='#'>Weiterempfehlen</a> <a href='#'>Drucken</a></div>"
    html = f"<html><body><section>{tools}<h1>Rezension</h1></section><article>{STORY}</article></body></html>"
    page = GenericArticlePage(
        HtmlResponse(url="https://www.telemedicus.info/a/", body=html.encode())
    )
    assert page.to_item().section is None


def test_a_tag_cut_at_an_entity_and_lone_letters_are_dropped_and_entities_decoded():
    """apnews: "PG&amp;E" written as the tags "PG&amp;amp", "T", "E" and "PG&amp;E"."""
    tags = corpus_page("article-extraction", "d0382c0d95").to_item().tags
    assert "PG&E" in tags
    assert not {"PG&amp", "PG&", "T", "E", "AT&amp"} & set(tags)
    # A section double-escaped in the page's JSON-LD ("City &amp; states"; the page's
    # trail, "Uttar Pradesh > Varanasi", names the record's section)
    sections = corpus_page("publication-dates", "1579139187").metadata.article_sections()
    assert ArticleLoader.field_value("section", sections) == "City & states"


@pytest.mark.parametrize(
    ("name", "page_id", "section"),
    [
        # "gizmodo.com", the site's host, is no section: the label above the headline is
        ("article-extraction", "5fa5679de5", "Apple"),
        ("article-extraction", "1ace8c85aa", None),  # "post": a post type
        # "featured": a placement flag; the category WordPress marks in the menu is
        ("publication-dates", "1806793639", "فن"),
        # a subsite's og:site_name is its section, and a section all the same
        ("publication-dates", "1781093249", "economia"),
        # sections packed into one value: the first, where the page files the story
        ("publication-dates", "1627298010", "Business"),  # "Business,Entrepreneurs,…"
        ("publication-dates", "1561086382", "Nacionales"),  # "Nacionales, comercio, Cuba, …"
        # a path of sections: its last level ("سیاست > انتخابات": politics > elections)
        ("publication-dates", "1523806243", "انتخابات"),
    ],
)
def test_a_placeholder_or_the_sites_host_is_no_section(name, page_id, section):
    assert corpus_page(name, page_id).to_item().section == section


@pytest.mark.parametrize(
    ("name", "page_id", "section"),
    [
        # JSON-LD BreadcrumbList: "Telegraph > Sport > Tennis"
        ("article-extraction", "88c328b68b", "Tennis"),
        # microdata BreadcrumbList: "Home > Opening Bell"
        ("article-extraction", "55bb6340e3", "Opening Bell"),
        # breadcrumb links: "Home > News > Business News > <the headline>"
        ("article-extraction", "5ae11e580a", "Business News"),
        ("publication-dates", "1484494308", "Erhverv"),  # "Forside | Erhverv"
        # a date archive's trail ("Home > Stories > 2020 > August") names no section
        ("publication-dates", "1693504805", None),
        # the metadata's section as the trail shows it: its subsection right after it
        # ("Opinion" in JSON-LD, "Opinion > Commentary" in the trail), its words ("india-news")
        ("article-extraction", "7ab16ade32", "Commentary"),
        ("publication-dates", "1589455043", "India News"),
        # a trail of two levels that does not show the metadata's section files the
        # article as the reader sees it: "News > Politics", not "Latest Headlines"; "News >
        # Science & Astronomy", not the topic "Jupiter"
        ("publication-dates", "1588026728", "Politics"),
        ("article-extraction", "686bb170ef", "Science & Astronomy"),
        # not a topic's page as its last level ("Sport > Football > Pierre-Emerick
        # Aubameyang", at /all-about/…): the metadata's "Transfer News" stays
        ("publication-dates", "1602142656", "Transfer News"),
        # a one-level trail is no better than the metadata ("News" for "US News")
        ("article-extraction", "d0382c0d95", "US News"),
    ],
)
def test_the_breadcrumb_trail_names_the_section_or_shows_the_metadatas_more_closely(
    name, page_id, section
):
    assert corpus_page(name, page_id).to_item().section == section


@pytest.mark.parametrize(
    ("name", "page_id", "section"),
    [
        ("article-extraction", "8267acacb9", "TECH"),  # hollywoodreporter: a link to /tech
        ("publication-dates", "1536545428", "World"),  # a link to /world/ above the <h1>
        # the link before the headline is its author's page, or a press office's (numbered)
        ("article-extraction", "57b4dafd18", None),
        ("publication-dates", "1798244877", None),
        # in the story's own <header> (HTML's header of an <article>, not the page's):
        # foxbusiness.com's div.eyebrow, spokesman.com's link to /nation/, a WordPress
        # theme's header.entry-header (rnanews.com)
        ("article-extraction", "51374560f4", "Earnings"),
        ("article-extraction", "c13b9c0e04", "Nation"),
        ("publication-dates", "1545738097", "Politics"),
        # a person's page is no section: PolitiFact's /personalities/david-mckinley/
        ("article-extraction", "9e8c9f082a", None),
        # in a <header> with the site's menus that holds the headline too: the story's
        # (washingtonpost.com's div.kicker > a "Politics")
        ("publication-dates", "1676872902", "Politics"),
        # a tag's listing, named in its path or its query: hbl.fi's /tagg/premier-league in
        # the headline's <header>, wyborcza.pl's "0,114012.html?tag=grupa+lotos"
        ("publication-dates", "1619092544", None),
        ("publication-dates", "1511056469", None),
    ],
)
def test_the_label_linked_right_before_the_headline_is_the_section_where_nothing_else_is(
    name, page_id, section
):
    assert corpus_page(name, page_id).to_item().section == section


def test_the_category_wordpress_marks_in_the_menu_is_the_section_where_nothing_else_is():
    # therepublic.com: li.current-post-parent > a "Local News", the post's one category
    assert corpus_page("article-extraction", "961bd85ca8").to_item().section == "Local News"
    menu = (
        "<ul class='menu'><li class='current-post-parent'><a href='/a/'>{}</a></li>"
        "<li class='current-post-parent'><a href='/b/'>{}</a></li></ul><h1>Story</h1>"
    )
    # a post under two categories is marked under each: which is its section, nothing says
    assert record("<title>Story</title>", menu.format("Politics", "Sport"))["section"] is None
    assert record("<title>Story</title>", menu.format("Home", "Home"))["section"] is None
    assert record("<title>Story</title>", menu.format("Sport", "Sport"))["section"] == "Sport"


def test_a_wordpress_posts_category_link_names_its_section_outside_an_article_element_too():
    # kabarislamia.com: <a rel="category tag"> in the p.postinfo of a div.type-post (an
    # older theme's post container, no <article>)
    assert corpus_page("article-extraction", "7837c9d66c").to_item().section == "Syi'ah"
    # polygraph.info: the link in div.category over the headline, to a numbered section
    assert corpus_page("article-extraction", "1ee91d1fce").to_item().section == "Syria"


@pytest.mark.parametrize(
    ("name", "page_id", "section"),
    [
        # itemprop="articleSection": sputniknews.com's section link, upmedia.mg's <meta>
        ("publication-dates", "1550981615", "العالم العربي"),
        ("publication-dates", "1592175395", "The Critical Hour"),
        ("publication-dates", "1546021647", "焦點"),
        # three marked ("New South Wales", "news", "Sydney"): the category link decides
        ("publication-dates", "1500330653", "The Hills"),
        # an author's biography marked as the section (a Polish site) is none
        ("publication-dates", "1511056469", None),
    ],
)
def test_the_section_the_microdata_names_is_the_pages_where_it_names_one(name, page_id, section):
    assert corpus_page(name, page_id).to_item().section == section


@pytest.mark.parametrize(
    ("name", "page_id", "published"),
    [
        # JSON-LD's "0001-01-01T00:00:00Z", a CMS's null, dates nothing: the next signal
        # does ("Published 11:11 PM EST Nov 19, 2019" on a page of /story/…/2019/11/19/)
        ("article-extraction", "65ce3a4577", "2019-11-19"),
        # a UTC time at 01:50 on a site whose zone nothing on the page tells: the day its
        # page shows ("Nov. 19, 2019 5:50 PM", the Los Angeles Times), not the UTC day
        ("article-extraction", "098bb3e96c", "2019-11-19"),
        # a page's <time datetime> before htmldate's search, which read "dt: 2019-11-14"
        # in a script (msn.com), in the zone of the edition its path names (/en-us/)
        ("article-extraction", "9eef8162bb", "2019-11-19T06:45:59-05:00"),
    ],
)
def test_the_publication_day_is_the_one_the_page_shows(name, page_id, published):
    assert corpus_page(name, page_id).to_item().published == published


@pytest.mark.parametrize(
    ("name", "page_id", "published", "raw"),
    [
        # aryanews.com: span.date-created in the Solar Hijri calendar (22 June 2020); its
        # header's div.headerdate, before the headline, is the day the page was fetched
        ("publication-dates", "1641304459", "2020-06-22", "2 تير 1399 - 12:09:08 ب.ظ"),
        # goo.ne.jp: a blog's span.entry-top-info-time under its <h3> headline, where
        # htmldate read a photo's "2015/7/21撮影" in the text
        ("publication-dates", "1660064054", "2020-07-12", "2020年07月12日"),
        # indiapost.com: "November 20 / 15:23 / 2019" in div.article-controls, beside
        # "Print This Article" and "Share it With Friends" (buttons, no other story)
        ("article-extraction", "5f9c5ed5d6", "2019-11-20T15:23:00", "November 20 15:23 2019"),
    ],
)
def test_the_date_shown_under_the_headline_dates_a_page_its_markup_does_not(
    name, page_id, published, raw
):
    item = corpus_page(name, page_id).to_item()
    assert (item.published, item.published_raw) == (published, raw)


@pytest.mark.parametrize(
    ("shown", "published"),
    [
        # telegraph.co.uk (2011): p.publishedDate, "Date" capitalized
        ("<p class='publishedDate'>9:39AM BST 05 Oct 2011</p>", "2011-10-05T09:39:00"),
        # an ASP.NET page: hAtom's span.published in a labelled line, then span.updated
        (
            "<span class='articleDate'>Published: <span class='published'>11/18/2011 2:27 AM"
            "</span></span> <span class='articleDate'>Last Modified: <span class='updated'>"
            "11/18/2011 4:06 AM</span></span>",
            "2011-11-18T02:27:00",
        ),
        # rnz.de: a close button's icon, i.fa-times ("times" holds "time"), then the date
        (
            "<a class='close'><i class='fa fa-times'></i></a>"
            "<div class='nfy-ar-date'>12.10.2015, 19:16 Uhr</div>",
            "2015-10-12T19:16:00",
        ),
    ],
)
def test_the_publication_shown_under_the_headline_is_not_its_last_update(shown, published):
    assert record("<title>Story</title>", f"<h1>Story</h1>{shown}")["published"] == published


HEADLINE = "<h1>Our story</h1>"


@pytest.mark.parametrize(
    "other",
    [
        # wara-enforcement.org: a sidebar's other posts, each with its span.post-date
        "<ul><li><a href='/guinee-une-douaniere-arretee/'>Guinée : Une douanière arrêtée"
        "</a> <span class='post-date'>09/09/2019</span></li></ul>",
        # ldt.de: related posts, an <h4> link and the post's a.post-meta-time
        "<div class='one_third'><h4><a href='/newseum/'>NEWSEUM by Crämer &amp; Co.</a></h4>"
        "<a class='post-meta-time' href='/2017/11/30/'>November 30, 2017</a></div>",
        # blogs.mediapart.fr: the blog's other posts, each with its <time>
        "<ul><li><a href='/elba/blog/300719/'>Nous sommes en train de nous habituer</a>"
        "<span class='author'><time datetime='2019-07-30'>30 juil. 2019</time></span></li></ul>",
        # horizont.net: an Instagram post the story embeds, and the day it was posted
        "<blockquote class='instagram-media'><p>A post shared by Vreni Frost am "
        "<time datetime='2018-03-12T19:30:12+00:00'>Mär 12, 2018</time></p></blockquote>",
        # a reader's comment (wday.ru's "11:15 05.10.18" by "Гость", a guest)
        "<ol class='comment-list'><li><span class='comment-date'>11:15 05.10.18</span>"
        " Great story!</li></ol>",
    ],
)
def test_a_date_of_another_story_or_a_comment_is_not_the_pages(other):
    """The page's day is the one htmldate reads in its markup (here a ``<meta
    name="date">``), not the first date after the headline, nor the first ``<time>``,
    when that one dates another text."""
    head = "<title>Our story</title><meta name='date' content='2019-05-29'>"
    html = f"<html><head>{head}</head><body>{HEADLINE}{STORY}{other}"
    page = GenericArticlePage(
        HtmlResponse(url="https://www.example-news.de/a/", body=html.encode())
    )
    assert page.to_item().published == "2019-05-29"


def test_the_articles_microdata_dates_it_where_nothing_else_does():
    """futurezone.at: ``<meta itemprop="datePublished">`` in the story's byline, where the
    first date shown after the headline is a news ticker's; usatoday.com: the first
    publication (the time shown is the last update), and the last update."""
    item = record(
        "",
        "<div class='ticker'><span class='date'>11.09.2017 12:01 Uhr</span></div>"
        '<meta itemprop="datePublished" content="2013-08-09T06:00:00+02:00">'
        '<meta itemprop="dateModified" content="2013-08-10T07:00:00+02:00">',
    )
    assert item["published"] == "2013-08-09T06:00:00+02:00"
    page = corpus_page("article-extraction", "3c6d3381ef").to_item()  # wday.ru, as above
    assert (page.published, page.modified) == (
        "2018-09-24T16:45:00+03:00",
        "2018-11-23T12:29:06.586000+03:00",
    )


def test_what_the_headline_hides_is_not_in_the_title():
    """noz.de: the h1 holds the CMS's "CC-Editor öffnen" button, hidden by an inline
    ``display: none``."""
    title = corpus_page("publication-dates", "1518961308").to_item().title
    assert title == (
        "Singen, basteln, spielen: Kindergottesdienst in Velpe macht Teilnehmern und "
        "Betreuerinnen Spaß"
    )


@pytest.mark.parametrize(
    ("name", "page_id", "language"),
    [
        ("publication-dates", "1509819104", "cs"),  # no declaration: the text's language
        ("article-extraction", "11ea381ad9", "pt"),
        # a template's lang="en-US" over Spanish, Thai, Gujarati text
        ("publication-dates", "1724245424", "es"),
        ("publication-dates", "1799801548", "th"),
        ("publication-dates", "1561643340", "gu"),
        # lang="de" on English pages of Business Insider's German edition
        ("article-extraction", "fde930b018", "en"),
        # close neighbours keep the page's word: Indonesian the model reads as Malay
        ("article-extraction", "21486419bb", "id"),
        # a paywall's lorem ipsum under lang="de": the article's language, not the filler's
        ("publication-dates", "1518961308", "de"),
    ],
)
def test_the_language_is_the_texts_where_the_page_declares_none_or_another(name, page_id, language):
    assert corpus_page(name, page_id).to_item().language == language


def test_a_page_of_lorem_ipsum_is_not_an_article_and_filler_is_no_body():
    """noz.de: the paywall serves two paragraphs of lorem ipsum in place of the story."""
    page = corpus_page("publication-dates", "1518961308")
    assert page.not_article_reason() == "placeholder_text"
    assert page.body() == []


def test_an_msn_edition_dates_its_story_in_the_editions_zone():
    # msn.com/en-us/…: "<time datetime=2019-11-19T10:36:00.000Z>1 day ago</time>". With no
    # zone known, htmldate's day (a script's render time, the 20th) was taken for the day
    # the page shows, one a newsroom at UTC+14 could have shown: "2019-11-20" alone
    item = corpus_page("article-extraction", "abd9d6291b").to_item()
    assert (item.published, item.published_raw) == (
        "2019-11-19T05:36:00-05:00",
        "2019-11-19T10:36:00.000Z",
    )


def test_a_site_name_run_onto_a_chinese_headline_is_not_in_the_title():
    # upmedia.mg: og:title "…鼓勵患者別只往負面想--上報", the site's name "上報 Up Media"
    title = corpus_page("publication-dates", "1546021647").to_item().title
    assert title == "稱「憂鬱症是不知足」挨轟 吳宗憲：鼓勵患者別只往負面想"


def test_the_sites_name_and_one_more_word_before_the_headline_are_not_in_the_title():
    # daejonilbo.com's mobile site: og:title "대전일보 모바일 :: …" ("Daejeon Ilbo mobile")
    title = corpus_page("publication-dates", "1538026996").to_item().title
    assert title == "코로나19 극복 성금 기탁 줄 잇는다"
    # the name as the headline's subject stays: no separator right after one more word
    guardian = corpus_page("article-extraction", "5fa3154ec0").to_item().title
    assert guardian == "The Guardian view on Hong Kong: a city on the brink"


@pytest.mark.parametrize(
    ("heading", "title"),
    [
        # wunderweib.de: a kicker ("roofline") opening the <h1>, no space after it
        (
            "<span class='roofline'>Wow, wow, wow!</span>Manuela Reimann: Hochzeit in Bayern!",
            "Manuela Reimann: Hochzeit in Bayern!",
        ),
        # la-bas.org: a badge closing it
        (
            "Didier Porte souhaite la Santé à Balkany <span class='label abo'>Abonnés</span>",
            "Didier Porte souhaite la Santé à Balkany",
        ),
        # bmjv.de: the topic before the headline ("Thema Verbraucherschutz"); the <title>
        # words it shorter ("BMJV | Transparenz bei Preisanpassungen")
        (
            "<span class='category'><span class='aural'>Thema </span>Verbraucherschutz</span>"
            "Mehr Transparenz bei Preisanpassungen",
            "Mehr Transparenz bei Preisanpassungen",
        ),
        # words of the headline in their own elements, which a title the page gives holds
        ("<em>Brexit:</em> the vote <b>today</b>", "Brexit: the vote today"),
        # noz.de: a kicker ("Singen, basteln, spielen") its <title> holds too (its og:title
        # does not)
        (
            "<i class='subline'>Singen, basteln</i><i class='hidden'>: </i><span>Kinder</span>",
            "Singen, basteln: Kinder",
        ),
    ],
)
def test_a_kicker_or_badge_in_the_headlines_heading_is_not_the_title(heading, title):
    seo = title.replace("Mehr ", "")
    head = f"<meta property='og:title' content='{seo.split(': ')[-1]}'><title>{seo} | Ex</title>"
    assert record(head, f"<h1>{heading}</h1>")["title"] == title


def test_a_sidebar_widgets_heading_is_not_the_title():
    """wara-enforcement.org: no <h1> (the theme's is commented out); trafilatura's title
    was the first ``h2.widgettitle``; the <title> names the story."""
    html = (
        "<html><head><title>Guinée : un braconnier condamné ! ‹ Wara</title></head><body>"
        f"<article>{STORY}</article><div class='sidebar'><h2 class='widgettitle'>Magazine "
        "Wildlife Justice</h2><p>A magazine.</p></div></body></html>"
    )
    page = GenericArticlePage(HtmlResponse(url="https://www.wara.example/a/", body=html.encode()))
    assert page.to_item().title == "Guinée : un braconnier condamné ! ‹ Wara"


@pytest.mark.parametrize(
    "before",
    [
        # bayern.de: a cookie notice's "hier" (here), a link in a sentence
        "<p>Eine Widerspruchsmöglichkeit gibt es <a href='/service/datenschutz/'>hier</a>.</p>",
        # tagesausblick.de: the reader's account links
        "<div><a href='/login.php'>» Login</a> <a href='/anmelden.php'>» Registrierung</a></div>",
    ],
)
def test_a_link_in_a_sentence_or_to_an_account_above_the_headline_is_no_section(before):
    html = f"<html><body><div>{before}<h1>Story</h1></div><article>{STORY}</article></body></html>"
    page = GenericArticlePage(HtmlResponse(url="https://www.example.de/a/", body=html.encode()))
    assert page.to_item().section is None


@pytest.mark.parametrize(
    ("meta_author", "authors"),
    [
        ("Super User", []),  # Joomla's default account (viehbacher.com)
        # a web agency's credit (ldt.de), not a person with a site of their own (news.az)
        ("Arentik d.o.o. - www.arentik.com", []),
        ("www.mrsadiq.info | Sadiq Məmmədov", ["Sadiq Məmmədov"]),
        ("Jane Doe - www.janedoe.com", ["Jane Doe"]),
        # a login: WordPress's author "dehlix" (carta.info); the next signal names the writer
        ("dehlix", ["Klaus-Peter Schöppner"]),
    ],
)
def test_an_account_or_a_web_agency_is_no_author(meta_author, authors):
    head = f'<meta name="author" content="{meta_author}"><title>Story</title>'
    byline = "<p class='byline'>von <a href='/autor/kps/'>Klaus-Peter Schöppner</a></p>"
    body = f"<h1>Story</h1>{byline if meta_author == 'dehlix' else ''}"
    assert record(head, body)["authors"] == authors


def test_a_heading_linking_to_the_page_itself_is_its_headline():
    """WordPress's first themes titled a post with an ``<h2>`` linking to its permalink
    (Kubrick's ``rel="bookmark"``); wara-enforcement.org's ``<h3>``, its ``<h1>`` commented
    out: the headline, where the ``<title>`` adds a site name no other signal gives."""
    address = "http://www.wara-enforcement.org/guinee-un-braconnier/"
    html = (
        "<html><head><title>Guinée : un braconnier condamné ! ‹ Wara Conservation Project"
        f"</title><link rel='canonical' href='{address}'></head><body><div class='post'>"
        f"<h3><a href='{address}'>Guinée : un braconnier condamné !</a></h3>{STORY}</div>"
        "<div class='sidebar'><h2 class='widgettitle'>Magazine Wildlife Justice</h2></div>"
        "</body></html>"
    )
    page = GenericArticlePage(HtmlResponse(url="http://127.0.0.1:8000/x/", body=html.encode()))
    assert page.to_item().title == "Guinée : un braconnier condamné !"


def test_an_account_menus_placeholder_is_no_author():
    """washingtonpost.com (readability's test pages): trafilatura took the header's
    signed-out account menu, ``<span class=username>Username</span>``, for the byline; the
    story's byline links to the author's page under the headline."""
    menu = (
        "<div id='nav-user' class='nav-btn hidden' data-menu='user-menu'>"
        "<span class='username'>Username</span></div>"
    )
    byline = (
        "<h1>Story</h1><div class='pb-sig-line'><span class='pb-byline'>By"
        " <a href='/people/erin-cunningham'>Erin Cunningham</a></span>"
        " <span class='pb-timestamp'>March 18 at 3:57 PM</span></div>"
    )
    assert record("<title>Story</title>", menu + byline)["authors"] == ["Erin Cunningham"]


def test_a_portraits_credit_under_the_headline_is_no_author():
    """daringfireball.net: "Portrait by <a>George Del Barrio</a>" under the page's heading
    credits the photograph, not the text."""
    credit = (
        "<h1>Story</h1><p><img src='/graphics/author/bw.jpg' alt='Photograph of the author.'>"
        "<br><em>Portrait by <a href='http://superbiate.com/inquiries/'>George Del"
        " Barrio</a></em></p>"
    )
    assert record("<title>Story</title>", credit)["authors"] == []


def test_the_date_on_the_line_under_a_byline_is_not_part_of_the_name():
    """lwn.net: "By <b>Nathan Willis</b><br>March 25, 2015", which trafilatura reads as
    "Nathan Willis March"."""
    byline = (
        "<h2>Story</h2><div class='FeatureByline'> By <b>Nathan Willis</b><br>March 25, 2015 </div>"
    )
    assert record("<title>Story</title>", byline)["authors"] == ["Nathan Willis"]


def test_a_heading_that_names_the_sites_section_is_not_the_headline():
    """webmd.com: the page's one ``<h1>`` is its health center's name, "Allergies Health
    Center", which trafilatura takes for the title; the ``<title>`` names the story."""
    page = (
        "<h1>Allergies Health Center</h1><div id='textArea'>"
        "<h2>Babies Who Eat Peanuts Early May Avoid Allergy</h2></div>"
    )
    head = "<title>Babies Who Eat Peanuts Early May Avoid Allergy</title>"
    assert record(head, page)["title"] == "Babies Who Eat Peanuts Early May Avoid Allergy"


def test_the_date_a_storys_first_paragraph_opens_with_dates_it_where_the_markup_does_not():
    """webmd.com (readability's test pages): no date in the markup, "Feb. 23, 2015 --" opens
    the story, and htmldate's day (2015-02-04) was nothing the page says."""
    html = (
        "<html><head><title>Babies Who Eat Peanuts</title></head><body><article>"
        "<h1>Babies Who Eat Peanuts</h1><p>Feb. 23, 2015 -- Life-threatening peanut allergies"
        " have mysteriously been on the rise in the past decade, with little hope for a cure."
        f"</p>{STORY}</article></body></html>"
    )
    item = GenericArticlePage(HtmlResponse(url="https://www.webmd.com/a/", body=html.encode()))
    assert item.to_item().published == "2015-02-23"


def test_a_print_or_email_link_in_the_breadcrumbs_block_is_no_section():
    """webmd.com: its header links, "Email a Friend" and "Print Article" (the page itself,
    ``?print=true``), sit in the breadcrumb's block after "Health News"."""
    trail = (
        "<div class='breadcrumb'><a href='/'>WebMD Home</a> &gt; <a href='/news/'>Health"
        " News</a><a href='#'>Email a Friend</a><a href='?print=true'>Print Article</a></div>"
    )
    assert record("<title>Story</title>", f"{trail}<h1>Story</h1>")["section"] == "Health News"


def test_a_kicker_naming_the_author_is_the_authors_column_not_a_section():
    """heraldsun.com.au: "Laurie Oakes" over the headline links to his column, and the
    byline names him."""
    html = (
        "<div class='story-section'><h2><a href='/news/opinion/laurie-oakes'><p>Laurie Oakes"
        "</p></a></h2></div><div class='story-headline'><h1>Angry media won't buckle</h1></div>"
        "<ul><li class='byline'><span>by:</span> <cite class='author'>Laurie Oakes</cite></li></ul>"
    )
    fields = record("<title>Angry media won't buckle</title>", html)
    assert (fields["authors"], fields["section"]) == (["Laurie Oakes"], None)


@pytest.mark.parametrize(
    ("canonical", "url"),
    [
        ("https://news.example/", "https://news.example/2020/01/02/story/"),
        ("https://news.example/category/world/", "https://news.example/2020/01/02/story/"),
        ("https://news.example/2020/01/", "https://news.example/2020/01/02/story/"),
        ("https://news.example/index.php", "https://news.example/2020/01/02/story/"),
        ("/Default.aspx", "https://news.example/2020/01/02/story/"),
        ("https://news.example/news/{slug}/", "https://news.example/2020/01/02/story/"),
        ("https://news.example/news/%7Bslug%7D/", "https://news.example/2020/01/02/story/"),
        ("https://news.example/?p=12", "https://news.example/?p=12"),
        ("https://news.example/index.php?id=12", "https://news.example/index.php?id=12"),
        (
            "https://news.example/2020/01/02/the-story/",
            "https://news.example/2020/01/02/the-story/",
        ),
    ],
)
def test_a_canonical_naming_the_home_page_or_a_listing_is_no_articles_address(canonical, url):
    """A template whose ``rel=canonical`` names the home page (``/``, ``/index.php``), the
    section, a date archive or a placeholder (``{slug}``) on every page: each record took
    it for its URL, and all but the first were dropped as its duplicates."""
    html = (
        f"<html><head><title>Story</title><link rel='canonical' href='{canonical}'>"
        f"<meta property='og:type' content='article'></head><body><article><h1>Story</h1>"
        f"{STORY}</article></body></html>"
    )
    response = HtmlResponse(url="https://news.example/2020/01/02/story/", body=html.encode())
    assert GenericArticlePage(response).to_item().url == url


def test_half_a_utf16_pair_in_json_ld_is_left_out():
    """A script that cut a string in the middle of an emoji writes half its UTF-16 pair
    as a JSON escape; the string no UTF-8 writer can write lost the record from every
    output (a Parquet output lost all the records of its part)."""
    article = {"@context": "https://schema.org", "@type": "NewsArticle"}
    person = {"@type": "Person", "name": "Jay \udc00Son"}
    got = record(jsonld(**article, headline="A cut emoji \ud83d", author=person), "<h1></h1>")
    assert (got["title"], got["authors"]) == ("A cut emoji", ["Jay Son"])


@pytest.mark.parametrize(
    "headline",
    [["A headline in a list"], {"@value": "A headline in a list", "@language": "en"}, True],
)
def test_a_json_ld_headline_that_is_not_a_string_loses_no_record(headline):
    """``headline`` as a list, a JSON-LD value object or a bool raised (``'list' object
    has no attribute 'lower'``), and the article was lost."""
    head = "<title>A headline in a list</title>"
    head += jsonld(**{"@context": "https://schema.org", "@type": "NewsArticle"}, headline=headline)
    assert record(head, "<h1></h1>")["title"] == "A headline in a list"


def test_markup_in_a_json_ld_author_is_not_the_name():
    article = {"@context": "https://schema.org", "@type": "NewsArticle"}
    got = record(
        jsonld(**article, author="<b>John Bold</b> &amp; <i>Jane Italic</i>"), "<h1>A story</h1>"
    )
    assert got["authors"] == ["John Bold", "Jane Italic"]


def test_a_month_json_ld_gives_is_the_date_at_its_precision():
    """``"datePublished": "2016-05"`` was published 2016-05-01 at day precision: htmldate's
    first of the month, a day the page never gave."""
    article = {"@context": "https://schema.org", "@type": "NewsArticle"}
    assert (
        record(jsonld(**article, datePublished="2016-05"), "<h1>A story</h1>")["published"]
        == "2016-05"
    )


def test_direction_marks_at_the_ends_of_names_tags_and_sections_are_taken_off():
    """ "\u200eWorld\u200e" and "World" were two sections to a reader grouping by them."""
    article = {"@context": "https://schema.org", "@type": "NewsArticle"}
    person = {"@type": "Person", "name": "\u200fنادية خوري\u200f"}
    head = jsonld(**article, author=person, articleSection="\u200eWorld\u200e")
    got = record(head, "<h1>A story</h1>")
    assert (got["authors"], got["section"]) == (["نادية خوري"], "World")


@pytest.mark.parametrize("role", ["Weekly Correspondent", "Herald Staff Writer"])
def test_a_byline_is_its_first_line_not_the_role_under_it(role):
    """ "By Susan Marsh<br>Weekly Correspondent" was the author "Susan Marsh Weekly"."""
    body = f"<h1>Library levy passes</h1><p><strong>By Susan Marsh<br/>{role}</strong></p>"
    assert record("<title>Library levy passes</title>", body)["authors"] == ["Susan Marsh"]


def test_a_personal_blogs_author_is_the_person_it_is_named_after():
    """A blog named after its author (a Hugo or Jekyll site, "Sam Okafor"): every signal
    left the site's own name out, and the post had no author."""
    head = '<meta property="og:site_name" content="Sam Okafor">'
    head += '<meta name="author" content="Sam Okafor">'
    article = {"@context": "https://schema.org", "@type": "BlogPosting"}
    person = {"@type": "Person", "name": "Sam Okafor"}
    head += jsonld(**article, headline="Structured logging in Go", author=person)
    got = record(
        head, "<h1>Structured logging in Go</h1>", url="https://samokafor.dev/posts/logging/"
    )
    assert got["authors"] == ["Sam Okafor"]


def test_a_newsroom_named_as_a_person_is_still_no_author():
    head = '<meta property="og:site_name" content="Harbour Courier">'
    article = {"@context": "https://schema.org", "@type": "NewsArticle"}
    head += jsonld(**article, author={"@type": "Person", "name": "Harbour Courier"})
    assert record(head, "<h1>A story</h1>")["authors"] == []


def test_the_account_a_drupal_site_shows_as_who_posted_a_story_is_not_its_author():
    """Drupal 7's "Submitted by <span class=username>webeditor</span>": trafilatura took
    the CMS account for the author, over the byline under the headline."""
    body = (
        "<h1>Council approves budget</h1><div class='meta submitted'><span>Submitted by <span "
        "class='username' typeof='sioc:UserAccount'>webeditor</span> on Wed, 03/12/2014 - "
        "09:15</span></div><div class='field field-name-field-byline'><div class='field-item'>"
        "By Maria Gonzalez, Courier Staff Writer</div></div>"
    )
    head = "<title>Council approves budget | The Riverside Courier</title>"
    assert record(head, body, url="http://www.riversidecourier.com/news/2014/03/council/")[
        "authors"
    ] == ["Maria Gonzalez"]
