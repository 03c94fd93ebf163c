import pytest

from crawler.discovery.urls import SiteAddress, canonicalize_url
from crawler.sites.aawsat import classify_url
from crawler.sites.base import UrlKind


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        (
            "HTTPS://Eng-Archive.AAWSAT.com:443/a/b/c/#respond",
            "https://eng-archive.aawsat.com/a/b/c/",
        ),
        ("https://x.org/a/b/c/?replytocom=12", "https://x.org/a/b/c/"),
        ("https://x.org/a/?utm_source=t&id=3", "https://x.org/a/?id=3"),
        ("http://127.0.0.1:8000/a/", "http://127.0.0.1:8000/a/"),
        ("https://x.org", "https://x.org/"),
    ],
)
def test_canonicalize_url(url, canonical):
    assert canonicalize_url(url) == canonical


def test_site_address_maps_public_links_to_the_served_copy_and_back():
    address = SiteAddress.of("https://eng-archive.aawsat.com", "http://127.0.0.1:8000/")
    page = "https://eng-archive.aawsat.com/theaawsat/opinion/x/"
    served = address.to_served(page)
    assert served == "http://127.0.0.1:8000/theaawsat/opinion/x/"
    assert address.to_public(served) == page
    assert address.to_served("https://twitter.com/aawsat") == "https://twitter.com/aawsat"
    assert address.is_on_site("http://www.eng-archive.aawsat.com/x/")
    assert address.to_public("http://eng-archive.aawsat.com:80/x/") == (
        "https://eng-archive.aawsat.com/x/"
    )
    assert not address.is_on_site("https://aawsat.com/english/")


def test_site_address_rejects_a_base_url_that_is_not_http():
    with pytest.raises(ValueError, match="not an http"):
        SiteAddress.of("https://eng-archive.aawsat.com", "127.0.0.1:8000")


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/", UrlKind.LISTING),
        ("/page/2/", UrlKind.LISTING),
        ("/category/opinion/", UrlKind.LISTING),
        ("/category/opinion/page/830/", UrlKind.LISTING),
        ("/tag/al-qaeda-in-the-arabian-peninsula/page/4/", UrlKind.LISTING),
        ("/author/saleh-al-mutlaq/", UrlKind.LISTING),
        ("/2016/05/", UrlKind.LISTING),
        ("/2016/05/page/2/", UrlKind.LISTING),
        ("/diana-moukalled/opinion/live-from-lebanon/", UrlKind.ARTICLE),
        ("/diana-moukalled/opinion/live-from-lebanon", UrlKind.ARTICLE),
        ("/about-us/", UrlKind.OTHER),
        ("/theaawsat/news-middle-east/x/putin-shoigu/", UrlKind.OTHER),  # attachment
        ("/theaawsat/news-middle-east/x/feed/", UrlKind.OTHER),
        ("/feed/", UrlKind.OTHER),
        ("/?p=4179", UrlKind.OTHER),
        ("/?s=syria", UrlKind.OTHER),
        ("/wp-content/uploads/2017/01/johnson.jpg", UrlKind.OTHER),
        ("/wp-admin/x/y/", UrlKind.OTHER),
    ],
)
def test_aawsat_url_kinds(path, kind):
    assert classify_url("https://eng-archive.aawsat.com" + path) is kind
