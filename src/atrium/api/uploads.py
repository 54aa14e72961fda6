"""Resumable uploads over HTTP: the tus 1.0.0 protocol at /api/v1/uploads/.

Extensions: creation, termination, expiration. Authenticated like the rest of the API (a
token, or the session with the X-CSRFToken header); an upload is seen by its creator only.
A finished upload is turned into a file by the module that receives it (for instance the
drive's upload endpoint), which takes it with `resumable.claim()`.

Under ASGI (`atrium serve`), PATCH bodies never reach Django whole: `atrium.kernel.tusasgi`
streams each chunk into the upload's file as it arrives, so a PATCH cut by the network keeps
the bytes received before the cut (the offset tells the client where to go on).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.http import http_date
from django.utils.translation import gettext as _
from ninja import Router

from atrium.api.core import error_body
from atrium.api.kernel.schemas import errors
from atrium.kernel import resumable
from atrium.kernel.errors import ActionError
from atrium.kernel.models import UploadSession

router = Router(tags=["uploads"])

VERSION = "1.0.0"
EXTENSIONS = "creation,termination,expiration"
CONTENT_TYPE = "application/offset+octet-stream"
DOC = ("tus 1.0.0 resumable upload (https://tus.io/protocols/resumable-upload); "
       "send `Tus-Resumable: 1.0.0`.")


def _tus(response: HttpResponse) -> HttpResponse:
    response["Tus-Resumable"] = VERSION
    response["Cache-Control"] = "no-store"
    return response


def _error(status: int, code: str, message: str) -> HttpResponse:
    return _tus(JsonResponse(error_body(code, message), status=status))


def _version_refused(request: HttpRequest) -> HttpResponse | None:
    if request.headers.get("Tus-Resumable") == VERSION:
        return None
    refused = _error(412, "tus_version", _("Send the header Tus-Resumable: 1.0.0."))
    refused["Tus-Version"] = VERSION
    return refused


def _number(request: HttpRequest, header: str) -> int | None:
    raw = request.headers.get(header, "").strip()
    return int(raw) if raw.isdigit() and len(raw) < 20 else None


def _state(response: HttpResponse, session: UploadSession) -> HttpResponse:
    response["Upload-Offset"] = str(session.offset)
    response["Upload-Expires"] = http_date(session.expires_at.timestamp())
    return _tus(response)


def _answer(call: Any) -> HttpResponse:
    try:
        answer: HttpResponse = call()
        return answer
    except ActionError as error:
        return _error(error.status, error.code, error.message)


@router.api_operation(["OPTIONS"], "/uploads/", auth=None, include_in_schema=False)
def options(request: HttpRequest) -> HttpResponse:
    """What this tus server supports (no authentication needed)."""
    response = HttpResponse(status=204)
    response["Tus-Version"] = VERSION
    response["Tus-Extension"] = EXTENSIONS
    response["Tus-Max-Size"] = str(resumable.max_upload_bytes())
    return _tus(response)


@router.post("/uploads/", response={201: None, **errors(400, 412, 413, 507)},
             summary="Start a resumable upload", description=DOC + (
    " Headers: `Upload-Length` (bytes), optional `Upload-Metadata` (`filename <base64>`). "
    "Answers 201 with `Location`; 413 past `ATRIUM_MAX_DRIVE_UPLOAD_BYTES`, 507 when the "
    "server's disk has no room."))
def create_upload(request: HttpRequest) -> HttpResponse:
    refused = _version_refused(request)
    if refused:
        return refused
    length = _number(request, "Upload-Length")
    if length is None:
        return _error(400, "bad_length", _("Send the size of the file in Upload-Length."))

    def run() -> HttpResponse:
        metadata = resumable.parse_metadata(request.headers.get("Upload-Metadata", ""))
        session = resumable.create(request.user, length, metadata)
        response = _state(HttpResponse(status=201), session)
        response["Location"] = request.build_absolute_uri(f"{request.path}{session.key}")
        return response

    return _answer(run)


@router.api_operation(["OPTIONS"], "/uploads/{upload_id}", auth=None, include_in_schema=False)
def options_of_upload(request: HttpRequest, upload_id: str) -> HttpResponse:
    return options(request)


# HEAD answers have no body to hold a JSON error: kept out of the OpenAPI document (whose
# fuzz test reads every error's JSON), and described under PATCH.
@router.api_operation(["HEAD"], "/uploads/{upload_id}", include_in_schema=False)
def upload_offset(request: HttpRequest, upload_id: str) -> HttpResponse:
    refused = _version_refused(request)
    if refused:
        return refused
    session = resumable.get(request.user, upload_id)
    response = _state(HttpResponse(status=200), session)
    response["Upload-Length"] = str(session.length)
    return response


@router.patch("/uploads/{upload_id}", response={204: None, **errors(400, 404, 409, 412, 413, 415)},
              summary="Append to an upload", description=DOC + (
    " Body: the bytes (`Content-Type: application/offset+octet-stream`) at `Upload-Offset`. "
    "409 when the offset is not the upload's, 415 for another content type. "
    "`HEAD` on the same address answers `Upload-Offset` and `Upload-Length` (where to go "
    "on after a cut)."))
def append_upload(request: HttpRequest, upload_id: str) -> HttpResponse:
    # Under ASGI, `atrium.kernel.tusasgi` answers these PATCHes before Django reads the body;
    # this view serves the other ways in (WSGI, the test client).
    return append_streamed(request, upload_id, request)


def append_streamed(request: HttpRequest, upload_id: str, body: Any) -> HttpResponse:
    """The PATCH of an authenticated `request`, its bytes read from `body` (`.read(n)`)."""
    refused = _version_refused(request)
    if refused:
        return refused
    if request.content_type != CONTENT_TYPE:
        return _error(415, "bad_content_type",
                      _("Send the bytes as application/offset+octet-stream."))
    offset = _number(request, "Upload-Offset")
    if offset is None:
        return _error(400, "bad_offset", _("Send the offset in Upload-Offset."))
    declared = _number(request, "Content-Length")
    return _answer(lambda: _state(HttpResponse(status=204), resumable.append(
        request.user, upload_id, offset, body, declared)))


@router.delete("/uploads/{upload_id}", response={204: None, **errors(404, 412)},
               summary="Cancel an upload", description=DOC)
def terminate_upload(request: HttpRequest, upload_id: str) -> HttpResponse:
    refused = _version_refused(request)
    if refused:
        return refused
    resumable.terminate(request.user, upload_id)
    return _tus(HttpResponse(status=204))
