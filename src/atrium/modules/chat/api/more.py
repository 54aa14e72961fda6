"""Reading (read positions, notification settings, receipts), files, search and incoming
webhooks of the chat API."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from ninja import File, Router, Status, UploadedFile

from atrium.api.kernel.present import viewer
from atrium.api.kernel.schemas import Search, errors
from atrium.kernel.abilities import abilities
from atrium.kernel.blobstore import UploadTooLarge
from atrium.kernel.errors import ActionError, Forbidden
from atrium.kernel.uploads import upload_limit, upload_refused
from atrium.modules.chat import actions, queries
from atrium.modules.chat.actions.attachments import do_upload_attachment
from atrium.modules.chat.actions.webhooks import do_create_webhook, do_revoke_webhook
from atrium.modules.chat.api.access import (
    managed_webhook,
    membership_out,
    message_out,
    read_channel,
    seen_channel,
)
from atrium.modules.chat.api.schemas import (
    AttachmentUploadOut,
    ByAuthor,
    ChannelId,
    InChannel,
    MembershipOut,
    NewWebhookOut,
    NotifyIn,
    ReadIn,
    ReadOut,
    ReceiptOut,
    SearchCursor,
    SearchLimit,
    SearchPage,
    WebhookId,
    WebhookIn,
    WebhookOut,
    When,
)
from atrium.modules.chat.models import Channel, Message, Webhook
from atrium.modules.chat.present import attachment_payload
from atrium.modules.chat.queries import with_details
from atrium.modules.chat.search import search_messages

router = Router(tags=["chat: reading, files, search, webhooks"])


# Reading -----------------------------------------------------------------------------------

@router.post("/chat/channels/{channel_id}/read", response={200: ReadOut, **errors(403, 404)},
             summary="Mark a channel read up to a message",
             description="Moves my read position forward (never back, never past the newest "
             "message) and recounts my unread mentions; my other devices and, in a direct "
             "conversation, its other members are told.")
def mark_read(request: HttpRequest, channel_id: ChannelId, payload: ReadIn) -> dict[str, Any]:
    user = viewer(request)
    channel, _can = read_channel(user, channel_id)
    member = actions.do_mark_read(user, channel, payload.message_id)
    return {"channel_id": channel.pk, "membership": membership_out(member)}


@router.patch("/chat/channels/{channel_id}/notifications",
              response={200: MembershipOut, **errors(400, 403, 404)},
              summary="How a channel notifies me",
              description="`level`: `all`, `mentions`, `nothing`, or empty for the default; "
              "`muted`: a muted channel is not counted as unread. Members only (400 "
              "`not_member` otherwise).")
def set_notifications(request: HttpRequest, channel_id: ChannelId,
                      payload: NotifyIn) -> dict[str, Any] | None:
    user = viewer(request)
    channel, _can = read_channel(user, channel_id)
    member = actions.do_set_notify(user, channel, **payload.dict(exclude_unset=True))
    return membership_out(member)


@router.get("/chat/channels/{channel_id}/receipts",
            response={200: list[ReceiptOut], **errors(403, 404)},
            summary="How far each member has read",
            description="Direct conversations only (a channel answers an empty list).")
def receipts(request: HttpRequest, channel_id: ChannelId) -> list[dict[str, Any]]:
    channel, _can = read_channel(viewer(request), channel_id)
    return [{"user_id": pk, "last_read_id": last}
            for pk, last in sorted(queries.read_receipts(channel).items())]


# Files -------------------------------------------------------------------------------------

@router.post("/chat/channels/{channel_id}/attachments",
             response={201: AttachmentUploadOut, **errors(400, 403, 404, 413)},
             summary="Upload a file to send with a message",
             description="`multipart/form-data` with the file in the field `file`. Answers "
             "the attachment whose id goes in `attachment_ids` of the next message; a file "
             "never sent is removed after a day. Its type is read from its content.")
def upload_attachment(request: HttpRequest, channel_id: ChannelId,
                      file: File[UploadedFile | None] = None) -> Status[dict[str, Any]]:
    user = viewer(request)
    channel, can = read_channel(user, channel_id)
    if not can["post"]:
        raise Forbidden(_("You may not send files in this channel."))
    if upload_refused(request):
        raise UploadTooLarge(_("The file is too large (at most %(limit)s MB).")
                             % {"limit": upload_limit() // (1024 * 1024)},
                             code="too_large", field="file")
    if file is None:
        raise ActionError(_("Choose a file to upload."), code="required", field="file")
    attachment = do_upload_attachment(user, channel, file, file.name or "")
    return Status(201, {**attachment_payload(attachment), "channel_id": channel.pk})


# Search ------------------------------------------------------------------------------------

@router.get("/chat/search", response={200: SearchPage, **errors()},
            summary="Search the messages I may read",
            description="Every word of `q` must appear (words only: no operators). Filters: "
            "a channel, an author, a time range (`after` inclusive, `before` exclusive), with "
            "files or without. Newest first; continue with `before_id=next_before_id`.")
def search(request: HttpRequest, q: Search = "", channel_id: InChannel = None,
           author_id: ByAuthor = None, after: When = None, before: When = None,
           has_attachment: bool | None = None, limit: SearchLimit = 20,
           before_id: SearchCursor = None) -> dict[str, Any]:
    user = viewer(request)
    found = search_messages(user, q, channel_id=channel_id, author_id=author_id, after=after,
                            before=before, has_attachment=has_attachment, limit=limit + 1,
                            before_id=before_id)
    more = len(found) > limit
    found = found[:limit]
    ids = [m.pk for m in found]
    details = {m.pk: m for m in with_details(Message.objects.filter(pk__in=ids))}
    channels: dict[int, dict[str, bool]] = {}
    items = []
    for hit in found:
        message = details.get(hit.pk)
        if message is None:  # deleted meanwhile
            continue
        channel: Channel = hit.channel
        if channel.pk not in channels:
            channels[channel.pk] = abilities(user, channel)
        items.append({**message_out(user, message, channels[channel.pk]),
                      "snippet": str(getattr(hit, "snippet", "")),
                      "channel_name": channel.name})
    return {"items": items, "next_before_id": found[-1].pk if more and found else None}


# Webhooks ----------------------------------------------------------------------------------

def _webhook_out(webhook: Webhook) -> dict[str, Any]:
    return {"id": webhook.pk, "channel_id": webhook.channel_id, "name": webhook.name,
            "prefix": webhook.prefix, "created_at": webhook.created_at,
            "created_by_id": webhook.created_by_id, "last_used_at": webhook.last_used_at,
            "revoked_at": webhook.revoked_at}


def _hook_url(request: HttpRequest, token: str) -> str:
    try:
        path = reverse("chat_incoming_webhook", args=[token])
    except NoReverseMatch:
        path = f"/hooks/chat/{token}"
    return request.build_absolute_uri(path)


def _managed_channel(request: HttpRequest, channel_id: int) -> Channel:
    user = viewer(request)
    channel, can = seen_channel(user, channel_id)
    if not (can["manage"] and can["view"]) or channel.is_direct:
        raise Forbidden(_("Only managers of the channel who can read it manage its webhooks."))
    return channel


@router.get("/chat/channels/{channel_id}/webhooks",
            response={200: list[WebhookOut], **errors(403, 404)},
            summary="Incoming webhooks of a channel",
            description="For the channel's managers who read it; revoked ones included.")
def list_webhooks(request: HttpRequest, channel_id: ChannelId) -> list[dict[str, Any]]:
    channel = _managed_channel(request, channel_id)
    return [_webhook_out(w) for w in Webhook.objects.filter(channel=channel)[:100]]


@router.post("/chat/channels/{channel_id}/webhooks",
             response={201: NewWebhookOut, **errors(400, 403, 404)},
             summary="Add an incoming webhook",
             description="Answers its secret address once: POST Slack's JSON to it "
             "(`{\"text\": \"…\"}`, blocks too) and the message appears in the channel.")
def create_webhook(request: HttpRequest, channel_id: ChannelId,
                   payload: WebhookIn) -> Status[dict[str, Any]]:
    user = viewer(request)
    channel = _managed_channel(request, channel_id)
    webhook, token = do_create_webhook(user, channel, payload.name)
    return Status(201, {**_webhook_out(webhook), "url": _hook_url(request, token)})


@router.delete("/chat/webhooks/{webhook_id}", response={204: None, **errors(403, 404)},
               summary="Revoke an incoming webhook",
               description="Its address stops working at once.")
def revoke_webhook(request: HttpRequest, webhook_id: WebhookId) -> Status[None]:
    user = viewer(request)
    do_revoke_webhook(user, managed_webhook(user, webhook_id))
    return Status(204, None)
