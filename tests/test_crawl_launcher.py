"""The crawl launcher (``qa/crawl_launcher.py``): a command forked from it gives what the
same command gives as a plain subprocess (output, exit status, working folder,
environment and ``PYTHONPATH``), so the suite's crawls can start from it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from qa import crawl_launcher
from qa.crawl_launcher import CRAWL_LAUNCHER_ENV, python_path_entries
from qa.fixtures import FIXTURES


def both_ways(
    monkeypatch: pytest.MonkeyPatch, command: list[str], cwd: Path, env: dict[str, str] | None
) -> tuple[subprocess.CompletedProcess[str], subprocess.CompletedProcess[str]]:
    """The command through the launcher, then as a plain subprocess."""
    assert crawl_launcher.launchable(command)
    launched = crawl_launcher.run(command, cwd, timeout=120, env=env)
    with monkeypatch.context() as without:
        without.delenv(CRAWL_LAUNCHER_ENV)
        plain = crawl_launcher.run(command, cwd, timeout=120, env=env)
    return launched, plain


@pytest.mark.parametrize("in_project", [True, False], ids=["project", "elsewhere"])
def test_a_launched_command_reads_its_own_working_folder(monkeypatch, tmp_path, in_project):
    command = [sys.executable, "-m", "scrapy", "settings", "--get", "BOT_NAME"]
    cwd = FIXTURES.parent if in_project else tmp_path
    # Without it the folder's scrapy.cfg decides (an in-process get_project_settings()
    # of another test sets it in this process's environment).
    env = {name: value for name, value in os.environ.items() if name != "SCRAPY_SETTINGS_MODULE"}
    launched, plain = both_ways(monkeypatch, command, cwd, env)
    assert (launched.returncode, launched.stdout) == (plain.returncode, plain.stdout)
    assert launched.stdout.strip() == ("news_archive_crawler" if in_project else "scrapybot")


def test_a_launched_command_gets_the_environment_and_pythonpath_it_is_given(monkeypatch, tmp_path):
    folder = tmp_path / "modules"
    folder.mkdir()
    (folder / "launcher_probe_settings.py").write_text('BOT_NAME = "probe-bot"\n')
    env = {
        **os.environ,
        "PYTHONPATH": str(folder),
        "SCRAPY_SETTINGS_MODULE": "launcher_probe_settings",
    }
    command = [sys.executable, "-m", "scrapy", "settings", "--get", "BOT_NAME"]
    launched, plain = both_ways(monkeypatch, command, tmp_path, env)
    assert launched.stdout == plain.stdout == "probe-bot\n"


def test_a_failing_command_has_the_same_exit_status_and_error(monkeypatch):
    command = [sys.executable, "-m", "scrapy", "crawl", "no-such-spider"]
    launched, plain = both_ways(monkeypatch, command, FIXTURES.parent, None)
    assert launched.returncode == plain.returncode != 0
    assert "error: no spider 'no-such-spider'" in launched.stderr
    assert "error: no spider 'no-such-spider'" in plain.stderr


def test_a_command_over_its_timeout_is_killed_and_raises():
    command = [sys.executable, "-m", "http.server", "0", "--bind", "127.0.0.1"]
    with pytest.raises(subprocess.TimeoutExpired):
        crawl_launcher.run(command, FIXTURES.parent, timeout=2)


def test_pythonpath_entries_are_absolute_folders_as_the_interpreter_adds_them():
    assert python_path_entries("/a::b") == ["/a", str(Path("b").absolute())]
    assert python_path_entries("") == []


def test_a_started_command_is_polled_signalled_and_waited_for_as_a_popen(monkeypatch, tmp_path):
    command = [sys.executable, "-m", "http.server", "0", "--bind", "127.0.0.1"]
    codes = []
    for launched in (True, False):
        with monkeypatch.context() as context:
            if not launched:
                context.delenv(CRAWL_LAUNCHER_ENV)
            with (tmp_path / f"log-{launched}").open("wb") as log:
                process = crawl_launcher.start(command, tmp_path, stdout=log, stderr=log)
            assert isinstance(process, crawl_launcher.LaunchedProcess) == launched
            assert process.poll() is None
            with pytest.raises(subprocess.TimeoutExpired):
                process.wait(timeout=0.2)
            process.send_signal(signal.SIGKILL)
            codes.append(process.wait(timeout=30))
            assert process.poll() == process.returncode
    assert codes == [-signal.SIGKILL, -signal.SIGKILL]
