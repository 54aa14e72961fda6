"""Chat API: the sidebar, a space's channels, creating and changing channels, archiving,
joining and leaving, members, direct conversations, read positions, notification settings,
receipts, uploads and webhooks. Rights per role are in test_api_chat_matrix.py."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from atrium.kernel.actions.modules import do_configure_space_module
from atrium.modules.chat.models import Attachment, Channel, ChannelMember, Message
from tests.api.chat_fixtures import ChatApi, chat_api  # noqa: F401  (fixture)
from tests.api.conftest import PREFIX
from tests.factories import make_user
from tests.modules.chat.factories import make_channel, make_direct, make_message


def _sidebar_ids(api: ChatApi, role: str) -> tuple[list[int], list[int]]:
    found = api.call(role, "GET", "/chat/channels").json()
    channels = [c["id"] for group in found["spaces"] for c in group["channels"]]
    return channels, [c["id"] for c in found["direct"]]


def test_sidebar_lists_my_channels_and_conversations(chat_api):
    """The sidebar holds the channels I am in (by space) and my direct conversations."""
    chat = chat_api.chat
    assert _sidebar_ids(chat_api, "member") == (
        [chat.private.pk], sorted([chat.direct.pk, chat.direct_with_deactivated.pk],
                                  reverse=True))
    assert _sidebar_ids(chat_api, "guest") == ([], [chat.direct.pk])
    assert _sidebar_ids(chat_api, "space_admin") == ([chat.private.pk, chat.public.pk], [])
    assert _sidebar_ids(chat_api, "removed") == ([], [])
    assert _sidebar_ids(chat_api, "org_admin") == ([], [])
    direct = chat_api.call("guest", "GET", "/chat/channels").json()["direct"][0]
    assert direct["title"] == "Mia Member" and direct["kind"] == "direct"
    assert sorted(direct["member_ids"]) == sorted([chat.world.member.pk, chat.world.guest.pk])


def test_sidebar_counts_unread_messages_and_mentions(chat_api):
    """Messages by others count as unread until I mark them read; mentions of me too."""
    chat, world = chat_api.chat, chat_api.world
    make_message(world.member, chat.private, "Mine do not count")
    make_message(world.space_admin, chat.private, "Agenda")
    last = make_message(world.space_admin, chat.private, f"<@{world.member.pk}> please look")
    board = chat_api.call("member", "GET", "/chat/channels").json()["spaces"][0]["channels"][0]
    assert board["unread"] == 2
    assert board["membership"]["unread_mentions"] == 1
    read = chat_api.call("member", "POST", f"/chat/channels/{chat.private.pk}/read",
                         {"message_id": last.pk})
    assert read.status_code == 200
    assert read.json()["membership"]["unread_mentions"] == 0
    board = chat_api.call("member", "GET", "/chat/channels").json()["spaces"][0]["channels"][0]
    assert board["unread"] == 0


def test_space_channels_lists_public_ones_and_my_private_ones(chat_api):
    """A space's channel list: public channels, and private ones only to their members."""
    chat = chat_api.chat
    path = f"/chat/spaces/{chat.space.pk}/channels"
    guest = chat_api.call("guest", "GET", path).json()
    assert [c["name"] for c in guest] == ["general"]
    member = {c["name"]: c for c in chat_api.call("member", "GET", path).json()}
    assert sorted(member) == ["board", "general"]
    assert member["board"]["member_count"] == 3  # active people: not the deactivated one
    assert member["general"]["abilities"]["join"] is True


def test_create_channel(chat_api):
    """Creating a channel makes me its first member; the people named are added."""
    chat, world = chat_api.chat, chat_api.world
    response = chat_api.call("member", "POST", f"/chat/spaces/{chat.space.pk}/channels",
                             {"name": "  Night   shift ", "kind": "private",
                              "topic": "Rota", "member_ids": [world.reader.pk]})
    assert response.status_code == 201
    created = response.json()
    assert (created["name"], created["kind"], created["topic"]) == ("Night shift", "private",
                                                                    "Rota")
    assert created["membership"] is not None and created["member_count"] == 2
    assert created["abilities"]["manage"] is True
    members = chat_api.call("reader", "GET", f"/chat/channels/{created['id']}/members").json()
    assert {m["user_id"] for m in members["items"]} == {world.member.pk, world.reader.pk}


@pytest.mark.parametrize(("body", "status", "field"), [
    ({}, 422, "name"),
    ({"name": ""}, 422, "name"),
    ({"name": "x" * 81}, 422, "name"),
    ({"name": "ok", "kind": "direct"}, 422, "kind"),
    ({"name": "ok", "topic": "x" * 251}, 422, "topic"),
    ({"name": "ok", "owner": 1}, 422, "owner"),
    ({"name": "ok", "member_ids": ["x"]}, 422, "member_ids.0"),
    ({"name": "General"}, 400, "name"),  # taken, whatever the case
    ({"name": "   "}, 400, "name"),
    ({"name": "ok", "member_ids": [987654]}, 400, "member_ids"),
])
def test_create_channel_refuses_bad_input(chat_api, body, status, field):
    """Bad bodies answer in the API's error shape, naming the field, and create nothing."""
    before = Channel.objects.count()
    response = chat_api.call("member", "POST",
                             f"/chat/spaces/{chat_api.chat.space.pk}/channels", body)
    assert response.status_code == status
    assert response.json()["error"]["field"] == field
    assert Channel.objects.count() == before


def test_outsider_cannot_be_added_to_a_channel(chat_api):
    """People without access to the space's chat are refused on the field `member_ids`."""
    chat = chat_api.chat
    response = chat_api.call("space_admin", "POST", f"/chat/channels/{chat.public.pk}/members",
                             {"user_ids": [chat_api.world.outsider.pk]})
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "member_ids"
    assert not ChannelMember.objects.filter(user=chat_api.world.outsider).exists()


def test_update_channel(chat_api):
    """Managers rename a channel and change its topic; a taken name or a null is refused."""
    chat = chat_api.chat
    path = f"/chat/channels/{chat.public.pk}"
    response = chat_api.call("space_admin", "PATCH", path, {"name": "lobby", "topic": "Hi"})
    assert response.status_code == 200
    assert (response.json()["name"], response.json()["topic"]) == ("lobby", "Hi")
    taken = chat_api.call("space_admin", "PATCH", path, {"name": "BOARD"})
    assert (taken.status_code, taken.json()["error"]["field"]) == (400, "name")
    null = chat_api.call("space_admin", "PATCH", path, {"topic": None})
    assert (null.status_code, null.json()["error"]["field"]) == (422, "topic")
    assert Channel.objects.get(pk=chat.public.pk).topic == "Hi"


def test_archived_channel_is_read_only_until_unarchived(chat_api):
    """Nobody posts in an archived channel; it is still read; unarchiving reopens it."""
    chat = chat_api.chat
    base = f"/chat/channels/{chat.public.pk}"
    archived = chat_api.call("space_admin", "POST", f"{base}/archive")
    assert archived.status_code == 200 and archived.json()["archived"] is True
    refused = chat_api.call("member", "POST", f"{base}/messages", {"body": "Hello"})
    assert refused.status_code == 403
    assert chat_api.call("member", "GET", f"{base}/messages").status_code == 200
    assert chat_api.call("space_admin", "POST", f"{base}/unarchive").json()["archived"] is False
    assert chat_api.call("member", "POST", f"{base}/messages", {"body": "Hi"}).status_code == 201


def test_join_and_leave(chat_api):
    """Joining a public channel gives me a membership; leaving takes it away."""
    chat = chat_api.chat
    base = f"/chat/channels/{chat.public.pk}"
    joined = chat_api.call("guest", "POST", f"{base}/join")
    assert joined.status_code == 200 and joined.json()["membership"] is not None
    again = chat_api.call("guest", "POST", f"{base}/join")
    assert again.status_code == 200
    assert ChannelMember.objects.filter(channel=chat.public, user=chat_api.world.guest).count() == 1
    assert chat_api.call("guest", "POST", f"{base}/leave").status_code == 204
    assert chat_api.call("guest", "GET", base).json()["membership"] is None
    twice = chat_api.call("guest", "POST", f"{base}/leave")
    assert (twice.status_code, twice.json()["error"]["code"]) == (400, "not_member")


def test_members_add_list_and_remove(chat_api):
    """Managers add and remove people; the list pages; removing a non-member is 404."""
    chat, world = chat_api.chat, chat_api.world
    base = f"/chat/channels/{chat.private.pk}/members"
    added = chat_api.call("space_admin", "POST", base, {"user_ids": [chat.removed.pk]})
    assert added.status_code == 201
    assert [m["user_id"] for m in added.json()["items"]] == [chat.removed.pk]
    first = chat_api.call("member", "GET", f"{base}?limit=3").json()
    rest = chat_api.call("member", "GET", f"{base}?limit=3&offset=3").json()
    assert first["count"] == rest["count"] == 5
    assert (len(first["items"]), len(rest["items"])) == (3, 2)
    names = [m["name"] for m in first["items"] + rest["items"]]
    assert names == ["Dora Deactivated", "Mia Member", "Rémi Reader", "Rémy Removed",
                     "Sami Spaceadmin"]
    assert [m["is_active"] for m in first["items"]] == [False, True, True]
    assert chat_api.call("space_admin", "DELETE",
                         f"{base}/{chat.removed.pk}").status_code == 204
    gone = chat_api.call("space_admin", "DELETE", f"{base}/{chat.removed.pk}")
    assert gone.status_code == 404
    assert chat_api.call("space_admin", "DELETE", f"{base}/{world.outsider.pk}").status_code == 404
    assert chat_api.call("member", "DELETE", f"{base}/{world.member.pk}").status_code == 204
    assert chat_api.call("member", "GET", base).status_code == 404  # left a private channel


def test_direct_conversation_is_the_same_for_the_same_people(chat_api):
    """Opening a conversation twice, from either side, gives the same one."""
    chat, world = chat_api.chat, chat_api.world
    first = chat_api.call("member", "POST", "/chat/direct", {"user_ids": [world.guest.pk]})
    second = chat_api.call("guest", "POST", "/chat/direct",
                           {"user_ids": [world.member.pk, world.guest.pk]})
    assert first.status_code == second.status_code == 200
    assert first.json()["id"] == second.json()["id"] == chat.direct.pk
    group = chat_api.call("member", "POST", "/chat/direct",
                          {"user_ids": [world.guest.pk, world.reader.pk]}).json()
    assert group["kind"] == "direct" and len(group["member_ids"]) == 3


@pytest.mark.parametrize(("role", "others", "status", "field"), [
    ("member", [], 422, "user_ids"),
    ("member", ["me"], 400, "user_ids"),
    ("member", [987654], 400, "user_ids"),
    ("member", "ten", 400, "user_ids"),
    ("member", ["deactivated"], 400, "user_ids"),
    ("guest", ["outsider"], 400, "user_ids"),  # a guest reaches co-members only
])
def test_direct_conversation_refuses_bad_people(chat_api, role, others, status, field):
    """Nobody, only myself, unknown, too many, deactivated or unseen people: refused."""
    world = chat_api.world
    if others == "ten":
        from tests.factories import make_user

        ids = [make_user().pk for _ in range(10)]
    else:
        ids = [world.user(role).pk if o == "me" else getattr(world, o).pk if isinstance(o, str)
               else o for o in others]
    before = Channel.objects.count()
    response = chat_api.call(role, "POST", "/chat/direct", {"user_ids": ids})
    assert (response.status_code, response.json()["error"]["field"]) == (status, field)
    assert Channel.objects.count() == before


def test_notification_settings(chat_api):
    """Members choose a level and mute; an unknown level or a null is refused."""
    path = f"/chat/channels/{chat_api.chat.private.pk}/notifications"
    response = chat_api.call("member", "PATCH", path, {"level": "nothing", "muted": True})
    assert response.status_code == 200
    assert (response.json()["notify"], response.json()["muted"]) == ("nothing", True)
    assert chat_api.call("member", "PATCH", path, {"level": "loud"}).status_code == 422
    assert chat_api.call("member", "PATCH", path, {"muted": None}).status_code == 422
    kept = chat_api.call("member", "GET", f"/chat/channels/{chat_api.chat.private.pk}").json()
    assert kept["membership"]["notify"] == "nothing"


@pytest.mark.parametrize("message_id", [-1, "x", None, 2**63])
def test_mark_read_refuses_bad_ids(chat_api, message_id):
    """A read position is a message id (0 and up)."""
    response = chat_api.call("member", "POST", f"/chat/channels/{chat_api.chat.private.pk}/read",
                             {"message_id": message_id})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "message_id"


def test_mark_read_never_goes_back_nor_past_the_newest(chat_api):
    """Marking an older message keeps the position; a far id stops at the newest message."""
    chat, world = chat_api.chat, chat_api.world
    first = make_message(world.space_admin, chat.private, "One")
    second = make_message(world.space_admin, chat.private, "Two")
    path = f"/chat/channels/{chat.private.pk}/read"
    far = chat_api.call("reader", "POST", path, {"message_id": second.pk + 1000}).json()
    assert far["membership"]["last_read_id"] == second.pk
    back = chat_api.call("reader", "POST", path, {"message_id": first.pk}).json()
    assert back["membership"]["last_read_id"] == second.pk
    visitor = chat_api.call("guest", "POST", f"/chat/channels/{chat.public.pk}/read",
                            {"message_id": 1})
    assert visitor.status_code == 200 and visitor.json()["membership"] is None


def test_receipts_in_a_direct_conversation(chat_api):
    """Each member's read position, updated when they read."""
    chat, world = chat_api.chat, chat_api.world
    message = make_message(world.member, chat.direct, "Lunch?")
    path = f"/chat/channels/{chat.direct.pk}"
    before = {r["user_id"]: r["last_read_id"]
              for r in chat_api.call("member", "GET", f"{path}/receipts").json()}
    assert before == {world.member.pk: message.pk, world.guest.pk: 0}
    chat_api.call("guest", "POST", f"{path}/read", {"message_id": message.pk})
    after = {r["user_id"]: r["last_read_id"]
             for r in chat_api.call("member", "GET", f"{path}/receipts").json()}
    assert after[world.guest.pk] == message.pk
    assert chat_api.call("member", "GET",
                         f"/chat/channels/{chat.private.pk}/receipts").json() == []


def _upload(api: ChatApi, role: str, channel: Channel, content: bytes = b"Notes\n",
            name: str = "notes.txt") -> object:
    client = Client(HTTP_AUTHORIZATION=f"Bearer {api.secret(role)}")
    return client.post(f"{PREFIX}/chat/channels/{channel.pk}/attachments",
                       {"file": SimpleUploadedFile(name, content, "text/plain")})


def test_upload_then_send_with_a_message(chat_api):
    """An uploaded file goes with the next message, once; nobody else can send it."""
    chat = chat_api.chat
    uploaded = _upload(chat_api, "member", chat.public,
                       name="..\\etc\\<img src=x onerror=alert(1)>.txt")
    assert uploaded.status_code == 201
    attachment = uploaded.json()
    # Path parts gone; the rest is data for clients to escape, never HTML.
    assert attachment["name"] == "<img src=x onerror=alert(1)>.txt"
    assert attachment["mime_type"] == "text/plain" and attachment["size"] == 6
    path = f"/chat/channels/{chat.public.pk}/messages"
    stolen = chat_api.call("guest", "POST", path, {"attachment_ids": [attachment["id"]]})
    assert (stolen.status_code, stolen.json()["error"]["field"]) == (400, "attachment_ids")
    sent = chat_api.call("member", "POST", path, {"attachment_ids": [attachment["id"]]})
    assert sent.status_code == 201
    assert [a["id"] for a in sent.json()["attachments"]] == [attachment["id"]]
    again = chat_api.call("member", "POST", path, {"body": "x",
                                                   "attachment_ids": [attachment["id"]]})
    assert (again.status_code, again.json()["error"]["field"]) == (400, "attachment_ids")
    missing = chat_api.call("member", "POST", path, {"body": "x", "attachment_ids": [987654]})
    assert (missing.status_code, missing.json()["error"]["field"]) == (400, "attachment_ids")


def test_upload_without_a_file_or_too_large(chat_api):
    """No file: 400 on `file`; past ATRIUM_MAX_UPLOAD_BYTES: 413, nothing kept."""
    chat = chat_api.chat
    client = Client(HTTP_AUTHORIZATION=f"Bearer {chat_api.secret('member')}")
    empty = client.post(f"{PREFIX}/chat/channels/{chat.public.pk}/attachments", {})
    assert (empty.status_code, empty.json()["error"]["field"]) == (400, "file")
    with override_settings(ATRIUM_MAX_UPLOAD_BYTES=1000):
        big = _upload(chat_api, "member", chat.public, content=b"x" * 5000)
    assert big.status_code == 413 and big.json()["error"]["code"] == "too_large"
    assert not Attachment.objects.exists()


def test_webhook_secret_is_shown_once_and_posts_until_revoked(chat_api):
    """The address answers once; Slack's JSON posted to it lands in the channel; revoked,
    it stops."""
    chat = chat_api.chat
    base = f"/chat/channels/{chat.public.pk}/webhooks"
    created = chat_api.call("space_admin", "POST", base, {"name": "Deploys"})
    assert created.status_code == 201
    url = created.json()["url"]
    assert url.startswith("http://testserver/hooks/chat/")
    listed = chat_api.call("space_admin", "GET", base).json()
    assert [w["name"] for w in listed] == ["Deploys"] and "url" not in listed[0]
    path = url.removeprefix("http://testserver")
    posted = Client().post(path, json.dumps({"text": "Build *green*"}),
                           content_type="application/json")
    assert posted.status_code == 200
    message = Message.objects.get(channel=chat.public)
    assert (message.sender_name, message.author_id) == ("Deploys", None)
    revoked = chat_api.call("space_admin", "DELETE", f"/chat/webhooks/{created.json()['id']}")
    assert revoked.status_code == 204
    assert chat_api.call("space_admin", "GET", base).json()[0]["revoked_at"] is not None
    assert Client().post(path, json.dumps({"text": "again"}),
                         content_type="application/json").status_code == 404


@pytest.mark.parametrize("body", [{}, {"name": ""}, {"name": "x" * 81}, {"name": 5}])
def test_webhook_refuses_bad_names(chat_api, body):
    """A webhook needs a name of 1 to 80 characters."""
    response = chat_api.call("space_admin", "POST",
                             f"/chat/channels/{chat_api.chat.public.pk}/webhooks", body)
    assert response.status_code == 422 and response.json()["error"]["field"] == "name"


def test_chat_switched_off_in_the_space_answers_404(chat_api):
    """With the module off in the space its channels answer as missing; direct
    conversations stay."""
    chat = chat_api.chat
    do_configure_space_module(chat.world.space_admin, chat.space, "chat", enabled=False)
    for path in [f"/chat/channels/{chat.public.pk}", f"/chat/channels/{chat.private.pk}/messages",
                 f"/chat/spaces/{chat.space.pk}/channels"]:
        assert chat_api.call("member", "GET", path).status_code == 404, path
    assert chat_api.call("member", "GET", f"/chat/channels/{chat.direct.pk}").status_code == 200


def test_session_needs_the_csrf_token(chat_api, client_for):
    """A browser session posts with the X-CSRFToken header, not without."""
    chat = chat_api.chat
    client = client_for(chat.world.member)
    client.handler.enforce_csrf_checks = True
    path = f"{PREFIX}/chat/channels/{chat.private.pk}/messages"
    refused = client.post(path, {"body": "Hi"}, content_type="application/json")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "csrf_failed"
    client.get(f"{PREFIX}/chat/channels")
    token = client.cookies.get("csrftoken")
    if token is None:  # the API sets no cookie: take one from a page
        client.get("/")
        token = client.cookies["csrftoken"]
    accepted = client.post(path, {"body": "Hi"}, content_type="application/json",
                           HTTP_X_CSRFTOKEN=token.value)
    assert accepted.status_code == 201


def _queries(api: ChatApi, path: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert api.call("member", "GET", path).status_code == 200
    return len(ctx.captured_queries)


def test_lists_cost_a_bounded_number_of_queries_per_channel(chat_api):
    """The sidebar and a space's channel list grow by at most two queries per channel
    (its abilities: membership and the module switch), never by a query per field."""
    chat, world = chat_api.chat, chat_api.world
    paths = ["/chat/channels", f"/chat/spaces/{chat.space.pk}/channels"]
    chat_api.secret("member")
    before = [_queries(chat_api, path) for path in paths]
    for _ in range(5):
        channel = make_channel(world.space_admin, chat.space, members=[world.member])
        make_message(world.space_admin, channel, "Hello")
        make_direct(world.member, make_user())
    after = [_queries(chat_api, path) for path in paths]
    assert after[0] - before[0] <= 2 * 10  # five channels, five conversations
    assert after[1] - before[1] <= 2 * 5
