"""Files sent in chat, served only to those who may read them now.

Raster images the blob store recognised are shown inline; everything else is a download. A
file is never run as a page: no type sniffing, and a sandbox policy even when inline. The
bytes stream through `downloads.blob_response` (ranges, ETag; under ASGI an async body, as
Django's FileResponse would be read whole into memory there first).
"""

from __future__ import annotations

from django.http import HttpResponseBase

from atrium.kernel.downloads import blob_response
from atrium.modules.chat.actions.attachments import attachment_blob
from atrium.modules.chat.views.common import chat_view
from atrium.web.types import AuthedRequest


def _serve(request: AuthedRequest, attachment_id: int, thumbnail: bool) -> HttpResponseBase:
    found = attachment_blob(request.user, attachment_id, thumbnail=thumbnail)
    response = blob_response(request, found.blob, found.name, inline=found.inline_safe)
    if response.status_code in (200, 206, 304):
        # The bytes of an attachment never change: the browser keeps them an hour.
        response["Cache-Control"] = "private, max-age=3600"
    return response


@chat_view
def file(request: AuthedRequest, attachment_id: int) -> HttpResponseBase:
    return _serve(request, attachment_id, thumbnail=False)


@chat_view
def thumbnail(request: AuthedRequest, attachment_id: int) -> HttpResponseBase:
    return _serve(request, attachment_id, thumbnail=True)
