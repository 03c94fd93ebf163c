"""The mirror server (``python -m crawler.mirror serve``) answers a bad request with an
HTTP error, never by dropping the connection."""

from __future__ import annotations

import socket

import pytest

from crawler.capture.mirror import Mirror, start_server
from qa.fixtures import FIXTURES


@pytest.mark.parametrize("target", [b"/about-us/%00/", b"/about-us/\x00/"], ids=["escaped", "raw"])
def test_a_nul_byte_in_the_path_is_answered_400(target):
    server = start_server(Mirror(FIXTURES / "aawsat" / "site").respond)
    try:
        with socket.create_connection(("127.0.0.1", server.server_port), timeout=10) as client:
            client.sendall(b"GET " + target + b" HTTP/1.0\r\nHost: x\r\n\r\n")
            answer = client.makefile("rb").read()
    finally:
        server.shutdown()
        server.server_close()
    assert answer.split(b"\r\n", 1)[0] == b"HTTP/1.0 400 Bad Request"
