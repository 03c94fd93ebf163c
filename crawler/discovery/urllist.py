"""``-a urls=FILE`` / ``-a url=URL``: crawl exactly the article pages a user lists."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

_COMMENT = re.compile(r"\s#")


@dataclass(frozen=True)
class UrlListError:
    line: int
    text: str
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}: {self.text!r}"


@dataclass(frozen=True)
class UrlList:
    """A URL list as read: the ``-a`` argument it came from, its valid URLs, its bad lines."""

    argument: str
    source: str
    urls: list[str]
    errors: list[UrlListError]


def parse_url_list(text: str) -> tuple[list[str], list[UrlListError]]:
    """URLs of a list (one per line, ``#`` comments and blank lines ignored) and the errors.

    >>> urls, errors = parse_url_list("# mine\\nhttps://x.org/a/\\n\\nftp://x.org/b\\n")
    >>> urls, [str(e) for e in errors]
    (['https://x.org/a/'], ["line 4: not an http(s) URL: 'ftp://x.org/b'"])
    """
    urls: list[str] = []
    errors: list[UrlListError] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = _COMMENT.split(raw, maxsplit=1)[0].strip()
        if not line or line.startswith("#"):
            continue
        reason = url_error(line)
        if reason:
            errors.append(UrlListError(number, line, reason))
        else:
            urls.append(line)
    return urls, errors


def url_error(line: str) -> str | None:
    """Why ``line`` is not a URL to crawl; None when it is one.

    >>> url_error("https://[::1"), url_error("http://x.org:99999/a/"), url_error("http://x.org/")
    ('not a valid URL (Invalid IPv6 URL)', 'not a valid URL (Port out of range 0-65535)', None)
    """
    try:
        parts = urlsplit(line)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number in range
    except ValueError as error:
        return f"not a valid URL ({error})"
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return "not an http(s) URL"
    if any(c.isspace() for c in line):
        return "a URL cannot contain spaces"
    return None


def read_url_list(path: str) -> tuple[list[str], list[UrlListError]]:
    file = Path(path)
    if not file.is_file():
        raise FileNotFoundError(f"-a urls={path}: no such file")
    return parse_url_list(file.read_text(encoding="utf-8-sig"))
