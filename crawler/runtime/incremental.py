"""Persistent crawl state for incremental runs: every article emitted, by URL and text.

``-a state=PATH`` (or the ``ARCHIVE_STATE`` setting) names an SQLite file. A later run
with the same file skips fetching the article URLs it already emitted, unless
``-a recheck=true`` or a sitemap says the page was modified after it was last fetched,
and emits an article again only when its text changed, with ``version`` raised and
``previous_hash`` set. Each article's ``ETag`` and ``Last-Modified`` are kept, so a
re-check asks the server with a conditional request (``If-None-Match``,
``If-Modified-Since``) and a ``304 Not Modified`` costs no download and no extraction.
An article is committed to the store only once its record is written (Scrapy's
``item_scraped``, sent after the feed exporter wrote it, and ``fsync``-ed it: the feed
``fsync``-s every record in this mode): a record that is never written (the output could
not be written, a later pipeline dropped it, the crawl was killed in between) leaves the
article unknown, so the next run with the same file fetches and emits it again, and a
killed crawl keeps everything it wrote. A Parquet output writes a record only with its
row group: its article is committed then (:class:`pipelines.state.IncrementalStatePipeline`).

The store's commits are not ``fsync``-ed one by one (SQLite's ``synchronous=NORMAL`` in
WAL mode: they survive a kill, and reach the disk at each checkpoint). Every commit comes
after the ``fsync`` of the record it names, so the store can never be ahead of the
output: a power loss can only make it forget the last articles it committed, which the
next run then emits again. One ``fsync`` a record instead of two (on the 1,500-article
benchmark archive, 1,534 ``fsync``/``fdatasync`` calls in all against 3,036 before, counted
with ``strace -f -c``).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from crawler.extraction.processors import parse_date

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    url TEXT PRIMARY KEY,          -- canonical public URL
    id TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    version INTEGER NOT NULL,
    first_emitted TEXT NOT NULL,
    last_emitted TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS fetched_urls (
    url TEXT PRIMARY KEY,          -- a public URL whose page gave an emitted article
    article_url TEXT NOT NULL REFERENCES articles(url),
    etag TEXT,                     -- the page's ETag header when last fetched
    last_modified TEXT,            -- its Last-Modified header, as sent
    last_fetched TEXT              -- ISO 8601 UTC: when it was last fetched or confirmed
);
"""
VALIDATOR_COLUMNS = ("etag", "last_modified", "last_fetched")
"""Columns of ``fetched_urls`` added after the first release: a state file made before
them gets them when opened (its pages are then re-checked without validators once)."""


@dataclass(frozen=True)
class Revision:
    """What the state says of an article just extracted."""

    version: int
    previous_hash: str | None
    changed: bool
    """False when the stored text is identical: nothing new to emit."""


@dataclass
class Pending:
    """A new or changed article whose record is being written: what
    :meth:`ArticleState.written` stores once it is."""

    fetched_url: str
    article_id: str
    content_hash: str
    version: int
    now: str
    aliases: list[tuple[str, str]] = field(default_factory=list)
    """Pages found meanwhile to be its duplicates, and when they were fetched."""


@dataclass(frozen=True)
class Validators:
    """What the server said of a page when it was last fetched: the headers a conditional
    request sends back, and when that was."""

    etag: str | None = None
    last_modified: str | None = None
    last_fetched: str | None = None

    def conditional_headers(self) -> dict[str, str]:
        """``If-None-Match`` / ``If-Modified-Since`` for the values the server gave.

        >>> Validators('"abc"', "Wed, 01 Jan 2025 00:00:00 GMT").conditional_headers()
        {'If-None-Match': '"abc"', 'If-Modified-Since': 'Wed, 01 Jan 2025 00:00:00 GMT'}
        >>> Validators().conditional_headers()
        {}
        """
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers

    def modified_since_fetch(self, lastmod: str | None) -> bool:
        """Whether a sitemap ``lastmod`` is later than the last fetch; False when either
        is unknown. A bare date counts from the start of its day (UTC).

        >>> seen = Validators(last_fetched="2026-01-02T10:00:00Z")
        >>> seen.modified_since_fetch("2026-01-02T11:30:00+00:00"), seen.modified_since_fetch("2026-01-02")
        (True, False)
        >>> seen.modified_since_fetch("not a date"), Validators().modified_since_fetch("2030-01-01")
        (False, False)
        """
        parsed = parse_date(lastmod) if lastmod else None
        if parsed is None or not self.last_fetched:
            return False
        return utc_moment(parsed) > utc_moment(self.last_fetched)


def utc_moment(iso: str) -> datetime:
    """An ISO 8601 date or datetime as an aware datetime; a bare one is taken as UTC."""
    moment = datetime.fromisoformat(iso)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class ArticleState:
    """The SQLite store of emitted articles.

    ``is_done`` and ``validators`` answer from what was known when the run started:
    within a run, Scrapy's duplicate filter already keeps a URL from being fetched twice.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path)
        self.db.execute("PRAGMA journal_mode=WAL")
        # A commit is durable against a kill at once, against a power loss at the next
        # checkpoint: never ahead of the records, each fsync-ed before it (module docstring).
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(SCHEMA)
        columns = {row[1] for row in self.db.execute("PRAGMA table_info(fetched_urls)")}
        for column in VALIDATOR_COLUMNS:
            if column not in columns:
                self.db.execute(f"ALTER TABLE fetched_urls ADD COLUMN {column} TEXT")
        self.db.commit()
        self.known: dict[str, Validators] = {
            url: Validators(*validators)
            for url, *validators in self.db.execute(
                "SELECT url, NULL, NULL, last_emitted FROM articles"
                " UNION ALL SELECT f.url, f.etag, f.last_modified,"
                " COALESCE(f.last_fetched, a.last_emitted)"
                " FROM fetched_urls f LEFT JOIN articles a ON a.url = f.article_url"
            )
        }
        """Every URL whose page gave an emitted article, with what its last fetch said."""
        self.responses: dict[str, Validators] = {}
        """Validators of pages fetched in this run, by public URL, until their record is
        stored (see :meth:`seen_response`)."""
        self.pending: dict[str, Pending] = {}
        """New and changed articles of this run whose record is not yet written, by URL."""

    def __len__(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]

    def is_done(self, public_url: str) -> bool:
        return public_url in self.known

    def has_article(self, url: str) -> bool:
        """Whether an article was ever emitted at ``url`` (this run included, its record
        being written)."""
        if url in self.pending:
            return True
        query = "SELECT 1 FROM articles WHERE url = ?"
        return self.db.execute(query, (url,)).fetchone() is not None

    def validators(self, public_url: str) -> Validators | None:
        """What the last fetch of the article at ``public_url`` said, if it was emitted."""
        return self.known.get(public_url)

    def seen_response(self, public_url: str, etag: str | None, last_modified: str | None) -> None:
        """The page at ``public_url`` was fetched with these headers; its record's
        :meth:`revise` (or :meth:`written`) stores them."""
        self.responses[public_url] = Validators(etag, last_modified)

    def revise(
        self,
        url: str,
        fetched_url: str,
        article_id: str,
        content_hash: str,
        now: str,
    ) -> Revision:
        """Say whether an extracted article is new, changed or unchanged.

        An unchanged one is recorded at once as fetched ``now`` from ``fetched_url``, with
        the ``ETag`` / ``Last-Modified`` its page was served with (kept for re-checks):
        its record was written by an earlier run. A new or changed one is only pending:
        nothing about it is stored until :meth:`written` says its record was written, so
        a record that never is (a failed write, a drop, a kill) leaves the state as it
        was, and the next run fetches and emits the article again."""
        row = self.db.execute(
            "SELECT content_hash, version FROM articles WHERE url = ?", (url,)
        ).fetchone()
        if row is not None and row[0] == content_hash:
            self.alias(fetched_url, url, now)
            return Revision(version=row[1], previous_hash=None, changed=False)
        if row is None:
            revision = Revision(version=1, previous_hash=None, changed=True)
        else:
            revision = Revision(version=row[1] + 1, previous_hash=row[0], changed=True)
        self.pending[url] = Pending(fetched_url, article_id, content_hash, revision.version, now)
        return revision

    def written(self, url: str) -> None:
        """The record of the pending article at ``url`` was written: store it (and the
        pages found to be its duplicates meanwhile) and commit."""
        pending = self.pending.pop(url, None)
        if pending is None:
            return
        self.db.execute(
            "INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(url) DO UPDATE SET"
            " content_hash = excluded.content_hash, version = excluded.version,"
            " last_emitted = excluded.last_emitted",
            (url, pending.article_id, pending.content_hash, pending.version, *[pending.now] * 2),
        )
        for fetched_url, now in ((pending.fetched_url, pending.now), *pending.aliases):
            self._store_alias(fetched_url, url, now)
        self.db.commit()

    def not_written(self, url: str, fetched_url: str) -> None:
        """The record of the pending article at ``url`` from the page at ``fetched_url``
        will not be written (dropped after :meth:`revise`, or its write failed): forget it,
        so the next run fetches it again."""
        pending = self.pending.get(url)
        if pending is not None and pending.fetched_url == fetched_url:
            del self.pending[url]

    def alias(self, fetched_url: str, url: str, now: str) -> None:
        """The page at ``fetched_url``, fetched ``now``, gave the record of the article at
        ``url`` (itself, a redirect's target, or a duplicate of an emitted record); kept
        with a pending article until its record is written."""
        pending = self.pending.get(url)
        if pending is not None:
            pending.aliases.append((fetched_url, now))
            return
        self._store_alias(fetched_url, url, now)
        self.db.commit()

    def _store_alias(self, fetched_url: str, url: str, now: str) -> None:
        seen = self.responses.pop(fetched_url, None) or Validators()
        self.db.execute(
            "INSERT OR REPLACE INTO fetched_urls VALUES (?, ?, ?, ?, ?)",
            (fetched_url, url, seen.etag, seen.last_modified, now),
        )

    def confirm(self, public_url: str, now: str) -> None:
        """A conditional request for ``public_url`` was answered ``304 Not Modified``."""
        self.db.execute("UPDATE fetched_urls SET last_fetched = ? WHERE url = ?", (now, public_url))
        self.db.commit()

    def close(self) -> None:
        self.db.close()
