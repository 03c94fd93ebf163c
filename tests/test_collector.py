"""The garbage collector set for a long crawl (crawler/runtime/collector.py)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from crawler.runtime.collector import CollectorSettings


@pytest.fixture
def collector_restored() -> Iterator[None]:
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


def test_when_the_engine_starts_start_up_objects_are_frozen_and_the_threshold_set(
    collector_restored,
):
    crawler = get_crawler(settings_dict={"ARCHIVE_GC_THRESHOLD": 12_345})
    extension = CollectorSettings.from_crawler(crawler)
    _, middle, oldest = gc.get_threshold()

    extension.engine_started()

    assert gc.get_threshold() == (12_345, middle, oldest)
    assert gc.get_freeze_count() > 10_000  # the modules and classes imported so far


def test_a_threshold_of_0_leaves_the_collector_as_python_sets_it():
    crawler = get_crawler(settings_dict={"ARCHIVE_GC_THRESHOLD": 0})
    with pytest.raises(NotConfigured):
        CollectorSettings.from_crawler(crawler)
