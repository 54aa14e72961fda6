"""Every chat endpoint tried as every role, with the exact answer expected.

The world (tests.modules.chat.factories): a private space "Cardiology" whose members are the
guest, the reader, the member, the space admin and `removed`; its public channel `general`
(made by the space admin), its private channel `board` (space admin, member, reader, the
later deactivated person; `removed` was taken out of it) and a direct conversation between
the member and the guest. The organisation's admin is not in the space: it governs the
space's channels (sees them, may rename, archive, remove people) but reads none of them.
The outsider belongs to the organisation, not to the space. Anonymous and deactivated
(whose token was revoked with the account) always get 401.

Who neither reads nor governs a channel gets 404, as for a missing one; who sees it but may
not do what they ask gets 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from atrium.modules.chat.actions import do_edit_message
from atrium.modules.chat.actions.webhooks import do_create_webhook
from tests.api.chat_fixtures import ChatApi, chat_api, open_chat_api  # noqa: F401  (fixtures)
from tests.api.conftest import PREFIX
from tests.modules.chat.factories import CHAT_ROLES, make_message

SIGNED_IN = ["guest", "outsider", "reader", "member", "space_admin", "org_admin", "removed"]


def answers(*statuses: int) -> dict[str, int]:
    """Statuses for guest, outsider, reader, member, space_admin, org_admin, removed (in
    that order); anonymous and deactivated get 401."""
    assert len(statuses) == len(SIGNED_IN)
    return {"anonymous": 401, "deactivated": 401, **dict(zip(SIGNED_IN, statuses, strict=True))}


@dataclass
class Targets:
    ids: dict[str, int]

    def path(self, template: str) -> str:
        return template.format(**self.ids)


def targets(api: ChatApi) -> Targets:
    """A message by the member in each conversation (the public one edited once, so it has a
    history; posting made the member join the public channel), and a webhook on the public
    channel."""
    chat, world = api.chat, api.world
    assert chat is not None
    public_message = make_message(world.member, chat.public, "Ward round at **nine**")
    do_edit_message(world.member, public_message, "Ward round at **ten**")
    webhook, _token = do_create_webhook(world.space_admin, chat.public, "CI")
    return Targets({
        "space": chat.space.pk, "public": chat.public.pk, "private": chat.private.pk,
        "direct": chat.direct.pk, "public_message": public_message.pk,
        "private_message": make_message(world.member, chat.private, "Budget").pk,
        "direct_message": make_message(world.member, chat.direct, "Coffee?").pk,
        "webhook": webhook.pk, "deactivated": world.deactivated.pk,
        "removed": chat.removed.pk, "member": world.member.pk,
        "space_admin": world.space_admin.pk,
    })


def call(api: ChatApi, role: str, method: str, path: str, body: Any = None) -> Any:
    if body == "FILE":  # a multipart upload
        client = Client()
        headers = {}
        if role != "anonymous":
            headers["HTTP_AUTHORIZATION"] = f"Bearer {api.secret(role)}"
        from django.core.files.uploadedfile import SimpleUploadedFile

        upload = SimpleUploadedFile("notes.txt", b"Shift notes\n", "text/plain")
        return client.post(PREFIX + path, {"file": upload}, **headers)
    return api.call(role, method, path, body)


# Reads: one world per endpoint, every role asks in turn ------------------------------------

READS = {
    "my channels": ("GET", "/chat/channels", answers(200, 200, 200, 200, 200, 200, 200)),
    "space channels": ("GET", "/chat/spaces/{space}/channels",
                       answers(200, 404, 200, 200, 200, 404, 200)),
    "public channel": ("GET", "/chat/channels/{public}",
                       answers(200, 404, 200, 200, 200, 200, 200)),
    "private channel": ("GET", "/chat/channels/{private}",
                        answers(404, 404, 200, 200, 200, 200, 404)),
    "direct conversation": ("GET", "/chat/channels/{direct}",
                            answers(200, 404, 404, 200, 404, 404, 404)),
    "private members": ("GET", "/chat/channels/{private}/members",
                        answers(404, 404, 200, 200, 200, 200, 404)),
    "direct members": ("GET", "/chat/channels/{direct}/members",
                       answers(200, 404, 404, 200, 404, 404, 404)),
    "public messages": ("GET", "/chat/channels/{public}/messages",
                        answers(200, 404, 200, 200, 200, 403, 200)),
    "private messages": ("GET", "/chat/channels/{private}/messages",
                         answers(404, 404, 200, 200, 200, 403, 404)),
    "direct messages": ("GET", "/chat/channels/{direct}/messages",
                        answers(200, 404, 404, 200, 404, 404, 404)),
    "public message": ("GET", "/chat/messages/{public_message}",
                       answers(200, 404, 200, 200, 200, 404, 200)),
    "private message": ("GET", "/chat/messages/{private_message}",
                        answers(404, 404, 200, 200, 200, 404, 404)),
    "direct message": ("GET", "/chat/messages/{direct_message}",
                       answers(200, 404, 404, 200, 404, 404, 404)),
    "thread": ("GET", "/chat/messages/{public_message}/thread",
               answers(200, 404, 200, 200, 200, 404, 200)),
    "direct thread": ("GET", "/chat/messages/{direct_message}/thread",
                      answers(200, 404, 404, 200, 404, 404, 404)),
    "history": ("GET", "/chat/messages/{public_message}/history",
                answers(403, 404, 403, 403, 200, 404, 403)),
    "public pins": ("GET", "/chat/channels/{public}/pins",
                    answers(200, 404, 200, 200, 200, 403, 200)),
    "private pins": ("GET", "/chat/channels/{private}/pins",
                     answers(404, 404, 200, 200, 200, 403, 404)),
    "direct receipts": ("GET", "/chat/channels/{direct}/receipts",
                        answers(200, 404, 404, 200, 404, 404, 404)),
    "public receipts": ("GET", "/chat/channels/{public}/receipts",
                        answers(200, 404, 200, 200, 200, 403, 200)),
    "search": ("GET", "/chat/search?q=budget", answers(200, 200, 200, 200, 200, 200, 200)),
    "webhooks": ("GET", "/chat/channels/{public}/webhooks",
                 answers(403, 404, 403, 403, 200, 403, 403)),
}


@pytest.mark.parametrize("name", list(READS))
def test_read_endpoints_for_every_role(chat_api, name):
    """Each role gets exactly the expected status on each read."""
    method, template, expected = READS[name]
    path = targets(chat_api).path(template)
    got = {role: call(chat_api, role, method, path).status_code for role in CHAT_ROLES}
    assert got == expected


# Changes: a fresh world for each role ------------------------------------------------------

CHANGES = {
    "create channel": ("POST", "/chat/spaces/{space}/channels", {"name": "night-shift"},
                       answers(201, 404, 403, 201, 201, 404, 201)),
    "rename private": ("PATCH", "/chat/channels/{private}", {"topic": "Money"},
                       answers(404, 404, 403, 403, 200, 200, 404)),
    "rename public": ("PATCH", "/chat/channels/{public}", {"name": "lobby"},
                      answers(403, 404, 403, 403, 200, 200, 403)),
    "archive public": ("POST", "/chat/channels/{public}/archive", None,
                       answers(403, 404, 403, 403, 200, 200, 403)),
    "unarchive public": ("POST", "/chat/channels/{public}/unarchive", None,
                         answers(403, 404, 403, 403, 200, 200, 403)),
    "archive direct": ("POST", "/chat/channels/{direct}/archive", None,
                       answers(400, 404, 404, 400, 404, 404, 404)),
    "join public": ("POST", "/chat/channels/{public}/join", None,
                    answers(200, 404, 403, 200, 200, 403, 200)),
    "join private": ("POST", "/chat/channels/{private}/join", None,
                     answers(404, 404, 200, 200, 200, 403, 404)),
    "leave public": ("POST", "/chat/channels/{public}/leave", None,
                     answers(400, 404, 400, 204, 204, 400, 400)),
    "leave private": ("POST", "/chat/channels/{private}/leave", None,
                      answers(404, 404, 204, 204, 204, 400, 404)),
    "leave direct": ("POST", "/chat/channels/{direct}/leave", None,
                     answers(400, 404, 404, 400, 404, 404, 404)),
    "add to public": ("POST", "/chat/channels/{public}/members", {"user_ids": ["member"]},
                      answers(403, 404, 403, 403, 201, 201, 403)),
    "add to private": ("POST", "/chat/channels/{private}/members", {"user_ids": ["removed"]},
                       answers(404, 404, 403, 403, 201, 403, 404)),
    "add to direct": ("POST", "/chat/channels/{direct}/members", {"user_ids": ["space_admin"]},
                      answers(400, 404, 404, 400, 404, 404, 404)),
    "remove from private": ("DELETE", "/chat/channels/{private}/members/{deactivated}", None,
                            answers(404, 404, 403, 403, 204, 204, 404)),
    "open direct": ("POST", "/chat/direct", {"user_ids": ["space_admin"]},
                    answers(200, 200, 200, 200, 400, 200, 200)),
    "post public": ("POST", "/chat/channels/{public}/messages", {"body": "Hello"},
                    answers(201, 404, 403, 201, 201, 403, 201)),
    "post private": ("POST", "/chat/channels/{private}/messages", {"body": "Hello"},
                     answers(404, 404, 403, 201, 201, 403, 404)),
    "post direct": ("POST", "/chat/channels/{direct}/messages", {"body": "Hello"},
                    answers(201, 404, 404, 201, 404, 404, 404)),
    "edit": ("PATCH", "/chat/messages/{public_message}", {"body": "Changed"},
             answers(403, 404, 403, 200, 403, 404, 403)),
    "edit direct": ("PATCH", "/chat/messages/{direct_message}", {"body": "Tea?"},
                    answers(403, 404, 404, 200, 404, 404, 404)),
    "delete": ("DELETE", "/chat/messages/{public_message}", None,
               answers(403, 404, 403, 204, 204, 404, 403)),
    "delete direct": ("DELETE", "/chat/messages/{direct_message}", None,
                      answers(403, 404, 404, 204, 404, 404, 404)),
    "react": ("PUT", "/chat/messages/{public_message}/reactions/%F0%9F%91%8D", None,
              answers(200, 404, 403, 200, 200, 404, 200)),
    "unreact": ("DELETE", "/chat/messages/{public_message}/reactions/%F0%9F%91%8D", None,
                answers(200, 404, 403, 200, 200, 404, 200)),
    "react direct": ("PUT", "/chat/messages/{direct_message}/reactions/:tada:", None,
                     answers(200, 404, 404, 200, 404, 404, 404)),
    "pin": ("PUT", "/chat/messages/{public_message}/pin", None,
            answers(200, 404, 403, 200, 200, 404, 200)),
    "unpin": ("DELETE", "/chat/messages/{public_message}/pin", None,
              answers(200, 404, 403, 200, 200, 404, 200)),
    "mark read": ("POST", "/chat/channels/{public}/read", {"message_id": "public_message"},
                  answers(200, 404, 200, 200, 200, 403, 200)),
    "mark direct read": ("POST", "/chat/channels/{direct}/read",
                         {"message_id": "direct_message"},
                         answers(200, 404, 404, 200, 404, 404, 404)),
    "notify public": ("PATCH", "/chat/channels/{public}/notifications", {"muted": True},
                      answers(400, 404, 400, 200, 200, 403, 400)),
    "notify private": ("PATCH", "/chat/channels/{private}/notifications",
                       {"level": "mentions"}, answers(404, 404, 200, 200, 200, 403, 404)),
    "upload": ("POST", "/chat/channels/{public}/attachments", "FILE",
               answers(201, 404, 403, 201, 201, 403, 201)),
    "upload direct": ("POST", "/chat/channels/{direct}/attachments", "FILE",
                      answers(201, 404, 404, 201, 404, 404, 404)),
    "add webhook": ("POST", "/chat/channels/{public}/webhooks", {"name": "Deploys"},
                    answers(403, 404, 403, 403, 201, 403, 403)),
    "revoke webhook": ("DELETE", "/chat/webhooks/{webhook}", None,
                       answers(404, 404, 404, 404, 204, 204, 404)),
}


def _body(body: Any, found: Targets) -> Any:
    """Names of targets inside a body become their ids."""
    if isinstance(body, dict):
        return {key: _body(value, found) for key, value in body.items()}
    if isinstance(body, list):
        return [_body(value, found) for value in body]
    if isinstance(body, str) and body in found.ids:
        return found.ids[body]
    return body


@pytest.mark.parametrize("name", list(CHANGES))
@pytest.mark.parametrize("role", SIGNED_IN)
def test_changes_for_every_role(chat_api, name, role):
    """Each role gets exactly the expected status on each change."""
    method, template, body, expected = CHANGES[name]
    found = targets(chat_api)
    if name == "unarchive public":
        call(chat_api, "space_admin", "POST", found.path("/chat/channels/{public}/archive"))
    response = call(chat_api, role, method, found.path(template), _body(body, found))
    assert response.status_code == expected[role], response.content[:300]
    if response.status_code >= 400:
        assert set(response.json()) == {"error"}


@pytest.mark.parametrize("name", list(CHANGES))
def test_changes_refused_without_a_valid_token(chat_api, name):
    """Anonymous callers and a deactivated person's token get 401, and nothing changes."""
    method, template, body, _expected = CHANGES[name]
    found = targets(chat_api)
    for role in ("anonymous", "deactivated"):
        response = call(chat_api, role, method, found.path(template), _body(body, found))
        assert response.status_code == 401, role
        assert response.json()["error"]["code"] == "unauthenticated"


def test_nobody_outside_a_direct_conversation_reaches_it(chat_api):
    """Not even the organisation's owner: every address of the conversation answers 404."""
    found = targets(chat_api)
    paths = [("GET", "/chat/channels/{direct}"), ("GET", "/chat/channels/{direct}/messages"),
             ("POST", "/chat/channels/{direct}/messages"),
             ("GET", "/chat/messages/{direct_message}"),
             ("PUT", "/chat/messages/{direct_message}/pin"),
             ("GET", "/chat/channels/{direct}/receipts"),
             ("GET", "/chat/messages/{direct_message}/history")]
    for method, template in paths:
        body = {"body": "Hi"} if method == "POST" else None
        response = chat_api.call("owner", method, found.path(template), body)
        assert response.status_code == 404, template


def test_open_space_lets_the_organisation_read_public_channels(open_chat_api):
    """In an open space the outsider and the organisation's admin read the public channel
    (without writing in it); the admin moderates it; the private channel stays closed."""
    api = open_chat_api
    found = targets(api)
    expected = {
        ("outsider", "GET", "/chat/channels/{public}/messages"): 200,
        ("outsider", "POST", "/chat/channels/{public}/messages"): 403,
        ("outsider", "POST", "/chat/channels/{public}/join"): 403,
        ("outsider", "GET", "/chat/messages/{public_message}/history"): 403,
        ("outsider", "GET", "/chat/channels/{private}"): 404,
        ("org_admin", "GET", "/chat/channels/{public}/messages"): 200,
        ("org_admin", "GET", "/chat/messages/{public_message}/history"): 200,
        ("org_admin", "GET", "/chat/channels/{private}/messages"): 403,
        ("org_admin", "GET", "/chat/messages/{private_message}"): 404,
        ("org_admin", "GET", "/chat/channels/{direct}"): 404,
        ("org_admin", "DELETE", "/chat/messages/{public_message}"): 204,
    }
    got = {}
    for role, method, template in expected:
        body = {"body": "Hello"} if method == "POST" and "messages" in template else None
        got[(role, method, template)] = call(api, role, method, found.path(template),
                                             body).status_code
    assert got == expected
