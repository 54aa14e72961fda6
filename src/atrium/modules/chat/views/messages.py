"""Writing in a conversation: post, upload a file, edit, delete, react, pin, mark as read.

Every view is a thin call to an action. Scripts get JSON (the message in the one JSON shape);
plain forms get a redirect back to the conversation with the action's message.
"""

from __future__ import annotations

from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from atrium.kernel.blobstore import UploadTooLarge
from atrium.kernel.errors import ActionError
from atrium.kernel.uploads import upload_limit, upload_refused
from atrium.modules.chat import actions, queries
from atrium.modules.chat.actions.attachments import do_upload_attachment
from atrium.modules.chat.models import Attachment, Message
from atrium.modules.chat.present import attachment_payload, message_payload
from atrium.modules.chat.views.common import chat_view, failed, from_script, int_or_none
from atrium.modules.chat.views.rows import conversation_url
from atrium.web.types import AuthedRequest


def _too_large() -> UploadTooLarge:
    return UploadTooLarge(_("The file is too large (at most %(limit)s MB).")
                          % {"limit": upload_limit() // (1024 * 1024)},
                          code="too_large", field="file")


def _message_in(request: AuthedRequest, channel_id: int, message_id: int) -> Message:
    """The message if the person may read it and it belongs to this conversation; a message
    of another conversation answers as a missing one."""
    message = queries.access_message(request.user, message_id)
    if message.channel_id != channel_id:
        queries.access_message(request.user, -1)
    return message


def _answer(request: AuthedRequest, message: Message, status: int = 200) -> HttpResponse:
    if from_script(request):
        return JsonResponse({"message": message_payload(message, viewer=request.user)},
                            status=status)
    back = conversation_url(message.channel_id)
    if message.thread_root_id:
        back = f"{back}thread/{message.thread_root_id}/"
    return redirect(f"{back}#message-{message.pk}")


@chat_view
@require_POST
def post(request: AuthedRequest, channel_id: int) -> HttpResponse:
    user = request.user
    channel = queries.access_channel(user, channel_id)
    back = conversation_url(channel.pk)
    root_id = int_or_none(request.POST.get("thread_root"))
    try:
        if upload_refused(request):
            raise _too_large()
        root = _message_in(request, channel.pk, root_id) if root_id else None
        if root is not None:
            back = f"{back}thread/{root.pk}/"
        ids = {i for i in map(int_or_none, request.POST.getlist("attachment")) if i}
        files: list[Attachment] = [Attachment(pk=pk) for pk in sorted(ids)]
        for upload in request.FILES.getlist("files"):  # the form without scripts
            files.append(do_upload_attachment(user, channel, upload, upload.name or ""))
        message = actions.do_post_message(
            user, channel, request.POST.get("body", ""), thread_root=root,
            also_in_channel=request.POST.get("also_in_channel") == "1", attachments=files)
    except ActionError as error:
        return failed(request, error, back)
    return _answer(request, message, status=201)


@chat_view
@require_POST
def upload(request: AuthedRequest, channel_id: int) -> HttpResponse:
    """One file, sent before the message that will carry it."""
    channel = queries.access_channel(request.user, channel_id)
    try:
        if upload_refused(request):
            raise _too_large()
        sent = request.FILES.get("file")
        if sent is None:
            raise ActionError(_("Choose a file to send."), code="required", field="file")
        attachment = do_upload_attachment(request.user, channel, sent, sent.name or "")
    except ActionError as error:
        return failed(request, error, conversation_url(channel.pk))
    return JsonResponse({"attachment": attachment_payload(attachment)}, status=201)


@chat_view
def source(request: AuthedRequest, channel_id: int, message_id: int) -> HttpResponse:
    """One message in its JSON shape (its text, for the editor)."""
    message = _message_in(request, channel_id, message_id)
    return JsonResponse({"message": message_payload(message, viewer=request.user)})


@chat_view
@require_POST
def edit(request: AuthedRequest, channel_id: int, message_id: int) -> HttpResponse:
    message = _message_in(request, channel_id, message_id)
    try:
        message = actions.do_edit_message(request.user, message, request.POST.get("body", ""))
    except ActionError as error:
        return failed(request, error, conversation_url(channel_id))
    return _answer(request, message)


@chat_view
@require_POST
def delete(request: AuthedRequest, channel_id: int, message_id: int) -> HttpResponse:
    message = _message_in(request, channel_id, message_id)
    try:
        message = actions.do_delete_message(request.user, message)
    except ActionError as error:
        return failed(request, error, conversation_url(channel_id))
    return _answer(request, message)


@chat_view
@require_POST
def react(request: AuthedRequest, channel_id: int, message_id: int) -> HttpResponse:
    message = _message_in(request, channel_id, message_id)
    try:
        summary = actions.do_react(request.user, message, request.POST.get("emoji", ""),
                                   request.POST.get("on", "1") == "1")
    except ActionError as error:
        return failed(request, error, conversation_url(channel_id))
    if from_script(request):
        return JsonResponse({"reactions": summary})
    return redirect(f"{conversation_url(channel_id)}#message-{message.pk}")


@chat_view
@require_POST
def pin(request: AuthedRequest, channel_id: int, message_id: int) -> HttpResponse:
    message = _message_in(request, channel_id, message_id)
    try:
        message = actions.do_pin(request.user, message, request.POST.get("pinned", "1") == "1")
    except ActionError as error:
        return failed(request, error, conversation_url(channel_id))
    return _answer(request, message)


@chat_view
@require_POST
def read(request: AuthedRequest, channel_id: int) -> HttpResponse:
    channel = queries.access_channel(request.user, channel_id)
    try:
        member = actions.do_mark_read(request.user, channel,
                                      int_or_none(request.POST.get("message_id")) or 0)
    except ActionError as error:
        return failed(request, error, conversation_url(channel.pk))
    if from_script(request):
        return JsonResponse({"last_read_id": member.last_read_id if member else 0,
                             "unread_mentions": member.unread_mentions if member else 0})
    return redirect(conversation_url(channel.pk))
