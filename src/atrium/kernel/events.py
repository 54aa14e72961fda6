"""Typed events: recorded in the writer's transaction, pushed to listeners after commit.

Every event type is a pydantic model with `extra="forbid"`, so a payload that drifts from
its declaration fails in tests rather than in a client. The push goes to the channel layer
group of the audience; durability comes from `EventRecord`, never from the layer.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import transaction
from pydantic import BaseModel, ConfigDict

from atrium.kernel.models.events import EventRecord
from atrium.realtime import publish

# "org", "space", "user", "presence" or a kind a module registers ("chat.channel"): see
# `atrium.realtime.audiences`.
AudienceKind = str


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


def emit(event: Event, kind: AudienceKind, audience_id: int) -> EventRecord:
    """Record `event` in the current transaction and push it once the transaction commits."""
    record = EventRecord.objects.create(
        type=event.type,
        audience_kind=kind,
        audience_id=audience_id,
        payload=event.model_dump(mode="json"),
    )
    envelope = publish.event_envelope(record.pk, kind, audience_id, event.type, record.payload)
    transaction.on_commit(lambda: publish.publish(envelope))
    return record


def rights_changed(kind: AudienceKind, audience_id: int) -> None:
    """After commit, every socket following this audience checks again what it may follow:
    call it whenever someone may have lost (or gained) the right to read something."""
    envelope = publish.control_envelope(kind, audience_id, "rights")
    transaction.on_commit(lambda: publish.publish(envelope))


def revoke_sessions(user_id: int) -> EventRecord:
    """Close every socket of a person (deactivation, forced sign-out)."""
    return emit(SessionRevoked(user_id=user_id), "user", user_id)
