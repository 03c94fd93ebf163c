import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crawler.extraction.processors import (
    decode_entities,
    has_credit,
    is_site_name,
    normalize_text,
    parse_date,
    slug_to_name,
    split_authors,
    split_caption_credit,
    strip_title_suffix,
    word_count,
)
from crawler.sites.aawsat import strip_site_suffix
from qa.fixtures import FIXTURES


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("  a\u00a0\u00a0b\n\tc  ", "a b c"),
        ("Cafe\u0301", "Café"),  # decomposed accent composed (NFC)
        ("zero\u200bwidth\u00adsoft", "zerowidthsoft"),
        ("“quoted” – and Arabic: الشرق الأوسط", "“quoted” – and Arabic: الشرق الأوسط"),
        ("\u00a0 \n", None),
        (None, None),
        ("bell\x07char", "bell char"),
    ],
)
def test_normalize_text(raw, clean):
    assert normalize_text(raw) == clean


@pytest.mark.parametrize(
    ("title", "clean"),
    [
        ("Live from Lebanon | ASHARQ AL-AWSAT English Archive 2005 -2017", "Live from Lebanon"),
        (
            "Behind the Coverage…another side to the story - ASHARQ AL-AWSAT English Archive 2005 -2017",
            "Behind the Coverage…another side to the story",
        ),
        ("Majalla Blogs Archives - ASHARQ AL-AWSAT English Archive", "Majalla Blogs Archives"),
        ("Iran - Saudi Talks | ASHARQ AL-AWSAT English Archive 2005 -2017", "Iran - Saudi Talks"),
        ("Opinion | Asharq Al-awsat", "Opinion"),
        ("A title with no suffix", "A title with no suffix"),
    ],
)
def test_strip_site_suffix(title, clean):
    assert strip_site_suffix(title) == clean


def test_strip_title_suffix_never_empties_a_title():
    assert strip_title_suffix("| Example", ("Example",)) == "| Example"


@pytest.mark.parametrize(
    ("text", "caption", "credit"),
    [
        (
            (
                "Russian President Vladimir Putin (R) with Defense Minister Sergei Shoigu "
                "in Moscow, Russia./ REUTERS"
            ),
            (
                "Russian President Vladimir Putin (R) with Defense Minister Sergei Shoigu "
                "in Moscow, Russia."
            ),
            "REUTERS",
        ),
        ("Smoke rises over Aleppo (AFP)", "Smoke rises over Aleppo", "AFP"),
        (
            "Protesters in Beirut. (AP Photo/Hussein Malla)",
            "Protesters in Beirut.",
            "AP Photo/Hussein Malla",
        ),
        (
            "The minister in Riyadh (Asharq Al-Awsat/Ahmed Fathi)",
            "The minister in Riyadh",
            "Asharq Al-Awsat/Ahmed Fathi",
        ),
        ("A Lebanese soldier (AFP PHOTO/JOSEPH EID)", "A Lebanese soldier", "AFP PHOTO/JOSEPH EID"),
        ("Tahrir Square in Cairo (EPA)", "Tahrir Square in Cairo", "EPA"),
        (
            "Rescue workers in Gaza. REUTERS/Mohammed Salem".replace(". R", "./ R"),
            "Rescue workers in Gaza.",
            "REUTERS/Mohammed Salem",
        ),
        (
            "A vigil near the port of Beirut, Aug. 4, 2021. REUTERS/Mohamed Azakir",
            "A vigil near the port of Beirut, Aug. 4, 2021.",
            "REUTERS/Mohamed Azakir",
        ),
        ("A crowd in Gaza. Photo: Jane Doe", "A crowd in Gaza.", "Jane Doe"),
        (
            "Officials said so. Reuters reported it first.",
            "Officials said so. Reuters reported it first.",
            None,
        ),
        ("A view of the old city", "A view of the old city", None),
        ("Putin (R) and Assad (L) meet", "Putin (R) and Assad (L) meet", None),
        ("", None, None),
    ],
)
def test_split_caption_credit(text, caption, credit):
    assert split_caption_credit(text) == (caption, credit)


def test_has_credit_ignores_parentheses_inside_a_sentence():
    assert has_credit("Rebels took the town (AFP)")
    assert not has_credit("The deal (signed in 2015) was the first of its kind.")


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("Jun 27, 2014", "2014-06-27"),
        ("Mar 3, 2006", "2006-03-03"),
        ("2016-05-21T09:14:00+00:00", "2016-05-21T09:14:00+00:00"),
        ("2016-05-21T09:14:00+03:00", "2016-05-21T09:14:00+03:00"),
        ("2016-05-21T09:14:00Z", "2016-05-21T09:14:00+00:00"),
        ("2016-05-21T09:14", "2016-05-21T09:14:00"),
        ("2016-05-21T09:14:00.250-05:30", "2016-05-21T09:14:00.250000-05:30"),
        ("2016-02-30T09:14:00+00:00", None),
        ("2016-05-21T24:00:00Z", None),
        ("2016-05-21 09:14:00 +0300", "2016-05-21T09:14:00+03:00"),
        ("2016-05-21", "2016-05-21"),
        ("2016-02-30", None),
        ("May 2016", None),  # no day: not a publication date
        ("Saturday, 21 May, 2016 10:05", "2016-05-21T10:05:00"),
        ("yesterday", None),
        ("", None),
        # An offset of a day or more is no zone; dateutil keeps it, Python's datetime refuses it.
        ("2020-01-01 10:00 +2500", None),
        ("January 5, 2020 10:00 UTC+30", None),
        ("2020-01-01 10:00 -2400", None),
    ],
)
def test_parse_date(raw, iso):
    assert parse_date(raw) == iso


@pytest.mark.parametrize(
    ("byline", "authors"),
    [
        ("Diana Moukalled", ["Diana Moukalled"]),
        ("By Sawsan Al-Abtah and Thaer Abbas", ["Sawsan Al-Abtah", "Thaer Abbas"]),
        ("Amir Taheri, Eyad Abu Shakra", ["Amir Taheri", "Eyad Abu Shakra"]),
        ("Von Anna Schmidt und Peter Weber", ["Anna Schmidt", "Peter Weber"]),
        ("Par Marie Dupont et Jean Martin", ["Marie Dupont", "Jean Martin"]),
        ("Por Ana López y Luis Gómez", ["Ana López", "Luis Gómez"]),
        ("Av Kari Nordmann og Ola Nordmann", ["Kari Nordmann", "Ola Nordmann"]),
        ("Jane Doe & John Roe; Max Mustermann", ["Jane Doe", "John Roe", "Max Mustermann"]),
        ("Sarah Lee sarah.lee@example.com", ["Sarah Lee"]),
        ("By Meg James, Staff Writer", ["Meg James"]),
        ("Tom Smith (Image: Getty Images)", ["Tom Smith"]),
        ("Lena Berg (dpa)", ["Lena Berg"]),
        ("Müller, Hans", ["Müller, Hans"]),
        ("https://www.example.com/people/meg-james", []),
    ],
)
def test_split_authors(byline, authors):
    assert split_authors(byline) == authors


@pytest.mark.parametrize(
    ("name", "site_names", "is_site"),
    [
        ("mdr.de", ("MDR",), True),
        ("STERN.de", ("www.stern.de",), True),
        ("News Nation Bureau", ("News Nation",), True),
        ("Redacción La Razón", ("La Razón",), True),
        ("Anna Stern", ("stern.de",), False),
    ],
)
def test_is_site_name(name, site_names, is_site):
    assert is_site_name(name, site_names) is is_site


@pytest.mark.parametrize(
    ("raw", "title"),
    [
        ("Sch&amp;ouml;ne Gr&amp;uuml;&szlig;e", "Schöne Grüße"),
        ("&#8216;Quoted&#8217; &quot;twice&quot;", '‘Quoted’ "twice"'),
    ],
)
def test_decode_entities_at_any_depth(raw, title):
    assert decode_entities(raw) == title


def test_site_prefix_and_host_suffix_are_removed():
    assert strip_title_suffix("Neue Chips - Golem.de", ("www.golem.de",)) == "Neue Chips"
    assert strip_title_suffix("Sport | Why jazz matters", ("Sport",)) == "Why jazz matters"


def test_slug_to_name():
    assert slug_to_name("amir-taheri") == "Amir Taheri"
    assert slug_to_name("--") is None


def test_word_count_counts_tokens_with_letters_or_digits():
    assert word_count("U.S. forces — 1,200 of them — left") == 6
    assert word_count("") == 0


def words_the_long_way(text: str) -> int:
    return len([t for t in re.split(r"\s+", text) if re.search(r"\w", t)])


@given(st.text(alphabet=st.sampled_from(list("ab1_ .,—-’\u00a0\t\n\u200bé\u0301\u2003"))))
def test_word_count_is_the_number_of_tokens_holding_a_word_character(text):
    assert word_count(text) == words_the_long_way(text)


TOKENS = ["a", "1", "—", "...", "日本語", "مرحبا", "«»", "x—y", "\u0301", "\u200b", "(", "_"]
SPACES = [" ", " ", " ", "\n\n", "\n\n", "  ", "\n", "\n\n\n", "\u00a0", "\u3000", "\t", " \n\n"]


@given(st.lists(st.tuples(st.sampled_from(SPACES), st.sampled_from(TOKENS)), max_size=30))
def test_word_count_of_paragraphs_of_any_script_and_any_spacing_is_the_long_way(parts):
    text = "".join(space + token for space, token in parts)
    assert word_count(text) == words_the_long_way(text)
    assert word_count(text[1:]) == words_the_long_way(text[1:])


def test_word_count_of_every_golden_record_is_its_count_and_the_long_way():
    records = [
        json.loads(line)
        for path in sorted(FIXTURES.glob("*/crawl/expected.jsonl"))
        for line in path.read_text().splitlines()
    ]
    assert len(records) > 40
    for record in records:
        assert word_count(record["body"]) == record["word_count"]
        assert record["word_count"] == words_the_long_way(record["body"])
