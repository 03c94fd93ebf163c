"""``python -m scrapy crawl`` (and other ``python -m``) processes forked from one that has
already imported Scrapy.

The test suite runs each whole crawl as its own process, since Twisted's reactor starts
once per process. About half of a fixture crawl's CPU was Python importing Scrapy,
Twisted, lxml and the rest before the crawl began (about 1 s of a 2.5 s crawl, on
each of the suite's ~190 processes). The launcher imports them once, then forks one
process per crawl: each is still a fresh ``scrapy crawl`` of its own (its own reactor,
settings, project modules imported afresh, its own exit status, stdout and stderr),
started in what would be its first second.

Only third-party modules are imported ahead (:data:`PRELOADED`, and the components
Scrapy's default settings name): the project's own modules are imported by each crawl,
as they would be by ``python -m scrapy``, so no state of theirs is shared.

Run as ``python -m qa.crawl_launcher SOCKET``: it listens on the Unix socket ``SOCKET``
and exits when its standard input closes (the test process that started it ended).
``tests/conftest.py`` starts one launcher for each test process and names it in
:data:`CRAWL_LAUNCHER_ENV`. :func:`start` (for ``subprocess.Popen``) and :func:`run`
(for ``subprocess.run``) ask it for one command, handing it the descriptors of the
command's stdout and stderr; without a launcher they start a plain subprocess.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import runpy
import select
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import IO, Any

CRAWL_LAUNCHER_ENV = "ARCHIVE_TEST_CRAWL_LAUNCHER"
"""The environment variable that holds the socket of this test process's launcher."""

PRELOADED = (
    "scrapy.cmdline",
    "scrapy.crawler",
    "scrapy.commands.crawl",
    "scrapy.core.engine",
    "scrapy.core.scheduler",
    "scrapy.exporters",
    "scrapy.loader",
    "scrapy.spiders",
    "scrapy.spiders.sitemap",
    "twisted.internet.asyncioreactor",
    "concurrent.futures.process",
    "multiprocessing.forkserver",
    "sqlite3",
    "lxml.html",
    "parsel",
    "itemloaders",
    "dateutil.parser",
    "fastjsonschema",
    "jsonschema",
    "warcio",
    "trafilatura",
)
"""Third-party modules a crawl imports: importing them is most of a crawl's start."""

DEFAULT_COMPONENTS = (
    "DOWNLOADER_MIDDLEWARES_BASE",
    "SPIDER_MIDDLEWARES_BASE",
    "EXTENSIONS_BASE",
    "DOWNLOAD_HANDLERS_BASE",
    "FEED_EXPORTERS_BASE",
    "FEED_STORAGES_BASE",
)
"""Scrapy's default settings that name the components every crawl loads by name."""


def preload() -> None:
    """Import what a crawl would: :data:`PRELOADED` and Scrapy's default components. An
    optional one missing is left to the crawl, which imports it (or fails) as ever."""
    from scrapy.settings import default_settings
    from scrapy.utils.misc import load_object

    for name in PRELOADED:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    for setting in DEFAULT_COMPONENTS:
        components = getattr(default_settings, setting)  # class paths: keys, or values
        for path in [*components, *components.values()]:
            if isinstance(path, str) and "." in path:
                with contextlib.suppress(ImportError, NameError, ValueError):
                    load_object(path)
    # A crawl installs the asyncio reactor itself; an installed one would be the wrong one.
    if "twisted.internet.reactor" in sys.modules:
        raise RuntimeError("preloading installed a Twisted reactor")


def python_path_entries(value: str) -> list[str]:
    """``PYTHONPATH``'s folders, as the interpreter puts them on ``sys.path``."""
    # abspath, not Path.resolve(): site.py keeps a symlinked folder's own name.
    return [os.path.abspath(entry) for entry in value.split(os.pathsep) if entry]  # noqa: PTH100


def serve(socket_path: str) -> None:
    """Accept crawl requests on ``socket_path`` until standard input closes."""
    own = set(python_path_entries(os.environ.get("PYTHONPATH", "")))
    interpreter_path = [entry for entry in sys.path[1:] if entry not in own]
    preload()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the handlers are reaped as they end
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(socket_path)
    listener.listen(16)
    while True:
        ready, _, _ = select.select([listener, sys.stdin], [], [])
        if sys.stdin in ready and not os.read(sys.stdin.fileno(), 1024):
            return
        if listener in ready:
            connection, _ = listener.accept()
            if os.fork() == 0:
                listener.close()
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                handle(connection, interpreter_path)
            connection.close()


def handle(connection: socket.socket, interpreter_path: list[str]) -> None:
    """One request, in a process of its own: fork the crawl, send its pid, wait for it
    and send its exit status. Returns only in the crawl's process."""
    _, outputs, _, _ = socket.recv_fds(connection, 1, 2)  # the crawl's stdout and stderr
    with connection.makefile("rb") as lines:
        request = json.loads(lines.readline())
    crawl = os.fork()
    if crawl == 0:
        connection.close()
        become_crawl(request, outputs, interpreter_path)
        return
    try:
        for output in outputs:
            os.close(output)
        connection.sendall(f"{crawl}\n".encode())
        _, status = os.waitpid(crawl, 0)
        connection.sendall(f"{os.waitstatus_to_exitcode(status)}\n".encode())
    finally:
        os._exit(0)


def become_crawl(request: dict[str, Any], outputs: list[int], interpreter_path: list[str]) -> None:
    """Turn this process into ``python -m <module> <args>`` run in ``cwd`` with ``env``, its
    stdout and stderr the two ``outputs``; leaves by ``SystemExit`` with the crawl's exit
    status. ``interpreter_path``: ``sys.path`` but for ``python -m``'s folder and
    ``PYTHONPATH``'s."""
    stdin = os.open(os.devnull, os.O_RDONLY)
    os.dup2(stdin, 0)
    for fd, output in zip((1, 2), outputs, strict=True):
        os.dup2(output, fd)
        os.close(output)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    python_path = python_path_entries(request["env"].get("PYTHONPATH", ""))
    sys.path[:] = [request["cwd"], *python_path, *interpreter_path]
    sys.argv = [request["module"], *request["args"]]  # run_module sets argv[0] to its file
    runpy.run_module(request["module"], run_name="__main__", alter_sys=True)
    raise SystemExit(0)


def launchable(command: list[str]) -> bool:
    """Whether ``command`` is ``python -m MODULE ...`` with this interpreter."""
    return len(command) >= 3 and command[:2] == [sys.executable, "-m"]


Output = IO[Any] | int | None
"""Where a command's stdout or stderr goes, as for ``subprocess.Popen``: a file,
``subprocess.DEVNULL``, or None (this process's own)."""


class LaunchedProcess:
    """The part of :class:`subprocess.Popen` the tests use (``pid``, ``poll``, ``wait``,
    ``send_signal``, ``kill``, ``returncode``), for a command the launcher forked: its
    exit status comes over the connection, its signals go to its pid."""

    def __init__(self, args: list[str], connection: socket.socket) -> None:
        self.args = args
        self._connection = connection
        self._received = b""
        self.returncode: int | None = None
        pid = self._line(None)
        assert pid is not None  # no timeout: a line, or RuntimeError
        self.pid = int(pid)

    def _line(self, timeout: float | None) -> bytes | None:
        """The next line the launcher sent; None if none came within ``timeout``."""
        while b"\n" not in self._received:
            ready, _, _ = select.select([self._connection], [], [], timeout)
            if not ready:
                return None
            chunk = self._connection.recv(64)
            if not chunk:
                raise RuntimeError(f"the crawl launcher went away running {self.args}")
            self._received += chunk
        line, self._received = self._received.split(b"\n", 1)
        return line

    def poll(self) -> int | None:
        self._finished(0)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None and not self._finished(timeout):
            raise subprocess.TimeoutExpired(self.args, timeout or 0)
        assert self.returncode is not None
        return self.returncode

    def _finished(self, timeout: float | None) -> bool:
        if self.returncode is None:
            line = self._line(timeout)
            if line is None:
                return False
            self.returncode = int(line)
            self._connection.close()
        return True

    def send_signal(self, signal_number: int) -> None:
        """As ``Popen.send_signal``: nothing once the command has ended (its status may not
        have come yet: then its pid is gone)."""
        if self.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal_number)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def __del__(self) -> None:
        self._connection.close()


Process = LaunchedProcess | subprocess.Popen[bytes]
"""What :func:`start` returns."""


def open_output(output: Output, default: int) -> int:
    """A file descriptor of ``output`` for the launcher to hand to the command (a copy)."""
    if output is None:
        return os.dup(default)
    if output == subprocess.DEVNULL:
        return os.open(os.devnull, os.O_WRONLY)
    assert not isinstance(output, int), "only files, DEVNULL or None"
    return os.dup(output.fileno())


def start(
    command: list[str],
    cwd: Path,
    stdout: Output = None,
    stderr: Output = None,
    env: dict[str, str] | None = None,
) -> Process:
    """``subprocess.Popen(command, cwd=cwd, stdout=stdout, stderr=stderr, env=env)``,
    forked by this test process's launcher when it has one and ``command`` is a
    ``python -m MODULE`` command (``scrapy``, ``crawler.replay``...)."""
    socket_path = os.environ.get(CRAWL_LAUNCHER_ENV)
    if not socket_path or not launchable(command):
        return subprocess.Popen(command, cwd=cwd, stdout=stdout, stderr=stderr, env=env)
    request = {
        "module": command[2],
        "args": command[3:],
        "cwd": str(Path(cwd).resolve()),
        "env": dict(os.environ if env is None else env),
    }
    outputs = [open_output(stdout, 1), open_output(stderr, 2)]
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        connection.connect(socket_path)
        socket.send_fds(connection, [b"F"], outputs)
        connection.sendall(json.dumps(request).encode() + b"\n")
    except OSError:
        connection.close()
        raise
    finally:
        for output in outputs:
            os.close(output)
    return LaunchedProcess(command, connection)


def run(
    command: list[str], cwd: Path, timeout: float, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True,
    timeout=timeout)``, through the launcher as :func:`start` is."""
    with tempfile.TemporaryFile() as stdout, tempfile.TemporaryFile() as stderr:
        process = start(command, cwd, stdout, stderr, env)
        try:
            returncode = process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            raise
        stdout.seek(0)
        stderr.seek(0)
        return subprocess.CompletedProcess(
            command, returncode, stdout.read().decode(), stderr.read().decode()
        )


if __name__ == "__main__":
    serve(sys.argv[1])
