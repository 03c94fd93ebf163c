"""Which images of a real page are the article's: the generic profile's ``images`` on pages
of the article-extraction benchmark (fixtures/article-extraction), where the page also
shows icons, buttons, portraits and teasers of other stories (crawler/extraction/content.py:
``declared_size``, ``links_elsewhere``, ``in_chrome_place``)."""

from __future__ import annotations

from tests.test_generic_pages import PARAGRAPH, benchmark_page, held_out_page, page


def image_files(id_prefix: str) -> list[str]:
    """The last part of each image address the profile gives for a benchmark page."""
    generic_page, _ = benchmark_page(id_prefix)
    return [
        (image["url"] or "").split("?")[0].rsplit("/", 1)[-1] for image in generic_page.images()
    ]


def test_share_buttons_site_icons_and_teasers_are_not_the_articles_images():
    # deccanherald.com: the article's one photo among 30 icons (share, weather, social,
    # newsletter, vector logos) and six teasers of other stories; the side menu's close
    # button, "images/icons/close.png", is a drawing in a folder of icons.
    assert image_files("39d5c43beb") == ["save-1574243680.jpg"]


def test_related_stories_and_the_authors_portrait_are_left_out():
    # sportsnet.ca: the lead photo; not the byline's portrait of the agency, nor the
    # eleven related and recommended stories, each a link to another article.
    generic_page, _ = benchmark_page("0d46122928")
    [lead] = generic_page.images()
    assert lead["url"].endswith("/2019/11/22174394-1040x572.jpg")
    assert lead["caption"] is not None
    assert lead["caption"].startswith("Nadal keeps Spain alive")


def test_a_gallery_linked_to_its_own_files_is_kept_and_share_buttons_are_not():
    # remember8090.it: 21 photos each linked to its full-size file are the article's; the
    # header's follow buttons, the share buttons and the Facebook banner are not.
    files = image_files("20b2b64916")
    assert len(files) == 22
    assert files[1:3] == ["1-300x300.jpg", "2-300x200.jpg"]
    assert not any(name.endswith((".png", ".gif")) for name in files)


def test_a_columnists_thumbnail_linked_to_the_column_is_not_an_article_image():
    # nytimes.com: the byline's portrait links to the column's page.
    assert len(image_files("04a6711caa")) == 1


def test_print_only_logos_are_not_article_images():
    # Hearst sites print their logo above and below the article for paper.
    assert "print-header-logo.png" not in image_files("05844573ca")
    assert "print-footer-logo.png" not in image_files("05844573ca")


def test_the_lead_image_linked_to_the_article_itself_is_kept():
    # theparadigmng.com: WordPress themes link the featured image to the post; the page
    # is served here from another address, so it is the canonical address that matches.
    assert image_files("0dd1357045") == ["Senate-resumes-1024x683.jpg"]


def test_a_lazy_loaded_image_is_its_real_picture_not_the_placeholder():
    # spokesman.com: src is the site's loader graphic, the photo is in data-srcset (its
    # widest candidate taken); appleinsider.com: a 1x1 white placeholder in src, the review's
    # 13 gallery photos in data-srcset.
    assert image_files("c13b9c0e04") == ["meth_t2500.jpg"]
    files = image_files("65bf3048b5")
    assert "1x1-white.jpg" not in files
    assert files[0] == "33622-59478-Logic-Pro-X-on-MacBook-Pro-l.jpg"
    assert sum(name.startswith("33622-") for name in files) == 13


def test_a_lazy_image_with_only_a_placeholder_is_the_picture_of_its_noscript_copy():
    """Lazy-loading plugins that write the picture for script-less browsers in a
    ``<noscript>`` beside an ``<img>`` whose src is an inline placeholder, before it or
    after it: the record had no image, its caption and credit with it (slate.com's second
    photo, correctiv.org's cover). Only a captioned one: a bare one beside a list of other
    stories is each story's teaser."""
    placeholder = "<img class='lazyload' src='data:image/gif;base64,R0lGODlhAQABAAAAACw='>"
    for figure in (
        f"<figure><noscript><img src='/img/harbour.jpg'></noscript>{placeholder}",
        f"<figure>{placeholder}<noscript><img src='/img/harbour.jpg'></noscript>",
    ):
        html = (
            "<html><head><title>Harbour reopens</title></head><body><article>"
            f"<h1>Harbour reopens</h1>{PARAGRAPH}{figure}"
            f"<figcaption>The harbour at dawn / Reuters</figcaption></figure>{PARAGRAPH}"
            "</article></body></html>"
        )
        assert page(html).images() == [
            {
                "url": "https://news.example/img/harbour.jpg",
                "caption": "The harbour at dawn",
                "credit": "Reuters",
            }
        ]


def test_a_caption_element_named_a_credit_that_holds_both_gives_each_its_own():
    """slate.com: ``figcaption.image__caption-credit`` holds ``div.image__caption`` and
    ``div.image__credit``; the whole text was both the caption and the credit."""
    html = (
        "<html><head><title>Out of print</title></head><body><article><h1>Out of print</h1>"
        f"{PARAGRAPH}<figure><img src='/img/ford.jpg'>"
        "<figcaption class='image__caption-credit'><div class='image__caption'>John M. Ford"
        " in 1987.</div> <div class='image__credit'>Photo by David Dyer-Bennet.</div>"
        f"</figcaption></figure>{PARAGRAPH}</article></body></html>"
    )
    assert page(html).images() == [
        {
            "url": "https://news.example/img/ford.jpg",
            "caption": "John M. Ford in 1987.",
            "credit": "Photo by David Dyer-Bennet.",
        }
    ]


def test_drawings_named_as_icons_logos_buttons_or_spacers_are_not_article_images():
    # cbssports.com: the rail's logo was the page's one image; the story's picture is the
    # one its metadata gives for sharing.
    assert image_files("08f7937627") == ["richardson.png"]
    # otempo.com.br: the site's logo, the toolbar's e-mail, print and photo icons, a close
    # button, a loading bar and the paywall's banner, all inside the <article>, no photo
    # but the sharing image.
    images = held_out_page("1793766917").images()
    assert [image["url"].split("?")[0].rsplit("/", 1)[-1] for image in images] == ["moser%20d.jpg"]
    # A photo named for what it shows stays: businessinsider.com's JPEG of Alibaba's logo.
    assert any(name.startswith("alibaba-logo-getty") for name in image_files("360c732d1f"))


def test_where_the_article_shows_no_image_its_sharing_image_is_its_lead_picture():
    # bbc.com: the photo is drawn by a script; og:image names it.
    assert image_files("70cb2d5bca") == ["_109740197_taylorswift.jpg"]
    # The site's stand-in for stories without a picture is none of theirs:
    # blog.givewell.org's "givewell_fb_logo.jpg", sfgate.com's "opengraph_default.png".
    assert image_files("ac3c035520") == []
    assert image_files("5caf91b8a4") == []


def test_a_sharing_image_is_not_taken_over_the_images_the_article_shows():
    # sportsnet.ca shows its lead photo; its og:image, another crop, is not added.
    assert [name for name in image_files("0d46122928") if name.endswith(".jpg")] == [
        "22174394-1040x572.jpg"
    ]


def test_share_buttons_spacers_and_a_wordpress_plugins_images_are_not_article_images():
    # trafilatura's test pages: viehbacher.com's "facebook.png" follow button,
    # gofeminin.de's "shim.gif" spacer, rechtambild.de's ratings plugin's stars; and its
    # og:image, the site's "facebook.jpg", is no stand-in for the story's picture.
    images = "".join(
        f"<p><img src='{source}' alt=''></p>"
        for source in (
            "/images/facebook.png",
            "https://static.afcdn.com/world/shim.gif",
            "/wp-content/plugins/wp-postratings/images/stars_crystal/rating_on.gif",
        )
    )
    html = (
        "<html><head><meta property='og:image' content='https://www.rechtambild.de/facebook.jpg'>"
        f"</head><body><h1>Story</h1><article>{images}{PARAGRAPH}{PARAGRAPH}</article></body></html>"
    )
    assert page(html).images() == []


def test_counters_close_buttons_rating_stars_and_share_images_are_not_article_images():
    # rferl.org's and ukrinform's counters, Yahoo's "spaceball.gif", deccanherald.com's
    # close button in its icons folder, vg247.com's review stars, a Korean site's share
    # button as a JPEG; the story's photo stays.
    images = "".join(
        f"<p><img src='{source}' alt=''></p>"
        for source in (
            "https://livetracker.rfe.pangea-cms.com/counter.lt?PageType=1&RecordId=30279001",
            "/counter/news/3103218?rnd=348683416",
            "https://s.yimg.com/g/images/spaceball.gif",
            "/sites/deccanherald.com/themes/deccanherald/images/icons/close.png",
            "https://assets.vg247.com/current//2019/09/review_4_stars_vg247.png",
            "/img/sns/sns_share_24.jpg",
            "/uploads/2020/10/vote-counter-protest.jpg",
        )
    )
    html = (
        f"<html><body><h1>Story</h1><article>{images}{PARAGRAPH}{PARAGRAPH}</article></body></html>"
    )
    assert [image["url"].rsplit("/", 1)[-1] for image in page(html).images()] == [
        "vote-counter-protest.jpg"
    ]


def test_a_credit_the_markup_sets_apart_is_the_images_credit_not_its_caption():
    # cnbc.com: "Alex Wong | Getty Images" in span.article__mm-image-credit runs into the
    # caption with no space ("…Getty ImagesKristi Noem, governor…"); space.com's
    # "(Image credit: TNG Collaboration)" and the Sun's "Credit: EPA" were left in the caption
    # or split at a word; arstechnica.com's figcaption is its credit alone ("Kevin").
    assert benchmark_page("3f65af7b6b")[0].images()[0] | {"url": None} == {
        "url": None,
        "caption": "Kristi Noem, governor of South Dakota, pictured at the White House turkey"
        " pardon in 2018, when she was a congresswoman. Her new anti-meth campaign is raising"
        " eyebrows.",
        "credit": "Alex Wong | Getty Images",
    }
    html = (
        f"<html><body><article><h1>Story</h1>{PARAGRAPH}<figure><img src='/crash.jpg'>"
        "<figcaption class='caption'><div class='caption-credit'><a href='https://w.org/x'>"
        f"Kevin</a></div></figcaption></figure>{PARAGRAPH}</article></body></html>"
    )
    [image] = page(html).images()
    assert (image["caption"], image["credit"]) == (None, "Kevin")
    assert benchmark_page("3c5bf8db42")[0].images()[1]["credit"] == "TNG Collaboration"


AMP_STORY = (
    "<!doctype html><html ⚡ lang='en'><head><meta charset='utf-8'>"
    "<title>Storm hits coast - Daily Planet</title>"
    "<link rel='canonical' href='https://news.example/2020/01/02/story/'>"
    "<script async src='https://cdn.ampproject.org/v0.js'></script></head><body>"
    "<header><a href='/'>Daily Planet</a><amp-sidebar id='sidebar' layout='nodisplay'>"
    "<ul><li><a href='/world/'>World</a></li></ul></amp-sidebar></header>"
    "<article><h1>Storm hits coast</h1><figure>"
    "<amp-img src='/img/storm.jpg' width='800' height='600' layout='responsive' alt='Waves'>"
    "<noscript><img src='/img/storm.jpg' width='800' height='600'></noscript></amp-img>"
    "<figcaption>Waves crash over the sea wall. Photo: Jimmy Olsen/AP</figcaption></figure>"
    f"{PARAGRAPH * 5}"
    "<amp-img src='/img/chart.png' width='640' height='400' layout='responsive'></amp-img>"
    f"{PARAGRAPH}<amp-social-share type='twitter'></amp-social-share></article></body></html>"
)


def test_an_amp_pages_images_are_its_images():
    """AMP pages (the URLs news aggregators and GDELT lists give) write each image
    ``<amp-img>``: their records had no image, and a caption's credit was lost."""
    images = page(AMP_STORY).images()
    assert images == [
        {
            "url": "https://news.example/img/storm.jpg",
            "caption": "Waves crash over the sea wall.",
            "credit": "Jimmy Olsen/AP",
        },
        {"url": "https://news.example/img/chart.png", "caption": None, "credit": None},
    ]
    assert page(AMP_STORY).body()[0] == PARAGRAPH.removeprefix("<p>").removesuffix("</p>").strip()


def test_where_the_page_names_no_sharing_image_its_json_ld_image_is_the_lead_picture():
    # An ImageObject with its caption; a stand-in ("no-image.jpg") is none of the story's.
    def story(image: str) -> str:
        return (
            "<html><head><script type='application/ld+json'>"
            f'{{"@type": "NewsArticle", "headline": "Storm hits coast", "image": {image}}}'
            "</script></head><body><article><h1>Storm hits coast</h1>"
            f"{PARAGRAPH * 4}</article></body></html>"
        )

    lead = story('{"@type": "ImageObject", "url": "/img/storm.jpg", "caption": "Waves."}')
    assert page(lead).images() == [
        {"url": "https://news.example/img/storm.jpg", "caption": "Waves.", "credit": None}
    ]
    assert page(story('["/img/no-image.jpg"]')).images() == []


def test_a_blogger_posts_caption_in_its_table_is_the_images_caption():
    """Blogger's image with its caption is a table, ``.tr-caption-container``, the caption
    a cell (``td.tr-caption``): the caption was lost."""
    html = (
        "<html><head><title>Kyoto on a budget</title></head><body><div class='post-body "
        f"entry-content'><h3>Kyoto on a budget</h3>{PARAGRAPH}<table class='tr-caption-"
        "container'><tbody><tr><td><a href='/s2048/torii.jpg'><img src='/w640/torii.jpg' "
        "width='640' height='426'></a></td></tr><tr><td class='tr-caption'>The torii gates at "
        f"Fushimi Inari just after 6 a.m.</td></tr></tbody></table>{PARAGRAPH}</div></body></html>"
    )
    generic_page = page(html)
    assert generic_page.images() == [
        {
            "url": "https://news.example/w640/torii.jpg",
            "caption": "The torii gates at Fushimi Inari just after 6 a.m.",
            "credit": None,
        }
    ]
    assert "torii" not in (generic_page.to_item().body or "")


def test_an_unsplash_credit_after_the_caption_is_the_credit():
    """Ghost's and Medium's Unsplash integration: "… Photo by X / Unsplash" stayed in the
    caption."""
    html = (
        "<html><head><title>Our own runners</title></head><body><article><h1>Our own runners"
        f"</h1>{PARAGRAPH}<figure><img src='/img/rack.jpg'><figcaption>The first rack. Photo "
        f"by Tom Dawson / Unsplash</figcaption></figure>{PARAGRAPH}</article></body></html>"
    )
    [image] = page(html).images()
    assert (image["caption"], image["credit"]) == ("The first rack.", "Tom Dawson / Unsplash")
