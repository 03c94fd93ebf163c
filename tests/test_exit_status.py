"""What ``scrapy crawl`` tells its caller: exit status 0 only when nothing was lost, one
clear line (no traceback) for bad arguments (2) and a refused start (3), the output left
alone until the crawl really starts, and every bad line of a URL list reported.

Disk full is in ``tests/test_resume.py`` (it resumes); each crawl here is a subprocess.
"""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from crawler.capture.mirror import crawl_command
from crawler.cli.scrapy_commands.crawl import NEEDS_REACTOR
from crawler.reporting import stats_keys
from crawler.runtime.exit_status import EXIT_FAILED, EXIT_OK, EXIT_REFUSED, EXIT_USAGE
from crawler.runtime.incremental import ArticleState
from crawler.runtime.locks import FileLock
from qa import crawl_launcher
from qa.fixtures import FIXTURES
from tests.conftest import serve_mirror

UNUSED_SERVER = "http://127.0.0.1:9/"
"""Where crawls that must not start point: nothing listens there."""
ARTICLE = "https://eng-archive.aawsat.com/diana-moukalled/opinion/live-from-lebanon/"


def crawl_command_for(*args: str, spider: str = "aawsat", base_url: str = UNUSED_SERVER):
    return crawl_command(spider, base_url, ["-s", "ARCHIVE_COVERAGE_DIR=", *args])


def crawl(*args: str, spider: str = "aawsat", base_url: str = UNUSED_SERVER):
    return crawl_launcher.run(
        crawl_command_for(*args, spider=spider, base_url=base_url), FIXTURES.parent, timeout=120
    )


def last_line(done: subprocess.CompletedProcess[str]) -> str:
    return done.stderr.strip().splitlines()[-1]


@dataclass(frozen=True)
class Refusal:
    """A crawl that must stop before fetching anything, and what it was given."""

    done: subprocess.CompletedProcess[str]
    folder: Path


KEPT = '{"kept": true}\n'
"""What an existing -O output holds before a crawl that must not start."""
STORY = "https://eng-archive.aawsat.com/theaawsat/news-middle-east/a-story/"
"""An article an incremental state store knows."""


def _prepare_refusals(root: Path) -> dict[str, list[str]]:
    """Each case's folder under ``root`` and its crawl arguments (the folder is set up)."""
    cases: dict[str, list[str]] = {}
    names = (
        "missing_list",
        "table_without_urls",
        "bad_site",
        "reactorless",
        "unwritable",
        "jobdir",
        "output",
        "misspelt",
        "junk_list",
        "no_spider",
        "bad_setting",
        "base_url_path",
        "url_and_urls",
        "site_url",
        "foreign_csv",
        "other_job",
        "folder_list",
        "overwritten_job",
        "json_append",
        "state_replaced",
        "jobdir_uncreatable",
    )
    for name in (*names, "queue", "state"):
        (root / name).mkdir()
    kept = ("missing_list", "table_without_urls", "bad_site", "reactorless", "state")
    typos = ("misspelt", "junk_list", "no_spider", "bad_setting", "base_url_path")
    for name in (*kept, *typos, "url_and_urls", "site_url", "folder_list"):
        (root / name / "prev.jsonl").write_text(KEPT)
    for name in ("no_spider", "bad_setting", "url_and_urls", "site_url"):
        cases[name] = ["-O", str(root / name / "prev.jsonl")]
    cases["bad_setting"] += ["-s", "DOWNLOAD_DELAY=abc"]
    cases["url_and_urls"] += ["-a", f"url={ARTICLE}", "-a", f"urls={root / 'junk_list/urls.txt'}"]
    cases["site_url"] += ["-a", "site_url=levantreview.example"]
    # Rows were appended under another table's header, and the file read as no table.
    (root / "foreign_csv/people.csv").write_text("name,age\nAnn,3\n")
    cases["foreign_csv"] = ["-o", str(root / "foreign_csv/people.csv")]
    # A folder where the list should be was "no such file".
    cases["folder_list"] = [
        "-a",
        f"urls={root / 'folder_list'}",
        "-O",
        str(root / "folder_list/prev.jsonl"),
    ]
    # Another spider's job resumed: its records were mixed into the output, other ids.
    (root / "other_job/job").mkdir()
    (root / "other_job/job/crawl-job.json").write_text(
        '{"base_url": "http://127.0.0.1:9/", "discovery": "full", "source": "site", '
        '"spider": "archive"}\n'
    )
    cases["other_job"] = [
        "-o",
        str(root / "other_job/out.jsonl"),
        "-s",
        f"JOBDIR={root / 'other_job/job'}",
    ]
    # A job's run resumed with -O: the records it wrote were thrown away, exit 0.
    (root / "overwritten_job/job").mkdir()
    (root / "overwritten_job/job/requests.seen").write_text("0123abcd\n")
    (root / "overwritten_job/prev.jsonl").write_text(KEPT)
    cases["overwritten_job"] = [
        "-O",
        str(root / "overwritten_job/prev.jsonl"),
        "-s",
        f"JOBDIR={root / 'overwritten_job/job'}",
    ]
    # An incremental run's output replaced by the next: its articles in no file, for good.
    state = ArticleState(root / "state_replaced/state.sqlite")
    state.revise(STORY, STORY, "aawsat-1", "sha256:a", "2026-01-01T00:00:00Z")
    state.written(STORY)
    state.close()
    (root / "state_replaced/run1.jsonl").write_text(KEPT)
    cases["state_replaced"] = [
        "-a",
        f"state={root / 'state_replaced/state.sqlite'}",
        "-O",
        str(root / "state_replaced/run1.jsonl"),
    ]
    # A JOBDIR that cannot be made (under a file): a traceback, exit 1.
    (root / "jobdir_uncreatable/file").write_text("")
    cases["jobdir_uncreatable"] = [
        "-o",
        str(root / "jobdir_uncreatable/out.jsonl"),
        "-s",
        f"JOBDIR={root / 'jobdir_uncreatable/file/job'}",
    ]
    # A JSON array appended to: a second array after the first, no JSON reader read it.
    (root / "json_append/out.json").write_text('[\n{"title": "A story"}\n]')
    cases["json_append"] = ["-o", str(root / "json_append/out.json")]
    # Served under a path: its root was crawled instead, without a word.
    cases["base_url_path"] = [
        "-a",
        "base_url=http://127.0.0.1:9/mirror/",
        "-O",
        str(root / "base_url_path/prev.jsonl"),
    ]
    # A typo in an argument's name was ignored: the crawl ran without it, output replaced.
    cases["misspelt"] = ["-a", "sinc=2016-01-01", "-O", str(root / "misspelt/prev.jsonl")]
    (root / "junk_list/urls.txt").write_text("not a url\nhttps://[::1\n")
    cases["junk_list"] = [
        "-a",
        f"urls={root / 'junk_list/urls.txt'}",
        "-O",
        str(root / "junk_list/prev.jsonl"),
    ]
    cases["missing_list"] = [
        "-a",
        "urls=/no/such/list.txt",
        "-O",
        str(root / "missing_list/prev.jsonl"),
    ]
    (root / "table_without_urls/export.csv").write_text("title,date\nA story,2020-01-01\n")
    cases["table_without_urls"] = [
        "-a",
        f"urls={root / 'table_without_urls/export.csv'}",
        "-O",
        str(root / "table_without_urls/prev.jsonl"),
    ]
    cases["bad_site"] = ["-a", "site=nope", "-O", str(root / "bad_site/prev.jsonl")]
    cases["reactorless"] = [
        "-s",
        "TWISTED_REACTOR_ENABLED=False",
        "-O",
        str(root / "reactorless/prev.jsonl"),
    ]
    (root / "unwritable/file").write_text("")
    cases["unwritable"] = ["-O", str(root / "unwritable/file/out.jsonl")]
    for name in ("jobdir", "output"):
        cases[name] = ["-o", str(root / name / "out.jsonl"), "-s", f"JOBDIR={root / name / 'job'}"]
    (root / "queue/job/requests.queue").mkdir(parents=True)
    (root / "queue/job/requests.queue/active.json").write_text("garbage{")
    cases["queue"] = ["-o", str(root / "queue/out.jsonl"), "-s", f"JOBDIR={root / 'queue/job'}"]
    (root / "state/state.sqlite").write_bytes(b"not a database at all" * 100)
    cases["state"] = [
        "-a",
        f"state={root / 'state/state.sqlite'}",
        "-O",
        str(root / "state/prev.jsonl"),
    ]
    return cases


@pytest.fixture(scope="module")
def refusals(tmp_path_factory) -> dict[str, Refusal]:
    """Every crawl here that must stop before its first request, run side by side: each
    is mostly Scrapy's start-up, so on two cores they take half the time one by one would."""
    root = tmp_path_factory.mktemp("refusals")
    cases = _prepare_refusals(root)
    # As running crawls would: hold the JOBDIR of one case and the output of another.
    held = [
        FileLock.acquire(root / "jobdir/job/crawl.lock", "busy", "wait"),
        FileLock.acquire(root / "output/out.jsonl", "busy", "wait", note_pid=False),
    ]
    spiders = {"bad_site": "archive", "no_spider": "nosuch", "site_url": "archive"}
    running = {
        name: subprocess.Popen(
            crawl_command_for(*args, spider=spiders.get(name, "aawsat")),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=FIXTURES.parent,
        )
        for name, args in cases.items()
    }
    results = {}
    for name, process in running.items():
        out, err = process.communicate(timeout=180)
        done = subprocess.CompletedProcess(process.args, process.returncode, out, err)
        results[name] = Refusal(done, root / name)
    for lock in held:
        lock.release()
    return results


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("missing_list", "-a urls=/no/such/list.txt: no such file"),
        ("folder_list", "-a urls={folder}: a folder, not a file of URLs"),
        (
            "table_without_urls",
            "-a urls={folder}/export.csv: a table with no column of URLs (url or link or href"
            " or article_url or uri); its columns: ['title', 'date']",
        ),
        ("bad_site", "unknown site profile 'nope'; known profiles: aawsat"),
        ("reactorless", NEEDS_REACTOR),
        (
            "misspelt",
            "-a sinc=: scrapy crawl aawsat has no such argument (its arguments: base_url, "
            "discovery, recheck, since, source, state, unsure, until, url, urls)",
        ),
        (
            "junk_list",
            "-a urls={folder}/urls.txt: no valid URL in it (2 bad lines; line 1: not an "
            "http(s) URL: 'not a url')",
        ),
        ("no_spider", "no spider 'nosuch'; the spiders: aawsat, archive"),
        ("bad_setting", "a -s setting's value: could not convert string to float: 'abc'"),
        (
            "base_url_path",
            "-a base_url=http://127.0.0.1:9/mirror/: a site is crawled from its root; serve "
            "the copy at the root of a host (http://127.0.0.1:9/)",
        ),
        ("url_and_urls", "-a url= and -a urls= together: give one URL or one list"),
        (
            "site_url",
            "-a site_url: not an http(s) URL: 'levantreview.example'; e.g. "
            "https://www.example.org/",
        ),
    ],
)
def test_a_bad_argument_is_one_line_and_exit_2_and_leaves_the_output_alone(refusals, case, message):
    done, folder = refusals[case].done, refusals[case].folder
    assert done.returncode == EXIT_USAGE
    assert last_line(done) == f"scrapy crawl: error: {message.format(folder=folder)}"
    assert "Traceback" not in done.stderr
    assert "never retrieved" not in done.stderr
    assert (folder / "prev.jsonl").read_text() == KEPT  # -O did not empty it


def test_a_site_that_never_answers_is_exit_1_and_leaves_the_output_alone(tmp_path):
    """A typo in the site's port, a server down: the crawl exited 0, and -O emptied the
    last crawl's output at its end."""
    previous = tmp_path / "prev.jsonl"
    previous.write_text(KEPT)
    done = crawl("-s", "RETRY_TIMES=0", "-s", "ARCHIVE_LATE_RETRY_DELAY=0", "-O", str(previous))
    assert done.returncode == EXIT_FAILED, done.stderr[-3000:]
    assert "site_unreachable: 1" in done.stderr
    assert "Cannot reach 127.0.0.1:9" in done.stderr
    assert previous.read_text() == KEPT


def test_an_unwritable_output_is_refused_before_the_first_request(refusals):
    done, folder = refusals["unwritable"].done, refusals["unwritable"].folder
    assert done.returncode == EXIT_REFUSED
    assert last_line(done).startswith(f"scrapy crawl: refused: cannot write {folder / 'file'}")
    assert "downloader/request_count" not in done.stderr
    assert "Traceback" not in done.stderr


def test_csv_rows_are_not_appended_under_another_table_s_header(refusals):
    done, folder = refusals["foreign_csv"].done, refusals["foreign_csv"].folder
    assert done.returncode == EXIT_REFUSED
    assert last_line(done) == (
        f"scrapy crawl: refused: the output {folder / 'people.csv'} has another table's header "
        "('name,age'), not this crawl's columns: append to a CSV file a crawl wrote, or write "
        "this one elsewhere"
    )
    assert (folder / "people.csv").read_text() == "name,age\nAnn,3\n"


def test_a_jobdir_s_run_is_not_resumed_into_an_emptied_output(refusals):
    """``-O`` with a ``JOBDIR`` that holds a run: resumed, the job fetched what the last run
    left, and -O threw away what it wrote (135 of 300 after a Ctrl-C; all, once finished)."""
    done, folder = refusals["overwritten_job"].done, refusals["overwritten_job"].folder
    assert done.returncode == EXIT_REFUSED
    job, output = folder / "job", folder / "prev.jsonl"
    assert last_line(done) == (
        f"scrapy crawl: refused: JOBDIR {job} holds a run of this job, whose records -O "
        f"{output} would empty: resume it with -o {output}, or remove {job} to start the job over"
    )
    assert output.read_text() == KEPT


def test_an_incremental_run_does_not_replace_the_records_of_the_run_before(refusals):
    """The README's incremental command run again: -O emptied the first run's records,
    which the state store counts as emitted and no later run emits again (32 of 32 lost,
    "Coverage 100%", exit 0)."""
    done, folder = refusals["state_replaced"].done, refusals["state_replaced"].folder
    assert done.returncode == EXIT_REFUSED
    assert last_line(done) == (
        f"scrapy crawl: refused: -O {folder / 'run1.jsonl'} would empty the records of an "
        f"earlier run, which the incremental state {folder / 'state.sqlite'} counts as emitted "
        "and this run would not emit again: write this run to a new file, or append to it "
        "with -o"
    )
    assert (folder / "run1.jsonl").read_text() == KEPT


def test_a_jobdir_that_cannot_be_made_is_one_line_and_exit_3(refusals):
    done, folder = refusals["jobdir_uncreatable"].done, refusals["jobdir_uncreatable"].folder
    assert done.returncode == EXIT_REFUSED
    assert last_line(done) == (
        f"scrapy crawl: refused: cannot create JOBDIR {folder / 'file/job'} (Not a directory): "
        "give the crawl a folder it can write"
    )
    assert "Traceback" not in done.stderr


def test_a_json_array_is_not_appended_to(refusals):
    done, folder = refusals["json_append"].done, refusals["json_append"].folder
    assert done.returncode == EXIT_REFUSED
    assert last_line(done) == (
        f"scrapy crawl: refused: the output {folder / 'out.json'} is one JSON document, which -o "
        "cannot append to: write JSON Lines (-o FILE.jsonl), which appends, or -O to replace it"
    )
    assert (folder / "out.json").read_text() == '[\n{"title": "A story"}\n]'


def test_a_jobdir_is_resumed_only_by_its_own_job(refusals):
    done, folder = refusals["other_job"].done, refusals["other_job"].folder
    assert done.returncode == EXIT_REFUSED
    assert last_line(done) == (
        f"scrapy crawl: refused: JOBDIR {folder / 'job'} holds another crawl's job (scrapy crawl "
        "archive -a base_url=http://127.0.0.1:9/ -a discovery=full -a source=site), not this "
        "one (scrapy crawl aawsat -a base_url=http://127.0.0.1:9/ -a discovery=full -a "
        "source=site): resume it with its own command, or give this crawl another JOBDIR"
    )
    assert not (folder / "out.jsonl").exists() or (folder / "out.jsonl").read_text() == ""


def test_a_second_crawl_on_the_same_jobdir_or_output_is_refused(refusals):
    done, folder = refusals["jobdir"].done, refusals["jobdir"].folder
    assert done.returncode == EXIT_REFUSED
    assert last_line(done) == (
        f"scrapy crawl: refused: JOBDIR {folder / 'job'} is in use by another crawl (pid "
        f"{os.getpid()}); wait for it to finish, or give this one another JOBDIR"
    )
    assert not (folder / "job" / "crawl-running").exists()  # the first crawl's state untouched
    done, folder = refusals["output"].done, refusals["output"].folder
    assert done.returncode == EXIT_REFUSED
    assert last_line(done) == (
        f"scrapy crawl: refused: the output {folder / 'out.jsonl'} is being written by another "
        "crawl; wait for it to finish, or write this crawl elsewhere"
    )


def test_a_corrupt_jobdir_queue_or_state_file_is_named_with_how_to_recover(refusals):
    done, jobdir = refusals["queue"].done, refusals["queue"].folder / "job"
    index = jobdir / "requests.queue" / "active.json"
    assert done.returncode == EXIT_REFUSED
    assert last_line(done).startswith(f"scrapy crawl: refused: JOBDIR {jobdir}: {index} is corrupt")
    assert f"or delete {jobdir / 'requests.queue'} and {jobdir / 'requests.seen'}" in done.stderr
    assert index.read_text() == "garbage{"  # nothing discarded behind the user's back
    done, folder = refusals["state"].done, refusals["state"].folder
    assert done.returncode == EXIT_REFUSED
    assert last_line(done) == (
        f"scrapy crawl: refused: the incremental state {folder / 'state.sqlite'} cannot be "
        "read (file is not a database); restore it from a backup, or move it away to start "
        "a new state (which emits every article again)"
    )
    assert (folder / "prev.jsonl").read_text() == KEPT


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
    assert json.loads(report.read_text())["stats"][stats_keys.URL_LIST_INVALID] == 14
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
    assert (
        "The crawl lost data or could not write it (extension_error/RuntimeError: 1, spider_error: 1)"
        in (done.stderr)
    )
