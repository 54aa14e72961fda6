"""What the chat's pages do: clear errors, forms that work without scripts, files served
safely, escaping, history pages, and the strings the scripts show."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.test import override_settings

from atrium.modules.chat import actions
from atrium.modules.chat.actions.attachments import do_upload_attachment
from atrium.modules.chat.models import Channel, ChannelMember, Message
from tests.web.chat_world import Chat, client, make_chat, png, script

pytestmark = pytest.mark.django_db


@pytest.fixture
def chat(db) -> Chat:
    return make_chat()


def test_empty_and_too_long_messages_are_refused_clearly(chat: Chat):
    """A script gets the action's message as JSON; a plain form gets it on the page."""
    browser = client(chat, "member")
    base = f"/chat/c/{chat.general.pk}/"
    empty = script(browser, f"{base}post", {"body": "   "})
    assert empty.status_code == 400
    assert empty.json()["error"]["message"] == "Write a message or attach a file."
    long = script(browser, f"{base}post", {"body": "x" * 40_001})
    assert long.status_code == 400 and "too long" in long.json()["error"]["message"]
    page = browser.post(f"{base}post", {"body": ""}, follow=True)
    assert "Write a message or attach a file." in page.content.decode()
    assert Message.objects.filter(channel=chat.general).count() == 2


def test_posting_without_scripts_redirects_to_the_message(chat: Chat):
    """The composer works as a plain form, files included; a thread reply goes back to the
    thread."""
    browser = client(chat, "member")
    base = f"/chat/c/{chat.general.pk}/"
    response = browser.post(f"{base}post", {"body": "Plain form", "files": png()})
    message = Message.objects.get(body="Plain form")
    assert response.status_code == 302
    assert response["Location"] == f"{base}#message-{message.pk}"
    assert message.attachments.count() == 1
    reply = browser.post(f"{base}post", {"body": "In thread", "thread_root": chat.in_general.pk,
                                         "also_in_channel": "1"})
    assert reply["Location"].startswith(f"{base}thread/{chat.in_general.pk}/")
    assert Message.objects.get(body="In thread").also_in_channel


def test_a_script_gets_the_message_in_its_json_shape(chat: Chat):
    """Posting from the page answers the message as the live events carry it."""
    browser = client(chat, "member")
    upload = script(browser, f"/chat/c/{chat.general.pk}/upload", {"file": png()}).json()
    assert upload["attachment"]["thumbnail_url"]
    response = script(browser, f"/chat/c/{chat.general.pk}/post",
                      {"body": f"Hi <@{chat.world.space_admin.pk}>",
                       "attachment": upload["attachment"]["id"]})
    message = response.json()["message"]
    assert response.status_code == 201
    assert message["mention_ids"] == [chat.world.space_admin.pk]
    assert message["attachments"][0]["id"] == upload["attachment"]["id"]
    assert message["mine"] is True


def test_channel_names_are_checked_and_taken_names_explained(chat: Chat):
    """Creating a channel: a taken name and an empty one are refused with the reason, what
    was typed is kept; a good one leads to the new conversation."""
    browser = client(chat, "member")
    path = f"/s/{chat.world.space.slug}/chat/new/"
    taken = browser.post(path, {"name": "general", "topic": "Kept topic", "kind": "public"})
    assert taken.status_code == 400
    body = taken.content.decode()
    assert 'role="alert"' in body and "Kept topic" in body and 'aria-invalid="true"' in body
    assert browser.post(path, {"name": " ", "kind": "public"}).status_code == 400
    made = browser.post(path, {"name": "night shift", "kind": "private"})
    channel = Channel.objects.get(name="night shift")
    assert made["Location"] == f"/chat/c/{channel.pk}/"
    assert channel.kind == "private"
    assert client(chat, "reader").post(path, {"name": "readers", "kind": "public"}) \
        .status_code == 403


def test_files_are_served_safely(chat: Chat):
    """Images inline with a sandbox policy and no sniffing; anything else as a download."""
    browser = client(chat, "member")
    image = browser.get(f"/chat/files/{chat.file_id}")
    assert image["Content-Type"] == "image/png"
    assert image["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in image["Content-Security-Policy"]
    assert image["Content-Disposition"].startswith("inline")
    thumb = browser.get(f"/chat/files/{chat.file_id}/thumb")
    assert thumb["Content-Type"] == "image/webp"

    page = do_upload_attachment(chat.world.space_admin, chat.secret,
                                io.BytesIO(b"<svg onload=alert(1)></svg>"), "x.svg")
    actions.do_post_message(chat.world.space_admin, chat.secret, "svg", attachments=[page])
    svg = browser.get(f"/chat/files/{page.pk}")
    assert svg["Content-Disposition"].startswith("attachment")
    assert svg["Content-Type"] == "application/octet-stream"
    assert browser.get(f"/chat/files/{page.pk}/thumb").status_code == 404


@override_settings(ATRIUM_MAX_UPLOAD_BYTES=1000)
def test_a_too_large_upload_is_explained(chat: Chat):
    browser = client(chat, "member")
    response = script(browser, f"/chat/c/{chat.general.pk}/upload",
                      {"file": io.BytesIO(b"x" * 5000)})
    assert response.status_code == 413
    assert "too large" in response.json()["error"]["message"]


def test_names_topics_and_messages_are_escaped(chat: Chat):
    """Markup in a channel's name and topic and in a person's name is shown as text; the
    message's HTML comes only from the sanitiser."""
    admin = chat.world.space_admin
    actions.do_update_channel(admin, chat.general, name="<img src=x onerror=alert(1)>",
                              topic="<script>alert(2)</script>")
    admin.full_name = '<svg onload="alert(3)">'
    admin.save(update_fields=["full_name"])
    actions.do_post_message(admin, chat.general,
                            '<img src=x onerror="alert(4)"> [x](javascript:alert(5))')
    page = client(chat, "member").get(f"/chat/c/{chat.general.pk}/").content.decode()
    for raw in ("<img src=x", "<script>alert", "<svg onload", 'href="javascript:'):
        assert raw not in page, raw
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_history_pages_and_the_new_messages_line(chat: Chat):
    """Older history comes as list items with a flag for more; the new-messages line sits
    before the first message someone else wrote since the person last read."""
    admin, member = chat.world.space_admin, chat.world.member
    for n in range(55):
        actions.do_post_message(admin, chat.general, f"note {n}")
    browser = client(chat, "member")
    page = browser.get(f"/chat/c/{chat.general.pk}/").content.decode()
    assert len(re.findall(r'<li class="msg[^"]*" id="message-', page)) == 50
    assert "data-older" in page
    assert page.index('class="chat-unread-line"') < page.index("note 5<")
    first = Message.objects.filter(body="note 5").get()
    older = browser.get(f"/chat/c/{chat.general.pk}/older?before={first.pk}",
                        HTTP_X_ATRIUM_FRAGMENT="1")
    assert older["X-Chat-More"] == "0"
    assert re.findall(r"note \d+", older.content.decode()) == [f"note {n}" for n in range(5)]
    actions.do_mark_read(member, chat.general, chat.general.last_message_id + 1000)
    again = browser.get(f"/chat/c/{chat.general.pk}/").content.decode()
    assert 'class="chat-unread-line"' not in again


def test_the_page_data_island_gives_the_scripts_what_they_need(chat: Chat):
    """JSON islands (never run) carry the channel, rights, members and translated words."""
    page = client(chat, "member").get(f"/chat/c/{chat.direct.pk}/").content.decode()
    data = json.loads(re.search(r'<script id="chat-data" type="application/json">(.*?)</script>',
                                page, re.S).group(1))
    assert data["channel"]["kind"] == "direct"
    assert data["can"]["post"] is True and data["can"]["moderate"] is False
    assert set(data["members"]) == {str(chat.world.member.pk), str(chat.world.space_admin.pk)}
    assert data["receipts"][str(chat.world.member.pk)] == chat.in_direct.pk
    strings = json.loads(re.search(r'<script id="chat-strings" type="application/json">'
                                   r'(.*?)</script>', page, re.S).group(1))
    assert strings["typing_one"] == "{name} is typing…"
    assert strings["replies_other"] == "{n} replies"


def test_details_panel_changes_settings_and_members(chat: Chat):
    """Notification settings, renaming, and adding and removing people, from the panel."""
    admin = client(chat, "space_admin")
    base = f"/chat/c/{chat.general.pk}/"
    fragment = {"HTTP_X_ATRIUM_FETCH": "1", "HTTP_X_ATRIUM_FRAGMENT": "1"}
    saved = admin.post(f"{base}notify", {"level": "mentions", "muted": "1"}, **fragment)
    assert saved.status_code == 200 and 'role="status"' in saved.content.decode()
    row = ChannelMember.objects.get(channel=chat.general, user=chat.world.space_admin)
    assert (row.notify, row.muted) == ("mentions", True)
    taken = admin.post(f"{base}update", {"name": "secret", "topic": ""}, **fragment)
    assert taken.status_code == 400 and 'role="alert"' in taken.content.decode()
    reader = chat.world.reader
    assert admin.post(f"{base}members/add", {"user": reader.pk}, **fragment).status_code == 200
    assert ChannelMember.objects.filter(channel=chat.general, user=reader).exists()
    removed = admin.post(f"{base}members/{reader.pk}/remove", **fragment)
    assert removed.status_code == 200
    assert not ChannelMember.objects.filter(channel=chat.general, user=reader).exists()
    outsider = chat.world.outsider
    refused = admin.post(f"{base}members/add", {"user": outsider.pk}, **fragment)
    assert refused.status_code == 400


def test_new_direct_conversation_and_people_picker(chat: Chat):
    """The picker keeps those ticked and finds others; opening twice reaches one
    conversation; a guest cannot reach people outside their spaces."""
    browser = client(chat, "reader")
    picked = browser.get(f"/chat/people/?q=mia&user={chat.world.outsider.pk}").content.decode()
    assert "Mia Member" in picked and 'checked' in picked and "Otto Outsider" in picked
    first = browser.post("/chat/new-direct/", {"user": [chat.world.member.pk]})
    second = browser.post("/chat/new-direct/", {"user": [chat.world.member.pk]})
    assert first["Location"] == second["Location"]
    none = browser.post("/chat/new-direct/", {})
    assert none.status_code == 400 and 'role="alert"' in none.content.decode()
    guest = client(chat, "guest")
    assert "Mia Member" not in guest.get("/chat/people/?q=mia").content.decode()
    assert guest.post("/chat/new-direct/", {"user": [chat.world.member.pk]}).status_code == 400


def test_search_finds_only_readable_messages_with_filters(chat: Chat):
    member, reader = client(chat, "member"), client(chat, "reader")
    assert "The <mark>plan</mark>" in member.get("/chat/search/?q=plan").content.decode()
    assert "No message matches." in reader.get("/chat/search/?q=plan").content.decode()
    with_files = member.get(f"/chat/search/?q=plan&files=1&channel={chat.secret.pk}")
    assert "<mark>plan</mark>" in with_files.content.decode()
    by_other = member.get(f"/chat/search/?q=plan&author={chat.world.member.pk}")
    assert "No message matches." in by_other.content.decode()


def test_a_conversation_costs_the_same_queries_for_5_or_50_messages(chat: Chat):
    """No query per message: reactions, files, mentions and rights are fetched in bulk."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    admin, member = chat.world.space_admin, chat.world.member
    browser = client(chat, "member")
    path = f"/chat/c/{chat.general.pk}/"

    def cost() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert browser.get(path).status_code == 200
        return len(queries)

    for n in range(5):
        message = actions.do_post_message(admin, chat.general, f"first {n}")
        actions.do_react(member, message, "👍", True)
    cost()  # the session's first request writes its own bookkeeping
    few = cost()
    for n in range(45):
        message = actions.do_post_message(admin, chat.general, f"more {n} <@{member.pk}>")
        actions.do_react(member, message, "🎉", True)
    assert cost() == few
