"""Incoming webhooks: made by channel managers, posting Slack payloads as scripts send them
(curl-like requests to /hooks/chat/<token>), answering with Slack's codes."""

import json
import re
from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.test import Client

from atrium.kernel.actions.modules import do_configure_space_module
from atrium.kernel.errors import ActionError, Forbidden
from atrium.kernel.models import AuditEntry
from atrium.modules.chat.actions import do_set_archived
from atrium.modules.chat.actions.webhooks import (
    RATE_BURST,
    do_create_webhook,
    do_post_webhook,
    do_revoke_webhook,
)
from atrium.modules.chat.models import Message, Webhook
from atrium.modules.chat.slack import SlackError
from tests.modules.chat.factories import CHAT_ROLES, make_channel

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_budget():
    cache.clear()


def post_json(token: str, payload, **extra):
    body = payload if isinstance(payload, str | bytes) else json.dumps(payload)
    return Client().post(f"/hooks/chat/{token}", body, content_type="application/json",
                         **extra)


def post_form(token: str, payload: dict):
    return Client().post(f"/hooks/chat/{token}", urlencode({"payload": json.dumps(payload)}),
                         content_type="application/x-www-form-urlencoded")


def hook(chat, channel=None):
    return do_create_webhook(chat.world.space_admin, channel or chat.public, "Deploys")


MAKERS = {"anonymous": False, "guest": False, "outsider": False, "reader": False,
          "member": False, "space_admin": True, "org_admin": False, "deactivated": False,
          "removed": False}


@pytest.mark.parametrize("role", CHAT_ROLES)
def test_who_may_create_a_webhook(chat, role):
    """Managers of the channel who can read it; nobody else (an org admin outside this
    private space cannot read its channels)."""
    user = chat.user(role)
    if MAKERS[role]:
        webhook, token = do_create_webhook(user, chat.public, "CI")
        assert token.startswith(f"{webhook.prefix}_")
    else:
        with pytest.raises(Forbidden):
            do_create_webhook(user, chat.public, "CI")
        assert not Webhook.objects.exists()


def test_channel_creator_and_org_admin_of_an_open_space(db):
    """In an open space the organisation's admins manage channels and may add webhooks."""
    from atrium.kernel.models import Visibility
    from tests.modules.chat.factories import make_chat_world

    chat = make_chat_world(Visibility.OPEN)
    do_create_webhook(chat.world.org_admin, chat.public, "Ops")
    own = make_channel(chat.world.member, chat.space, name="mine")
    do_create_webhook(chat.world.member, own, "Mine")
    with pytest.raises(Forbidden):
        do_create_webhook(chat.world.member, chat.public, "Not mine")


def test_no_webhooks_in_direct_conversations(chat):
    with pytest.raises(Forbidden):
        do_create_webhook(chat.world.member, chat.direct, "Sneaky")


def test_name_checks(chat):
    for name in ("", "   ", "x" * 81):
        with pytest.raises(ActionError):
            do_create_webhook(chat.world.space_admin, chat.public, name)


def test_token_is_shown_once_and_only_its_hash_is_kept(chat):
    """The row holds the prefix and a SHA-256, never the secret; creation is audited."""
    webhook, token = hook(chat)
    secret = token.split("_", 1)[1]
    assert secret not in webhook.token_hash and len(webhook.token_hash) == 64
    entry = AuditEntry.objects.get(action="chat.webhook.created")
    assert entry.actor == chat.world.space_admin and entry.target_id == str(webhook.pk)
    assert secret not in json.dumps(entry.data)


def test_plain_text_payload(chat):
    """curl -X POST -H 'Content-type: application/json' --data '{"text":"Hello, World!"}'"""
    webhook, token = hook(chat)
    answer = post_json(token, {"text": "Hello, *World*!"})
    assert (answer.status_code, answer.content) == (200, b"ok")
    assert answer["Content-Type"].startswith("text/plain")
    message = Message.objects.get(channel=chat.public)
    assert message.author is None and message.sender_name == "Deploys"
    assert message.body == "Hello, **World**!"
    assert "<strong>World</strong>" in message.html
    webhook.refresh_from_db()
    assert webhook.last_used_at is not None


def test_username_names_the_sender(chat):
    _webhook, token = hook(chat)
    assert post_json(token, {"text": "hi", "username": "Jenkins",
                             "icon_emoji": ":robot_face:"}).status_code == 200
    assert Message.objects.get().sender_name == "Jenkins"


def test_form_encoded_payload(chat):
    """curl -d 'payload={"text": "…"}' (form-encoded), as older scripts do."""
    _webhook, token = hook(chat)
    answer = post_form(token, {"text": "From a form <https://x.org|link>"})
    assert answer.status_code == 200
    assert Message.objects.get().body == "From a form [link](https://x.org)"


def test_blocks_payload_from_slacks_documentation(chat):
    _webhook, token = hook(chat)
    payload = {"text": "Danny Torrence left a 1 star review",
               "blocks": [{"type": "section", "text": {
                   "type": "mrkdwn",
                   "text": "Danny Torrence left the following review for your property:"}},
                   {"type": "section", "text": {
                       "type": "mrkdwn",
                       "text": "<https://example.com|Overlook Hotel> \n :star: \n Doors had "
                               "too many axe holes, guest in room 237 was far too rowdy."},
                    "accessory": {"type": "image", "image_url": "https://x.org/a.png",
                                  "alt_text": "Haunted hotel image"}},
                   {"type": "section", "fields": [{"type": "mrkdwn",
                                                   "text": "*Average Rating*\n1.0"}]}]}
    assert post_json(token, payload).status_code == 200
    message = Message.objects.get()
    assert "1 star review" not in message.body
    assert '<a href="https://example.com"' in message.html
    assert "<strong>Average Rating</strong>" in message.html


def test_legacy_attachments_payload(chat):
    _webhook, token = hook(chat)
    payload = {"attachments": [{"fallback": "Required plain-text summary",
                                "color": "#36a64f", "pretext": "Optional text",
                                "title": "Slack API Documentation",
                                "title_link": "https://api.slack.com/",
                                "text": "Optional text that appears within the attachment",
                                "fields": [{"title": "Priority", "value": "High",
                                            "short": False}]}]}
    assert post_json(token, payload).status_code == 200
    html = Message.objects.get().html
    assert 'href="https://api.slack.com/"' in html and "Priority" in html


@pytest.mark.parametrize(
    ("token", "status", "code"),
    [("nope", 403, b"invalid_token"), ("abc_def", 403, b"invalid_token"),
     ("_", 403, b"invalid_token"), ("x" * 300, 403, b"invalid_token")],
)
def test_wrong_tokens(chat, token, status, code):
    """Unknown, malformed or long tokens: 403 invalid_token, nothing posted."""
    answer = post_json(token, {"text": "hi"})
    assert (answer.status_code, answer.content) == (status, code)
    assert not Message.objects.exists()


def test_right_prefix_wrong_secret(chat):
    webhook, _token = hook(chat)
    answer = post_json(f"{webhook.prefix}_{'A' * 43}", {"text": "hi"})
    assert (answer.status_code, answer.content) == (403, b"invalid_token")


def test_revoked_webhook(chat):
    """After revocation the URL answers 404 no_service; revocation is audited and kept to
    managers."""
    webhook, token = hook(chat)
    with pytest.raises(Forbidden):
        do_revoke_webhook(chat.world.member, webhook)
    do_revoke_webhook(chat.world.space_admin, webhook)
    assert AuditEntry.objects.filter(action="chat.webhook.revoked").count() == 1
    answer = post_json(token, {"text": "hi"})
    assert (answer.status_code, answer.content) == (404, b"no_service")


def test_archived_channel(chat):
    _webhook, token = hook(chat)
    do_set_archived(chat.world.space_admin, chat.public, True)
    answer = post_json(token, {"text": "hi"})
    assert (answer.status_code, answer.content) == (410, b"channel_is_archived")


def test_chat_switched_off_in_the_space(chat):
    _webhook, token = hook(chat)
    do_configure_space_module(chat.world.space_admin, chat.space, "chat", enabled=False)
    answer = post_json(token, {"text": "hi"})
    assert (answer.status_code, answer.content) == (403, b"action_prohibited")


@pytest.mark.parametrize(
    ("body", "code"),
    [("{not json", b"invalid_payload"), ("[1, 2]", b"invalid_payload"), ("{}", b"no_text"),
     ('{"text": ""}', b"no_text"), ("", b"invalid_payload"), (b"\xff\xfe", b"invalid_payload"),
     ("[" * 100_000 + "]" * 100_000, b"invalid_payload"), ('{"blocks": 3}', b"invalid_blocks")],
)
def test_bad_payloads(chat, body, code):
    """Bad payloads answer 400 with Slack's code; nothing is posted."""
    _webhook, token = hook(chat)
    answer = post_json(token, body)
    assert (answer.status_code, answer.content) == (400, code)
    assert not Message.objects.exists()


def test_bad_token_is_told_before_a_bad_payload(chat):
    assert post_json("nope", "{broken").content == b"invalid_token"


def test_oversize_payload(chat):
    """More than the payload limit: 413, read no further."""
    _webhook, token = hook(chat)
    answer = post_json(token, {"text": "x" * 600_000})
    assert (answer.status_code, answer.content) == (413, b"payload_too_large")
    assert not Message.objects.exists()


def test_only_post(chat):
    _webhook, token = hook(chat)
    assert Client().get(f"/hooks/chat/{token}").status_code == 405


def test_no_csrf_or_session_needed(chat):
    """A script has no session or CSRF token: the URL's secret is enough."""
    _webhook, token = hook(chat)
    client = Client(enforce_csrf_checks=True)
    answer = client.post(f"/hooks/chat/{token}", json.dumps({"text": "hi"}),
                         content_type="application/json")
    assert answer.status_code == 200


def test_rate_limit(chat):
    """A burst of ten goes through, the next is refused with 429 rate_limited; another
    webhook keeps its own budget."""
    _webhook, token = hook(chat)
    for n in range(RATE_BURST):
        assert post_json(token, {"text": f"burst {n}"}).status_code == 200
    answer = post_json(token, {"text": "one too many"})
    assert (answer.status_code, answer.content) == (429, b"rate_limited")
    _other, other_token = do_create_webhook(chat.world.space_admin, chat.public, "Other")
    assert post_json(other_token, {"text": "fine"}).status_code == 200
    assert Message.objects.count() == RATE_BURST + 1


XSS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<javascript:alert(1)|click>",
    "[click](javascript:alert(1))",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<https://x.org\" onclick=\"alert(1)|x>",
]


@pytest.mark.parametrize("text", XSS)
def test_hostile_text_is_sanitised(chat, text):
    """Whatever a script sends, the stored HTML has no script, handler or javascript: link;
    the sender name is plain text."""
    _webhook, token = hook(chat)
    assert post_json(token, {"text": text, "username": text}).status_code == 200
    message = Message.objects.get()
    html = message.html.lower()
    assert "<script" not in html and "<img" not in html
    assert 'href="javascript' not in html
    assert not re.search(r"<[^>]*\son\w+=", html), html


def test_private_channel_webhook(chat):
    """A webhook may post into a private channel its maker manages and reads."""
    _webhook, token = hook(chat, chat.private)
    assert post_json(token, {"text": "board update"}).status_code == 200
    assert Message.objects.get().channel == chat.private


def test_do_post_webhook_directly(chat):
    """The action answers with SlackError too, for callers other than the view."""
    _webhook, token = hook(chat)
    assert do_post_webhook(token, {"text": "direct"}).body == "direct"
    with pytest.raises(SlackError) as error:
        do_post_webhook("bad", {"text": "x"})
    assert (error.value.code, error.value.status) == ("invalid_token", 403)
