"""A loopback server for the fault and resume tests: a mirror, served with faults.

Each path may carry a :data:`Fault`, a function that answers the request itself (a status,
a reset connection, a truncated body...) given how many times the path was requested; it
returns ``False`` to let the mirror answer normally. A per-response ``delay`` serves the
whole site slowly, so a test can kill a crawl half-way.
"""

from __future__ import annotations

import gzip
import socket
import struct
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit

from crawler.capture.mirror import LoopbackServer, Mirror

Fault = Callable[[BaseHTTPRequestHandler, int], bool]
"""``(handler, attempt)`` → ``True`` when the fault answered; ``attempt`` counts from 1."""


def send(
    handler: BaseHTTPRequestHandler,
    status: int,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
    content_length: int | None = None,
) -> None:
    handler.send_response(status)
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.send_header(
        "Content-Length", str(len(body) if content_length is None else content_length)
    )
    handler.end_headers()
    handler.wfile.write(body)


def status(code: int, times: int | None = None, headers: dict[str, str] | None = None) -> Fault:
    """Answer ``code`` for the first ``times`` requests (every request if ``None``)."""

    def fault(handler: BaseHTTPRequestHandler, attempt: int) -> bool:
        if times is not None and attempt > times:
            return False
        send(
            handler,
            code,
            b"<html><body>busy</body></html>",
            {"Content-Type": "text/html", **(headers or {})},
        )
        return True

    return fault


def slow(seconds: float, times: int | None = None) -> Fault:
    """Hold the first ``times`` answers back ``seconds`` (then answer normally)."""

    def fault(handler: BaseHTTPRequestHandler, attempt: int) -> bool:
        if times is None or attempt <= times:
            time.sleep(seconds)
        return False

    return fault


def reset(times: int | None = None) -> Fault:
    """Close the connection with a TCP reset instead of answering."""

    def fault(handler: BaseHTTPRequestHandler, attempt: int) -> bool:
        if times is not None and attempt > times:
            return False
        handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        handler.close_connection = True
        handler.connection.close()
        return True

    return fault


def truncated(body: bytes) -> Fault:
    """Promise ``len(body)`` bytes, send half of them, hang up."""

    def fault(handler: BaseHTTPRequestHandler, attempt: int) -> bool:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html; charset=UTF-8")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body[: len(body) // 2])
        handler.wfile.flush()
        handler.close_connection = True
        return True

    return fault


def closed_early(body: bytes, times: int | None = None) -> Fault:
    """Send ``body`` without a ``Content-Length``, cut at two thirds, and hang up: a body
    that ends with its connection (HTTP/1.0's way), cut where nothing can tell. The first
    ``times`` requests (every one if ``None``)."""

    def fault(handler: BaseHTTPRequestHandler, attempt: int) -> bool:
        if times is not None and attempt > times:
            return False
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html; charset=UTF-8")
        handler.send_header("Connection", "close")
        handler.end_headers()
        handler.wfile.write(body[: len(body) * 2 // 3])
        handler.wfile.flush()
        handler.close_connection = True
        return True

    return fault


def redirect(location: str) -> Fault:
    def fault(handler: BaseHTTPRequestHandler, attempt: int) -> bool:
        send(handler, 301, headers={"Location": location})
        return True

    return fault


def serve(body: bytes, headers: dict[str, str], code: int = 200) -> Fault:
    """Answer ``code`` (200) with this body and these headers."""

    def fault(handler: BaseHTTPRequestHandler, attempt: int) -> bool:
        send(handler, code, body, headers)
        return True

    return fault


def gzip_bomb(decompressed_size: int) -> Fault:
    """A small gzip body that expands to ``decompressed_size`` bytes."""
    compressed = gzip.compress(b"\0" * decompressed_size, compresslevel=9)
    return serve(compressed, {"Content-Type": "text/html", "Content-Encoding": "gzip"})


class ServedRequest(NamedTuple):
    at: float
    """``time.monotonic()`` when the request arrived."""
    host: str
    """The ``Host`` header: which name the crawler used for this server."""
    path: str


class FaultServer:
    """Serves ``root`` on 127.0.0.1 with ``faults`` by path, recording every request path."""

    def __init__(
        self, root: Path, faults: dict[str, Fault] | None = None, delay: float = 0.0
    ) -> None:
        self.mirror = Mirror(root)
        self.faults = dict(faults or {})
        self.delay = delay
        self.requests: list[ServedRequest] = []
        self.attempts: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._server = LoopbackServer(("127.0.0.1", 0), self._handler())

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}/"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                path = urlsplit(self.path).path
                with server._lock:
                    server.requests.append(
                        ServedRequest(time.monotonic(), self.headers.get("Host", ""), path)
                    )
                    server.attempts[path] += 1
                    attempt = server.attempts[path]
                if server.delay:
                    time.sleep(server.delay)
                fault = server.faults.get(path)
                if fault is not None and fault(self, attempt):
                    return
                served = server.mirror.respond(self.path, self.headers)  # type: ignore[arg-type]
                send(self, served.status, served.body, served.headers)

            def log_message(self, format: str, *args: object) -> None:
                pass  # the crawler logs every response already

        return Handler

    def paths(self) -> list[str]:
        return [request.path for request in self.requests]

    @contextmanager
    def running(self) -> Iterator[FaultServer]:
        thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self._server.shutdown()
            self._server.server_close()
