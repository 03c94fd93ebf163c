"""The output diff (crawler/cli/diff.py): added, removed, changed per field, stable output."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.cli.diff import Output, compare, excerpts, main, render_text
from qa.fixtures import FIXTURES, crawl_golden_files

EXPECTED_JSONL, _ = crawl_golden_files("aawsat")
GOLDEN = [json.loads(line) for line in EXPECTED_JSONL.read_text().splitlines()]


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    return path


def record(record_id: str, **fields: object) -> dict:
    return {"id": record_id, "url": f"https://example.com/{record_id}/", "title": "T", **fields}


@pytest.fixture
def before_after(tmp_path):
    """The golden crawl, and the same after a profile change: one title fixed, one body
    edited, one article gone, one new, every fetch time and address different."""
    after = [dict(r, fetched_at="2030-01-01T00:00:00Z", fetched_url="x") for r in GOLDEN]
    after[0]["title"] = after[0]["title"] + " (fixed)"
    after[1]["body"] += " An added sentence."
    removed = after.pop(2)
    after.append(record("aawsat-new0000000000000", body="new"))
    random.Random(7).shuffle(after)  # line order must not matter
    return (
        write_jsonl(tmp_path / "before.jsonl", GOLDEN),
        write_jsonl(tmp_path / "after.jsonl", after),
        removed,
    )


def test_articles_added_removed_and_changed_per_field(before_after):
    before, after, removed = before_after
    diff = compare(Output.read(before), Output.read(after))

    assert [a["id"] for a in diff.added] == ["aawsat-new0000000000000"]
    assert diff.removed == [{"id": removed["id"], "url": removed["url"], "title": removed["title"]}]
    assert {a.id: sorted(a.fields) for a in diff.changed} == {
        GOLDEN[0]["id"]: ["title"],
        GOLDEN[1]["id"]: ["body"],
    }
    assert diff.field_counts() == {"body": 1, "title": 1}
    assert diff.unchanged == len(GOLDEN) - 3
    title = next(a for a in diff.changed if a.id == GOLDEN[0]["id"]).fields["title"]
    assert title[1].endswith(' (fixed)"')
    assert diff.differs


def test_the_output_is_sorted_by_id_and_the_same_for_any_line_order(before_after, tmp_path):
    before, after, _ = before_after
    lines = after.read_text().splitlines(keepends=True)
    shuffled = tmp_path / "shuffled.jsonl"
    shuffled.write_text("".join(reversed(lines)))

    first = compare(Output.read(before), Output.read(after))
    second = compare(Output.read(before), Output.read(shuffled))
    assert first.to_json()["changed"] == second.to_json()["changed"]
    assert render_text(first, 5).replace(str(after), "") == render_text(second, 5).replace(
        str(shuffled), ""
    )
    ids = [a.id for a in first.changed]
    assert ids == sorted(ids)


def test_a_long_text_is_excerpted_around_its_first_difference():
    body = "word " * 200
    old, new = excerpts(body + "old ending", body + "new ending")
    assert old.startswith("…")
    assert new.startswith("…")
    assert "old ending" in old
    assert "new ending" in new
    assert len(old) <= 62


def test_values_are_compared_as_json_and_an_absent_field_is_not_null():
    assert excerpts(None, "null") == ("null", '"null"')
    assert excerpts(["Syria"], ["Syria", "Russia"]) == ('["Syria"]', '["Syria", "Russia"]')
    old, new = (
        Output(Path("a"), {"x": record("x", modified=None)}, 1),
        Output(Path("b"), {"x": record("x")}, 1),
    )
    assert compare(old, new).changed[0].fields == {"modified": ("null", "(absent)")}


def test_fetch_time_and_address_are_ignored_unless_asked_for():
    old = Output(Path("a"), {"x": record("x", fetched_at="1", fetched_url="u1")}, 1)
    new = Output(Path("b"), {"x": record("x", fetched_at="2", fetched_url="u2")}, 1)
    assert not compare(old, new).differs
    assert compare(old, new, ignored=()).field_counts() == {"fetched_at": 1, "fetched_url": 1}


def test_the_last_line_of_an_id_counts(tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", [record("x", version=1), record("x", version=2)])
    output = Output.read(path)
    assert output.records["x"]["version"] == 2
    assert output.summary() == {"path": str(path), "lines": 2, "articles": 1}


def test_the_command_prints_tables_or_json_and_exits_like_diff(before_after, capsys):
    before, after, removed = before_after

    assert main([str(before), str(before)]) == 0
    assert f"added 0  removed 0  changed 0  unchanged {len(GOLDEN)}" in capsys.readouterr().out

    assert main([str(before), str(after)]) == 1
    table = capsys.readouterr().out
    assert f"added 1  removed 1  changed 2  unchanged {len(GOLDEN) - 3}" in table
    assert "removed (1):" in table
    assert removed["id"] in table
    assert "changed title (1):" in table
    assert " (fixed)" in table

    assert main([str(before), str(after), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    unchanged = len(GOLDEN) - 3
    assert report["summary"] == {"added": 1, "removed": 1, "changed": 2, "unchanged": unchanged}
    assert report["fields"] == {"body": 1, "title": 1}
    assert report["ignored_fields"] == ["fetched_at", "fetched_url"]


def test_an_unreadable_input_is_exit_status_2(tmp_path, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a"}\nnot json\n')
    assert main([str(bad), str(bad)]) == 2
    assert "bad.jsonl:2: not JSON" in capsys.readouterr().err
    assert main([str(tmp_path / "missing.jsonl"), str(bad)]) == 2


def test_python_m_crawler_diff_runs_on_the_golden_output():
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "crawler.diff",
            str(EXPECTED_JSONL),
            str(EXPECTED_JSONL),
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=FIXTURES.parent,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["summary"]["unchanged"] == len(GOLDEN)
