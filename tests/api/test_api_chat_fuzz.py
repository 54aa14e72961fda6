"""Garbage on every chat operation, with ids that exist, so it reaches the deepest code
(test_api_fuzz.py covers the same operations with ids that do not): never a 500, always a
JSON error. The caller is the space's admin, who manages and reads the channel and wrote the
message."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from django.core.cache import cache
from django.test import Client

from atrium.modules.chat.actions.webhooks import do_create_webhook
from tests.api.chat_fixtures import chat_api  # noqa: F401  (fixture)
from tests.api.test_api_fuzz import (
    BAD_BODIES,
    BAD_IDS,
    BAD_VALUES,
    OPERATIONS,
    _check,
    _fill,
    _properties,
)
from tests.modules.chat.factories import make_message

CHAT = [op for op in OPERATIONS if "/chat/" in op[1]]
BAD_QUERY = ["abc", "-1", "0", "99999999999999999999", "x" * 5000, "%00", "1e400", "",
             "2024-13-45T99:99", "true", "%F0%9F%98%80"]


@pytest.mark.parametrize("method,path,op", [pytest.param(*o, id=f"{o[0]} {o[1]}")
                                            for o in CHAT])
def test_chat_operation_survives_garbage(chat_api, method, path, op):
    """Garbage ids, query values and bodies on real objects: a JSON 4xx, never a 500."""
    chat = chat_api.chat
    admin = chat_api.world.space_admin
    message = make_message(admin, chat.public, "Target")
    webhook, _token = do_create_webhook(admin, chat.public, "CI")
    valid = {"space_id": str(chat.space.pk), "channel_id": str(chat.public.pk),
             "message_id": str(message.pk), "webhook_id": str(webhook.pk),
             "user_id": str(chat_api.world.member.pk), "emoji": quote("👍")}
    client = Client(HTTP_AUTHORIZATION=f"Bearer {chat_api.secret('space_admin')}")
    for name in [s.split("}")[0] for s in path.split("{")[1:]]:
        for bad in [*BAD_IDS, "x" * 300, "%2F", "%0A"]:
            _check(client.generic(method, _fill(path, {**valid, name: bad}, "1"), b"{}",
                                  content_type="application/json"))
    target = _fill(path, valid, "1")
    for parameter in [p["name"] for p in op.get("parameters", []) if p["in"] == "query"]:
        for bad in BAD_QUERY:
            _check(client.generic(method, f"{target}?{parameter}={bad}"))
    if "requestBody" not in op:
        return
    cache.clear()  # the posting allowance would answer 429 before the body is read
    for raw in BAD_BODIES:
        _check(client.generic(method, target, raw, content_type="application/json"))
    _check(client.generic(method, target, b"--x\r\n\r\n", content_type="multipart/form-data"))
    for name in _properties(op):
        cache.clear()
        for bad in BAD_VALUES:
            _check(client.generic(method, target, json.dumps({name: bad}),
                                  content_type="application/json"))


def test_the_fuzz_covers_every_chat_operation():
    """The parametrised fuzz above is only as good as its list: it must hold the chat API."""
    paths = {path for _method, path, _op in CHAT}
    assert len(CHAT) >= 30
    for expected in ("/api/v1/chat/channels/{channel_id}/messages",
                     "/api/v1/chat/messages/{message_id}", "/api/v1/chat/search",
                     "/api/v1/chat/channels/{channel_id}/webhooks"):
        assert expected in paths, expected
