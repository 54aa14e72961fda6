from __future__ import annotations

from django.conf import settings
from django.db import models


class UploadSession(models.Model):
    """A resumable (tus) upload on its way in; its bytes grow in <data>/tmp/uploads/<key>.

    Only its creator may append to it, read its offset, end it or claim it. The row goes
    away when the upload is claimed (its bytes then belong to a blob), ended or expired.
    """

    key = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="upload_sessions")
    length = models.BigIntegerField()
    offset = models.BigIntegerField(default=0)
    filename = models.CharField(max_length=1024, blank=True)
    metadata = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"upload {self.key[:8]}… ({self.offset}/{self.length} bytes)"
