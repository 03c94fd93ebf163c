"""What ``scrapy crawl`` tells its caller: exit status 0 only when nothing was lost, one
clear line (no traceback) for bad arguments (2) and a refused start (3), the output left
alone until the crawl really starts, and every bad line of a URL list reported.

Disk full is in ``tests/test_resume.py`` (it resumes); each crawl here is a subprocess.
"""

from __future__ import annotations

import json
import subprocess

import pytest

from crawler.capture.mirror import crawl_command
from crawler.runtime.exit_status import EXIT_FAILED, EXIT_OK, EXIT_REFUSED, EXIT_USAGE
from crawler.runtime.locks import FileLock
from qa.fixtures import FIXTURES
from tests.conftest import serve_mirror

UNUSED_SERVER = "http://127.0.0.1:9/"
"""Where crawls that must not start point: nothing listens there."""
ARTICLE = "https://eng-archive.aawsat.com/diana-moukalled/opinion/live-from-lebanon/"


def crawl(*args: str, spider: str = "aawsat", base_url: str = UNUSED_SERVER):
    command = crawl_command(spider, base_url, ["-s", "ARCHIVE_COVERAGE_DIR=", *args])
    return subprocess.run(
        command, capture_output=True, text=True, timeout=120, cwd=FIXTURES.parent, check=False
    )


def last_line(done: subprocess.CompletedProcess[str]) -> str:
    return done.stderr.strip().splitlines()[-1]


@pytest.mark.parametrize(
    ("spider", "argument", "message"),
    [
        ("aawsat", "urls=/no/such/list.txt", "-a urls=/no/such/list.txt: no such file"),
        ("archive", "site=nope", "unknown site profile 'nope'; known profiles: aawsat"),
    ],
)
def test_a_bad_argument_is_one_line_and_exit_2_and_leaves_the_output_alone(
    tmp_path, spider, argument, message
):
    previous = tmp_path / "prev.jsonl"
    previous.write_text('{"kept": true}\n')
    done = crawl("-a", argument, "-O", str(previous), spider=spider)
    assert done.returncode == EXIT_USAGE
    assert last_line(done) == f"scrapy crawl: error: {message}"
    assert "Traceback" not in done.stderr
    assert "never retrieved" not in done.stderr
    assert previous.read_text() == '{"kept": true}\n'  # -O did not empty it


def test_an_unwritable_output_is_refused_before_the_first_request(tmp_path):
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")
    done = crawl("-O", str(not_a_folder / "out.jsonl"))
    assert done.returncode == EXIT_REFUSED
    assert last_line(done).startswith(f"scrapy crawl: refused: cannot write {not_a_folder}")
    assert "downloader/request_count" not in done.stderr
    assert "Traceback" not in done.stderr


def test_a_second_crawl_on_the_same_jobdir_or_output_is_refused(tmp_path):
    jobdir, output = tmp_path / "job", tmp_path / "out.jsonl"
    running = FileLock.acquire(jobdir / "crawl.lock", "busy", "wait")  # as a running crawl
    done = crawl("-o", str(output), "-s", f"JOBDIR={jobdir}")
    assert done.returncode == EXIT_REFUSED
    assert last_line(done) == (
        f"scrapy crawl: refused: JOBDIR {jobdir} is in use by another crawl (pid "
        f"{running.path.read_text().split()[1]}); wait for it to finish, or give this one "
        "another JOBDIR"
    )
    running.release()
    FileLock.acquire(output, "busy", "wait", note_pid=False)
    done = crawl("-o", str(output), "-s", f"JOBDIR={jobdir}")
    assert done.returncode == EXIT_REFUSED
    assert "the output" in last_line(done)
    assert "is being written by another crawl" in last_line(done)
    assert not (jobdir / "crawl-running").exists()  # the first crawl's state was not touched


def test_every_bad_url_list_line_is_reported_and_the_valid_ones_crawled(mirror_server, tmp_path):
    serve_mirror(mirror_server, FIXTURES / "aawsat" / "site")
    bad = ["https://[::1", "https://eng-archive.aawsat.com:99999/x/"] + ["not a url"] * 12
    url_list = tmp_path / "urls.txt"
    url_list.write_text("\n".join([bad[0], ARTICLE, *bad[1:]]) + "\n")
    output, report = tmp_path / "out.jsonl", tmp_path / "report.json"
    done = crawl(
        "-a",
        f"urls={url_list}",
        "-O",
        str(output),
        "-s",
        f"ARCHIVE_REPORT_FILE={report}",
        base_url=mirror_server.url_for("/"),
    )
    assert done.returncode == EXIT_OK
    assert [json.loads(line)["url"] for line in output.read_text().splitlines()] == [ARTICLE]
    errors = [line.split("ERROR: ", 1)[1] for line in done.stderr.splitlines() if "ERROR: " in line]
    assert errors[:3] == [
        "-a urls: line 1: not a valid URL (Invalid IPv6 URL): 'https://[::1'",
        "-a urls: line 3: not a valid URL (Port out of range 0-65535): "
        "'https://eng-archive.aawsat.com:99999/x/'",
        "-a urls: line 4: not an http(s) URL: 'not a url'",
    ]
    assert errors[10:] == [
        "-a urls: 4 more bad lines not shown (14 in all, counted as url_list/invalid)"
    ]
    assert json.loads(report.read_text())["stats"]["url_list/invalid"] == 14
    # Scrapy's remote-control server (on by default since 2.19) is off unless asked for.
    assert "scrapy.extensions.remote_control.RemoteControl" not in done.stderr


def test_an_empty_url_list_is_a_warning_and_a_zero_article_report(tmp_path):
    url_list, output = tmp_path / "urls.txt", tmp_path / "out.jsonl"
    url_list.write_text("# nothing yet\n\n")
    output.write_text('{"old": 1}\n')
    done = crawl("-a", f"urls={url_list}", "-O", str(output))
    assert done.returncode == EXIT_OK
    assert f"WARNING: -a urls={url_list} lists no URL to crawl" in done.stderr
    assert "articles emitted: 0" in done.stderr
    assert output.read_text() == ""  # the crawl ran: -O gives this run's (empty) output


def test_a_corrupt_jobdir_queue_or_state_file_is_named_with_how_to_recover(tmp_path):
    jobdir, state = tmp_path / "job", tmp_path / "state.sqlite"
    (jobdir / "requests.queue").mkdir(parents=True)
    index = jobdir / "requests.queue" / "active.json"
    index.write_text("garbage{")
    done = crawl("-o", str(tmp_path / "out.jsonl"), "-s", f"JOBDIR={jobdir}")
    assert done.returncode == EXIT_REFUSED
    assert last_line(done).startswith(f"scrapy crawl: refused: JOBDIR {jobdir}: {index} is corrupt")
    assert f"or delete {jobdir / 'requests.queue'} and {jobdir / 'requests.seen'}" in done.stderr
    assert index.read_text() == "garbage{"  # nothing discarded behind the user's back

    state.write_bytes(b"not a database at all" * 100)
    done = crawl("-a", f"state={state}", "-O", str(tmp_path / "out.jsonl"))
    assert done.returncode == EXIT_REFUSED
    assert last_line(done) == (
        f"scrapy crawl: refused: the incremental state {state} cannot be read (file is not a "
        "database); restore it from a backup, or move it away to start a new state (which "
        "emits every article again)"
    )


def test_a_saved_request_queue_is_checked_record_by_record(tmp_path):
    from queuelib.queue import LifoDiskQueue

    from crawler.runtime.resume import lifo_queue_problem

    path = tmp_path / "0"
    queue = LifoDiskQueue(path)
    for record in (b"first request", b"second"):
        queue.push(record)
    queue.close()
    assert lifo_queue_problem(path) is None
    whole = path.read_bytes()
    path.write_bytes(whole[:-1])  # a length cut short
    assert lifo_queue_problem(path) == "a request's length points outside the file"
    path.write_bytes(whole[:4] + b"x" + whole[4:])
    assert lifo_queue_problem(path) == "1 bytes more than its 2 requests"
    path.write_bytes(whole[:2])
    assert lifo_queue_problem(path) == "shorter than its header"


def test_a_spider_or_extension_error_makes_the_exit_status_1(mirror_server, tmp_path):
    serve_mirror(mirror_server, FIXTURES / "aawsat" / "site")
    report = tmp_path / "report.json"
    extensions = {
        "crawler.runtime.exit_status.ExitStatus": 0,
        "crawler.reporting.run_report.RunReport": 500,
        "tests.broken_components.FailsOnClose": 900,
    }
    done = crawl(
        "-a",
        f"url={ARTICLE}",
        "-O",
        str(tmp_path / "out.jsonl"),
        "-s",
        f"ARCHIVE_REPORT_FILE={report}",
        "-s",
        f"EXTENSIONS={json.dumps(extensions)}",
        "-s",
        'SPIDER_MIDDLEWARES={"tests.broken_components.FailsOnEveryPage": 10}',
        base_url=mirror_server.url_for("/"),
    )
    assert done.returncode == EXIT_FAILED
    assert "The crawl lost data or could not write it (extension_error: 1, spider_error: 1)" in (
        done.stderr
    )
