"""A small HTTP client with cookies and Django's CSRF, for tests that need no browser."""

from __future__ import annotations

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Answer:
    status: int
    url: str
    location: str
    text: str


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


class Visitor:
    """One person's cookie jar against one server; redirects are returned, not followed."""

    def __init__(self, base: str):
        self.base = base.rstrip("/")
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect())

    def request(self, path: str, data: dict[str, str] | None = None) -> Answer:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body,
                                         headers={"Accept-Language": "en"})
        try:
            response = self.opener.open(request, timeout=15)
        except urllib.error.HTTPError as error:
            response = error
        with response:
            return Answer(status=response.status, url=path,
                          location=response.headers.get("Location", ""),
                          text=response.read().decode("utf-8", "replace"))

    def get(self, path: str) -> Answer:
        return self.request(path)

    def submit(self, path: str, fields: dict[str, str]) -> Answer:
        """GET the form at `path` for its CSRF token, then POST `fields` to it."""
        page = self.get(path)
        match = CSRF_INPUT.search(page.text)
        assert page.status == 200 and match, f"no form at {path}: {page.status}"
        return self.request(path, {"csrfmiddlewaretoken": match.group(1), **fields})

    def cookie(self, name: str) -> str:
        return next((c.value or "" for c in self.jar if c.name == name), "")
