"""The hand-checked metadata oracle (fixtures/<corpus>/metadata-oracle.json) stays big enough
to mean something. Its per-field accuracy on the crawl of each real-page corpus is a floor
of the quality gate (tests/test_quality_gate.py, `oracle_<field>` in quality_floors.json)."""

from __future__ import annotations

from qa.corpus_crawl import CORPORA
from qa.fixtures import FIXTURES
from qa.metadata_oracle import ORACLE_FIELDS, load_oracle


def test_the_oracle_covers_at_least_60_pages_and_every_field():
    oracles = [load_oracle(FIXTURES / corpus) for corpus in CORPORA]
    assert sum(len(oracle) for oracle in oracles) >= 60
    for field in ORACLE_FIELDS:
        assert sum(field in truth for o in oracles for truth in o.values()) >= 20, field


def test_every_oracle_page_is_a_page_of_its_corpus():
    for corpus in CORPORA:
        for page_id in load_oracle(FIXTURES / corpus):
            assert (FIXTURES / corpus / "html" / f"{page_id}.html.gz").is_file(), page_id
