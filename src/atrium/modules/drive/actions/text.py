"""Text of files for search by content: extracted once per blob (however many files share
it) by the kernel's `extract.text_of`, in the background: a task queued by each upload of
such a file, and housekeeping for anything a task missed."""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction
from django.db.models import Q

from atrium.kernel.models import Blob
from atrium.modules.drive.models import FileText, Node

log = logging.getLogger(__name__)
TEXT_TYPES = Q(mime_type__startswith="text/") | Q(mime_type="application/pdf")
MAX_TEXT_BYTES = 1024 * 1024


def has_text(mime_type: str) -> bool:
    """Whether search reads the contents of files of this type (what TEXT_TYPES selects)."""
    return mime_type.startswith("text/") or mime_type == "application/pdf"


def _text_of(blob: Blob) -> str | None:
    try:
        from atrium.kernel import extract
    except ImportError:  # the extractor is not installed yet
        return None
    try:
        return str(extract.text_of(blob, limit_bytes=MAX_TEXT_BYTES))
    except Exception:  # a damaged file must never stop the others
        log.exception("text extraction failed for blob %s", blob.pk)
        return ""


def store_text(blob: Blob, text: str) -> FileText:
    """Keep `text` as the searchable content of `blob` (NUL bytes dropped)."""
    clean = text.replace("\x00", " ")
    row, _created = FileText.objects.update_or_create(blob=blob, defaults={"text": clean})
    return row


def index_pending_texts(limit: int = 200) -> int:
    """Extract the text of the current versions of text and PDF files not read yet."""
    blob_ids = list(Node.objects.filter(TEXT_TYPES, current__isnull=False,
                                        trashed_at__isnull=True,
                                        current__blob__drive_text__isnull=True)
                    .values_list("current__blob_id", flat=True).distinct()[:limit])
    done = 0
    for blob in Blob.objects.filter(pk__in=blob_ids):
        text = _text_of(blob)
        if text is None:
            return done
        try:
            with transaction.atomic():
                store_text(blob, text)
        except IntegrityError:  # purged meanwhile
            continue
        done += 1
    return done
