from __future__ import annotations

from django.db import models


class EventRecord(models.Model):
    """A typed event, written in the transaction of the change it describes.

    The audience says who may receive it: ("space", id), ("user", id), ("org", 0) or a kind
    a module registers, such as ("chat.channel", id); see `atrium.realtime.audiences`.
    """

    type = models.CharField(max_length=60)
    audience_kind = models.CharField(max_length=40)
    audience_id = models.BigIntegerField()
    payload = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["audience_kind", "audience_id", "id"])]

    def __str__(self) -> str:
        return f"{self.type} → {self.audience_kind}:{self.audience_id}"


class EventHorizon(models.Model):
    """One row: the highest event id purged by retention. A client resuming from an id at
    or below it has missed events that no longer exist and must reload."""

    purged_through = models.BigIntegerField(default=0)
    purged_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"events purged through {self.purged_through}"
