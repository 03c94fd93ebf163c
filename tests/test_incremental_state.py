"""The incremental state file: validators kept per page, state files from before them, and
an article stored only once its record is written."""

from __future__ import annotations

import json
import re
import sqlite3

from crawler import settings as project_settings
from crawler.runtime.incremental import ArticleState, Validators
from qa.fixtures import FIXTURES, run_crawl
from tests.fault_server import FaultServer

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
    # unchanged: its record was written by an earlier run, so the fetch is stored at once
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
    state.written(URL)
    state.confirm(OLD_SLUG, "2026-02-01T00:00:00Z")
    state.close()
    again = ArticleState(tmp_path / "state.sqlite")
    assert again.validators(OLD_SLUG).etag == '"old"'
    assert again.validators(OLD_SLUG).last_fetched == "2026-02-01T00:00:00Z"
    assert again.validators(URL).etag == '"canonical"'
    again.close()


def test_an_article_is_stored_only_once_its_record_is_written(tmp_path):
    path = tmp_path / "state.sqlite"
    state = ArticleState(path)
    state.revise(URL, URL, "x-1", "sha256:a", "2026-01-01T00:00:00Z")
    state.written(URL)
    state.seen_response(URL, '"v2"', None)
    changed = state.revise(URL, URL, "x-1", "sha256:b", "2026-02-01T00:00:00Z")
    assert (changed.version, changed.previous_hash) == (2, "sha256:a")
    state.seen_response(OLD_SLUG, '"old"', None)
    state.alias(OLD_SLUG, URL, "2026-02-01T00:00:01Z")  # a duplicate of the pending article
    assert state.has_article(URL)
    state.not_written(URL, URL)  # its write failed
    state.close()

    again = ArticleState(path)
    assert again.validators(URL) == Validators(None, None, "2026-01-01T00:00:00Z")
    assert not again.is_done(OLD_SLUG)
    # Fetched again, the change is found again: the same version, replacing the same hash.
    assert again.revise(URL, URL, "x-1", "sha256:b", "2026-03-01T00:00:00Z") == changed
    again.alias(OLD_SLUG, URL, "2026-03-01T00:00:01Z")
    again.written(URL)
    again.close()

    last = ArticleState(path)
    assert not last.revise(URL, URL, "x-1", "sha256:b", "2026-04-01T00:00:00Z").changed
    assert last.validators(OLD_SLUG).last_fetched == "2026-03-01T00:00:01Z"
    last.close()


def test_an_article_a_later_pipeline_dropped_is_emitted_by_the_next_run(tmp_path):
    state = f"state={tmp_path / 'state.sqlite'}"
    pipelines = {
        name if isinstance(name, str) else f"{name.__module__}.{name.__qualname__}": order
        for name, order in project_settings.ITEM_PIPELINES.items()
    } | {"tests.broken_components.DropsFirstArticle": 800}
    server = FaultServer(FIXTURES / "aawsat" / "site")
    with server.running():
        first = run_crawl(
            "aawsat",
            server.base_url,
            tmp_path / "1",
            *("-a", state, "-s", f"ITEM_PIPELINES={json.dumps(pipelines)}"),
        )
        dropped = re.search(r"dropped on purpose: (\S+)", first.log)
        assert dropped is not None, first.log[-3000:]
        second = run_crawl("aawsat", server.base_url, tmp_path / "2", "-a", state)
        third = run_crawl("aawsat", server.base_url, tmp_path / "3", "-a", state)
    emitted = [json.loads(line) for line in first.output.splitlines()]
    assert dropped.group(1) not in {record["url"] for record in emitted}
    (again,) = [json.loads(line) for line in second.output.splitlines()]
    assert (again["url"], again["version"]) == (dropped.group(1), 1)
    assert third.output == ""
