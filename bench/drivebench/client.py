"""HTTP clients of the drive benchmark (standard library only, a new connection per
operation), and a sampler of the server's memory."""

from __future__ import annotations

import base64
import contextlib
import http.client
import json
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from rtbench import procs

BLOCK = 1024 * 1024


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def basic(token: str) -> dict[str, str]:
    """WebDAV: any user name, a personal API token as the password."""
    return {"Authorization": "Basic " + base64.b64encode(f"bench:{token}".encode()).decode()}


def connect(port: int) -> http.client.HTTPConnection:
    return http.client.HTTPConnection("127.0.0.1", port, timeout=600, blocksize=BLOCK)


def call(port: int, method: str, path: str, headers: dict[str, str] | None = None,
         body: Any = None) -> tuple[int, dict[str, str], bytes]:
    """One request; the answer read whole (for small answers)."""
    conn = connect(port)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        answer = conn.getresponse()
        return answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read()
    finally:
        conn.close()


def json_call(port: int, method: str, path: str, headers: dict[str, str],
              payload: Any = None) -> Any:
    body = None if payload is None else json.dumps(payload).encode()
    status, _headers, data = call(port, method, path,
                                  {**headers, "Content-Type": "application/json"}, body)
    if not 200 <= status < 300:
        raise RuntimeError(f"{method} {path} answered {status}: {data[:500]!r}")
    return json.loads(data) if data else None


@dataclass
class Fetched:
    status: int
    size: int
    first_byte: float  # seconds from sending the request to the first body byte
    seconds: float


def fetch(port: int, path: str, headers: dict[str, str]) -> Fetched:
    """GET `path`, reading the body in 1 MiB chunks and discarding it."""
    buffer = memoryview(bytearray(BLOCK))
    began = time.perf_counter()
    conn = connect(port)
    try:
        conn.request("GET", path, headers=headers)
        answer = conn.getresponse()
        size, first = 0, 0.0
        while got := answer.readinto(buffer):
            if not size:
                first = time.perf_counter() - began
            size += got
        return Fetched(answer.status, size, first, time.perf_counter() - began)
    finally:
        conn.close()


class Slice:
    """`length` bytes of a file from `offset`, read as a request body."""

    def __init__(self, path: Path, offset: int, length: int):
        self.file: IO[bytes] = path.open("rb")
        self.file.seek(offset)
        self.left = length

    def read(self, n: int = -1) -> bytes:
        n = self.left if n < 0 else min(n, self.left)
        data = self.file.read(n)
        self.left -= len(data)
        return data

    def close(self) -> None:
        self.file.close()


def _send(port: int, method: str, path: str, headers: dict[str, str], body: Any) -> \
        tuple[int, dict[str, str], bytes]:
    try:
        return call(port, method, path, headers, body)
    finally:
        if hasattr(body, "close"):
            body.close()


def tus_upload(port: int, token: str, source: Path, chunk: int) -> str:
    """A tus 1.0.0 upload of `source` in PATCHes of `chunk` bytes; returns the upload id."""
    size = source.stat().st_size
    name = base64.b64encode(source.name.encode()).decode()
    tus = {**bearer(token), "Tus-Resumable": "1.0.0"}
    status, headers, data = call(port, "POST", "/api/v1/uploads/",
                                 {**tus, "Upload-Length": str(size),
                                  "Upload-Metadata": f"filename {name}"})
    if status != 201:
        raise RuntimeError(f"tus create answered {status}: {data[:300]!r}")
    location = headers["location"].split("://", 1)[-1]
    path = location[location.index("/"):]
    offset = 0
    while offset < size:
        length = min(chunk, size - offset)
        status, headers, data = _send(port, "PATCH", path, {
            **tus, "Content-Type": "application/offset+octet-stream",
            "Upload-Offset": str(offset), "Content-Length": str(length)},
            Slice(source, offset, length))
        if status != 204:
            raise RuntimeError(f"tus PATCH at {offset} answered {status}: {data[:300]!r}")
        offset = int(headers["upload-offset"])
    return path.rstrip("/").rsplit("/", 1)[-1]


def dav_put(port: int, token: str, dav_path: str, source: Path) -> int:
    size = source.stat().st_size
    status, _headers, data = _send(port, "PUT", dav_path, {
        **basic(token), "Content-Length": str(size),
        "Content-Type": "application/octet-stream"}, Slice(source, 0, size))
    if status not in (201, 204):
        raise RuntimeError(f"WebDAV PUT answered {status}: {data[:300]!r}")
    return status


def multipart_upload(port: int, token: str, folder_id: int, source: Path) -> Any:
    """POST /drive/nodes/<folder>/files with the file streamed in a multipart body."""
    boundary = "benchboundary" + os.urandom(8).hex()
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"filename=\"{source.name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()

    def parts() -> Iterator[bytes]:
        yield head
        with source.open("rb") as stream:
            while block := stream.read(BLOCK):
                yield block
        yield tail

    length = len(head) + source.stat().st_size + len(tail)
    status, _headers, data = call(port, "POST", f"/api/v1/drive/nodes/{folder_id}/files", {
        **bearer(token), "Content-Type": f"multipart/form-data; boundary={boundary}",
        "Content-Length": str(length)}, parts())
    if status != 201:
        raise RuntimeError(f"multipart upload answered {status}: {data[:300]!r}")
    return json.loads(data)


@dataclass
class Memory:
    """The server's resident memory (VmRSS), sampled every 50 ms while the block runs."""

    pid: int
    before_kib: int = 0
    peak_kib: int = 0
    samples: list[int] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)

    @contextlib.contextmanager
    def watch(self) -> Iterator[Memory]:
        self.before_kib = procs.rss_kib(self.pid)
        self._stop.clear()
        self.samples = []
        thread = threading.Thread(target=self._sample, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self._stop.set()
            thread.join()
            self.peak_kib = max([self.before_kib, *self.samples])

    def _sample(self) -> None:
        while not self._stop.wait(0.05):
            self.samples.append(procs.rss_kib(self.pid))

    def text(self) -> str:
        return f"{self.before_kib / 1024:.0f} → peak {self.peak_kib / 1024:.0f} MiB"
