"""Typed events: recorded in the writer's transaction, pushed to listeners after commit.

Every event type is a pydantic model with `extra="forbid"`, so a payload that drifts from
its declaration fails in tests rather than in a client. The push goes to the channel layer
group of the audience; durability comes from `EventRecord`, never from the layer.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from pydantic import BaseModel, ConfigDict

from atrium.kernel.models.events import EventRecord

AudienceKind = Literal["org", "space", "user"]


class Event(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    type: ClassVar[str]


class SpaceChanged(Event):
    type: ClassVar[str] = "space.changed"
    space_id: int
    fields: list[str]


class MembershipChanged(Event):
    type: ClassVar[str] = "space.membership"
    space_id: int
    user_id: int
    role: str | None


class ModuleSwitched(Event):
    type: ClassVar[str] = "module.switched"
    module_id: str
    space_id: int | None
    enabled: bool


class SessionRevoked(Event):
    """Tells every socket of a person to close: deactivation or a forced sign-out."""

    type: ClassVar[str] = "session.revoked"
    user_id: int


def group_name(kind: AudienceKind, audience_id: int) -> str:
    return f"{kind}-{audience_id}"


def emit(event: Event, kind: AudienceKind, audience_id: int) -> EventRecord:
    """Record `event` in the current transaction and push it once the transaction commits."""
    record = EventRecord.objects.create(
        type=event.type,
        audience_kind=kind,
        audience_id=audience_id,
        payload=event.model_dump(mode="json"),
    )
    message = {"type": "atrium.event", "id": record.pk, "event": event.type,
               "payload": record.payload}
    transaction.on_commit(lambda: _push(group_name(kind, audience_id), message))
    return record


def _push(group: str, message: dict) -> None:
    layer = get_channel_layer()
    if layer is not None:
        async_to_sync(layer.group_send)(group, message)
