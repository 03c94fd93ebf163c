"""A loopback Wayback Machine for tests: the CDX search API and raw (``id_``) replays.

It implements the parts of the CDX server API the crawler uses, with their documented
semantics: ``url`` + ``matchType`` (exact, prefix), ``filter=field:regex`` (``!`` negates),
``collapse=urlkey``, ``from``/``to`` timestamp prefixes, ``fl``, ``output=json``, ``limit``
with ``showResumeKey``/``resumeKey`` paging. Captures replay pages of a fixture mirror.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from werkzeug import Request, Response

from crawler.mirror import Mirror

FIELDS = ("urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length")


def urlkey(url: str) -> str:
    """Scheme-, port- and www-less, lower-cased host plus path: one key per page."""
    parts = urlsplit(url if "://" in url else f"http://{url}")
    host = (parts.hostname or "").lower().removeprefix("www.")
    return host + (parts.path or "/")


@dataclass(frozen=True)
class ArchivedCapture:
    timestamp: str
    original: str
    status: int
    mimetype: str
    page: str | None
    location: str | None

    def field(self, name: str) -> str:
        values = {
            "urlkey": urlkey(self.original),
            "timestamp": self.timestamp,
            "original": self.original,
            "mimetype": self.mimetype,
            "statuscode": str(self.status),
            "digest": "-",
            "length": "0",
        }
        return values[name]


class WaybackArchive:
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

    def handle(self, request: Request) -> Response:
        if request.path == "/cdx/search/cdx":
            return self.search(request)
        raw_uri = (
            request.environ.get("RAW_URI")
            or request.environ.get("REQUEST_URI")
            or request.full_path
        )
        match = re.match(r"^/web/(\d{14})id_/(.+)$", raw_uri)
        if match:
            return self.replay(match.group(1), match.group(2))
        return Response("not found", status=404)

    def search(self, request: Request) -> Response:
        args = request.args
        key = urlkey(args["url"])
        prefix = args.get("matchType", "exact") == "prefix"
        rows = [
            c
            for c in self.captures
            if (urlkey(c.original).startswith(key) if prefix else urlkey(c.original) == key)
        ]
        if args.get("from"):
            rows = [c for c in rows if c.timestamp >= args["from"].ljust(14, "0")]
        if args.get("to"):
            rows = [c for c in rows if c.timestamp <= args["to"].ljust(14, "9")]
        for spec in args.getlist("filter"):
            negate, spec = spec.startswith("!"), spec.lstrip("!")
            name, pattern = spec.split(":", 1)
            rows = [c for c in rows if bool(re.fullmatch(pattern, c.field(name))) != negate]
        if args.get("collapse") == "urlkey":
            seen: set[str] = set()
            rows = [
                c for c in rows if not (urlkey(c.original) in seen or seen.add(urlkey(c.original)))
            ]
        start = int(args.get("resumeKey", "0"))
        limit = int(args.get("limit", "100000"))
        page, more = rows[start : start + limit], start + limit < len(rows)
        fields = args.get("fl", ",".join(FIELDS)).split(",")
        table: list[list[str]] = [fields, *([c.field(f) for f in fields] for c in page)]
        if more and args.get("showResumeKey") == "true":
            table += [[], [str(start + limit)]]
        return Response(json.dumps(table), content_type="application/json")

    def replay(self, timestamp: str, original: str) -> Response:
        capture = next(
            (
                c
                for c in self.captures
                if c.timestamp == timestamp and urlkey(c.original) == urlkey(original)
            ),
            None,
        )
        if capture is None:
            return Response("capture not found", status=404)
        if capture.location:
            return Response("", status=capture.status, headers={"Location": capture.location})
        served = self.mirror.respond(capture.page or "/")
        return Response(served.body, status=capture.status, headers=list(served.headers.items()))
