"""``-a urls=FILE`` / ``-a url=URL``: crawl exactly the article pages a user lists."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
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


URL_COLUMNS = ("url", "link", "href", "article_url", "uri")
"""The header of a table's column of URLs, checked in this order, in any case: what
exports of news datasets and search tools call it."""
TABLE_DELIMITERS = {".csv": ",", ".tsv": "\t"}


def parse_url_table(text: str, delimiter: str = ",") -> tuple[list[str], list[UrlListError]]:
    """URLs of a table with a header (a ``.csv`` or ``.tsv`` export: Media Cloud's, GDELT's,
    a spreadsheet's), from its column of URLs (:data:`URL_COLUMNS`); each bad row an error
    with its line number. A table without such a column is a ``ValueError`` naming its
    columns: nothing of it can be crawled; so is a table the csv module cannot read (a field
    over its 128 KiB).

    >>> urls, errors = parse_url_table('title,URL\\n"A, b",https://x.org/a/\\nC,ftp://x.org/c\\n')
    >>> urls, [str(e) for e in errors]
    (['https://x.org/a/'], ["line 3: not an http(s) URL: 'ftp://x.org/c'"])
    >>> parse_url_table("title,date\\nA,2020-01-01\\n")
    Traceback (most recent call last):
    ValueError: a table with no column of URLs (url or link or href or article_url or uri); its columns: ['title', 'date']
    """
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        return _table_urls(reader)
    except csv.Error as error:  # a field over the csv module's limit (128 KiB)
        raise ValueError(f"line {reader.line_num}: not read as a table ({error})") from None


def _table_urls(reader: Any) -> tuple[list[str], list[UrlListError]]:
    """The URLs and bad rows of ``reader`` (a ``csv.reader``): :func:`parse_url_table`."""
    header: list[str] = next(reader, [])
    names = [name.strip().lower() for name in header]
    column = next((names.index(name) for name in URL_COLUMNS if name in names), None)
    if column is None:
        wanted = " or ".join(URL_COLUMNS)
        raise ValueError(f"a table with no column of URLs ({wanted}); its columns: {header}")
    urls: list[str] = []
    errors: list[UrlListError] = []
    for row in reader:
        cell = row[column].strip() if column < len(row) else ""
        if not cell:
            continue
        reason = url_error(cell)
        if reason:
            errors.append(UrlListError(reader.line_num, cell, reason))
        else:
            urls.append(cell)
    return urls, errors


def read_url_list(path: str) -> tuple[list[str], list[UrlListError]]:
    """The URLs of the file ``path``: a table's column of URLs for a ``.csv`` or ``.tsv``
    file (:func:`parse_url_table`), else one URL a line (:func:`parse_url_list`)."""
    file = Path(path)
    if file.is_dir():
        raise FileNotFoundError(f"-a urls={path}: a folder, not a file of URLs")
    if not file.is_file():
        raise FileNotFoundError(f"-a urls={path}: no such file")
    text = file.read_text(encoding="utf-8-sig")
    delimiter = TABLE_DELIMITERS.get(file.suffix.lower())
    if delimiter is not None:
        return parse_url_table(text, delimiter)
    return parse_url_list(text)
