"""Files sent in chat, served only to those who may read them now.

Raster images the blob store recognised are shown inline; everything else is a download. A
file is never run as a page: no type sniffing, and a sandbox policy even when inline.
"""

from __future__ import annotations

from django.http import FileResponse, HttpResponseBase

from atrium.modules.chat.actions.attachments import open_attachment
from atrium.modules.chat.views.common import chat_view
from atrium.web.types import AuthedRequest

FILE_POLICY = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


def _serve(request: AuthedRequest, attachment_id: int, thumbnail: bool) -> HttpResponseBase:
    opened = open_attachment(request.user, attachment_id, thumbnail=thumbnail)
    inline = opened.inline_safe
    response = FileResponse(opened.file, as_attachment=not inline, filename=opened.name,
                            content_type=opened.mime_type if inline
                            else "application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_POLICY
    response["Cache-Control"] = "private, max-age=3600"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


@chat_view
def file(request: AuthedRequest, attachment_id: int) -> HttpResponseBase:
    return _serve(request, attachment_id, thumbnail=False)


@chat_view
def thumbnail(request: AuthedRequest, attachment_id: int) -> HttpResponseBase:
    return _serve(request, attachment_id, thumbnail=True)
