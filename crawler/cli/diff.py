"""Compare two JSON Lines outputs of the same archive: articles added, removed and changed.

    python -m crawler.diff before.jsonl after.jsonl           # readable tables
    python -m crawler.diff before.jsonl after.jsonl --json    # machine-readable

Records are matched by ``id``, which is derived from the article's canonical public URL,
so it is the same on every run and from any copy of the site. A changed article is
reported field by field, each change with a short excerpt of both values around the
first difference (values as JSON, so ``null`` and ``"null"`` differ). ``fetched_at``
and ``fetched_url`` differ between any two runs and are ignored unless ``--ignore``
names other fields (``--ignore ''`` compares every field). When a file holds several
lines with one id (an incremental run's later versions), the last one counts.
Everything is sorted (articles by id, fields by name), so the output of two equal
inputs is byte-identical. Exit status, as diff(1): 0 when no article differs, 1 when
some do, 2 when an input cannot be read.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_IGNORED = ("fetched_at", "fetched_url")
CONTEXT = 20
"""Characters of unchanged text shown before the first difference."""
EXCERPT_WIDTH = 60
ABSENT = "(absent)"
_MISSING = object()
"""A field the record does not have (unlike a field whose value is null)."""


@dataclass(frozen=True)
class Output:
    """One JSON Lines file: its records by id, and how many lines it had."""

    path: Path
    records: dict[str, dict[str, Any]]
    lines: int

    @classmethod
    def read(cls, path: Path) -> Output:
        records: dict[str, dict[str, Any]] = {}
        lines = 0
        with path.open(encoding="utf-8") as file:
            for number, line in enumerate(file, 1):
                if not line.strip():
                    continue
                lines += 1
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as error:
                    raise ValueError(f"{path}:{number}: not JSON: {error}") from None
                try:
                    records[record["id"]] = record
                except (KeyError, TypeError):
                    raise ValueError(f"{path}:{number}: a record without an id") from None
        return cls(path, records, lines)

    def summary(self) -> dict[str, Any]:
        return {"path": str(self.path), "lines": self.lines, "articles": len(self.records)}


def excerpts(old: Any, new: Any, width: int = EXCERPT_WIDTH) -> tuple[str, str]:
    """Both values as JSON text, cut to ``width`` characters from a little before their
    first difference; ``…`` marks a cut."""
    texts = [ABSENT if value is _MISSING else _json(value) for value in (old, new)]
    prefix = 0
    shortest = min(map(len, texts))
    while prefix < shortest and texts[0][prefix] == texts[1][prefix]:
        prefix += 1
    start = max(0, prefix - CONTEXT)
    cut = []
    for text in texts:
        piece = text[start : start + width]
        cut.append(("…" if start else "") + piece + ("…" if start + width < len(text) else ""))
    return cut[0], cut[1]


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


@dataclass(frozen=True)
class ChangedArticle:
    id: str
    url: str
    fields: dict[str, tuple[str, str]]
    """Changed field → (old excerpt, new excerpt)."""


@dataclass
class Diff:
    old: Output
    new: Output
    ignored: tuple[str, ...]
    added: list[dict[str, Any]] = field(default_factory=list)
    removed: list[dict[str, Any]] = field(default_factory=list)
    changed: list[ChangedArticle] = field(default_factory=list)
    unchanged: int = 0

    @property
    def differs(self) -> bool:
        return bool(self.added or self.removed or self.changed)

    def field_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for article in self.changed:
            for name in article.fields:
                counts[name] = counts.get(name, 0) + 1
        return dict(sorted(counts.items()))

    def to_json(self) -> dict[str, Any]:
        return {
            "old": self.old.summary(),
            "new": self.new.summary(),
            "ignored_fields": list(self.ignored),
            "summary": {
                "added": len(self.added),
                "removed": len(self.removed),
                "changed": len(self.changed),
                "unchanged": self.unchanged,
            },
            "fields": self.field_counts(),
            "added": self.added,
            "removed": self.removed,
            "changed": [
                {
                    "id": article.id,
                    "url": article.url,
                    "fields": {
                        name: {"old": old, "new": new}
                        for name, (old, new) in article.fields.items()
                    },
                }
                for article in self.changed
            ],
        }


def _brief(record: dict[str, Any]) -> dict[str, Any]:
    return {"id": record["id"], "url": record.get("url"), "title": record.get("title")}


def compare(old: Output, new: Output, ignored: tuple[str, ...] = DEFAULT_IGNORED) -> Diff:
    diff = Diff(old, new, tuple(sorted(ignored)))
    for record_id in sorted(old.records.keys() | new.records.keys()):
        before, after = old.records.get(record_id), new.records.get(record_id)
        if before is None:
            diff.added.append(_brief(new.records[record_id]))
        elif after is None:
            diff.removed.append(_brief(before))
        else:
            names = sorted((before.keys() | after.keys()) - set(ignored))
            fields = {
                name: excerpts(before.get(name, _MISSING), after.get(name, _MISSING))
                for name in names
                if before.get(name, _MISSING) != after.get(name, _MISSING)
            }
            if fields:
                diff.changed.append(ChangedArticle(record_id, after.get("url", ""), fields))
            else:
                diff.unchanged += 1
    return diff


def _table(headers: tuple[str, ...], rows: list[tuple[Any, ...]]) -> list[str]:
    cells = [tuple(map(str, row)) for row in [headers, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return [line.rstrip() for line in lines]


def render_text(diff: Diff, samples: int) -> str:
    """The diff as readable tables: totals, changed fields, then up to ``samples`` rows
    of each list (added, removed, and per changed field)."""
    summary = diff.to_json()
    lines = [
        f"old: {diff.old.path} ({len(diff.old.records)} articles)",
        f"new: {diff.new.path} ({len(diff.new.records)} articles)",
        "  ".join(f"{name} {count}" for name, count in summary["summary"].items())
        + f"  (ignored: {', '.join(diff.ignored) or 'nothing'})",
    ]
    counts = diff.field_counts()
    if counts:
        lines += ["", *_table(("field", "articles changed"), list(counts.items()))]

    def section(title: str, total: int, headers: tuple[str, ...], rows: list[tuple]) -> None:
        if not total:
            return
        shown = f", first {samples}" if total > samples else ""
        lines.extend(["", f"{title} ({total}{shown}):", *_table(headers, rows[:samples])])

    for title, records in (("added", diff.added), ("removed", diff.removed)):
        rows = [(r["id"], r["url"], r["title"]) for r in records]
        section(title, len(records), ("id", "url", "title"), rows)
    for name, total in counts.items():
        rows = [(a.id, *a.fields[name]) for a in diff.changed if name in a.fields]
        section(f"changed {name}", total, ("id", "old", "new"), rows)
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m crawler.diff",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("old", type=Path, help="the earlier JSON Lines output")
    parser.add_argument("new", type=Path, help="the later JSON Lines output")
    parser.add_argument("--json", action="store_true", help="print the diff as JSON")
    parser.add_argument(
        "--ignore",
        default=",".join(DEFAULT_IGNORED),
        metavar="FIELDS",
        help="comma-separated fields not compared (default: %(default)s; '' for none)",
    )
    parser.add_argument(
        "--samples",
        type=int,
        default=5,
        metavar="N",
        help="rows shown per list in the tables (default: %(default)s); --json lists all",
    )
    args = parser.parse_args(argv)
    try:
        old, new = Output.read(args.old), Output.read(args.new)
    except (OSError, ValueError) as error:
        print(f"python -m crawler.diff: {error}", file=sys.stderr)
        return 2
    ignored = tuple(name.strip() for name in args.ignore.split(",") if name.strip())
    diff = compare(old, new, ignored)
    if args.json:
        print(json.dumps(diff.to_json(), ensure_ascii=False, indent=2))
    else:
        sys.stdout.write(render_text(diff, args.samples))
    return 1 if diff.differs else 0


if __name__ == "__main__":
    sys.exit(main())
