"""Chat API: message history with cursors, posting (limits, threads, XSS, rate limit),
editing, deleting, history, reactions, pins and search. Rights per role are in
test_api_chat_matrix.py."""

from __future__ import annotations

import time

from datetime import timedelta
from urllib.parse import quote

import pytest
from django.utils import timezone

from atrium.modules.chat.api import throttle
from atrium.modules.chat.api.throttle import POSTS_PER_WINDOW, WINDOW_SECONDS
from atrium.modules.chat.models import MAX_MESSAGE_CHARS, Message
from tests.api.chat_fixtures import ChatApi, chat_api  # noqa: F401  (fixture)
from tests.kernel.test_text import XSS as KERNEL_XSS
from tests.kernel.test_text import live_parts
from tests.modules.chat.factories import make_message


def _post(api: ChatApi, role: str, channel_id: int, **body: object) -> object:
    return api.call(role, "POST", f"/chat/channels/{channel_id}/messages", body)


def _page(api: ChatApi, channel_id: int, query: str = "", role: str = "member") -> dict:
    response = api.call(role, "GET", f"/chat/channels/{channel_id}/messages{query}")
    assert response.status_code == 200, response.content[:300]
    return response.json()


def test_history_pages_backwards_and_forwards(chat_api):
    """Newest page first; `next_before` walks back to the first message and `next_after`
    forward again, every message once, oldest first within a page."""
    chat, world = chat_api.chat, chat_api.world
    ids = [make_message(world.member, chat.private, f"Message {n}").pk for n in range(7)]
    newest = _page(chat_api, chat.private.pk, "?limit=3")
    assert [m["id"] for m in newest["items"]] == ids[4:]
    assert newest["next_after"] is None and newest["next_before"] == ids[4]
    seen, cursor = [m["id"] for m in newest["items"]], newest["next_before"]
    while cursor is not None:
        older = _page(chat_api, chat.private.pk, f"?limit=3&before={cursor}")
        assert older["next_after"] == older["items"][-1]["id"]
        seen = [m["id"] for m in older["items"]] + seen
        cursor = older["next_before"]
    assert seen == ids
    forward, cursor = [], ids[0]
    while cursor is not None:
        newer = _page(chat_api, chat.private.pk, f"?limit=2&after={cursor}")
        forward += [m["id"] for m in newer["items"]]
        cursor = newer["next_after"]
    assert forward == ids[1:]
    assert _page(chat_api, chat.private.pk, f"?after={ids[-1]}") == {
        "items": [], "next_before": None, "next_after": None}


def test_history_shows_replies_only_when_also_in_the_channel(chat_api):
    """Thread replies stay in the thread unless sent to the channel too."""
    chat = chat_api.chat
    root = _post(chat_api, "member", chat.private.pk, body="Question").json()
    quiet = _post(chat_api, "reader" if False else "space_admin", chat.private.pk,
                  body="Answer", thread_root_id=root["id"]).json()
    loud = _post(chat_api, "space_admin", chat.private.pk, body="Also here",
                 thread_root_id=root["id"], also_in_channel=True).json()
    flow = [m["id"] for m in _page(chat_api, chat.private.pk)["items"]]
    assert flow == [root["id"], loud["id"]]
    thread = chat_api.call("member", "GET", f"/chat/messages/{quiet['id']}/thread").json()
    assert thread["root"]["id"] == root["id"] and thread["root"]["reply_count"] == 2
    assert [m["id"] for m in thread["replies"]] == [quiet["id"], loud["id"]]
    nested = _post(chat_api, "member", chat.private.pk, body="x", thread_root_id=quiet["id"])
    assert (nested.status_code, nested.json()["error"]["field"]) == (400, "thread_root_id")
    elsewhere = make_message(chat_api.world.member, chat.public, "Elsewhere")
    other = _post(chat_api, "member", chat.private.pk, body="x", thread_root_id=elsewhere.pk)
    assert (other.status_code, other.json()["error"]["field"]) == (400, "thread_root_id")


@pytest.mark.parametrize(("query", "field"), [
    ("?limit=0", "limit"), ("?limit=1000", "limit"), ("?limit=-1", "limit"),
    ("?limit=abc", "limit"), ("?before=garbage", "before"), ("?before=0", "before"),
    ("?after=-5", "after"), ("?after=1e400", "after"), (f"?before={2**63}", "before"),
])
def test_history_refuses_bad_cursors_and_limits(chat_api, query, field):
    """Limits are 1 to 100 and cursors message ids: anything else is a 422 naming it."""
    response = chat_api.call("member", "GET",
                             f"/chat/channels/{chat_api.chat.private.pk}/messages{query}")
    assert response.status_code == 422
    error = response.json()["error"]
    assert (error["code"], error["field"]) == ("invalid", f"query.{field}")


def test_history_limit_bounds_are_kept(chat_api):
    """limit=1 and limit=100 are both accepted."""
    chat = chat_api.chat
    make_message(chat_api.world.member, chat.private, "One")
    assert len(_page(chat_api, chat.private.pk, "?limit=1")["items"]) == 1
    assert len(_page(chat_api, chat.private.pk, "?limit=100")["items"]) == 1


def test_post_returns_the_message_with_my_abilities(chat_api):
    """The answer is the message as everyone sees it, plus `mine` and my abilities."""
    response = _post(chat_api, "member", chat_api.chat.private.pk, body="Hello **team**")
    assert response.status_code == 201
    message = response.json()
    assert message["html"] == "<p>Hello <strong>team</strong></p>\n"
    assert message["mine"] is True and message["abilities"]["edit"] is True
    assert message["author"]["name"] == "Mia Member"
    seen = chat_api.call("reader", "GET", f"/chat/messages/{message['id']}").json()
    assert seen["mine"] is False and seen["abilities"]["edit"] is False


@pytest.mark.parametrize(("body", "status", "field"), [
    ({"body": "x" * (MAX_MESSAGE_CHARS + 1)}, 400, "body"),
    ({"body": "é" * (MAX_MESSAGE_CHARS + 1)}, 400, "body"),
    ({"body": ""}, 400, "body"),
    ({"body": "  \n\t "}, 400, "body"),
    ({}, 400, "body"),
    ({"body": None}, 422, "body"),
    ({"body": 12}, 422, "body"),
    ({"body": "a\x00b"}, 422, "body"),
    ({"body": "ok", "author_id": 1}, 422, "author_id"),
    ({"body": "ok", "thread_root_id": 0}, 422, "thread_root_id"),
    ({"body": "ok", "attachment_ids": list(range(1, 30))}, 422, "attachment_ids"),
])
def test_post_refuses_bad_bodies(chat_api, body, status, field):
    """Oversized, empty or malformed messages answer in the API's error shape, naming the
    field, and nothing is posted."""
    response = _post(chat_api, "member", chat_api.chat.private.pk, **body)
    assert response.status_code == status
    assert response.json()["error"].get("field") == field, response.json()
    assert not Message.objects.exists()


def test_post_accepts_the_longest_message(chat_api):
    """Exactly 40,000 characters is allowed."""
    response = _post(chat_api, "member", chat_api.chat.private.pk,
                     body="x" * MAX_MESSAGE_CHARS)
    assert response.status_code == 201
    assert len(response.json()["body"]) == MAX_MESSAGE_CHARS


XSS = [*KERNEL_XSS,
       "<details open ontoggle=alert(1)>",
       "<@1><script>alert(1)</script>",
       "<!channel><img src=x onerror=alert(1)>",
       "@here [x](javascript:alert(1))",
       "`<script>` and ```\n<script>alert(1)</script>\n```"]


@pytest.mark.parametrize("payload", XSS)
def test_xss_is_stored_as_data_and_rendered_inert(chat_api, payload):
    """The text comes back as written (JSON data, never HTML); its `html` has no script
    element, handler or javascript/data URL."""
    response = _post(chat_api, "member", chat_api.chat.private.pk, body=payload)
    assert response.status_code == 201
    message = chat_api.call("reader", "GET", f"/chat/messages/{response.json()['id']}").json()
    assert message["body"] == payload
    parts = live_parts(message["html"])
    assert not parts.tags & {"script", "iframe", "svg", "style", "img", "object", "details"}
    assert not parts.handlers, payload
    assert all(url.startswith(("http:", "https:", "mailto:", "#", "/")) or ":" not in url
               for url in parts.urls), (payload, parts.urls)


def test_edit_keeps_the_earlier_text_for_admins(chat_api):
    """An edit is marked; the space's admin reads the earlier text, the author may not."""
    chat = chat_api.chat
    message = _post(chat_api, "member", chat.private.pk, body="Meet at 9").json()
    path = f"/chat/messages/{message['id']}"
    edited = chat_api.call("member", "PATCH", path, {"body": "Meet at 10"})
    assert edited.status_code == 200
    assert edited.json()["body"] == "Meet at 10" and edited.json()["edited_at"] is not None
    history = chat_api.call("space_admin", "GET", f"{path}/history")
    assert [r["body"] for r in history.json()] == ["Meet at 9"]
    assert history.json()[0]["replaced_by_id"] == chat_api.world.member.pk
    assert chat_api.call("member", "GET", f"{path}/history").status_code == 403
    too_long = chat_api.call("member", "PATCH", path, {"body": "x" * (MAX_MESSAGE_CHARS + 1)})
    assert (too_long.status_code, too_long.json()["error"]["field"]) == (400, "body")
    assert chat_api.call("member", "PATCH", path, {}).status_code == 422


def test_delete_leaves_a_placeholder(chat_api):
    """A deleted message keeps its place without text, reactions or pin; it can no longer
    be edited or reacted to."""
    chat = chat_api.chat
    message = _post(chat_api, "member", chat.private.pk, body="Oops").json()
    path = f"/chat/messages/{message['id']}"
    chat_api.call("reader", "PUT", f"{path}/pin")
    chat_api.call("space_admin", "PUT", f"{path}/reactions/%F0%9F%91%80")
    assert chat_api.call("member", "DELETE", path).status_code == 204
    gone = chat_api.call("reader", "GET", path).json()
    assert (gone["deleted"], gone["body"], gone["html"]) == (True, "", "")
    assert gone["reactions"] == [] and gone["pinned"] is False
    assert chat_api.call("member", "PATCH", path, {"body": "Back"}).status_code == 403
    assert chat_api.call("member", "PUT", f"{path}/reactions/%F0%9F%91%8D").status_code == 403
    assert chat_api.call("member", "DELETE", path).status_code == 403
    history = chat_api.call("space_admin", "GET", f"{path}/history").json()
    assert [r["body"] for r in history] == ["Oops"]


def test_reactions_are_counted_once_per_person(chat_api):
    """Reacting twice counts once; each person adds one; taking back removes mine only."""
    chat = chat_api.chat
    message = make_message(chat_api.world.member, chat.private, "Lunch")
    path = f"/chat/messages/{message.pk}/reactions/{quote('👍')}"
    chat_api.call("member", "PUT", path)
    again = chat_api.call("member", "PUT", path)
    assert again.json() == [{"emoji": "👍", "count": 1, "user_ids": [chat_api.world.member.pk]}]
    both = chat_api.call("space_admin", "PUT", path).json()
    assert both[0]["count"] == 2
    after = chat_api.call("member", "DELETE", path).json()
    assert after == [{"emoji": "👍", "count": 1, "user_ids": [chat_api.world.space_admin.pk]}]
    named = chat_api.call("member", "PUT", f"/chat/messages/{message.pk}/reactions/:tada:")
    assert [r["emoji"] for r in named.json()] == ["👍", ":tada:"]
    family = quote("👩🏽‍💻")
    assert chat_api.call("member", "PUT",
                         f"/chat/messages/{message.pk}/reactions/{family}").status_code == 200


@pytest.mark.parametrize(("emoji", "status"), [
    ("x" * 200, 422), (quote("👍") * 65, 422), (quote("👍") * 40, 400), ("abc", 400), ("%3Cscript%3E", 400),
    (":no spaces:", 400), ("%20", 400),
])
def test_reactions_refuse_what_is_not_an_emoji(chat_api, emoji, status):
    """Long strings answer 422 on the path's `emoji`; text that is not an emoji 400 on
    `emoji`."""
    message = make_message(chat_api.world.member, chat_api.chat.private, "Lunch")
    response = chat_api.call("member", "PUT", f"/chat/messages/{message.pk}/reactions/{emoji}")
    assert response.status_code == status
    assert response.json()["error"]["field"] == ("path.emoji" if status == 422 else "emoji")
    assert not message.reactions.exists()


def test_pins(chat_api):
    """Writers pin and unpin; the channel lists its pins, most recent first."""
    chat = chat_api.chat
    first = make_message(chat_api.world.member, chat.private, "Rota")
    second = make_message(chat_api.world.member, chat.private, "Phone list")
    for message in (first, second):
        pinned = chat_api.call("member", "PUT", f"/chat/messages/{message.pk}/pin")
        assert pinned.status_code == 200 and pinned.json()["pinned"] is True
    pins = chat_api.call("reader", "GET", f"/chat/channels/{chat.private.pk}/pins").json()
    assert [m["id"] for m in pins] == [second.pk, first.pk]
    chat_api.call("member", "DELETE", f"/chat/messages/{second.pk}/pin")
    pins = chat_api.call("reader", "GET", f"/chat/channels/{chat.private.pk}/pins").json()
    assert [m["id"] for m in pins] == [first.pk]


def _search(api: ChatApi, role: str, query: str) -> dict:
    response = api.call(role, "GET", f"/chat/search?{query}")
    assert response.status_code == 200, response.content[:300]
    return response.json()


def test_search_finds_only_what_i_may_read(chat_api):
    """A private channel's and a direct conversation's messages are found by their members
    only; results carry a highlighted snippet."""
    chat, world = chat_api.chat, chat_api.world
    private = make_message(world.member, chat.private, "The budget <b>rises</b>")
    public = make_message(world.space_admin, chat.public, "Budget meeting moved")
    direct = make_message(world.member, chat.direct, "budget gossip")
    found = {role: [m["id"] for m in _search(chat_api, role, "q=budget")["items"]]
             for role in ("member", "guest", "reader", "org_admin", "outsider", "removed")}
    assert found["member"] == [direct.pk, public.pk, private.pk]
    assert found["guest"] == [direct.pk, public.pk]
    assert found["reader"] == [public.pk, private.pk]
    assert found["removed"] == [public.pk]
    assert found["org_admin"] == found["outsider"] == []
    hit = _search(chat_api, "reader", "q=budget")["items"][1]
    assert "<mark>" in hit["snippet"].lower() and "<b>" not in hit["snippet"]
    assert hit["channel_name"] == "board" and hit["body"] == "The budget <b>rises</b>"


def test_search_filters_and_pages(chat_api):
    """Channel, author, time and file filters; `next_before_id` continues."""
    chat, world = chat_api.chat, chat_api.world
    ids = [make_message(world.member, chat.private, f"rota week {n}").pk for n in range(5)]
    admin = make_message(world.space_admin, chat.private, "rota by admin")
    page = _search(chat_api, "member", "q=rota&limit=4")
    assert [m["id"] for m in page["items"]] == [admin.pk, *ids[:1:-1]]
    rest = _search(chat_api, "member", f"q=rota&limit=4&before_id={page['next_before_id']}")
    assert [m["id"] for m in rest["items"]] == [ids[1], ids[0]]
    assert rest["next_before_id"] is None
    by_admin = _search(chat_api, "member", f"q=rota&author_id={world.space_admin.pk}")
    assert [m["id"] for m in by_admin["items"]] == [admin.pk]
    elsewhere = _search(chat_api, "member", f"q=rota&channel_id={chat.public.pk}")
    assert elsewhere["items"] == []
    future = quote((timezone.now() + timedelta(days=1)).isoformat())
    assert _search(chat_api, "member", f"q=rota&after={future}")["items"] == []
    assert len(_search(chat_api, "member", f"q=rota&before={future}")["items"]) == 6
    assert _search(chat_api, "member", "q=rota&has_attachment=true")["items"] == []
    assert _search(chat_api, "member", "q=")["items"] == []


@pytest.mark.parametrize(("query", "field"), [
    ("q=x&after=yesterday", "after"), ("q=x&limit=0", "limit"), ("q=x&limit=101", "limit"),
    ("q=x&channel_id=abc", "channel_id"), ("q=" + "x" * 101, "q"),
    ("q=x&has_attachment=maybe", "has_attachment"),
])
def test_search_refuses_bad_parameters(chat_api, query, field):
    """Malformed filters are a 422 naming the parameter."""
    response = chat_api.call("member", "GET", f"/chat/search?{query}")
    assert response.status_code == 422
    assert response.json()["error"]["field"] == f"query.{field}"


def test_a_flood_of_posts_is_throttled_for_its_sender_only(chat_api, monkeypatch):
    """Past the allowance one person gets 429 with Retry-After, whichever token they use;
    others still post; once the window has passed, so does the sender again."""
    now = [time.time()]
    monkeypatch.setattr(throttle, "clock", lambda: now[0])
    chat = chat_api.chat
    for n in range(POSTS_PER_WINDOW):
        assert _post(chat_api, "member", chat.private.pk, body=f"Flood {n}").status_code == 201
    now[0] = time.time()
    refused = _post(chat_api, "member", chat.private.pk, body="One more")
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "throttled"
    assert 1 <= int(refused["Retry-After"]) <= WINDOW_SECONDS
    assert Message.objects.count() == POSTS_PER_WINDOW
    assert _post(chat_api, "space_admin", chat.private.pk, body="Calm").status_code == 201
    other_token = chat_api.token_for(chat_api.world.member, "second device")
    again = chat_api.call(None, "POST", f"/chat/channels/{chat.private.pk}/messages",
                          {"body": "Still me"}, token=other_token)
    assert again.status_code == 429
    now[0] += WINDOW_SECONDS
    assert _post(chat_api, "member", chat.private.pk, body="Later").status_code == 201
