"""Crash-safe output and resume, for real: ``scrapy crawl ... -o out.jsonl -s JOBDIR=DIR``
killed (SIGKILL, or one SIGINT) while the fixture archive is served slowly, then run
again with the same command until it finishes; the output must be the uninterrupted
crawl's (``fixtures/aawsat/crawl/expected.jsonl``), every article once, no torn line, and
no run may fetch an article page that was already in the output when it started.
"""

from __future__ import annotations

import asyncio
import csv
import errno
import json
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
from scrapy.utils.test import get_crawler

from crawler import settings as project_settings
from crawler.capture.mirror import crawl_command
from crawler.reporting import stats_keys
from crawler.runtime.durable import DurableFile
from crawler.runtime.exit_status import EXIT_FAILED
from crawler.runtime.feeds import cut_torn_last_line, fsync_interval
from crawler.runtime.incremental import ArticleState
from crawler.runtime.run import ArchiveRun
from crawler.runtime.written import WrittenArticles, url_key
from crawler.spiders.aawsat import AawsatSpider
from qa import crawl_launcher
from qa.fixtures import FIXTURES, crawl_golden_files, golden_crawl_lines
from tests.fault_server import FaultServer
from tests.held_article import DATING_LISTINGS, UNDATED_POST, written_undated
from tests.test_warc import read_records

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
    process: crawl_launcher.Process
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
    settings: list[str] = field(default_factory=list)
    """More ``-s`` settings of the job's command."""
    arguments: list[str] = field(default_factory=list)
    """More ``-a`` spider arguments of the job's command."""
    output_name: str = "out.jsonl"
    """The job's appended (``-o``) output, in the job's folder."""

    @property
    def output(self) -> Path:
        return self.workdir / self.output_name

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
                *(arg for setting in self.settings for arg in ("-s", setting)),
                *(arg for argument in self.arguments for arg in ("-a", argument)),
            ],
        )

    def lines(self) -> list[bytes]:
        return self.output.read_bytes().splitlines(keepends=True) if self.output.exists() else []

    def written_keys(self) -> set[str]:
        keys = set()
        for record in self.records():
            keys |= {url_key(record["url"]), url_key(record["fetched_url"])}
        return keys

    def records(self) -> list[dict[str, Any]]:
        """The output's whole records (rows of a CSV output)."""
        if self.output.suffix == ".csv":
            if not self.output.exists():
                return []
            with self.output.open(newline="", encoding="utf-8") as rows:
                return list(csv.DictReader(rows))
        return [json.loads(line) for line in self.lines() if line.endswith(b"\n")]

    def run(
        self,
        stop_when: KillWhen | None = None,
        how: int = signal.SIGKILL,
        max_file_size: int | None = None,
        fsync_fails_after: int | None = None,
        fsync_fails_on: Path | None = None,
        times: int = 1,
    ) -> Run:
        """Start the same command again; stop it with ``how`` (sent ``times``, as a second
        Ctrl-C forces the stop) once ``stop_when`` holds.
        ``max_file_size`` (bytes) makes every file write past it fail, as on a full disk;
        ``fsync_fails_after`` makes every ``fsync`` of ``fsync_fails_on`` (the output by
        default) after that many fail, as on a failing disk."""
        command = limited_file_size(self.command(), max_file_size)
        if fsync_fails_after is not None:
            command = failing_fsync(command, fsync_fails_on or self.output, fsync_fails_after)
        log = (self.workdir / f"run-{len(self.runs) + 1}.log").open("wb")
        run = Run(
            number=len(self.runs) + 1,
            started=time.monotonic(),
            written_at_start=self.written_keys(),
            first_request=len(self.server.requests),
            process=crawl_launcher.start(command, FIXTURES.parent, stderr=log),
            job=self,
        )
        self.runs.append(run)
        while run.process.poll() is None:
            if stop_when is not None and stop_when(run):
                for sent in range(times):
                    time.sleep(0.02 if sent else 0)
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


def failing_fsync(command: list[str], path: Path, after: int = 0) -> list[str]:
    """``command`` (``python -m scrapy ...``) run with every ``os.fsync`` of a file
    descriptor open on ``path`` but the first ``after`` failing with EIO; other files are
    synced as usual."""
    assert command[1:3] == ["-m", "scrapy"]
    patch = (
        "import errno, itertools, os, runpy, sys\n"
        "real_fsync = os.fsync\n"
        "calls = itertools.count()\n"
        "def fsync(fd):\n"
        f"    if os.readlink(f'/proc/self/fd/{{fd}}') == {str(path)!r} and next(calls) >= {after}:\n"
        "        raise OSError(errno.EIO, os.strerror(errno.EIO))\n"
        "    real_fsync(fd)\n"
        "os.fsync = fsync\n"
        "sys.argv = ['scrapy', *sys.argv[1:]]\n"
        "runpy.run_module('scrapy', run_name='__main__', alter_sys=True)\n"
    )
    return [command[0], "-c", patch, *command[3:]]


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


def test_a_csv_output_is_resumed_as_json_lines_are(job):
    """A CSV output was not read back: after a kill, the resumed run wrote again every
    article it held (532 rows for 300 articles), with exit status 0."""
    job.output_name = "out.csv"
    killed = job.run(after_new_lines(5))
    assert killed.process.returncode == -signal.SIGKILL, job.log(killed)[-3000:]
    finish(job)
    urls = [record["url"] for record in job.records()]
    expected = [json.loads(line)["url"] for line in EXPECTED_JSONL.read_text().splitlines()]
    assert sorted(urls) == sorted(expected)


def test_a_date_join_that_cannot_be_written_fails_the_crawl_and_leaves_no_half_file(job):
    """No room to rewrite the output with the dates the crawl learnt at its end: it
    exited 0, its records short of those dates, the half-written new file left on the
    full disk. The same command joins them once it can."""
    resolving = job.output.with_name(job.output.name + ".resolving")

    def after_the_post(handler: BaseHTTPRequestHandler, attempt: int) -> bool:
        """The listings that date the post wait until it is written undated: its date
        is joined at the end of the crawl."""
        deadline = time.monotonic() + 60
        while not written_undated(job.output, UNDATED_POST) and time.monotonic() < deadline:
            time.sleep(0.02)
        return False

    job.server.faults.update(dict.fromkeys(DATING_LISTINGS, after_the_post))
    failed = job.run(fsync_fails_on=resolving, fsync_fails_after=0)
    job.server.faults.clear()
    assert failed.process.returncode == EXIT_FAILED, job.log(failed)[-3000:]
    assert "Could not join listing dates into" in job.log(failed)
    assert "(date_join: 1): exit status 1" in job.log(failed)
    assert not resolving.exists()
    final = finish(job)
    assert "Dates from listings joined into" in job.log(final)
    assert_complete_and_exactly_once(job)


def test_a_job_whose_spider_state_a_full_disk_emptied_runs_again(job):
    """A full disk left ``JOBDIR/spider.state`` empty (Scrapy writes it in place): every
    later run of the job exited 1 with an EOFError, saying it lost data."""
    finish(job)
    (job.workdir / "job" / "spider.state").write_bytes(b"")
    again = job.run()
    assert again.process.returncode == 0, job.log(again)[-3000:]
    assert "spider.state cannot be read back (EOFError" in job.log(again)
    assert_complete_and_exactly_once(job)


def test_a_jobdir_on_a_full_disk_stops_the_crawl_and_the_same_command_completes_it(job):
    """JOBDIR's request queue on a disk that fills up: Scrapy logged a traceback a request,
    fetched nothing more and hung through Ctrl-C, until kill -9."""
    job.settings.append("SCHEDULER_DISK_QUEUE=tests.broken_components.FullDiskQueue")
    stopped = job.run()
    assert stopped.process.returncode == EXIT_FAILED, job.log(stopped)[-3000:]
    assert "Cannot write JOBDIR's request queue (No space left on device)" in job.log(stopped)
    assert "'finish_reason': 'jobdir_error'" in job.log(stopped)
    assert "Traceback" not in job.log(stopped)
    job.settings.pop()
    final = finish(job)
    assert "did not stop cleanly" in job.log(final)
    assert_complete_and_exactly_once(job)


def test_a_finished_job_run_again_keeps_its_coverage_report(job):
    """Run again once finished, a job lists nothing: its coverage report was replaced by
    an empty one (listed 0, covered 0)."""
    job.settings.append(f"ARCHIVE_COVERAGE_DIR={job.workdir / 'coverage'}")
    finish(job)
    report = job.workdir / "coverage" / "aawsat.json"
    finished = report.read_text()
    assert json.loads(finished)["listed"] > 0
    again = job.run()
    assert again.process.returncode == 0, job.log(again)[-3000:]
    assert "the report of the last run that did is kept" in job.log(again)
    assert report.read_text() == finished


def test_one_ctrl_c_stops_gracefully_and_the_same_command_resumes(job):
    stopped = job.run(after_new_lines(5), how=signal.SIGINT)
    # Not finished: exit 1, so that `scrapy crawl … && next_step` stops there.
    assert stopped.process.returncode == EXIT_FAILED, job.log(stopped)[-3000:]
    assert "shutting down gracefully" in job.log(stopped)
    assert "(interrupted: 1): exit status 1" in job.log(stopped)
    assert job.report()["finish_reason"] == "shutdown"
    final = finish(job)

    assert_complete_and_exactly_once(job)
    assert job.refetched_articles(final) == []
    assert "did not stop cleanly" not in job.log(final)
    assert stats_keys.RESUME_UNCLEAN_STOP not in job.report()["stats"]


def test_a_second_ctrl_c_forces_the_stop_and_exits_1(job):
    """A second Ctrl-C (or SIGTERM) stops the crawl before it closes: it exited 0, with
    part of the corpus, no run report and no date join."""
    stopped = job.run(after_new_lines(5), how=signal.SIGINT, times=2)
    assert stopped.process.returncode == EXIT_FAILED, job.log(stopped)[-3000:]
    assert "The crawl was stopped before it closed (a second Ctrl-C" in job.log(stopped)
    finish(job)
    assert_complete_and_exactly_once(job)


@pytest.mark.parametrize(
    ("how", "restart_stat"),
    [
        (signal.SIGINT, stats_keys.RESUME_DISCOVERY_RESTARTED),
        (signal.SIGKILL, stats_keys.RESUME_UNCLEAN_STOP),
    ],
    ids=["ctrl-c", "kill"],
)
def test_a_sitemap_first_crawl_stopped_part_way_starts_its_phases_again(job, how, restart_stat):
    # Its phases (sections, other listings, month archives for dates) live in the spider,
    # not in JOBDIR. Resumed from a Ctrl-C's saved queue, with its sitemaps in the
    # seen-set, it took the archive for one without sitemaps and read every listing.
    job.arguments.append("discovery=sitemap-first")
    stopped = job.run(after_new_lines(5), how=how)
    assert stopped.lines_written() >= 5, job.log(stopped)[-3000:]
    final = finish(job)

    assert_complete_and_exactly_once(job)
    assert job.refetched_articles(final) == []
    stats = job.report()["stats"]
    assert stats[restart_stat] == 1
    assert stats_keys.DISCOVERY_FELL_BACK_TO_FULL not in stats
    assert "No sitemap listed an article" not in job.log(final)


@pytest.mark.parametrize("discovery", ["full", "sitemap-first"])
def test_a_resumed_spider_says_whether_jobdir_holds_its_discovery_and_walks_undated_months(
    discovery,
):
    # CrashSafeResume discards a saved queue the discovery cannot resume from; and an
    # article written undated is not fetched again, so sitemap-first must still walk its
    # month for a date (as if read undated in this run).
    undated = "https://eng-archive.aawsat.com/salma-idrissi/profiles/the-glassblowers-of-hebron/"
    crawler = get_crawler(AawsatSpider, settings_dict={"ARCHIVE_COVERAGE_DIR": ""})
    spider = AawsatSpider.from_crawler(
        crawler, base_url="http://127.0.0.1:8000/", discovery=discovery
    )
    crawler.stats.open_spider()
    ArchiveRun.of(crawler).written = WrittenArticles(urls={undated}, count=1, undated={undated})

    async def start() -> list:
        return [request async for request in spider.start()]

    asyncio.run(start())
    assert spider.discovery_in_jobdir is (discovery == "full")
    if spider.sitemap_first is not None:
        assert spider.sitemap_first.undated == {undated}


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
    ("fsync_seconds", "stops"),
    [("0.2", "during the crawl"), ("3600", "at close")],
    ids=["periodic", "at-close"],
)
def test_a_failed_fsync_exits_1_and_the_resume_fetches_the_articles_it_cut(
    tmp_path, fsync_seconds, stops
):
    server = FaultServer(MIRROR, delay=SLOW)
    with server.running():
        job = ResumableJob(
            server, tmp_path, settings=[f"ARCHIVE_FEED_FSYNC_SECONDS={fsync_seconds}"]
        )
        failed = job.run(fsync_fails_after=0)
        assert failed.process.returncode == 1
        log = job.log(failed)
        assert log.count("Cannot write to") == 1
        assert "Traceback" not in log
        # Nothing was ever on the disk: every record written is cut off again.
        assert job.lines() == []
        report = job.report()
        assert report["stats"][stats_keys.FAILURES_OUTPUT] == 1
        assert report["stats"][stats_keys.OUTPUT_RECORDS_LOST] >= 1
        if stops == "during the crawl":
            assert report["finish_reason"] == "output_error"
        resumed = finish(job, runs=1)
        assert "stopped because its output could not be written" in job.log(resumed)
    assert_complete_and_exactly_once(job)


def captured_pages(workdir: Path) -> set[str]:
    """The URLs of every response recorded in ``workdir/crawl*.warc.gz``."""
    return {
        url_key(record["uri"])
        for path in workdir.glob("crawl*.warc.gz")
        for record in read_records(path)  # every record whole, its digests checked
        if record["type"] == "response"
    }


def stopped_by_the_warc(job: ResumableJob, run: Run) -> dict:
    """The stats of a run the WARC stopped: exit 1, one ERROR line, no traceback."""
    assert run.process.returncode == 1
    log = job.log(run)
    assert log.count("Cannot write the WARC") == 1
    assert "Traceback" not in log
    stats = job.report()["stats"]
    assert stats[stats_keys.FAILURES_OUTPUT] == 1
    return stats


def test_a_full_disk_under_the_warc_exits_1_and_the_resume_records_every_article(tmp_path):
    server = FaultServer(MIRROR)
    with server.running():
        job = ResumableJob(server, tmp_path, settings=[f"WARC_OUTPUT={tmp_path / 'crawl.warc.gz'}"])
        stats = stopped_by_the_warc(job, job.run(max_file_size=40_000))
        assert stats[stats_keys.WARC_EXCHANGES_LOST] >= 1
        assert 0 < len(captured_pages(tmp_path)) < len(server.requests)
        resumed = finish(job, runs=1)
        assert "stopped because its output could not be written" in job.log(resumed)
    assert_complete_and_exactly_once(job)
    articles = [json.loads(line)["fetched_url"] for line in job.lines()]
    # An article is never written without its page: the resume fetched and recorded it.
    assert {url_key(url) for url in articles} <= captured_pages(tmp_path)


def test_the_warc_is_fsynced_at_close_before_jobdir_is_taken_as_cleanly_stopped(tmp_path):
    warc = tmp_path / "crawl.warc.gz"
    server = FaultServer(MIRROR)
    with server.running():
        job = ResumableJob(
            server, tmp_path, settings=[f"WARC_OUTPUT={warc}", "ARCHIVE_FEED_FSYNC_SECONDS=3600"]
        )
        stats = stopped_by_the_warc(job, job.run(fsync_fails_after=0, fsync_fails_on=warc))
        # Its first fsync, at close, failed: nothing is known to be on the disk.
        assert stats[stats_keys.WARC_EXCHANGES_LOST] == stats[stats_keys.WARC_RECORDS] // 2
        assert warc.read_bytes() == b""
        resumed = finish(job, runs=1)
        assert "stopped because its output could not be written" in job.log(resumed)
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
        (b'{"a": 1}\n' + bytes(4096), b'{"a": 1}\n'),
    ],
    ids=["empty", "whole", "torn", "only-torn", "long-file", "long-lines", "nul-filled"],
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


def test_durable_file_with_interval_0_fsyncs_every_record(tmp_path, fsync):
    with DurableFile(tmp_path / "out.jsonl", "ab", fsync_every=0) as file:
        for number in range(3):
            file.write(b'{"a": %d}\n' % number)
            assert fsync.calls == number + 1
    assert fsync.calls == 3  # nothing left to sync at close


def test_durable_file_with_an_interval_writes_at_once_and_fsyncs_when_asked_and_at_close(
    tmp_path, fsync
):
    path = tmp_path / "out.jsonl"
    file = DurableFile(path, "ab", fsync_every=1.0)
    file.write(b'{"a": 1}\n')
    file.write(b'{"b": 2}\n')
    assert path.read_bytes() == b'{"a": 1}\n{"b": 2}\n'  # the kernel has them: a kill keeps them
    assert fsync.calls == 0
    file.sync()
    file.sync()  # nothing new: no second fsync
    assert fsync.calls == 1
    file.write(b'{"c": 3}\n')
    file.close()
    assert fsync.calls == 2


def test_durable_file_makes_its_records_sources_durable_before_them(tmp_path, fsync):
    order = []
    file = DurableFile(
        tmp_path / "out.jsonl", "ab", fsync_every=1.0, before_sync=lambda: order.append(fsync.calls)
    )
    file.sync()  # nothing written: nothing to sync, no sources asked
    file.write(b'{"a": 1}\n')
    file.close()
    assert order == [0]  # asked before the file's one fsync
    assert fsync.calls == 1


def test_a_failed_fsync_cuts_the_file_back_to_its_last_fsync_and_refuses_more(tmp_path, fsync):
    path = tmp_path / "out.jsonl"
    path.write_bytes(b'{"old": 0}\n')
    errors: list[tuple[OSError, int]] = []
    refused = []
    file = DurableFile(
        path,
        "ab",
        fsync_every=1.0,
        on_error=lambda error, lost: errors.append((error, lost)),
        on_lost=lambda: refused.append(1),
    )
    file.write(b'{"a": 1}\n')
    file.sync()
    file.write(b'{"b": 2}\n')
    file.write(b'{"c": 3}\n')
    fsync.fail = True
    file.sync()
    assert path.read_bytes() == b'{"old": 0}\n{"a": 1}\n'
    assert [(error.errno, lost) for error, lost in errors] == [(errno.EIO, 2)]
    file.write(b'{"d": 4}\n')
    file.close()
    assert path.read_bytes() == b'{"old": 0}\n{"a": 1}\n'
    assert refused == [1]
    assert len(errors) == 1


@pytest.mark.parametrize(
    ("settings", "with_state", "seconds"),
    [
        ({}, False, 1.0),
        ({"ARCHIVE_FEED_FSYNC_SECONDS": 0.5}, False, 0.5),
        ({"ARCHIVE_FEED_FSYNC_SECONDS": 0}, False, 0.0),
        ({"DISTRIBUTED_REDIS_URL": "redis://127.0.0.1:6379/0"}, False, 0.0),
        ({}, True, 0.0),
    ],
    ids=["default", "set", "every-record", "distributed", "state"],
)
def test_a_feed_fsyncs_every_record_when_a_claim_of_done_depends_on_it(
    tmp_path, settings, with_state, seconds
):
    default = {"ARCHIVE_FEED_FSYNC_SECONDS": project_settings.ARCHIVE_FEED_FSYNC_SECONDS}
    crawler = get_crawler(settings_dict=default | settings)
    state = ArticleState(tmp_path / "state.sqlite") if with_state else None
    ArchiveRun.of(crawler).article_state = state
    try:
        assert fsync_interval(crawler) == seconds
    finally:
        if state is not None:
            state.close()


# -- with an incremental state store (-a state=PATH) -------------------------------------


def test_a_disk_full_stop_with_a_state_store_loses_no_article_on_the_rerun(tmp_path):
    """The state store says "emitted" only of an article whose record was written: the
    same command, run again once the disk has room, writes every article not written."""
    server = FaultServer(MIRROR)
    with server.running():
        job = ResumableJob(server, tmp_path, arguments=[f"state={tmp_path / 'state.sqlite'}"])
        failed = job.run(fsync_fails_after=5)  # the state mode fsyncs every record
        assert failed.process.returncode == 1
        assert "Cannot write to" in job.log(failed)
        assert len(job.lines()) == 5
        finish(job, runs=1)
    assert_complete_and_exactly_once(job)
    assert {json.loads(line)["version"] for line in job.lines()} == {1}


def test_sigkill_with_a_state_store_then_the_same_command_completes_the_crawl(job):
    job.arguments.append(f"state={job.workdir / 'state.sqlite'}")
    for kill_when in KILL_SEQUENCES["before-any-article, mid-crawl, late"]:
        run = job.run(kill_when)
        assert run.process.returncode == -signal.SIGKILL, job.log(run)[-3000:]
    finish(job)
    assert_complete_and_exactly_once(job)
    for run in job.runs:
        assert job.refetched_articles(run) == [], f"run {run.number} fetched written articles"


def test_a_reader_that_closes_the_pipe_stops_the_crawl_with_one_line(tmp_path):
    """``-o -:jsonlines | head -n 1``: every record after the reader left raised a
    BrokenPipeError with its traceback (31 of them on the fixture archive), and Python
    printed one more at exit. Now: one ERROR line, the crawl stops, exit status 1."""
    command = [
        sys.executable,
        *("-m", "crawler.mirror", "crawl", str(FIXTURES / "aawsat" / "site"), "aawsat"),
        *("-o", "-:jsonlines", "-s", f"ARCHIVE_COVERAGE_DIR={tmp_path / 'coverage'}"),
    ]
    with (tmp_path / "stderr.log").open("wb") as stderr:
        crawl = subprocess.Popen(
            command, cwd=FIXTURES.parent, stdout=subprocess.PIPE, stderr=stderr
        )
        assert crawl.stdout is not None
        first = json.loads(crawl.stdout.readline())
        crawl.stdout.close()
        assert crawl.wait(timeout=120) == 1
    log = (tmp_path / "stderr.log").read_text()
    assert first["schema_version"] == 2
    assert log.count("Cannot write to standard output (Broken pipe): the crawl stops.") == 1
    assert "Traceback" not in log
    assert "Exception ignored" not in log
    assert "'finish_reason': 'output_error'" in log
