"""A mirror served on loopback with a site-wide fault: every request may be answered by the
fault instead of the mirror (an outage, a rate limit). Used by ``qa.outage`` and
``qa.rate_limit``; the per-path faults of the tests are ``tests/fault_server.py``."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from crawler.capture.mirror import LoopbackServer, Mirror

Answer = tuple[int, dict[str, str], bytes]
SiteFault = Callable[[float], Answer | None]
"""Given the seconds since the site's first request, the answer to give instead of the
mirror's, or None. Called under a lock, one request at a time."""


@contextmanager
def served_with(root: Path, fault: SiteFault) -> Iterator[str]:
    """``root`` served on 127.0.0.1 with ``fault``; yields the base URL."""
    mirror = Mirror(root)
    first: list[float] = []
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            with lock:
                now = time.monotonic()
                first[:] = first or [now]
                answer = fault(now - first[0])
            if answer is None:
                served = mirror.respond(self.path, self.headers)  # type: ignore[arg-type]
                answer = (served.status, served.headers, served.body)
            status, headers, body = answer
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = LoopbackServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()
