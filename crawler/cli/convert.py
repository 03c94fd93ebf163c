"""Convert an article corpus between JSON Lines, Parquet and CSV, any way, exactly.

    python -m crawler.convert articles.jsonl articles.parquet
    python -m crawler.convert articles.parquet articles.jsonl     # and its -00001... parts
    python -m crawler.convert articles.jsonl articles.csv         # for a spreadsheet

The format follows each file's extension (``.jsonl``, ``.jl``, ``.jsonlines``,
``.parquet``, ``.csv``). CSV is ``-O articles.csv``'s (``crawler/runtime/feeds.py``: a
list or an object as its JSON text, null as an empty cell), read back as the records it
was written from. A Parquet input is read with its numbered parts (``articles-00001.parquet``
…, as a crawl writes them; naming them too, as a shell glob does, reads each once);
several inputs are concatenated in order. The Parquet columns are those of
``-O articles.parquet`` (``crawler/runtime/parquet.py``), and converting back gives the same
bytes as the crawl's own JSON Lines. The output is written to a temporary name and
renamed, so it is never left half-written. Exit status: 0 done, 2 unreadable input or
a record that is not a schema-v2 article (named by file and line).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from crawler.runtime.feeds import CSV_COLUMN_TYPES, RecordCsvExporter, csv_record
from crawler.runtime.parquet import (
    COMPRESSION,
    arrow_schema,
    part_paths,
    read_records,
    records_table,
    text_kept_fields,
)
from crawler.runtime.written import csv_rows

LINE_SUFFIXES = frozenset({".jsonl", ".jl", ".jsonlines"})
BATCH_SIZE = 5000
"""Records per row group of a converted Parquet file (as ``PARQUET_ROW_GROUP_SIZE``)."""


def batched(records: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    """Lists of ``size`` records (the last one shorter); ``itertools.batched`` is 3.12+."""
    iterator = iter(records)
    while batch := list(islice(iterator, size)):
        yield batch


class ConvertError(ValueError):
    """Input that cannot be converted; the message names the file and line."""


def format_of(path: Path) -> str:
    if path.suffix in LINE_SUFFIXES:
        return "jsonl"
    if path.suffix in (".parquet", ".csv"):
        return path.suffix.removeprefix(".")
    raise ConvertError(
        f"{path}: unknown format (expected .jsonl, .jl, .jsonlines, .parquet or .csv)"
    )


def read_lines(path: Path) -> Iterator[dict[str, Any]]:
    with path.open("rb") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError as error:
                raise ConvertError(f"{path}: line {number}: not JSON ({error})") from None
            if not isinstance(record, dict):
                raise ConvertError(f"{path}: line {number}: not a JSON object")
            yield record


def read_csv(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(newline="", encoding="utf-8") as table:
        rows = csv_rows(table)
        for number, row in enumerate(rows, start=1):
            # A record's body spans lines: the record's number, and the line it ends on.
            where = f"{path}: record {number} (line {rows.line_num})"
            if None in row or None in row.values():
                raise ConvertError(f"{where}: not as many cells as columns")
            try:
                yield csv_record(row)
            except ValueError as error:
                raise ConvertError(f"{where}: {error}") from None


def read_inputs(paths: Iterable[Path]) -> Iterator[dict[str, Any]]:
    """Every record of the inputs in order; a Parquet file with its parts, each part once."""
    done: set[Path] = set()
    for path in paths:
        if not path.is_file():
            raise ConvertError(f"{path}: no such file")
        if format_of(path) == "jsonl":
            yield from read_lines(path)
            continue
        if format_of(path) == "csv":
            yield from read_csv(path)
            continue
        parts = [p for p in part_paths(path) if p.resolve() not in done]
        done.update(p.resolve() for p in parts)
        try:
            yield from read_records(parts)
        except (OSError, pa.ArrowException) as error:
            raise ConvertError(f"{path}: not a readable Parquet file ({error})") from None


def check_fields(record: dict[str, Any], allowed: set[str], number: int) -> None:
    """Refuse a record with a field the output has no place for (Arrow and the CSV header
    would silently leave it out)."""
    unknown = sorted(set(record) - allowed)
    if unknown:
        raise ConvertError(f"record {number}: fields not in schema v2: {unknown}")


def write_parquet(records: Iterable[dict[str, Any]], path: Path) -> int:
    schema = arrow_schema()
    allowed = set(schema.names) - {f"{name}_iso" for name in text_kept_fields(schema)}
    count = 0
    with pq.ParquetWriter(path, schema, compression=COMPRESSION) as writer:
        for batch in batched(records, BATCH_SIZE):
            for number, record in enumerate(batch, start=count + 1):
                check_fields(record, allowed, number)
            try:
                writer.write_table(records_table(batch, schema))
            except (pa.ArrowException, ValueError) as error:
                raise ConvertError(
                    f"records {count + 1}-{count + len(batch)}: not schema-v2 articles ({error})"
                ) from None
            count += len(batch)
    return count


def write_lines(records: Iterable[dict[str, Any]], path: Path) -> int:
    count = 0
    with path.open("w", encoding="utf-8") as lines:
        for record in records:
            lines.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    return count


def write_csv(records: Iterable[dict[str, Any]], path: Path) -> int:
    count = 0
    with path.open("wb") as table:
        exporter = RecordCsvExporter(table, encoding="utf-8")
        exporter.start_exporting()
        for count, record in enumerate(records, start=1):
            check_fields(record, set(CSV_COLUMN_TYPES), count)
            exporter.export_item(record)
        exporter.finish_exporting()
    return count


WRITERS = {"jsonl": write_lines, "parquet": write_parquet, "csv": write_csv}


def convert(inputs: list[Path], output: Path) -> int:
    """Write every record of ``inputs`` to ``output``; returns how many."""
    writer = WRITERS[format_of(output)]
    for path in inputs:  # an unknown extension stops before any work
        format_of(path)
    temporary = output.with_name(f".{output.name}.tmp")
    try:
        count = writer(read_inputs(inputs), temporary)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    temporary.replace(output)
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m crawler.convert",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("inputs", type=Path, nargs="+", help="JSON Lines, Parquet or CSV files")
    parser.add_argument("output", type=Path, help="the file to write (.jsonl, .parquet, .csv)")
    args = parser.parse_args(argv)
    try:
        count = convert(args.inputs, args.output)
    except (OSError, ConvertError) as error:
        print(f"python -m crawler.convert: {error}", file=sys.stderr)
        return 2
    print(f"{count} records written to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
