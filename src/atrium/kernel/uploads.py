"""An upload handler that stops a file past the size limit while it arrives, so an oversized
upload never fills the disk; the view learns why from `upload_refused(request)`."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest

ATTRIBUTE = "_atrium_upload_refused"


def upload_limit() -> int:
    return int(settings.ATRIUM_MAX_UPLOAD_BYTES)


def upload_refused(request: HttpRequest) -> bool:
    """True when this request's upload was stopped for being too large."""
    if request.method == "POST":
        request.FILES  # noqa: B018  (parsing the body runs the handlers)
    return bool(getattr(request, ATTRIBUTE, False))


class SizeLimitUploadHandler(FileUploadHandler):
    def _refuse(self) -> None:
        if self.request is not None:
            setattr(self.request, ATTRIBUTE, True)
        raise StopUpload(connection_reset=True)

    def handle_raw_input(self, input_data: Any, META: Any, content_length: int,
                         boundary: Any, encoding: Any = None) -> None:
        # Refusing here, before the form's fields are parsed, would also lose the CSRF token
        # and show a confusing error: the stream is cut in receive_data_chunk instead.
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received = getattr(self, "received", 0) + len(raw_data)
        if self.received > upload_limit():
            self._refuse()
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
