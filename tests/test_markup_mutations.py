"""Theme drift cannot break a site profile: every fixture article page of a site profile,
rewritten the ways a theme or plugin update rewrites markup without changing what the page
says, must give the same record.

Each mutation parses the saved page, changes the tree, and serializes it as ASCII (every
other character a character reference, so a page's declared charset stays right). Where a
mutation legitimately removes a field's only signal (the page has no visible date and its
JSON-LD is removed), the lost fields are listed in ``fixtures/<site>/mutation-losses.json``
with the reason: data, reviewed like a golden file, not code.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

import pytest
from lxml import etree
from lxml import html as lxml_html
from scrapy.http import TextResponse

from crawler.discovery.dates import DateLedger, date_record
from crawler.extraction.content import CAPTION_CONTAINERS, CAPTION_LABEL
from crawler.sites import aawsat
from pipelines.normalize import normalize_article
from qa.fixtures import PageCase, fixture_sites

Mutation = Callable[[etree._Element, dict], None]

CASES = [
    case
    for site in fixture_sites()
    if site.config.get("profile", site.name) != "generic"
    for case in site.page_cases()
]
SOURCES = [Path(aawsat.__file__), Path(aawsat.__file__).with_name("wordpress.py")]
SOURCES.append(Path(aawsat.__file__).parent.parent / "extraction" / "content.py")
# Class names a profile's selectors name (boilerplate included): renaming one of those
# changes what the page means to the profile, so mutations keep them.
SIGNAL_CLASSES = frozenset(
    name
    for source in SOURCES
    for literal in re.findall(r'"([^"\n]*)"', source.read_text())
    for name in re.findall(r"(?<![\w/])\.([A-Za-z_][\w-]*)", literal)
)
# WordPress states the page kind in body and post classes; those are not theme markup.
KEEP_CLASSES_ON = frozenset({"body", "article"})


def content_element(root: etree._Element) -> etree._Element:
    return root.xpath(
        "//*[contains(concat(' ', normalize-space(@class), ' '), ' entry-content ')]"
    )[0]


def non_signal(name: str) -> bool:
    return name not in SIGNAL_CLASSES


def _edit_classes(root: etree._Element, edit: Callable[[str], str | None]) -> None:
    for element in root.iter():
        if not isinstance(element.tag, str) or element.tag in KEEP_CLASSES_ON:
            continue
        names = (element.get("class") or "").split()
        if names:
            kept = [new for name in names if (new := edit(name) if non_signal(name) else name)]
            element.set("class", " ".join(kept))


def rename_classes(root: etree._Element, record: dict) -> None:
    _edit_classes(root, lambda name: f"{name}-v9")


def remove_classes(root: etree._Element, record: dict) -> None:
    _edit_classes(root, lambda name: None)


def wrap(element: etree._Element, tag: str = "div") -> etree._Element:
    wrapper = etree.Element(tag, {"class": "drift-wrapper"})
    element.addprevious(wrapper)
    wrapper.tail, element.tail = element.tail, None
    wrapper.append(element)
    return wrapper


def extra_wrappers(root: etree._Element, record: dict) -> None:
    content = content_element(root)
    for child in list(content):
        if isinstance(child.tag, str):
            wrap(child)
    wrap(wrap(content))
    for img in root.iter("img"):
        wrap(img, "span")


def _text(element: etree._Element) -> str:
    return " ".join(" ".join(element.itertext()).split())


def _is_post_meta(element: etree._Element) -> bool:
    return "post-meta" in (element.get("class") or "").split()


def _figure_lines(root: etree._Element, record: dict) -> list[etree._Element]:
    """Elements that hold just a Media ID, a caption or the post meta line."""
    captions = [image["caption"] for image in record["images"] if image["caption"]]
    inline = {"a", "span", "em", "strong", "br"}
    return [
        element
        for element in root.iter("p", "div", "span")
        if all(not isinstance(child.tag, str) or child.tag in inline for child in element)
        and (
            aawsat.MEDIA_ID.match(_text(element))
            or CAPTION_LABEL.match(_text(element))
            or _is_post_meta(element)
            or any(_text(element).startswith(caption) for caption in captions)
        )
    ]


def lines_as(tag: str) -> Mutation:
    def mutate(root: etree._Element, record: dict) -> None:
        for element in _figure_lines(root, record):
            element.tag = tag

    mutate.__name__ = f"metadata_lines_as_{tag}"
    return mutate


def label_captions(label: str) -> Mutation:
    """Put ``label`` (in its own inline element) before every unlabelled caption."""

    def mutate(root: etree._Element, record: dict) -> None:
        for element in _figure_lines(root, record):
            text = _text(element)
            labelled = aawsat.MEDIA_ID.match(text) or CAPTION_LABEL.match(text)
            if not labelled and not _is_post_meta(element):
                label_element = etree.Element("strong")
                label_element.text = label
                label_element.tail = " " + (element.text or "")
                element.text = None
                element.insert(0, label_element)

    mutate.__name__ = f"caption_label_{label.strip(':').lower()}"
    return mutate


def spaced_media_id_label(root: etree._Element, record: dict) -> None:
    """ "Media ID: N" written as an upper-case label element and the number after it."""
    for element in _figure_lines(root, record):
        match = aawsat.MEDIA_ID.match((element.text or "").strip())
        if match and len(element) == 0:
            element.text = None
            label = etree.SubElement(element, "span", {"class": "drift-label"})
            label.text = "MEDIA ID :"
            label.tail = f"\n  {match.group(1)}"


def _featured(root: etree._Element, record: dict) -> etree._Element | None:
    """The first record image's block: its caption container, or its link when the link
    holds only it, or the image."""
    if not record["images"] or not record["images"][0]["url"]:
        return None
    name = record["images"][0]["url"].rsplit("/", 1)[-1].rsplit(".", 1)[0]
    for img in root.iter("img"):
        if name in (img.get("src") or ""):
            container = next(
                (a for a in img.iterancestors() if CAPTION_CONTAINERS.matches(a)), None
            )
            if container is not None:
                return container
            parent = img.getparent()
            if parent.tag == "a" and len(parent) == 1 and not (parent.text or "").strip():
                return parent
            return img
    return None


def rewrap_featured(root: etree._Element, record: dict) -> None:
    featured = _featured(root, record)
    if featured is not None:
        wrap(wrap(featured, "figure"), "div")


def move_featured(root: etree._Element, record: dict) -> None:
    """Into the top of the content when it is before it; else just before the content."""
    featured = _featured(root, record)
    if featured is None:
        return
    content = content_element(root)
    tail, featured.tail = featured.tail, None
    previous = featured.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + (tail or "")
    else:
        featured.getparent().text = (featured.getparent().text or "") + (tail or "")
    if content in featured.iterancestors():
        content.addprevious(featured)
    else:
        featured.tail, content.text = content.text, None
        content.insert(0, featured)


def remove_jsonld(root: etree._Element, record: dict) -> None:
    for script in root.xpath("//script[@type='application/ld+json']"):
        script.getparent().remove(script)


def remove_opengraph(root: etree._Element, record: dict) -> None:
    for meta in root.xpath(
        "//meta[starts-with(@property, 'og:') or starts-with(@property, 'article:')]"
    ):
        meta.getparent().remove(meta)


def spread_whitespace(root: etree._Element, record: dict) -> None:
    for element in content_element(root).iter():
        if isinstance(element.tag, str):
            if element.text:
                element.text = element.text.replace(" ", "\n\t  ")
            if element.tail:
                element.tail = element.tail.replace(" ", " \n ")


def unchanged(root: etree._Element, record: dict) -> None:
    """The round trip alone: parse and serialize."""


MUTATIONS: list[Mutation] = [
    unchanged,
    rename_classes,
    remove_classes,
    extra_wrappers,
    lines_as("div"),
    lines_as("span"),
    lines_as("p"),
    label_captions("Caption:"),
    label_captions("Photo:"),
    spaced_media_id_label,
    rewrap_featured,
    move_featured,
    remove_jsonld,
    remove_opengraph,
    spread_whitespace,
]
# Each mutation in the page's own characters; the round trip, and whitespace spread out,
# also with every non-ASCII character written as a character reference.
VARIANTS = [(mutation, False) for mutation in MUTATIONS]
VARIANTS += [(unchanged, True), (extra_wrappers, True), (spread_whitespace, True)]
RAW_TEXT = re.compile(
    r"(<script\b.*?</script>|<style\b.*?</style>)", flags=re.DOTALL | re.IGNORECASE
)


def as_reference(char: str) -> str:
    name = html.entities.codepoint2name.get(ord(char))
    return f"&{name};" if name else f"&#{ord(char)};"


def serialize(root: etree._Element, encoding: str, entities: bool) -> bytes:
    """The page in its own encoding; with ``entities``, every non-ASCII character outside
    scripts and styles written as a character reference (named where HTML has a name)."""
    text = lxml_html.tostring(root, encoding="unicode", doctype="<!DOCTYPE html>")
    if entities:
        parts = RAW_TEXT.split(text)
        text = "".join(
            part if index % 2 else re.sub(r"[^\x00-\x7f]", lambda m: as_reference(m.group(0)), part)
            for index, part in enumerate(parts)
        )
    return text.encode(encoding, errors="xmlcharrefreplace")


def record_of(case: PageCase, original: TextResponse, body: bytes) -> dict:
    response = original.replace(body=body)
    item = case.profile.article_page(response).to_item()
    normalize_article(item)
    date_record(item, DateLedger(), [])  # as PageCase.record: the page's own date only
    return asdict(item)


def expected_losses(case: PageCase) -> dict[str, list[str]]:
    path = case.site.folder / "mutation-losses.json"
    losses = json.loads(path.read_text()) if path.is_file() else {}
    return {mutation: loss["pages"].get(case.url_path, []) for mutation, loss in losses.items()}


def changed_fields(expected: dict, got: dict) -> list[str]:
    return sorted(key for key in expected if key != "fetched_at" and expected[key] != got.get(key))


def class_names(case: PageCase) -> set[str]:
    """The classes of the page's elements (not of ``<body>`` or ``<article>``)."""
    root = lxml_html.fromstring(case.response().text)
    return {
        name
        for element in root.iter()
        if isinstance(element.tag, str) and element.tag not in KEEP_CLASSES_ON
        for name in (element.get("class") or "").split()
    }


def signal_class_pages() -> list[tuple[str, PageCase]]:
    """Each class a profile's selectors name, with the first fixture page that has it."""
    first: dict[str, PageCase] = {}
    for case in CASES:
        for name in sorted(class_names(case) & SIGNAL_CLASSES):
            first.setdefault(name, case)
    return sorted(first.items())


def without_class(name: str) -> Mutation:
    """The theme stops writing class ``name``: every element loses it."""

    def mutate(root: etree._Element, record: dict) -> None:
        for element in root.iter():
            if isinstance(element.tag, str) and element.tag not in KEEP_CLASSES_ON:
                names = (element.get("class") or "").split()
                if name in names:
                    element.set("class", " ".join(n for n in names if n != name))

    mutate.__name__ = f"without_class_{name}"
    return mutate


def mutation_failures(case: PageCase, variants: list[tuple[Mutation, bool]]) -> dict:
    """The variants whose record differs from the golden one other than as expected."""
    expected = case.expected()
    original = case.response()
    losses = expected_losses(case)
    failures = {}
    for mutation, entities in variants:
        root = lxml_html.fromstring(original.text)
        mutation(root, expected)
        got = record_of(case, original, serialize(root, original.encoding, entities))
        changed = changed_fields(expected, got)
        allowed = losses.get(mutation.__name__, [])
        if changed != sorted(allowed):
            name = mutation.__name__ + (" (character references)" if entities else "")
            failures[name] = {f: got.get(f) for f in changed} | {"expected loss": allowed}
    return failures


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_meaning_preserving_markup_changes_give_the_same_record(case: PageCase):
    assert mutation_failures(case, VARIANTS) == {}


SIGNAL_CLASS_PAGES = signal_class_pages()


@pytest.mark.parametrize(
    ("name", "case"), SIGNAL_CLASS_PAGES, ids=[n for n, _ in SIGNAL_CLASS_PAGES]
)
def test_a_class_the_profile_names_is_not_its_only_signal(name: str, case: PageCase):
    """The mutations above keep the classes the profile's selectors name; here each of
    them is removed in turn (on the first page that has it), and the field it marks must
    be found by what it means, or be listed as an expected loss with its reason."""
    assert mutation_failures(case, [(without_class(name), False)]) == {}
