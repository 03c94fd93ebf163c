"""A local Wayback Machine over a site mirror: the CDX search API and raw (``id_``) replays.

For trying ``-a source=wayback`` offline and for the tests. It implements the parts of the
CDX server API the crawler uses, with their documented semantics: ``url`` + ``matchType``
(exact, prefix), ``filter=field:regex`` (``!`` negates), ``collapse=urlkey`` or ``digest``,
``from``/``to`` timestamp prefixes, ``fl``, ``output=json``, ``limit`` with
``showResumeKey``/``resumeKey`` paging. Captures (a JSON file) replay pages of the mirror.

    python -m qa.fake_wayback serve fixtures/aawsat/site --captures fixtures/wayback/captures.json
    python -m qa.fake_wayback crawl fixtures/aawsat/site aawsat \\
        --captures fixtures/wayback/captures.json -O wayback.jsonl

``crawl`` runs the spider with ``-a source=wayback`` against it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from crawler.capture.mirror import Mirror, MirrorResponse
from crawler.cli.mirror import build_parser, serve_or_crawl

FIELDS = ("urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length")
_REPLAY = re.compile(r"^/web/(\d{14})id_/(.+)$")


def urlkey(url: str) -> str:
    """Scheme-, port- and www-less, lower-cased host plus path and query (its parameters
    sorted, as the CDX server's SURT keys have them): one key per page.

    >>> urlkey("http://www.Gazette.example:80/news/view.php?page=2&idx=1")
    'gazette.example/news/view.php?idx=1&page=2'
    """
    parts = urlsplit(url if "://" in url else f"http://{url}")
    host = (parts.hostname or "").lower().removeprefix("www.")
    query = "&".join(sorted(parts.query.split("&"))) if parts.query else ""
    return host + (parts.path or "/") + (f"?{query}" if query else "")


@dataclass(frozen=True)
class ArchivedCapture:
    timestamp: str
    original: str
    status: int
    mimetype: str
    page: str | None
    """Mirror path whose page the capture replays."""
    location: str | None
    """Where a redirect capture points."""

    @property
    def digest(self) -> str:
        """What the capture replays: one value for the same content."""
        return hashlib.sha1(f"{self.status} {self.page} {self.location}".encode()).hexdigest()

    def field(self, name: str) -> str:
        values = {
            "urlkey": urlkey(self.original),
            "timestamp": self.timestamp,
            "original": self.original,
            "mimetype": self.mimetype,
            "statuscode": str(self.status),
            "digest": self.digest,
            "length": "0",
        }
        return values[name]


def _json_response(data: object) -> MirrorResponse:
    return MirrorResponse(200, {"Content-Type": "application/json"}, json.dumps(data).encode())


class WaybackMirror:
    def __init__(self, captures_file: Path, mirror_root: Path) -> None:
        data = json.loads(captures_file.read_text())
        self.captures = sorted(
            (
                ArchivedCapture(
                    c["timestamp"],
                    c["original"],
                    c["status"],
                    c.get("mimetype", "text/html"),
                    c.get("page"),
                    c.get("location"),
                )
                for c in data["captures"]
            ),
            key=lambda c: (urlkey(c.original), c.timestamp),
        )
        self.mirror = Mirror(mirror_root)

    def respond(self, raw_path: str) -> MirrorResponse:
        """Answer a request line's target (path and query, as sent)."""
        parts = urlsplit(raw_path)
        if parts.path == "/cdx/search/cdx":
            return self.search(parse_qs(parts.query))
        match = _REPLAY.match(raw_path)
        if match:
            return self.replay(match.group(1), match.group(2))
        return MirrorResponse(404, {"Content-Type": "text/plain"}, b"not found")

    def search(self, args: dict[str, list[str]]) -> MirrorResponse:
        def arg(name: str, default: str = "") -> str:
            return args.get(name, [default])[0]

        key = urlkey(arg("url"))
        prefix = arg("matchType", "exact") == "prefix"
        rows = [
            c
            for c in self.captures
            if (urlkey(c.original).startswith(key) if prefix else urlkey(c.original) == key)
        ]
        if arg("from"):
            rows = [c for c in rows if c.timestamp >= arg("from").ljust(14, "0")]
        if arg("to"):
            rows = [c for c in rows if c.timestamp <= arg("to").ljust(14, "9")]
        for spec in args.get("filter", []):
            negate, spec = spec.startswith("!"), spec.lstrip("!")
            name, pattern = spec.split(":", 1)
            rows = [c for c in rows if bool(re.fullmatch(pattern, c.field(name))) != negate]
        if arg("collapse") == "urlkey":
            first_of_key: dict[str, ArchivedCapture] = {}
            for capture in rows:
                first_of_key.setdefault(urlkey(capture.original), capture)
            rows = list(first_of_key.values())
        elif arg("collapse") == "digest":  # the first of each run of the same content
            rows = [
                capture
                for index, capture in enumerate(rows)
                if index == 0 or rows[index - 1].digest != capture.digest
            ]
        start, limit = int(arg("resumeKey", "0")), int(arg("limit", "100000"))
        page, more = rows[start : start + limit], start + limit < len(rows)
        fields = arg("fl", ",".join(FIELDS)).split(",")
        table: list[list[str]] = [fields, *([c.field(f) for f in fields] for c in page)]
        if more and arg("showResumeKey") == "true":
            table += [[], [str(start + limit)]]
        return _json_response(table)

    def replay(self, timestamp: str, original: str) -> MirrorResponse:
        capture = next(
            (
                c
                for c in self.captures
                if c.timestamp == timestamp and urlkey(c.original) == urlkey(original)
            ),
            None,
        )
        if capture is None:
            # As the Wayback Machine answers a timestamp that is no capture of the URL: a
            # redirect to the URL's capture nearest it.
            others = [c for c in self.captures if urlkey(c.original) == urlkey(original)]
            if not others or not timestamp.isdigit():
                return MirrorResponse(404, {"Content-Type": "text/plain"}, b"capture not found")
            wanted = int(timestamp.ljust(14, "0")[:14])
            nearest = min(others, key=lambda c: abs(int(c.timestamp) - wanted))
            location = f"/web/{nearest.timestamp}id_/{nearest.original}"
            return MirrorResponse(302, {"Location": location})
        if capture.location:
            return MirrorResponse(capture.status, {"Location": capture.location})
        served = self.mirror.respond(capture.page or "/")
        return MirrorResponse(capture.status, served.headers, served.body)


def wayback_crawl_command(spider: str, base_url: str, scrapy_args: list[str]) -> list[str]:
    """``scrapy crawl -a source=wayback`` against a local Wayback Machine."""
    return [
        sys.executable,
        "-m",
        "scrapy",
        "crawl",
        spider,
        "-a",
        "source=wayback",
        "-s",
        f"WAYBACK_ENDPOINT={base_url.rstrip('/')}",
        "-s",
        "DOWNLOAD_DELAY=0",
        "-s",
        "AUTOTHROTTLE_ENABLED=False",
        *scrapy_args,
    ]


def _add_captures(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--captures",
        type=Path,
        required=True,
        metavar="CAPTURES.json",
        help="the captures the local Wayback Machine replays from the mirror",
    )


def main(argv: list[str] | None = None) -> int:
    parser = build_parser("python -m qa.fake_wayback", __doc__, _add_captures)
    return serve_or_crawl(
        parser,
        argv,
        lambda args: WaybackMirror(args.captures, args.root).respond,
        wayback_crawl_command,
    )


if __name__ == "__main__":
    sys.exit(main())
