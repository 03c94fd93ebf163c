"""Persistent crawl state for incremental runs: every article emitted, by URL and text.

``-a state=PATH`` (or the ``ARCHIVE_STATE`` setting) names an SQLite file. A later run
with the same file skips fetching the article URLs it already emitted (unless
``-a recheck=true``) and emits an article again only when its text changed, with
``version`` raised and ``previous_hash`` set. Each emitted article is committed at once,
so a killed crawl keeps everything it recorded.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

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
    article_url TEXT NOT NULL REFERENCES articles(url)
);
"""


@dataclass(frozen=True)
class Revision:
    """What the state says of an article just extracted."""

    version: int
    previous_hash: str | None
    changed: bool
    """False when the stored text is identical: nothing new to emit."""


class ArticleState:
    """The SQLite store of emitted articles.

    ``is_done`` answers from the URLs known when the run started: within a run, Scrapy's
    duplicate filter already keeps a URL from being fetched twice.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.executescript(SCHEMA)
        self.done_urls: set[str] = {
            row[0]
            for row in self.db.execute(
                "SELECT url FROM articles UNION SELECT url FROM fetched_urls"
            )
        }

    def __len__(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]

    def is_done(self, public_url: str) -> bool:
        return public_url in self.done_urls

    def revise(
        self, url: str, fetched_url: str, article_id: str, content_hash: str, now: str
    ) -> Revision:
        """Record an extracted article and say whether it is new, changed or unchanged."""
        row = self.db.execute(
            "SELECT content_hash, version FROM articles WHERE url = ?", (url,)
        ).fetchone()
        if row is None:
            revision = Revision(version=1, previous_hash=None, changed=True)
            self.db.execute(
                "INSERT INTO articles VALUES (?, ?, ?, 1, ?, ?)",
                (url, article_id, content_hash, now, now),
            )
        elif row[0] == content_hash:
            revision = Revision(version=row[1], previous_hash=None, changed=False)
        else:
            revision = Revision(version=row[1] + 1, previous_hash=row[0], changed=True)
            self.db.execute(
                "UPDATE articles SET content_hash = ?, version = ?, last_emitted = ? WHERE url = ?",
                (content_hash, revision.version, now, url),
            )
        self.db.execute("INSERT OR REPLACE INTO fetched_urls VALUES (?, ?)", (fetched_url, url))
        self.db.commit()
        return revision

    def close(self) -> None:
        self.db.close()
