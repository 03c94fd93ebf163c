"""Malformed sitemaps as they are found in the wild, generated for the hardening tests:
relative ``<loc>`` values, gzip (whole and corrupt), an HTML page where a sitemap was named,
more than the protocol's 50,000 URLs, XML cut off mid-element, and ``<loc>`` values that
cannot be URLs."""

from __future__ import annotations

import gzip

NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"
XML = {"Content-Type": "application/xml; charset=UTF-8"}
GZIP = {"Content-Type": "application/x-gzip"}
HTML = {"Content-Type": "text/html; charset=UTF-8"}
HTML_PAGE = (
    b"<!DOCTYPE html><html><head><title>Page not found</title></head>"
    b"<body><h1>Oops!</h1><a href='/category/opinion/'>Opinion</a></body></html>"
)
BAD_LOCS = ("http://[::1", "javascript:void(0)", "", "   ", "http://127.0.0.1:99999/x/y/z/")


def _entry(tag: str, loc: str, lastmod: str | None) -> str:
    modified = f"<lastmod>{lastmod}</lastmod>" if lastmod is not None else ""
    return f"<{tag}><loc>{loc}</loc>{modified}</{tag}>"


def urlset(locs: list[str], lastmod: str | None = None) -> bytes:
    entries = "".join(_entry("url", loc, lastmod) for loc in locs)
    return f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="{NAMESPACE}">{entries}</urlset>'.encode()


def sitemap_index(locs: list[str]) -> bytes:
    entries = "".join(_entry("sitemap", loc, None) for loc in locs)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="{NAMESPACE}">'
        f"{entries}</sitemapindex>"
    ).encode()


def over_the_limit(count: int = 50_001) -> bytes:
    """A sitemap of ``count`` photos on another host: none is fetched."""
    return urlset([f"https://images.example.org/2016/05/photo-{n}.jpg" for n in range(count)])


def cut_off(body: bytes) -> bytes:
    """The XML broken mid-element, as a dropped connection or a full disk leaves it."""
    return body[: len(body) * 2 // 3] + b"<url><loc>/thi"


def gzipped(body: bytes) -> bytes:
    return gzip.compress(body, mtime=0)


def corrupt_gzip(body: bytes) -> bytes:
    """A gzip header followed by bytes that do not inflate."""
    return gzipped(body)[:10] + b"\x00not deflate data" * 4
