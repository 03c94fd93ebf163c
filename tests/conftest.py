"""Shared test fixtures: a loopback HTTP server (pytest-httpserver) serving a mirror."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from crawler.capture.mirror import Mirror


def serve_mirror(server: HTTPServer, root: Path) -> None:
    """Answer every path from the mirror folder, as `python -m crawler.mirror` would."""
    mirror = Mirror(root)

    def handler(request: Request) -> Response:
        served = mirror.respond(request.path)
        return Response(served.body, status=served.status, headers=list(served.headers.items()))

    server.expect_request(re.compile(r"^/.*")).respond_with_handler(handler)


@pytest.fixture(scope="module")
def mirror_server() -> Iterator[HTTPServer]:
    """A server of the module's own; tests call :func:`serve_mirror` on it."""
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    yield server
    server.clear()
    if server.is_running():
        server.stop()
