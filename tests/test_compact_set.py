"""The compact set and map of 64-bit fingerprints (crawler/compact_set.py)."""

from __future__ import annotations

import random

from crawler.compact_set import MASK, MIN_RECENT, CompactIntMap, CompactIntSet


def test_it_answers_as_a_set_across_merges():
    rng = random.Random(12)
    values = [rng.getrandbits(64) for _ in range(5 * MIN_RECENT)] + [0, MASK]
    values += values[: MIN_RECENT // 2]  # added again, after a merge or two
    compact, plain = CompactIntSet(), set()
    for position, value in enumerate(values):
        assert (value in compact) == (value in plain)
        compact.add(value)
        plain.add(value)
        if position % 997 == 0:
            others = [rng.getrandbits(64) for _ in range(20)]
            assert [v in compact for v in others] == [v in plain for v in others]
    assert len(compact) == len(plain)
    assert all(value in compact for value in plain)


def test_the_map_answers_as_a_dict_across_merges():
    rng = random.Random(13)
    keys = [rng.getrandbits(64) for _ in range(5 * MIN_RECENT)] + [0, MASK]
    keys += keys[: MIN_RECENT // 2]  # set again, after a merge or two: the new value wins
    compact: CompactIntMap[str] = CompactIntMap()
    plain: dict[int, str] = {}
    for position, key in enumerate(keys):
        assert compact.get(key) == plain.get(key)
        assert (key in compact) == (key in plain)
        compact[key] = plain[key] = f"/{position}/"
        if position % 997 == 0:
            others = [rng.getrandbits(64) for _ in range(20)]
            assert [compact.get(k) for k in others] == [plain.get(k) for k in others]
    assert len(compact) == len(plain)
    assert all(compact.get(key) == value for key, value in plain.items())
