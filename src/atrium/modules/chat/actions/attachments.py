"""Files sent in chat: uploaded before the message, kept once in the kernel blob store.

The type comes from the bytes (never from the name or the browser's MIME type); raster
images get a thumbnail and their size; the name is cleaned of paths and control characters.
An attachment belongs to its uploader until a message carries it (`do_post_message`); one
never sent is purged after a while. Reading goes through `open_attachment`, which checks
that the person may read the channel now and says whether the browser may show the file
inline (raster images only) or must download it.
"""

from __future__ import annotations

import unicodedata
from datetime import timedelta
from typing import IO, Any, NamedTuple

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from atrium.kernel import blobstore, previews
from atrium.kernel.abilities import abilities, is_active_user
from atrium.kernel.errors import Forbidden, NotFound
from atrium.kernel.models import Blob
from atrium.modules.chat.actions.channels import require_active
from atrium.modules.chat.models import Attachment, Channel

MAX_NAME = 255
THUMBNAIL_SIZE = 480
INLINE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
UNSENT_KEPT = timedelta(hours=24)


def clean_file_name(name: Any) -> str:
    """A name safe to show and to offer as a download: the last path part only, no control
    or invisible formatting characters, at most 255 characters (the extension kept)."""
    text = unicodedata.normalize("NFC", str(name or ""))
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    text = "".join(" " if ch in "\t\r\n" else ch for ch in text
                   if not unicodedata.category(ch).startswith("C") or ch in "\t\r\n")
    text = " ".join(text.split()).strip(". ")
    if len(text) > MAX_NAME:
        stem, dot, ext = text.rpartition(".")
        if dot and 0 < len(ext) <= 16:
            text = f"{stem[: MAX_NAME - len(ext) - 1].rstrip()}.{ext}"
        else:
            text = text[:MAX_NAME].rstrip()
    return text or "file"


def _thumbnail(blob: Blob) -> tuple[Blob, int, int] | None:
    """A small WebP of a raster image, and the image's own width and height."""
    with blobstore.open_blob(blob) as stream:
        made = previews.render_image(stream, THUMBNAIL_SIZE)
    if made is None:
        return None  # kept as a plain file: shown as a download, never inline
    return blobstore.put_bytes(made.data), made.width, made.height


@transaction.atomic
def do_upload_attachment(actor: Any, channel: Channel, fileobj: Any, name: str) -> Attachment:
    """Store a file for a message `actor` is about to send in `channel`.

    The size limit (ATRIUM_MAX_UPLOAD_BYTES) is enforced while the bytes arrive.
    """
    uploader = require_active(actor)
    if not abilities(uploader, channel)["post"]:
        raise Forbidden(_("You may not send files in this channel."))
    blob = blobstore.put(fileobj)
    thumbnail, width, height = None, None, None
    if blob.mime_type in INLINE_TYPES:
        made = _thumbnail(blob)
        if made is not None:
            thumbnail, width, height = made
    return Attachment.objects.create(
        channel=channel, uploader=uploader, blob=blob, thumbnail=thumbnail,
        name=clean_file_name(name), size=blob.size, mime_type=blob.mime_type[:100],
        width=width, height=height,
    )


def purge_unsent_attachments(older_than: timedelta = UNSENT_KEPT) -> int:
    """Delete files uploaded but never sent, once older than `older_than`; their blobs lose a
    reference (the blob store's purge removes bytes nobody references)."""
    cutoff = timezone.now() - older_than
    purged = 0
    ids = list(Attachment.objects.filter(message__isnull=True, created_at__lt=cutoff)
               .values_list("pk", flat=True)[:1000])
    for pk in ids:
        with transaction.atomic():
            attachment = (Attachment.objects.select_for_update(of=("self",))
                          .filter(pk=pk, message__isnull=True).select_related("blob", "thumbnail")
                          .first())
            if attachment is None:
                continue  # sent meanwhile
            blobs = [attachment.blob, attachment.thumbnail]
            attachment.delete()
            for blob in blobs:
                if blob is not None:
                    blobstore.release(blob)
            purged += 1
    return purged


class OpenedFile(NamedTuple):
    file: IO[bytes]
    name: str
    mime_type: str
    inline_safe: bool


class AttachmentBlob(NamedTuple):
    blob: Blob
    name: str
    mime_type: str
    inline_safe: bool


def attachment_blob(user: Any, attachment_id: int, thumbnail: bool = False) -> AttachmentBlob:
    """The blob of an attachment `user` may read now (or of its thumbnail), or NotFound
    (missing and forbidden alike). An unsent file is seen by its uploader only; a deleted
    message's files by no one."""
    attachment = (Attachment.objects.select_related("channel__space", "message", "blob",
                                                    "thumbnail")
                  .filter(pk=attachment_id).first()) if is_active_user(user) else None
    if attachment is None:
        raise NotFound("attachment")
    message = attachment.message
    if message is None:
        if attachment.uploader_id != user.pk:
            raise NotFound("attachment")
    elif message.deleted_at is not None:
        raise NotFound("attachment")
    if not abilities(user, attachment.channel)["view"]:
        raise NotFound("attachment")
    if thumbnail:
        if attachment.thumbnail is None:
            raise NotFound("attachment")
        stem = attachment.name.rsplit(".", 1)[0] or "file"
        return AttachmentBlob(attachment.thumbnail, f"{stem}.webp", "image/webp", True)
    mime = attachment.blob.mime_type
    return AttachmentBlob(attachment.blob, attachment.name, mime, mime in INLINE_TYPES)


def open_attachment(user: Any, attachment_id: int, thumbnail: bool = False) -> OpenedFile:
    """The bytes of an attachment `user` may read now, open (see `attachment_blob`)."""
    found = attachment_blob(user, attachment_id, thumbnail)
    return OpenedFile(blobstore.open_blob(found.blob), found.name, found.mime_type,
                      found.inline_safe)
