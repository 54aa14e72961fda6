"""My status line, do-not-disturb and quiet hours; anyone's status as people see it."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema

from atrium.api.kernel.present import viewer
from atrium.api.kernel.schemas import In, errors
from atrium.kernel.access import access_person
from atrium.kernel.actions.status import (
    MAX_EMOJI,
    MAX_TEXT,
    do_set_do_not_disturb,
    do_set_quiet_hours,
    do_set_status,
)
from atrium.kernel.status import status_out

router = Router(tags=["status"])


class StatusOut(Schema):
    emoji: str
    text: str
    expires_at: datetime | None
    do_not_disturb: bool
    dnd_until: datetime | None


class MyStatusOut(StatusOut):
    quiet_hours_start: time | None
    quiet_hours_end: time | None
    time_zone: str


class StatusIn(In):
    emoji: str = Field("", max_length=MAX_EMOJI)
    text: str = Field("", max_length=MAX_TEXT)
    expires_at: datetime | None = None


class DoNotDisturbIn(In):
    until: datetime | None = Field(None, description="null resumes notifications now")


class QuietHoursIn(In):
    start: time | None = None
    end: time | None = None
    time_zone: str = Field("", max_length=64, description="IANA name; empty: the organisation's")


def _mine(user: Any) -> dict[str, Any]:
    return {**status_out(user, timezone.now()), "quiet_hours_start": user.quiet_hours_start,
            "quiet_hours_end": user.quiet_hours_end, "time_zone": user.time_zone}


@router.get("/me/status", response={200: MyStatusOut, **errors()}, summary="My status")
def get_my_status(request: HttpRequest) -> dict[str, Any]:
    return _mine(viewer(request))


@router.put("/me/status", response={200: MyStatusOut, **errors(400)},
            summary="Set my status line",
            description="An emoji and a short text shown next to my name; empty clears it. "
            "`expires_at` clears it by itself.")
def put_my_status(request: HttpRequest, payload: StatusIn) -> dict[str, Any]:
    return _mine(do_set_status(viewer(request), emoji=payload.emoji, text=payload.text,
                               expires_at=payload.expires_at))


@router.put("/me/do-not-disturb", response={200: MyStatusOut, **errors(400)},
            summary="Pause notifications until a moment")
def put_do_not_disturb(request: HttpRequest, payload: DoNotDisturbIn) -> dict[str, Any]:
    return _mine(do_set_do_not_disturb(viewer(request), payload.until))


@router.put("/me/quiet-hours", response={200: MyStatusOut, **errors(400)},
            summary="Set my daily quiet hours",
            description="Every day between `start` and `end` (read in `time_zone`; the range "
            "may cross midnight) nothing notifies me. Both null: no quiet hours.")
def put_quiet_hours(request: HttpRequest, payload: QuietHoursIn) -> dict[str, Any]:
    return _mine(do_set_quiet_hours(viewer(request), start=payload.start, end=payload.end,
                                    time_zone=payload.time_zone))


@router.get("/people/{user_id}/status", response={200: StatusOut, **errors(404)},
            summary="Someone's status", description="As shown next to their name.")
def get_status(request: HttpRequest, user_id: int) -> dict[str, Any]:
    person = access_person(viewer(request), user_id)
    return status_out(person, timezone.now())
