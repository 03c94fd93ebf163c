"""Crash-safe output and resume, for real: ``scrapy crawl ... -o out.jsonl -s JOBDIR=DIR``
killed (SIGKILL, or one SIGINT) while the fixture archive is served slowly, then run
again with the same command until it finishes; the output must be the uninterrupted
crawl's (``fixtures/aawsat/crawl/expected.jsonl``), every article once, no torn line, and
no run may fetch an article page that was already in the output when it started.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from crawler.capture.mirror import crawl_command
from crawler.reporting import stats_keys
from crawler.runtime.feeds import DurableFile, cut_torn_last_line
from crawler.runtime.written import url_key
from qa.fixtures import FIXTURES, crawl_golden_files, golden_crawl_lines
from tests.fault_server import FaultServer

MIRROR = FIXTURES / "aawsat" / "site"
EXPECTED_JSONL, _ = crawl_golden_files("aawsat")
SLOW = 0.08
"""Seconds the server takes per response: a crawl lasts a few seconds, room to kill it."""

KillWhen = Callable[["Run"], bool]


@dataclass
class Run:
    """One ``scrapy crawl`` process of a resumed job."""

    number: int
    started: float
    written_at_start: set[str]
    first_request: int
    process: subprocess.Popen[bytes]
    job: ResumableJob = field(repr=False)

    def lines_written(self) -> int:
        return len(self.job.lines()) - len(self.written_at_start)

    def requests(self) -> int:
        return len(self.job.server.requests) - self.first_request

    def seconds(self) -> float:
        return time.monotonic() - self.started


@dataclass
class ResumableJob:
    server: FaultServer
    workdir: Path
    runs: list[Run] = field(default_factory=list)

    @property
    def output(self) -> Path:
        return self.workdir / "out.jsonl"

    def command(self) -> list[str]:
        return crawl_command(
            "aawsat",
            self.server.base_url,
            [
                "-o",
                str(self.output),
                "-s",
                f"JOBDIR={self.workdir / 'job'}",
                "-s",
                f"ARCHIVE_REPORT_FILE={self.workdir / 'report.json'}",
                "-s",
                "ARCHIVE_COVERAGE_DIR=",
            ],
        )

    def lines(self) -> list[bytes]:
        return self.output.read_bytes().splitlines(keepends=True) if self.output.exists() else []

    def written_keys(self) -> set[str]:
        keys = set()
        for line in self.lines():
            if line.endswith(b"\n"):
                record = json.loads(line)
                keys |= {url_key(record["url"]), url_key(record["fetched_url"])}
        return keys

    def run(
        self,
        stop_when: KillWhen | None = None,
        how: int = signal.SIGKILL,
        max_file_size: int | None = None,
    ) -> Run:
        """Start the same command again; stop it with ``how`` once ``stop_when`` holds.
        ``max_file_size`` (bytes) makes every file write past it fail, as on a full disk."""
        log = (self.workdir / f"run-{len(self.runs) + 1}.log").open("wb")
        run = Run(
            number=len(self.runs) + 1,
            started=time.monotonic(),
            written_at_start=self.written_keys(),
            first_request=len(self.server.requests),
            process=subprocess.Popen(
                limited_file_size(self.command(), max_file_size),
                cwd=FIXTURES.parent,
                stderr=log,
            ),
            job=self,
        )
        self.runs.append(run)
        while run.process.poll() is None:
            if stop_when is not None and stop_when(run):
                run.process.send_signal(how)
                break
            time.sleep(0.01)
        run.process.wait(timeout=120)
        log.close()
        return run

    def log(self, run: Run) -> str:
        return (self.workdir / f"run-{run.number}.log").read_text()

    def report(self) -> dict:
        return json.loads((self.workdir / "report.json").read_text())

    def refetched_articles(self, run: Run) -> list[str]:
        """Paths a run requested although they were in the output when it started."""
        end = self.runs.index(run) + 1
        until = self.runs[end].first_request if end < len(self.runs) else None
        served = self.server.requests[run.first_request : until]
        return [r.path for r in served if r.path in run.written_at_start]


def limited_file_size(command: list[str], size: int | None) -> list[str]:
    """``command`` run so that file writes past ``size`` bytes fail with EFBIG (Python
    ignores SIGXFSZ), as they would with ENOSPC on a full disk."""
    if size is None:
        return command
    limit = f"import os, resource, sys; resource.setrlimit(resource.RLIMIT_FSIZE, ({size}, {size}))"
    return [sys.executable, "-c", f"{limit}; os.execv(sys.argv[1], sys.argv[1:])", *command]


def after_requests(count: int) -> KillWhen:
    return lambda run: run.requests() >= count


def after_new_lines(count: int) -> KillWhen:
    return lambda run: run.lines_written() >= count


def after_seconds(seconds: float) -> KillWhen:
    """Measured from the run's first request, so start-up time does not matter."""
    return lambda run: run.requests() > 0 and run.seconds() >= seconds


def finish(job: ResumableJob, runs: int = 5) -> Run:
    """Run the same command until a run finishes cleanly (one should do)."""
    for _ in range(runs):
        run = job.run()
        if run.process.returncode == 0:
            return run
    raise AssertionError(f"no clean finish in {runs} runs; last log:\n{job.log(run)[-3000:]}")


def assert_complete_and_exactly_once(job: ResumableJob) -> None:
    raw = job.output.read_bytes()
    assert raw.endswith(b"\n"), "torn last line"
    records = [json.loads(line) for line in raw.splitlines()]
    urls = [record["url"] for record in records]
    assert len(urls) == len(set(urls)), "an article was written twice"
    lines = golden_crawl_lines(raw.decode(), job.server.base_url)
    assert lines == EXPECTED_JSONL.read_text().splitlines()


@pytest.fixture
def job(tmp_path):
    server = FaultServer(MIRROR, delay=SLOW)
    with server.running():
        yield ResumableJob(server, tmp_path)


KILL_SEQUENCES = {
    "before-any-article, mid-crawl, late": [
        after_requests(3),
        after_new_lines(4),
        after_new_lines(12),
    ],
    "by-time, twice-quickly, by-lines": [
        after_seconds(0.6),
        after_requests(1),
        after_seconds(0.4),
        after_new_lines(6),
    ],
}


@pytest.mark.parametrize("kills", KILL_SEQUENCES.values(), ids=KILL_SEQUENCES.keys())
def test_sigkill_at_any_point_then_the_same_command_completes_the_crawl(job, kills):
    for kill_when in kills:
        run = job.run(kill_when)
        assert run.process.returncode == -signal.SIGKILL, job.log(run)[-3000:]
    assert any(run.lines_written() > 0 for run in job.runs), "no kill landed mid-output"
    final = finish(job)

    assert_complete_and_exactly_once(job)
    for run in job.runs:
        assert job.refetched_articles(run) == [], f"run {run.number} fetched written articles"
    stats = job.report()["stats"]
    assert stats[stats_keys.RESUME_UNCLEAN_STOP] == 1
    assert "did not stop cleanly" in job.log(final)
    if final.written_at_start:
        assert stats[stats_keys.RESUME_SKIPPED_ARTICLES] > 0


def test_one_ctrl_c_stops_gracefully_and_the_same_command_resumes(job):
    stopped = job.run(after_new_lines(5), how=signal.SIGINT)
    assert stopped.process.returncode == 0, job.log(stopped)[-3000:]
    assert "shutting down gracefully" in job.log(stopped)
    assert job.report()["finish_reason"] == "shutdown"
    final = finish(job)

    assert_complete_and_exactly_once(job)
    assert job.refetched_articles(final) == []
    assert "did not stop cleanly" not in job.log(final)
    assert stats_keys.RESUME_UNCLEAN_STOP not in job.report()["stats"]


def test_a_torn_last_line_is_cut_and_its_article_crawled_again(job):
    golden = EXPECTED_JSONL.read_text().splitlines()
    kept = [json.loads(line) for line in golden[:2]]
    for record in kept:
        record["fetched_at"] = "2026-01-01T00:00:00Z"
        record["fetched_url"] = record["fetched_url"].replace("{base_url}/", job.server.base_url)
    torn = json.dumps(json.loads(golden[2]))[:150].encode()
    job.output.write_bytes(
        b"".join(json.dumps(r, ensure_ascii=False).encode() + b"\n" for r in kept) + torn
    )

    final = finish(job)

    assert_complete_and_exactly_once(job)
    assert job.refetched_articles(final) == []
    stats = job.report()["stats"]
    assert stats[stats_keys.RESUME_TORN_LINE_BYTES_CUT] == len(torn)
    assert stats[stats_keys.RESUME_WRITTEN_ARTICLES] == 2
    assert "Cut a torn last line (150 bytes)" in job.log(final)


# -- the parts on their own ------------------------------------------------------------


def test_a_disk_full_stop_exits_1_and_the_resume_fetches_exactly_the_unwritten_articles(
    tmp_path,
):
    server = FaultServer(MIRROR)
    with server.running():
        job = ResumableJob(server, tmp_path)
        full = job.run(max_file_size=24_000)
        assert full.process.returncode == 1
        log = job.log(full)
        assert "Cannot write to" in log
        assert "Traceback" not in log
        written = len(job.lines())
        assert 0 < written < len(EXPECTED_JSONL.read_text().splitlines())
        assert job.output.read_bytes().endswith(b"\n")
        assert job.report()["stats"][stats_keys.FAILURES_OUTPUT] == 1
        resumed = finish(job, runs=1)
        assert "stopped because its output could not be written" in job.log(resumed)
        assert job.refetched_articles(resumed) == []
    assert_complete_and_exactly_once(job)


@pytest.mark.parametrize(
    ("content", "kept"),
    [
        (b"", b""),
        (b'{"a": 1}\n', b'{"a": 1}\n'),
        (b'{"a": 1}\n{"b": ', b'{"a": 1}\n'),
        (b'{"b": 2', b""),
        (b'{"a": 1}\n' * 20000 + b'{"torn', b'{"a": 1}\n' * 20000),
        (b"x" * 70000 + b"\n" + b"y" * 70000, b"x" * 70000 + b"\n"),
    ],
    ids=["empty", "whole", "torn", "only-torn", "long-file", "long-lines"],
)
def test_cut_torn_last_line_keeps_exactly_the_complete_lines(tmp_path, content, kept):
    path = tmp_path / "out.jsonl"
    path.write_bytes(content)
    assert cut_torn_last_line(path) == len(content) - len(kept)
    assert path.read_bytes() == kept


def test_durable_file_writes_each_line_through_to_the_file(tmp_path):
    path = tmp_path / "out.jsonl"
    with DurableFile(path, "ab") as file:
        assert file.write(b'{"a": 1}\n') == 9
        # Visible to another reader at once: nothing waits in a userspace buffer.
        assert path.read_bytes() == b'{"a": 1}\n'
        file.write(memoryview(b'{"b": 2}\n'))
        assert path.read_bytes() == b'{"a": 1}\n{"b": 2}\n'
