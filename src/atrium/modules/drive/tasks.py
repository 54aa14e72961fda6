"""Background work of the drive, run by the task worker (in-process when embedded)."""

from __future__ import annotations

from django_tasks import task

from atrium.modules.drive.actions.text import index_pending_texts


@task()
def index_texts() -> int:
    """Read the text of newly uploaded text and PDF files, so search finds them by content
    within seconds rather than at the next housekeeping round."""
    return index_pending_texts()
