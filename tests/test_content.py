import pytest
from parsel import Selector

from crawler.extraction.content import ImageBlock, SelectorSet, TextBlock, content_blocks

BASE = "https://example.org/a/b/c/"


def blocks(html: str, drop: tuple[str, ...] = ()) -> list:
    content = Selector(text=f"<div id='c'>{html}</div>").css("#c")[0].root
    return content_blocks(content, SelectorSet.from_css(drop), BASE)


def test_one_block_per_paragraph_and_a_blank_br_splits_old_style_text():
    assert blocks("<p>One<br>line</p>Loose text<br><br>Second &amp; last") == [
        TextBlock("One line", "p"),
        TextBlock("Loose text", "p"),
        TextBlock("Second & last", "p"),
    ]


def test_headings_list_items_and_quotes_are_blocks_of_their_own():
    assert [
        b.tag for b in blocks("<h3>Q</h3><ul><li>a</li><li>b</li></ul><blockquote>q</blockquote>")
    ] == [
        "h3",
        "li",
        "li",
        "blockquote",
    ]


def test_caption_containers_yield_images_not_text():
    html = (
        '<div class="wp-caption"><img src="/wp-content/uploads/x.jpg">'
        '<p class="wp-caption-text">Smoke over Aleppo (AFP)</p></div><p>Body</p>'
        '<figure><img data-src="y.jpg" src="data:image/gif;base64,R0"><figcaption>Y</figcaption></figure>'
    )
    assert blocks(html) == [
        ImageBlock("https://example.org/wp-content/uploads/x.jpg", "Smoke over Aleppo (AFP)"),
        TextBlock("Body", "p"),
        ImageBlock("https://example.org/a/b/c/y.jpg", "Y"),
    ]


def test_dropped_subtrees_keep_the_text_that_follows_them():
    html = "<p>Keep <span class='ad'>AD</span>this</p><div class='share'>Share</div><p>too</p>"
    assert blocks(html, drop=(".ad", ".share")) == [
        TextBlock("Keep this", "p"),
        TextBlock("too", "p"),
    ]


def test_emoji_and_tracking_pixels_are_not_images():
    html = '<p>Hi <img class="wp-smiley" src="s.png"> there<img src="t.gif" width="1"></p>'
    assert blocks(html) == [TextBlock("Hi there", "p")]


def test_the_source_tree_is_not_modified():
    selector = Selector(text="<div id='c'><p>x</p><div class='ad'>y</div></div>")
    content_blocks(selector.css("#c")[0].root, SelectorSet.from_css((".ad",)), BASE)
    assert selector.css(".ad::text").get() == "y"


def test_drop_selectors_other_than_tag_class_and_id_are_refused_by_name():
    with pytest.raises(
        ValueError, match=r"not a tag, \.class, #id or tag\.class selector: 'div > p'"
    ):
        SelectorSet.from_css(("script", "div > p"))


def test_drop_selectors_match_tags_classes_ids_and_tagged_classes():
    html = (
        "<p>a</p><script>s</script><div id='comments'>c</div><p class='x post-meta'>m</p>"
        "<div class='post-meta'>kept</div><span class='ad'>ad</span>"
    )
    drop = ("script", "#comments", "p.post-meta", ".ad")
    assert blocks(html, drop) == [TextBlock("a", "p"), TextBlock("kept", "p")]


@pytest.mark.parametrize(("depth", "outcome"), [(1_500, "kept"), (50_000, "empty_body")])
def test_an_article_nested_far_past_the_recursion_limit_is_an_article_or_a_named_drop(
    depth, outcome
):
    # Python's recursion limit is 1,000 frames; the walkers must not care. The HTML parser
    # (libxml2) keeps 2,047 levels and nothing after them: at 1,500 levels the nested
    # paragraph is in the body; at 50,000 the body is gone and validation names the drop.
    from scrapy.http import HtmlResponse

    from crawler.sites import get_profile
    from pipelines.normalize import normalize_article
    from pipelines.output import plain_record
    from pipelines.validate import article_validator, drop_reason
    from qa.fixtures import FIXTURES

    page = (
        FIXTURES / "aawsat/site/diana-moukalled/opinion/live-from-lebanon/index.html"
    ).read_text()
    start = page.index('<div class="entry-content">') + len('<div class="entry-content">')
    nested = "<div>" * depth + "<p>Nested paragraph.</p>" + "</div>" * depth
    response = HtmlResponse(
        url="https://eng-archive.aawsat.com/diana-moukalled/opinion/live-from-lebanon/",
        body=(page[:start] + nested + page[start:]).encode(),
        encoding="utf-8",
    )
    item = get_profile("aawsat").article_page(response).to_item()
    item.fetched_at = "2026-01-01T00:00:00Z"
    normalize_article(item)
    errors = list(article_validator().iter_errors(plain_record(item)))
    assert item.title == "Live from Lebanon"
    if outcome == "kept":
        assert errors == []
        assert "Nested paragraph." in item.body
    else:
        assert str(drop_reason(errors[0])) == outcome
