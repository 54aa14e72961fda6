"""A link preview's image, served from Atrium's own origin (never a third-party address).

The bytes are the WebP thumbnail the server made (`atrium.kernel.linkpreview`), never the
remote file. The address carries a key derived from the preview and its image, so nobody
walks through preview ids, and it changes with the image, so browsers keep it for a year.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponseBase, HttpResponseNotModified
from django.utils.crypto import constant_time_compare
from django.views.decorators.http import require_safe

from atrium.kernel import blobstore, linkpreview
from atrium.kernel.errors import NotFound
from atrium.kernel.models import LinkPreview
from atrium.web.types import AuthedRequest


@login_required
@require_safe
def preview_image(request: AuthedRequest, preview_id: int) -> HttpResponseBase:
    preview = LinkPreview.objects.select_related("image").filter(pk=preview_id).first()
    if preview is None or preview.image is None or not constant_time_compare(
            request.GET.get("k", ""), linkpreview.image_key(preview)):
        raise NotFound("preview")
    blob = preview.image
    etag = f'"{blob.sha256}"'
    if request.headers.get("If-None-Match") == etag:
        return HttpResponseNotModified()
    response = FileResponse(blobstore.open_blob(blob), content_type=blob.mime_type)
    response["ETag"] = etag
    response["Cache-Control"] = "private, max-age=31536000, immutable"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Content-Disposition"] = "inline"
    return response
