"""bench/heldout_pages.py's measure and corpus, offline (the pages themselves are
downloaded only when the benchmark runs)."""

from __future__ import annotations

import doctest
import gzip

import bench.heldout_pages
from bench.heldout_pages import starts_as_expected, write_corpus


def test_its_examples_hold():
    assert doctest.testmod(bench.heldout_pages).failed == 0


def test_a_body_starts_as_expected_only_when_the_story_opens_it():
    expected = "Six years ago, Olivia Munn arrived in Hollywood with fading ambitions"
    assert starts_as_expected("Six years ago, Olivia Munn arrived in\nHollywood", expected)
    assert not starts_as_expected("Courtesy G4\n\nSix years ago, Olivia Munn arrived", expected)
    assert starts_as_expected(None, expected) is False
    assert starts_as_expected("Anything", "") is None


def test_the_pages_become_a_corpus_the_crawl_harness_serves(tmp_path):
    page = tmp_path / "story.html"
    page.write_bytes(b"<html><body><p>Story</p></body></html>")
    corpus = write_corpus({"unfluff-story": {"file": page}}, tmp_path / "corpus")
    assert list(corpus.truth) == ["unfluff-story"]
    served = corpus.respond("/unfluff-story/")
    assert (served.status, gzip.decompress(served.body)) == (200, page.read_bytes())
