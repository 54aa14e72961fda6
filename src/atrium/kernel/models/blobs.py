from __future__ import annotations

from django.db import models


class Blob(models.Model):
    """Bytes stored once, named by their SHA-256; rows elsewhere point at them.

    `refcount` counts those pointers; the bytes are deleted when it falls to zero.
    """

    sha256 = models.CharField(max_length=64, unique=True)
    size = models.BigIntegerField()
    mime_type = models.CharField(max_length=100)
    refcount = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.sha256[:12]} ({self.mime_type}, {self.size} bytes)"
