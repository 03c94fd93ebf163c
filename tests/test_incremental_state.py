"""The incremental state file: validators kept per page, and state files from before them."""

from __future__ import annotations

import sqlite3

from crawler.runtime.incremental import ArticleState

URL = "https://eng-archive.aawsat.com/a/b/c/"
OLD_SLUG = "https://eng-archive.aawsat.com/a/b/old-c/"


def test_a_state_file_from_before_validators_is_upgraded_and_still_known(tmp_path):
    path = tmp_path / "state.sqlite"
    db = sqlite3.connect(path)
    db.executescript(
        "CREATE TABLE articles (url TEXT PRIMARY KEY, id TEXT NOT NULL, content_hash TEXT NOT NULL,"
        " version INTEGER NOT NULL, first_emitted TEXT NOT NULL, last_emitted TEXT NOT NULL);"
        "CREATE TABLE fetched_urls (url TEXT PRIMARY KEY, article_url TEXT NOT NULL);"
        f"INSERT INTO articles VALUES ('{URL}', 'x-1', 'sha256:a', 1, '2025-01-01T00:00:00Z',"
        " '2025-01-01T00:00:00Z');"
        f"INSERT INTO fetched_urls VALUES ('{URL}', '{URL}');"
    )
    db.commit()
    db.close()
    state = ArticleState(path)
    assert state.is_done(URL)
    validators = state.validators(URL)
    assert validators is not None
    assert validators.conditional_headers() == {}  # fetched unconditionally once more
    assert validators.last_fetched == "2025-01-01T00:00:00Z"  # when it was last emitted
    state.seen_response(URL, '"v2"', "Wed, 01 Jan 2025 00:00:00 GMT")
    assert not state.revise(URL, URL, "x-1", "sha256:a", "2026-01-01T00:00:00Z").changed
    state.close()
    again = ArticleState(path)
    assert again.validators(URL).conditional_headers() == {
        "If-None-Match": '"v2"',
        "If-Modified-Since": "Wed, 01 Jan 2025 00:00:00 GMT",
    }
    assert again.validators(URL).last_fetched == "2026-01-01T00:00:00Z"
    again.close()


def test_each_page_keeps_its_own_validators(tmp_path):
    state = ArticleState(tmp_path / "state.sqlite")
    state.seen_response(OLD_SLUG, '"old"', None)
    state.revise(URL, OLD_SLUG, "x-1", "sha256:a", "2026-01-01T00:00:00Z")
    state.seen_response(URL, '"canonical"', None)
    state.alias(URL, URL, "2026-01-01T00:00:01Z")  # the canonical page, a duplicate by URL
    state.confirm(OLD_SLUG, "2026-02-01T00:00:00Z")
    state.close()
    again = ArticleState(tmp_path / "state.sqlite")
    assert again.validators(OLD_SLUG).etag == '"old"'
    assert again.validators(OLD_SLUG).last_fetched == "2026-02-01T00:00:00Z"
    assert again.validators(URL).etag == '"canonical"'
    again.close()
