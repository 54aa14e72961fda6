from __future__ import annotations

from django.db import models


class EventRecord(models.Model):
    """A typed event, written in the transaction of the change it describes.

    The audience says who may receive it: ("space", id), ("user", id) or ("org", 0).
    """

    type = models.CharField(max_length=60)
    audience_kind = models.CharField(max_length=10)
    audience_id = models.BigIntegerField()
    payload = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["audience_kind", "audience_id", "id"])]

    def __str__(self) -> str:
        return f"{self.type} → {self.audience_kind}:{self.audience_id}"
