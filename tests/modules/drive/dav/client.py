"""Raw WebDAV requests to the WSGI application in the test's thread (so the test database
and its transaction are shared), the way a WSGI server would pass them."""

from __future__ import annotations

import base64
import io
import sys
from dataclasses import dataclass, field
from xml.etree import ElementTree

from atrium.kernel.actions.tokens import do_create_token

DAV = "{DAV:}"


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def hrefs(self) -> list[str]:
        root = ElementTree.fromstring(self.body)
        return [href.text or "" for href in root.iter(f"{DAV}href")]

    def prop(self, name: str) -> list[str]:
        root = ElementTree.fromstring(self.body)
        return [element.text or "" for element in root.iter(f"{DAV}{name}")]


@dataclass
class DavClient:
    app: object
    tokens: dict[int, str] = field(default_factory=dict)

    def token(self, user) -> str:
        if user.pk not in self.tokens:
            self.tokens[user.pk] = do_create_token(user, "webdav")[1]
        return self.tokens[user.pk]

    def request(self, user, method: str, path: str, body: bytes = b"", *,
                password: str | None = None, address: str = "10.0.0.1",
                content_length: int | None = None, **headers: str) -> Answer:
        environ = {
            "REQUEST_METHOD": method, "SCRIPT_NAME": "",
            "PATH_INFO": path.encode("utf-8").decode("latin-1"), "QUERY_STRING": "",
            "SERVER_NAME": "testserver", "SERVER_PORT": "80", "HTTP_HOST": "testserver",
            "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": address,
            "wsgi.input": io.BytesIO(body), "wsgi.errors": sys.stderr,
            "wsgi.url_scheme": "http", "wsgi.version": (1, 0), "wsgi.multithread": True,
            "wsgi.multiprocess": False, "wsgi.run_once": False,
        }
        length = len(body) if content_length is None else content_length
        if (length or method == "PUT") and length >= 0:  # -1: no length (a chunked body)
            environ["CONTENT_LENGTH"] = str(length)
        secret = password if password is not None else (self.token(user) if user else None)
        if secret is not None:
            pair = f"{getattr(user, 'email', 'someone')}:{secret}".encode()
            environ["HTTP_AUTHORIZATION"] = "Basic " + base64.b64encode(pair).decode()
        for name, value in headers.items():
            environ["HTTP_" + name.upper()] = value
        seen: dict[str, object] = {}

        def start_response(status, response_headers, exc_info=None):
            seen["status"] = int(status.split(" ", 1)[0])
            seen["headers"] = {k.lower(): v for k, v in response_headers}

        result = self.app(environ, start_response)
        try:
            data = b"".join(result)
        finally:
            getattr(result, "close", lambda: None)()
        return Answer(int(seen["status"]), dict(seen["headers"]), data)  # type: ignore[arg-type]

    def propfind(self, user, path: str, depth: str = "1", **options) -> Answer:
        return self.request(user, "PROPFIND", path, depth=depth, **options)
