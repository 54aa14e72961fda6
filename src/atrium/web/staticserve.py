"""Serving /static/ straight from ASGI, before Django: no middleware, no thread hop.

Files are the collected ones (hashed names, immutable); a `.gz` neighbour is sent to
clients that accept gzip.
"""

from __future__ import annotations

import mimetypes
import os
import re
from pathlib import Path
from typing import Any

HASHED = re.compile(r"\.[0-9a-f]{12}\.\w+$")


class StaticFiles:
    def __init__(self, app: Any, root: Path, prefix: str = "/static/"):
        self.app = app
        self.root = root.resolve()
        self.prefix = prefix

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.prefix):
            await self.app(scope, receive, send)
            return
        await self.serve(scope, send)

    def _resolve(self, path: str) -> Path | None:
        relative = path[len(self.prefix):]
        if "\x00" in relative:
            return None
        candidate = (self.root / relative).resolve()
        if self.root not in candidate.parents or not candidate.is_file():
            return None
        return candidate

    async def serve(self, scope: dict, send: Any) -> None:
        target = self._resolve(scope["path"])
        if target is None or scope["method"] not in ("GET", "HEAD"):
            await self._answer(send, 404, [(b"content-type", b"text/plain")], b"Not found")
            return
        headers_in = dict(scope.get("headers", []))
        encoding = headers_in.get(b"accept-encoding", b"")
        mime = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if mime.startswith("text/") or mime in ("application/javascript", "image/svg+xml"):
            mime += "; charset=utf-8"
        body_path = target
        headers = [(b"content-type", mime.encode()), (b"x-content-type-options", b"nosniff"),
                   (b"vary", b"Accept-Encoding")]
        gz = Path(str(target) + ".gz")
        if b"gzip" in encoding and gz.is_file():
            body_path = gz
            headers.append((b"content-encoding", b"gzip"))
        cache = "public, max-age=31536000, immutable" if HASHED.search(target.name) \
            else "public, max-age=3600"
        headers.append((b"cache-control", cache.encode()))
        size = os.path.getsize(body_path)
        headers.append((b"content-length", str(size).encode()))
        body = b"" if scope["method"] == "HEAD" else body_path.read_bytes()
        await self._answer(send, 200, headers, body)

    @staticmethod
    async def _answer(send: Any, status: int, headers: list, body: bytes) -> None:
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
