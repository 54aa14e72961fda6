"""Answers remembered for the length of one HTTP request.

Some facts are asked many times while serving one request (is the chat module on for the
instance? which organisation is this?) and almost never change. `RequestMemoMiddleware` opens
a memo for each request; outside a request (websockets, tasks, the shell, tests calling actions
directly) nothing is remembered and every call asks the database, so no one reads a stale
answer. A write that changes such a fact calls `forget()`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

T = TypeVar("T")
_memo: ContextVar[dict[str, Any] | None] = ContextVar("atrium_request_memo", default=None)
_MISSING = object()


def remember(key: str, compute: Callable[[], T], *, keep_none: bool = True) -> T:
    memo = _memo.get()
    if memo is None:
        return compute()
    found = memo.get(key, _MISSING)
    if found is _MISSING:
        found = compute()
        if found is not None or keep_none:
            memo[key] = found
    return found


def forget() -> None:
    memo = _memo.get()
    if memo is not None:
        memo.clear()


@contextmanager
def request_memo() -> Iterator[None]:
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


class RequestMemoMiddleware:
    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        with request_memo():
            return self.get_response(request)
