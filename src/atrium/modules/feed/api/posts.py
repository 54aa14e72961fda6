"""Posts: writing one (JSON, or multipart with images and files), reading, editing, deleting,
sharing into another space, and downloading its images and files.

A post is seen by those who read its space's feed; anyone else gets 404, as for a missing id.
Someone who sees a post but may not change it gets 403. Posting is rate limited (429).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from ninja import File, Router, Status, UploadedFile

from atrium.api.kernel.present import viewer
from atrium.api.kernel.schemas import SpaceId, errors
from atrium.kernel import downloads
from atrium.kernel.blobstore import UploadTooLarge
from atrium.kernel.errors import ActionError, Forbidden
from atrium.kernel.models import Space, User
from atrium.kernel.uploads import upload_limit, upload_refused
from atrium.modules.feed import actions, queries
from atrium.modules.feed.abilities import space_rights
from atrium.modules.feed.api.access import feed_space, fields_named, seen_post
from atrium.modules.feed.api.present import post_answer
from atrium.modules.feed.api.schemas import (
    AttachmentId,
    PostEditIn,
    PostId,
    PostIn,
    PostOut,
    ShareIn,
)
from atrium.modules.feed.api.throttle import POSTS_PER_WINDOW, WINDOW_SECONDS, post_throttle

router = Router(tags=["feed"])

MAX_FILES = 30  # images and files together; the action bounds each kind
BINARY = {"content": {"application/octet-stream": {"schema": {"type": "string",
                                                              "format": "binary"}}}}
FILE_ANSWERS: dict[str, Any] = {"responses": {
    200: {"description": "The bytes; `inline` only for images of a safe type.", **BINARY},
    206: {"description": "The range asked with `Range: bytes=a-b`.", **BINARY},
    304: {"description": "Not modified (`If-None-Match` with the ETag)."},
    416: {"description": "The range starts past the end."},
}}
POSTING = (f"Each person may write {POSTS_PER_WINDOW} posts in {WINDOW_SECONDS} seconds; past "
           "that the answer is 429 (`throttled`) with a `Retry-After` header. Readers of the "
           "space get 403. `announce` (pin on top), `requires_confirmation` and "
           "`pinned_until` are for the space's admins.")


def _poll_spec(payload: PostIn) -> Any:
    if payload.poll is None:
        return None
    from atrium.modules.feed.actions import PollSpec

    return PollSpec(options=list(payload.poll.options), multiple=payload.poll.multiple,
                    closes_at=payload.poll.closes_at)


def _create(user: User, space: Space, payload: PostIn, images: list[Any],
            files: list[Any]) -> Status[dict[str, Any]]:
    post = actions.do_create_post(
        user, space, body=payload.body, images=images, files=files,
        poll=_poll_spec(payload), announce=payload.announce,
        requires_confirmation=payload.requires_confirmation,
        pinned_until=payload.pinned_until)
    return Status(201, post_answer(user, post))


@router.post("/spaces/{space_id}/posts", response={201: PostOut, **errors(400, 403, 404, 429)},
             throttle=post_throttle, summary="Write a post",
             description="Markdown, with an optional poll. Images and files go through "
             "`POST /spaces/{space_id}/posts/with-files` instead. " + POSTING)
def create_post(request: HttpRequest, space_id: SpaceId,
                payload: PostIn) -> Status[dict[str, Any]]:
    user = viewer(request)
    return _create(user, feed_space(user, space_id), payload, [], [])


@router.post("/spaces/{space_id}/posts/with-files",
             response={201: PostOut, **errors(400, 403, 404, 413, 429)},
             throttle=post_throttle, summary="Write a post with images and files",
             description="`multipart/form-data`: the fields of `POST /spaces/{space_id}/posts` "
             "as JSON in the form field `payload` (send it first), pictures in `images` "
             "(shown as a gallery) and other files in `files`, at most "
             f"{MAX_FILES} in all. Each file up to `ATRIUM_MAX_UPLOAD_BYTES` (413 past it). "
             + POSTING)
def create_post_with_files(request: HttpRequest, space_id: SpaceId,
                           payload: PostIn | None = None,
                           images: File[list[UploadedFile]] = None,  # type: ignore[assignment]
                           files: File[list[UploadedFile]] = None,  # type: ignore[assignment]
                           ) -> Status[dict[str, Any]]:
    user = viewer(request)
    space = feed_space(user, space_id)
    if not space_rights(user, space).write:  # before the size: a reader learns 403 first
        raise Forbidden(_("You may not post in this space."))
    if upload_refused(request):
        raise UploadTooLarge(_("A file is too large (at most %(limit)s MB).")
                             % {"limit": upload_limit() // (1024 * 1024)},
                             code="too_large", field="files")
    images, files = list(images or []), list(files or [])
    if len(images) + len(files) > MAX_FILES:
        raise ActionError(_("Attach at most %(count)s images and files to a post.")
                          % {"count": MAX_FILES}, code="too_many", field="files")
    try:
        return _create(user, space, payload or PostIn.model_validate({}), images, files)
    except ActionError as error:
        # The blob store names its field "file": say which list held the faulty upload
        # when it can be told (only images are checked for their type).
        if error.field == "file" and (error.code == "bad_type" or not files):
            error.field = "images"
        elif error.field == "file" and not images:
            error.field = "files"
        raise


@router.get("/feed/posts/{post_id}", response={200: PostOut, **errors(404)},
            summary="A post", description="With its last comments; all of them are read with "
            "`GET /feed/posts/{post_id}/comments`.")
def get_post(request: HttpRequest, post_id: PostId) -> dict[str, Any]:
    user = viewer(request)
    return post_answer(user, seen_post(user, post_id))


@router.patch("/feed/posts/{post_id}", response={200: PostOut, **errors(400, 403, 404)},
              summary="Edit a post", description="Its author, while they may post in the space.")
def edit_post(request: HttpRequest, post_id: PostId, payload: PostEditIn) -> dict[str, Any]:
    user = viewer(request)
    post = actions.do_edit_post(user, seen_post(user, post_id), body=payload.body)
    return post_answer(user, post)


@router.delete("/feed/posts/{post_id}", response={204: None, **errors(403, 404)},
               summary="Delete a post",
               description="Its author, or the space's admins. It leaves every feed.")
def delete_post(request: HttpRequest, post_id: PostId) -> Status[None]:
    user = viewer(request)
    actions.do_delete_post(user, seen_post(user, post_id))
    return Status(204, None)


@router.post("/feed/posts/{post_id}/share",
             response={201: PostOut, **errors(400, 403, 404, 429)}, throttle=post_throttle,
             summary="Share a post into another space",
             description="A new post in `space_id` showing the original (to those who may "
             "read it), with words of your own. You must read the original and write in the "
             "target space (404 if you cannot read that space's feed).")
def share_post(request: HttpRequest, post_id: PostId, payload: ShareIn) -> Status[dict[str, Any]]:
    user = viewer(request)
    post = seen_post(user, post_id)
    target = feed_space(user, payload.space_id)
    with fields_named(space="space_id", shared_from="post_id"):
        shared = actions.do_share_post(user, post, target, body=payload.body)
    return Status(201, post_answer(user, shared))


@router.get("/feed/attachments/{attachment_id}", response={**errors(404)},
            openapi_extra=FILE_ANSWERS, summary="Download an image or file of a post",
            description="Images of a safe type are served `inline`, anything else as a "
            "download; `Range` and `If-None-Match` are honoured.")
def download(request: HttpRequest, attachment_id: AttachmentId,
             ) -> HttpResponse | StreamingHttpResponse:
    user = viewer(request)
    attachment, blob = queries.access_attachment(user, attachment_id)
    return downloads.blob_response(request, blob, attachment.name, inline=attachment.is_image)
