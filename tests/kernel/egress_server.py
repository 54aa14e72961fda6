"""Local HTTP servers misbehaving on purpose, for the egress gate's live tests."""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

PAGE = (b"<html><head><title>Hello</title>"
        b'<meta property="og:title" content="OG title"></head><body>hi</body></html>')


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    other_port = 0  # set by the fixture: a server the gate must not reach
    seen: list[dict[str, str]] = []

    def log_message(self, *args: Any) -> None:  # quiet
        pass

    def send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None
             ) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if "Content-Length" not in (headers or {}):
            self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if body:
            self.wfile.write(body)

    def redirect(self, location: str) -> None:
        self.send(302, b"", {"Location": location})

    def do_GET(self) -> None:
        Handler.seen.append({k.lower(): v for k, v in self.headers.items()})
        path = self.path
        if path == "/ok":
            self.send(200, PAGE, {"Content-Type": "text/html; charset=utf-8"})
        elif path == "/relative":
            self.redirect("/ok")
        elif path == "/to-other-local":
            self.redirect(f"http://127.0.0.1:{self.other_port}/ok")
        elif path == "/to-localhost":
            self.redirect(f"http://localhost:{self.server.server_address[1]}/ok")
        elif path == "/to-metadata":
            self.redirect("http://169.254.169.254/latest/meta-data/")
        elif path == "/to-file":
            self.redirect("file:///etc/passwd")
        elif path == "/to-gopher":
            self.redirect("gopher://127.0.0.1:6379/_FLUSHALL")
        elif path == "/loop":
            self.redirect("/loop")
        elif path.startswith("/chain/"):
            left = int(path.rsplit("/", 1)[1])
            self.redirect(f"/chain/{left - 1}" if left > 0 else "/ok")
        elif path == "/slow":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Connection", "close")
            self.end_headers()
            self._drip(b"x" * 200)
        elif path == "/slow-headers":
            self._drip(b"HTTP/1.1 200 OK\r\nX-Filler: " + b"y" * 200)
        elif path == "/huge":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Connection", "close")
            self.end_headers()
            self._write_quietly(b"z" * 3_000_000)
        elif path == "/announced-huge":
            self.send_response(200)
            self.send_header("Content-Length", "50000000")
            self.send_header("Connection", "close")
            self.end_headers()
            self._write_quietly(b"z" * 1000)
        elif path == "/bomb":
            self.send(200, gzip.compress(b"\0" * 60_000_000, 9),
                      {"Content-Encoding": "gzip", "Content-Type": "text/html"})
        elif path == "/gzip":
            self.send(200, gzip.compress(PAGE), {"Content-Encoding": "gzip",
                                                  "Content-Type": "text/html"})
        elif path == "/brotli":
            self.send(200, b"....", {"Content-Encoding": "br"})
        elif path == "/cookie":
            self.send(200, b"ok", {"Set-Cookie": "session=abc"})
        else:
            self.send(404, b"not here")

    def _drip(self, data: bytes) -> None:
        for byte in data:
            try:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
            except OSError:
                return
            time.sleep(0.05)

    def _write_quietly(self, data: bytes) -> None:
        with suppress(OSError):
            self.wfile.write(data)


@contextmanager
def serving(handler: type[BaseHTTPRequestHandler] = Handler) -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
