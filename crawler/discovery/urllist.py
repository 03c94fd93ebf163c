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
        parts = urlsplit(line)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            errors.append(UrlListError(number, line, "not an http(s) URL"))
        elif any(c.isspace() for c in line):
            errors.append(UrlListError(number, line, "a URL cannot contain spaces"))
        else:
            urls.append(line)
    return urls, errors


def read_url_list(path: str) -> tuple[list[str], list[UrlListError]]:
    file = Path(path)
    if not file.is_file():
        raise FileNotFoundError(f"-a urls={path}: no such file")
    return parse_url_list(file.read_text(encoding="utf-8-sig"))
