"""Posting, threads, mentions, attachments, webhooks, editing, deleting, history, reactions
and pins."""

from __future__ import annotations

import pytest

from atrium.kernel import blobstore
from atrium.kernel.errors import ActionError, Forbidden, NotFound
from atrium.kernel.models import AuditEntry, Blob
from atrium.modules.chat.actions import (
    do_delete_message,
    do_edit_message,
    do_pin,
    do_post_message,
    do_react,
    message_history,
)
from atrium.modules.chat.models import (
    MAX_MESSAGE_CHARS,
    Attachment,
    Channel,
    ChannelMember,
    Mention,
    Message,
    Reaction,
    Webhook,
)
from tests.modules.chat.conftest import records
from tests.modules.chat.factories import make_channel, make_message


def member_row(channel, user):
    return ChannelMember.objects.get(channel=channel, user=user)


def upload(channel, user, data=b"report", name="report.txt"):
    blob = blobstore.put_bytes(data)
    return Attachment.objects.create(channel=channel, uploader=user, blob=blob, name=name,
                                     size=len(data), mime_type=blob.mime_type)


@pytest.mark.django_db
def test_post_renders_markdown_and_pushes_after_commit(chat, pushed):
    """The text is trimmed, rendered once through the sanitiser (code blocks keep their
    language for highlighting), stored and pushed to the channel with its payload."""
    w = chat.world
    body = "\n\n**Hi** <script>alert(1)</script>\n\n```python\nprint(1)\n```\n  "
    with pushed.commit():
        message = do_post_message(w.member, chat.public, body)
    assert message.body == "**Hi** <script>alert(1)</script>\n\n```python\nprint(1)\n```"
    assert "<strong>Hi</strong>" in message.html and "<script>" not in message.html
    assert '<code class="language-python">' in message.html
    (event,) = pushed.events("chat.message.posted")
    assert event["a"] == f"chat.channel:{chat.public.pk}"
    (record,) = records("chat.message.posted")
    assert record.payload["message"]["id"] == message.pk
    assert record.payload["message"]["author"]["name"] == "Mia Member"
    chat.public.refresh_from_db()
    assert chat.public.last_message_id == message.pk


@pytest.mark.django_db
@pytest.mark.parametrize("body", ["", "   \n  ", "\x00"])
def test_empty_message_is_refused(chat, body):
    with pytest.raises(ActionError) as error:
        do_post_message(chat.world.member, chat.public, body)
    assert (error.value.code, error.value.field) == ("required", "body")
    assert not Message.objects.exists()


@pytest.mark.django_db
def test_oversized_message_is_refused_with_its_length(chat):
    with pytest.raises(ActionError) as error:
        do_post_message(chat.world.member, chat.public, "x" * (MAX_MESSAGE_CHARS + 1))
    assert error.value.code == "too_long"
    assert str(MAX_MESSAGE_CHARS) in error.value.message
    assert do_post_message(chat.world.member, chat.public, "x" * MAX_MESSAGE_CHARS).pk


@pytest.mark.django_db
def test_nul_bytes_are_dropped(chat):
    assert do_post_message(chat.world.member, chat.public, "a\x00b").body == "ab"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["anonymous", "reader", "outsider", "org_admin",
                                  "deactivated"])
def test_post_is_refused_without_write_access(chat, role):
    with pytest.raises(Forbidden):
        do_post_message(chat.user(role), chat.public, "Hello")
    assert not Message.objects.exists()


@pytest.mark.django_db
def test_posting_in_a_public_channel_joins_it(chat):
    w = chat.world
    assert not ChannelMember.objects.filter(channel=chat.public, user=w.guest).exists()
    message = make_message(w.guest, chat.public, "Hi all")
    assert member_row(chat.public, w.guest).last_read_id == message.pk


@pytest.mark.django_db
def test_mentions_of_people_and_of_the_channel(chat):
    """`<@id>` shows the name and notifies a reader of the channel; @here counts as a mention
    of everyone; someone who cannot read the channel is not mentioned."""
    w = chat.world
    body = f"<@{w.reader.pk}> and <@{w.guest.pk}> and <@{w.outsider.pk}>, `<@{w.space_admin.pk}>`"
    message = make_message(w.member, chat.private, body + " @here")
    assert f'<span class="mention" data-user-id="{w.reader.pk}">@Rémi Reader</span>' \
        in message.html
    assert set(Mention.objects.filter(message=message).values_list("user_id", flat=True)) \
        == {w.reader.pk}
    assert message.mentions_channel
    assert member_row(chat.private, w.reader).unread_mentions == 1
    assert member_row(chat.private, w.space_admin).unread_mentions == 1  # @here
    assert member_row(chat.private, w.member).unread_mentions == 0  # the author


@pytest.mark.django_db
def test_slack_channel_mentions(chat):
    message = make_message(chat.world.member, chat.public, "<!channel> deploy done")
    assert message.mentions_channel
    assert 'class="mention mention-channel">@channel</span>' in message.html


@pytest.mark.django_db
def test_thread_replies(chat, pushed):
    """A reply counts on its root and is pushed as a thread change; it stays out of the main
    flow unless also shown in the channel; replies to replies and to other channels are
    refused."""
    w = chat.world
    root = make_message(w.member, chat.public, "Question")
    with pushed.commit():
        reply = make_message(w.guest, chat.public, "Answer", thread_root=root)
    root.refresh_from_db()
    assert (root.reply_count, root.last_reply_at) == (1, reply.created_at)
    (thread_event,) = records("chat.thread")
    assert thread_event.payload["reply_count"] == 1
    chat.public.refresh_from_db()
    assert chat.public.last_message_id == root.pk  # the reply is not in the main flow
    shown = make_message(w.guest, chat.public, "Also here", thread_root=root,
                         also_in_channel=True)
    chat.public.refresh_from_db()
    assert chat.public.last_message_id == shown.pk
    with pytest.raises(ActionError) as error:
        make_message(w.member, chat.public, "Nested", thread_root=reply)
    assert error.value.field == "thread_root"
    other = make_message(w.member, chat.private, "Elsewhere")
    with pytest.raises(ActionError):
        make_message(w.member, chat.public, "Cross", thread_root=other)


@pytest.mark.django_db
def test_attachments_are_linked_to_the_message(chat):
    w = chat.world
    files = [upload(chat.public, w.member), upload(chat.public, w.member, b"x", "x.txt")]
    message = do_post_message(w.member, chat.public, "", attachments=files)
    assert message.has_attachment
    assert set(Attachment.objects.filter(message=message).values_list("pk", flat=True)) \
        == {f.pk for f in files}
    with pytest.raises(ActionError) as error:  # already sent
        do_post_message(w.member, chat.public, "again", attachments=files[:1])
    assert error.value.field == "attachments"
    theirs = upload(chat.public, w.guest)
    with pytest.raises(ActionError):  # someone else's upload
        do_post_message(w.member, chat.public, "mine?", attachments=[theirs])
    elsewhere = upload(chat.private, w.member)
    with pytest.raises(ActionError):  # uploaded for another channel
        do_post_message(w.member, chat.public, "here?", attachments=[elsewhere])


@pytest.mark.django_db
def test_webhook_posts_under_its_name(chat):
    w = chat.world
    hook = Webhook.objects.create(channel=chat.public, name="CI", prefix="abc123",
                                  token_hash="x" * 64, created_by=w.member)
    message = do_post_message(None, chat.public, "Build <!here> passed", webhook=hook)
    assert (message.author, message.sender_name) == (None, "CI")
    assert message.mentions_channel
    with pytest.raises(Forbidden):
        do_post_message(None, chat.private, "Wrong channel", webhook=hook)
    hook.revoked_at = message.created_at
    with pytest.raises(Forbidden):
        do_post_message(None, chat.public, "Revoked", webhook=hook)
    with pytest.raises(Forbidden):
        do_post_message(None, chat.public, "Nobody")


@pytest.mark.django_db
def test_edit_keeps_a_revision_and_reparses_mentions(chat, pushed):
    w = chat.world
    message = make_message(w.member, chat.private, f"Hi <@{w.reader.pk}>")
    with pushed.commit():
        edited = do_edit_message(w.member, message, f"Hi <@{w.space_admin.pk}>")
    assert edited.edited_at is not None
    assert list(edited.revisions.values_list("body", flat=True)) == [f"Hi <@{w.reader.pk}>"]
    assert set(Mention.objects.filter(message=message).values_list("user_id", flat=True)) \
        == {w.space_admin.pk}
    assert pushed.events("chat.message.edited")
    notified = [e["a"] for e in pushed.events("chat.notify")]
    assert notified == [f"user:{w.space_admin.pk}"]  # only the newly mentioned
    assert do_edit_message(w.member, edited, edited.body).revisions.count() == 1  # no change
    with pytest.raises(Forbidden):
        do_edit_message(w.space_admin, message, "Not mine")
    with pytest.raises(ActionError):
        do_edit_message(w.member, message, "  ")


@pytest.mark.django_db
def test_delete_is_soft_keeps_a_revision_and_releases_files(chat, pushed):
    w = chat.world
    attachment = upload(chat.public, w.member, b"unique bytes for this test")
    message = do_post_message(w.member, chat.public, "Secret", attachments=[attachment])
    do_react(w.guest, message, "👍", True)
    with pushed.commit():
        do_delete_message(w.space_admin, message)
    message.refresh_from_db()
    assert (message.body, message.html, message.deleted_at is not None) == ("", "", True)
    assert not Attachment.objects.filter(pk=attachment.pk).exists()
    assert Blob.objects.get(pk=attachment.blob_id).refcount == 0
    assert not Reaction.objects.filter(message=message).exists()
    assert message.revisions.get().body == "Secret"
    assert AuditEntry.objects.filter(action="chat.message_deleted").count() == 1
    (event,) = pushed.events("chat.message.deleted")
    assert '"deleted":true' in event["t"] and "Secret" not in event["t"]
    with pytest.raises(Forbidden):
        do_delete_message(w.member, message)  # already deleted


@pytest.mark.django_db
def test_deleting_a_reply_updates_its_thread(chat):
    w = chat.world
    root = make_message(w.member, chat.public, "Root")
    reply = make_message(w.member, chat.public, "Reply", thread_root=root)
    do_delete_message(w.member, reply)
    root.refresh_from_db()
    assert root.reply_count == 0
    assert not AuditEntry.objects.filter(action="chat.message_deleted").exists()  # own
    with pytest.raises(Forbidden):
        do_delete_message(w.guest, root)


@pytest.mark.django_db
def test_history_is_for_admins_who_read_the_channel(chat):
    w = chat.world
    message = make_message(w.member, chat.public, "First")
    do_edit_message(w.member, message, "Second")
    assert [r.body for r in message_history(w.space_admin, message)] == ["First"]
    assert AuditEntry.objects.filter(action="chat.message_history_read").exists()
    with pytest.raises(Forbidden):
        message_history(w.member, message)
    with pytest.raises(NotFound):
        message_history(w.outsider, message)
    direct = make_message(w.member, chat.direct, "Between us")
    with pytest.raises(NotFound):
        message_history(w.owner, direct)


@pytest.mark.django_db
@pytest.mark.parametrize("emoji", ["👍", "❤️", "👍🏽", "👨‍👩‍👧", "🇫🇷", "1️⃣", ":tada:", ":+1:"])
def test_reactions_accept_emoji(chat, emoji):
    message = make_message(chat.world.member, chat.public)
    summary = do_react(chat.world.guest, message, emoji, True)
    assert summary == [{"emoji": emoji, "count": 1, "user_ids": [chat.world.guest.pk]}]


@pytest.mark.django_db
@pytest.mark.parametrize("emoji", ["", "a", "hello", ":No Caps:", "<b>", "👍 x",
                                   ":" + "a" * 63 + ":", "👍" * 33])
def test_reactions_refuse_anything_else(chat, emoji):
    message = make_message(chat.world.member, chat.public)
    with pytest.raises(ActionError) as error:
        do_react(chat.world.guest, message, emoji, True)
    assert error.value.field == "emoji"


@pytest.mark.django_db
def test_reacting_twice_and_taking_back(chat, pushed):
    w = chat.world
    message = make_message(w.member, chat.public)
    with pushed.commit():
        do_react(w.guest, message, "👍", True)
        do_react(w.guest, message, "👍", True)  # no change, no event
        do_react(w.member, message, "👍", True)
        summary = do_react(w.guest, message, "👍", False)
    assert summary == [{"emoji": "👍", "count": 1, "user_ids": [w.member.pk]}]
    assert len(pushed.events("chat.reaction")) == 3
    with pytest.raises(Forbidden):
        do_react(w.reader, message, "👍", True)


@pytest.mark.django_db
def test_at_most_fifty_different_reactions(chat):
    w = chat.world
    message = make_message(w.member, chat.public)
    for n in range(50):
        do_react(w.member, message, f":e{n}:", True)
    with pytest.raises(ActionError) as error:
        do_react(w.guest, message, ":one_more:", True)
    assert error.value.code == "too_many"
    assert do_react(w.guest, message, ":e0:", True)[0]["count"] == 2  # an existing one


@pytest.mark.django_db
def test_pin_and_unpin(chat, pushed):
    w = chat.world
    message = make_message(w.member, chat.public)
    with pushed.commit():
        do_pin(w.guest, message, True)
        do_pin(w.guest, message, True)
    assert message.pinned_by == w.guest and message.pinned_at is not None
    assert len(pushed.events("chat.pin")) == 1
    do_pin(w.member, message, False)
    assert message.pinned_at is None
    with pytest.raises(Forbidden):
        do_pin(w.reader, message, True)


@pytest.mark.django_db
def test_direct_conversation_messages(chat):
    """Members post whatever their role; a deactivated member cannot."""
    w = chat.world
    assert make_message(w.guest, chat.direct, "Hello from a guest").pk
    with pytest.raises(Forbidden):
        make_message(w.deactivated, chat.direct_with_deactivated, "Still here")
    with pytest.raises(Forbidden):
        make_message(w.owner, chat.direct, "Let me in")
    assert Channel.objects.get(pk=chat.direct.pk).last_message_id > 0


@pytest.mark.django_db
def test_xss_in_names_is_escaped_in_mentions(chat):
    from atrium.kernel.actions.people import do_update_profile

    w = chat.world
    do_update_profile(w.reader, w.reader, {"full_name": '<img src=x onerror="alert(1)">'})
    message = make_message(w.member, chat.public, f"<@{w.reader.pk}>")
    assert "<img" not in message.html and "&lt;img" in message.html
    channel = make_channel(w.member, chat.space, name='<script>alert(1)</script>')
    assert channel.name == "<script>alert(1)</script>"  # stored as text, escaped when shown
