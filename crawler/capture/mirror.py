"""A saved static copy of a site (a *mirror*), served over HTTP on loopback.

Mirror layout: a page at URL path ``/a/b/`` is ``<root>/a/b/index.html``; other files
(``robots.txt``, sitemaps) sit at their path. An optional ``response.json`` beside a page
sets its status and headers (``{"status": 301, "headers": {"Location": "/x/"}}``); a folder
holding only ``response.json`` is a bodiless response such as a redirect. A request with a
query string is answered from the file named by its path's last segment, ``?`` and the
query as sent, as ``wget --mirror`` saves it (``/wp-json/wp/v2/posts?page=2`` is
``<root>/wp-json/wp/v2/posts?page=2``, its headers in ``posts?page=2.response.json``),
when there is one; else as the path alone.

The command-line tool that serves and crawls a mirror is :mod:`crawler.cli.mirror`.
"""

from __future__ import annotations

import hashlib
import json
import sys
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path, PurePath
from urllib.parse import unquote, urlsplit

CONTENT_TYPES = {
    ".html": "text/html; charset=UTF-8",
    ".xml": "application/xml; charset=UTF-8",
    ".txt": "text/plain; charset=UTF-8",
    ".gz": "application/x-gzip",
}
METADATA_FILES = frozenset({"response.json", "expected.json", "checks.json"})
BAD_REQUEST = b"<html><head><title>Bad Request</title></head><body><h1>400</h1></body></html>"
NOT_FOUND = b"<html><head><title>Not Found</title></head><body><h1>404</h1></body></html>"


@dataclass(frozen=True)
class MirrorResponse:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


def conditional(
    response: MirrorResponse, request_headers: Mapping[str, str] | None
) -> MirrorResponse:
    """``304 Not Modified`` (no body) when the request's ``If-None-Match`` names the
    response's ``ETag``, or, without ``If-None-Match``, its ``If-Modified-Since`` is not
    before ``Last-Modified`` (RFC 9110, 13.1-13.2); else ``response`` itself.

    >>> page = MirrorResponse(
    ...     200, {"ETag": '"a1"', "Last-Modified": "Mon, 01 Jan 2024 00:00:00 GMT"}, b"x"
    ... )
    >>> [conditional(page, {"If-None-Match": tag}).status for tag in ('"a1"', '"b2"')]
    [304, 200]
    >>> since = ("Tue, 02 Jan 2024 00:00:00 GMT", "Sun, 31 Dec 2023 00:00:00 GMT")
    >>> [conditional(page, {"If-Modified-Since": date}).status for date in since]
    [304, 200]
    >>> conditional(page, None).status
    200
    """
    if response.status != 200 or not request_headers:
        return response
    validators = {k: v for k, v in response.headers.items() if k in {"ETag", "Last-Modified"}}
    if_none_match = request_headers.get("If-None-Match")
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        unchanged = "*" in tags or response.headers.get("ETag") in tags
    else:
        unchanged = not_modified_since(
            response.headers.get("Last-Modified"), request_headers.get("If-Modified-Since")
        )
    return MirrorResponse(304, validators) if unchanged else response


def not_modified_since(last_modified: str | None, if_modified_since: str | None) -> bool:
    if not last_modified or not if_modified_since:
        return False
    try:
        return parsedate_to_datetime(last_modified) <= parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False  # an unreadable date: send the page


class Mirror:
    """Answers a request path from a mirror folder, with the ``ETag`` (a digest of the
    body) and ``Last-Modified`` (the file's time) a static file server sends."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        if not self.root.is_dir():
            raise FileNotFoundError(f"mirror folder not found: {root}")

    def respond(
        self, url_path: str, request_headers: Mapping[str, str] | None = None
    ) -> MirrorResponse:
        """The response to ``url_path``; with the request's headers, conditional."""
        return conditional(self._respond(url_path), request_headers)

    def _respond(self, url_path: str) -> MirrorResponse:
        parts = urlsplit(url_path)
        path = unquote(parts.path)
        if "\0" in path or "\0" in parts.query:  # no file name holds one
            return MirrorResponse(400, {"Content-Type": "text/html"}, BAD_REQUEST)
        target = (self.root / path.lstrip("/")).resolve()
        if not target.is_relative_to(self.root) or target.name in METADATA_FILES:
            return MirrorResponse(404, {"Content-Type": "text/html"}, NOT_FOUND)
        # Not at the root: the root's file "with its query" would be beside the mirror.
        if parts.query and "/" not in parts.query and target != self.root:
            with_query = target.with_name(f"{target.name}?{parts.query}")
            if with_query.is_file():
                return self._file_response(
                    with_query, with_query.with_name(f"{with_query.name}.response.json")
                )
        if target.is_dir():
            if not path.endswith("/"):  # WordPress answers the slash-less form with a 301
                return MirrorResponse(301, {"Location": path + "/"})
            return self._file_response(target / "index.html", target / "response.json")
        return self._file_response(target, target.parent / f"{target.name}.response.json")

    def _file_response(self, file: Path, meta_file: Path) -> MirrorResponse:
        meta = json.loads(meta_file.read_text()) if meta_file.is_file() else {}
        # A page saved with its query (news_view.html?idx=2) is of its path's type.
        suffix = PurePath(file.name.partition("?")[0]).suffix
        headers = {"Content-Type": CONTENT_TYPES.get(suffix, "application/octet-stream")}
        headers.update(meta.get("headers", {}))
        if file.is_file():
            body = file.read_bytes()
            headers.setdefault("ETag", '"' + hashlib.sha256(body).hexdigest()[:16] + '"')
            headers.setdefault("Last-Modified", formatdate(file.stat().st_mtime, usegmt=True))
            return MirrorResponse(meta.get("status", 200), headers, body)
        if meta:
            return MirrorResponse(meta.get("status", 200), meta.get("headers", {}), b"")
        return MirrorResponse(404, {"Content-Type": "text/html"}, NOT_FOUND)


Responder = Callable[[str], MirrorResponse]
"""Answers a request target (path and query, as sent) with a response."""


def _handler_for(respond: Responder) -> type[BaseHTTPRequestHandler]:
    class MirrorHandler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            response = conditional(respond(self.path), self.headers)  # type: ignore[arg-type]
            self.send_response(response.status)
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            self.wfile.write(response.body)

        def log_message(self, format: str, *args: object) -> None:
            pass  # the crawler logs every response already

    return MirrorHandler


class LoopbackServer(ThreadingHTTPServer):
    """A threaded HTTP server for a crawler on the same machine, which opens 16
    connections at once: with the standard library's listen backlog of 5, the kernel
    dropped the connections over it, and TCP sent each again one second later (its first
    retransmission), so a crawl of a local copy stalled for a second again and again."""

    request_queue_size = 128


def start_server(respond: Responder, port: int = 0) -> ThreadingHTTPServer:
    """Serve ``respond``'s answers on 127.0.0.1 in a background thread; ``port=0`` picks a
    free port."""
    server = LoopbackServer(("127.0.0.1", port), _handler_for(respond))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def crawl_command(spider: str, base_url: str | None, scrapy_args: list[str]) -> list[str]:
    """``scrapy crawl`` against a local copy: no politeness delay is needed on loopback.
    Without ``base_url`` the arguments say where (``-a base_urls=`` for several sites)."""
    return [
        sys.executable,
        "-m",
        "scrapy",
        "crawl",
        spider,
        *(("-a", f"base_url={base_url}") if base_url else ()),
        "-s",
        "DOWNLOAD_DELAY=0",
        "-s",
        "AUTOTHROTTLE_ENABLED=False",
        *scrapy_args,
    ]
