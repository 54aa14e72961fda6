"""Thumbnails of raster images and of the first page of PDFs, cached beside the blobs.

`thumbnail(blob, size)` answers WebP bytes that fit in a `size` x `size` box, or None when
there is no preview: not a raster image nor a PDF (SVG and HTML never get one: they can
carry script), damaged, too large, or too slow to render. It never raises for a bad file.

- Images are decoded by Pillow, restricted to PNG, JPEG, GIF, WebP and BMP (so no plugin
  that calls out to other programs is ever reached), refused above `MAX_PIXELS` before any
  pixel is decoded, turned upright from their EXIF orientation, transparency kept.
- PDFs are rendered by pypdfium2 in a child process with memory, CPU and time limits
  (`atrium.kernel.pdfworker`); the first page only, scaled to the box before rendering, so
  a page of any size or a document of any length costs the same.
- Results go to the blob storage under `previews/<sha256>-<size>.webp`, so they follow the
  storage wherever it is (local, S3, encrypted). A file that gives no preview is remembered
  as an empty object under the same name, so a hostile file costs its render once; a failure
  to read the blob itself is not remembered (the storage may be back next time).
- `purge_previews(sha256)` forgets them; the blob store calls it when it purges a blob.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from io import BytesIO
from typing import IO, Any, NamedTuple

from django.conf import settings
from django.core.files.base import ContentFile

from atrium.kernel import blobstore, pdfworker
from atrium.kernel.models import Blob

logger = logging.getLogger(__name__)

SIZES = (64, 128, 256, 512, 1024)  # the only sizes made, so purging knows every name
RASTER_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp"})
PILLOW_FORMATS = ("PNG", "JPEG", "GIF", "WEBP", "BMP")
PDF_TYPE = "application/pdf"
MAX_PIXELS = 50_000_000  # as the blob store's check of uploaded images
MAX_SOURCE_BYTES = 256 * 1024 * 1024  # larger files get no preview
WEBP_QUALITY = 80


class Rendered(NamedTuple):
    data: bytes  # WebP
    width: int  # of the original image
    height: int


def previewable(mime_type: str) -> bool:
    return mime_type in RASTER_TYPES or mime_type == PDF_TYPE


def preview_path(sha256: str, size: int) -> str:
    return f"previews/{sha256}-{size}.webp"


def thumbnail(blob: Blob, size: int = 256) -> bytes | None:
    """WebP bytes of `blob` fitting a `size` x `size` box (one of SIZES), or None."""
    if size not in SIZES:
        raise ValueError(f"thumbnail size must be one of {SIZES}")
    if not previewable(blob.mime_type) or not 0 < blob.size <= MAX_SOURCE_BYTES:
        return None
    store = blobstore.storage()
    name = preview_path(blob.sha256, size)
    try:
        if store.exists(name):
            with store.open(name, "rb") as cached:
                return cached.read() or None
    except Exception:
        logger.exception("Preview %s could not be read; made again", name)
    try:
        with local_copy(blob) as path:
            made = _render(blob.mime_type, path, size)
    except Exception:
        logger.exception("Blob %s could not be read for its preview", blob.sha256)
        return None
    _save(name, made or b"")
    return made


def _render(mime_type: str, path: str, size: int) -> bytes | None:
    if mime_type == PDF_TYPE:
        return pdfworker.run("render", path, str(size))
    with open(path, "rb") as stream:
        rendered = render_image(stream, size)
    return rendered.data if rendered else None


def render_image(stream: IO[bytes], size: int) -> Rendered | None:
    """A WebP of the (first frame of the) raster image in `stream`, upright, fitting a
    `size` x `size` box, with the image's own width and height; None if it is not a
    supported raster image, is damaged, or has more than MAX_PIXELS pixels."""
    from PIL import Image, ImageOps

    try:
        with Image.open(stream, formats=PILLOW_FORMATS) as image:
            width, height = image.size
            if width < 1 or height < 1 or width * height > MAX_PIXELS:
                logger.warning("Image of %sx%s pixels: no preview", width, height)
                return None
            image.seek(0)  # the first frame of an animation
            if image.format == "JPEG":
                image.draft(None, (size, size))  # decode at 1/2, 1/4 or 1/8 scale
            frame = ImageOps.exif_transpose(image)
            frame = frame.convert("RGBA" if _has_alpha(frame) else "RGB")
            frame.thumbnail((size, size), Image.Resampling.LANCZOS, reducing_gap=3.0)
            out = BytesIO()
            frame.save(out, "WEBP", quality=WEBP_QUALITY, method=4)
    except Exception as error:  # Pillow raises many kinds on hostile input
        logger.warning("Image could not be previewed: %r", error)
        return None
    return Rendered(out.getvalue(), width, height)


def _has_alpha(image: Any) -> bool:
    return bool(image.mode in ("RGBA", "LA", "PA", "RGBa", "La")
                or (image.mode == "P" and "transparency" in image.info))


@contextmanager
def local_copy(blob: Blob) -> Iterator[str]:
    """The path of a temporary local copy of `blob` (removed afterwards): the PDF worker
    and the decoders need a seekable local file whatever the storage is."""
    folder = settings.DATA_DIR / "tmp"
    folder.mkdir(exist_ok=True)
    handle, path = tempfile.mkstemp(dir=folder, prefix="preview-")
    try:
        with os.fdopen(handle, "wb") as out, blobstore.open_blob(blob) as source:
            shutil.copyfileobj(source, out, blobstore.CHUNK)
        yield path
    finally:
        os.unlink(path)


def _save(name: str, data: bytes) -> None:
    store = blobstore.storage()
    try:
        saved = store.save(name, ContentFile(data))
        if saved != name:
            store.delete(saved)  # another request made it meanwhile: keep theirs
    except Exception:
        logger.exception("Preview %s could not be stored", name)


def purge_previews(sha256: str) -> None:
    """Delete every cached preview of the blob `sha256` (never raises)."""
    store = blobstore.storage()
    for size in SIZES:
        try:
            store.delete(preview_path(sha256, size))
        except Exception:
            logger.exception("Preview of %s could not be deleted", sha256)
