"""``python -m qa.copy_benchmarks``: the corpora copied into ``fixtures/`` without losing
what the repository keeps beside them."""

from __future__ import annotations

from pathlib import Path

from qa.copy_benchmarks import copy_corpus


def make_benchmark(folder: Path, pages: dict[str, bytes]) -> Path:
    (folder / "html").mkdir(parents=True)
    for name in ("ground-truth.json", "LICENSE", "SOURCE.md"):
        (folder / name).write_text(f"{name} of {folder.name}\n")
    for name, body in pages.items():
        (folder / "html" / name).write_bytes(body)
    return folder


def test_a_copy_replaces_the_pages_and_keeps_the_hand_written_oracle(tmp_path):
    source = make_benchmark(tmp_path / "source", {"1.html.gz": b"one", "2.html.gz": b"two"})
    target = make_benchmark(tmp_path / "target", {"1.html.gz": b"old", "9.html.gz": b"gone"})
    oracle = target / "metadata-oracle.json"
    oracle.write_text('{"1": {"title": "read by hand"}}\n')

    assert copy_corpus(source, target) == 2

    assert oracle.read_text() == '{"1": {"title": "read by hand"}}\n'
    assert {page.name: page.read_bytes() for page in (target / "html").iterdir()} == {
        "1.html.gz": b"one",
        "2.html.gz": b"two",
    }
    for name in ("ground-truth.json", "LICENSE", "SOURCE.md"):
        assert (target / name).read_bytes() == (source / name).read_bytes()


def test_a_copy_into_a_new_folder_makes_it(tmp_path):
    source = make_benchmark(tmp_path / "source", {"1.html.gz": b"one"})
    assert copy_corpus(source, tmp_path / "fixtures" / "corpus") == 1
    assert (tmp_path / "fixtures" / "corpus" / "html" / "1.html.gz").read_bytes() == b"one"
