"""The notification centre in the HTTP API: list, mark read, preferences."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.params import P, QueryEx
from pydantic import Field

from atrium.api.kernel.present import viewer
from atrium.api.kernel.schemas import MAX_ID, In, errors
from atrium.kernel.abilities import abilities
from atrium.kernel.errors import ActionError
from atrium.kernel.models import Space, User
from atrium.notifications import actions, queries
from atrium.notifications.kinds import all_kinds
from atrium.notifications.models import Notification, Preference
from atrium.notifications.preferences import resolve

router = Router(tags=["notifications"])

Before = QueryEx[str, P(max_length=80, pattern=r"^[A-Za-z0-9_-]*$",
                        description="The `next_cursor` of the previous page.")]
PageSize = QueryEx[int, P(ge=1, le=queries.MAX_LIMIT, description="How many to return.")]
EmailName = Literal["immediate", "daily", "weekly", "never"]


class NotificationOut(Schema):
    id: int
    kind: str
    module_id: str
    space_id: int | None
    actor_id: int | None
    title: str
    excerpt: str
    url: str
    created_at: datetime
    read_at: datetime | None


class NotificationPage(Schema):
    items: list[NotificationOut]
    next_cursor: str | None
    unread: int


class ReadOut(Schema):
    changed: int
    unread: int


class PreferenceOut(Schema):
    kind: str
    label: str = ""
    space_id: int | None = None
    in_app: bool
    email: EmailName
    push: bool
    custom: bool = True


class PreferencesOut(Schema):
    kinds: list[PreferenceOut]
    overrides: list[PreferenceOut]


class PreferenceIn(In):
    kind: str = Field("", max_length=40, description='A kind id, or "" for every kind.')
    space_id: int | None = Field(None, ge=1, le=MAX_ID,
                                 description="A space, or null for everywhere.")
    in_app: bool = True
    email: EmailName = "daily"
    push: bool = True
    inherit: bool = Field(False, description="Forget this choice: the less specific applies.")


class PreferencesIn(In):
    preferences: list[PreferenceIn] = Field(max_length=50)


def _out(n: Notification) -> dict[str, Any]:
    return {"id": n.pk, "kind": n.kind, "module_id": n.module_id, "space_id": n.space_id,
            "actor_id": n.actor_id, "title": n.title, "excerpt": n.excerpt, "url": n.url,
            "created_at": n.created_at, "read_at": n.read_at}


@router.get("/notifications", response={200: NotificationPage, **errors()},
            summary="My notifications, newest first")
def list_notifications(request: HttpRequest, unread: bool = False, before: Before = "",
                       limit: PageSize = 30) -> dict[str, Any]:
    user = viewer(request)
    page = queries.notifications_of(user, unread=unread, before=before or None, limit=limit)
    return {"items": [_out(n) for n in page.items], "next_cursor": page.next_cursor,
            "unread": queries.unread_count(user)}


@router.post("/notifications/read-all", response={200: ReadOut, **errors()},
             summary="Mark all my notifications read")
def read_all(request: HttpRequest) -> dict[str, int]:
    changed = actions.do_mark_all_read(viewer(request))
    return {"changed": changed, "unread": 0}


@router.post("/notifications/{notification_id}/read", response={200: ReadOut, **errors(404)},
             summary="Mark one notification read")
def read_one(request: HttpRequest, notification_id: int) -> dict[str, int]:
    user = viewer(request)
    notification = queries.access_notification(user, notification_id)
    changed = actions.do_mark_read(user, notification)
    return {"changed": int(changed), "unread": queries.unread_count(user)}


def _preferences(user: User) -> dict[str, Any]:
    custom = {(p.kind, p.space_id): p for p in Preference.objects.filter(user=user)}
    kinds = []
    for kind in all_kinds():
        choice = resolve(user.pk, kind.id, None)
        kinds.append({"kind": kind.id, "label": str(kind.label), "in_app": choice.in_app,
                      "email": choice.email, "push": choice.push,
                      "custom": (kind.id, None) in custom})
    overrides = [{"kind": p.kind, "space_id": p.space_id, "in_app": p.in_app, "email": p.email,
                  "push": p.push} for (k, s), p in sorted(custom.items(), key=lambda i: i[1].pk)
                 if s is not None or k == ""]
    return {"kinds": kinds, "overrides": overrides}


@router.get("/notifications/preferences", response={200: PreferencesOut, **errors()},
            summary="My notification preferences")
def get_preferences(request: HttpRequest) -> dict[str, Any]:
    return _preferences(viewer(request))


@router.put("/notifications/preferences", response={200: PreferencesOut, **errors(400)},
            summary="Change my notification preferences")
def put_preferences(request: HttpRequest, payload: PreferencesIn) -> dict[str, Any]:
    user = viewer(request)
    with transaction.atomic():
        for item in payload.preferences:
            space = None
            if item.space_id is not None:
                space = Space.objects.filter(pk=item.space_id).first()
                if space is None or not abilities(user, space)["read"]:
                    raise ActionError(_("You may not read this space."),
                                      code="invalid_space", field="space_id")
            if item.inherit:
                actions.do_clear_preference(user, kind=item.kind, space=space)
            else:
                actions.do_set_preference(user, kind=item.kind, space=space,
                                          in_app=item.in_app, email=item.email, push=item.push)
    return _preferences(user)
