"""Serve a folder with nginx on a free loopback port, for as long as a ``with`` block runs.

nginx runs in the foreground (``daemon off``) from a generated config in a temporary
folder, one worker (the crawler has the other core), no access log, sendfile. A page at
``/a/b/`` is ``a/b/index.html``, as in a mirror folder. Needs the ``nginx`` binary
(Debian: ``apt-get install nginx-light``).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.synthetic import posts_list_headers

CONFIG = """\
daemon off;
master_process on;
worker_processes 1;
{user}
pid {work}/nginx.pid;
error_log {work}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    types {{ text/html html; application/xml xml; text/plain txt; }}
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    # Open files cached: far below the worker's open-file limit (often 20,000), which a
    # fast crawl of a 50,000-article archive otherwise exhausts within the 60 s (HTTP 500).
    open_file_cache max=4096 inactive=60s;
    client_body_temp_path {work}/body;
    proxy_temp_path {work}/proxy;
    fastcgi_temp_path {work}/fastcgi;
    uwsgi_temp_path {work}/uwsgi;
    scgi_temp_path {work}/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        index index.html;
        # WordPress's REST API, saved as a mirror saves a page with a query (bench/synthetic.py),
        # with the headers WordPress sends on each page of its posts list.
        location /wp-json/ {{
            default_type application/json;
            try_files "$uri?$args" =404;{api_headers}
        }}
    }}
}}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def nginx_binary() -> str:
    found = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(p).is_file()), None
    )
    if found is None:
        raise FileNotFoundError("nginx not found: apt-get install -y nginx-light")
    return found


@contextmanager
def serve(root: Path, timeout: float = 10.0) -> Iterator[str]:
    """Serve ``root``; yields the base URL (``http://127.0.0.1:PORT/``)."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="bench-nginx-") as work:
        config = Path(work) / "nginx.conf"
        # As root, nginx's workers would run as "nobody", who cannot read private temp folders.
        user = "user root;" if os.geteuid() == 0 else ""
        config.write_text(
            CONFIG.format(
                user=user,
                work=work,
                port=port,
                root=root.resolve(),
                api_headers="".join(
                    f'\n            add_header {name} "{value}";'
                    for name, value in posts_list_headers(root).items()
                ),
            )
        )
        process = subprocess.Popen(
            [nginx_binary(), "-c", str(config), "-p", work, "-e", f"{work}/error.log"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base_url = f"http://127.0.0.1:{port}/"
        try:
            _wait_until_up(base_url + "robots.txt", process, timeout, Path(work) / "error.log")
            yield base_url
        finally:
            process.terminate()  # SIGTERM: nginx's fast shutdown
            process.wait(timeout=timeout)


def _wait_until_up(url: str, process: subprocess.Popen, timeout: float, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"nginx exited ({process.returncode}): {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nginx did not answer {url} within {timeout} s")
