"""Turning kernel objects into the API's answers, each with the viewer's abilities."""

from __future__ import annotations

from typing import Any, cast

from django.http import HttpRequest

from atrium.kernel.abilities import abilities, space_role
from atrium.kernel.directory import split_list
from atrium.kernel.models import Invitation, JoinRequest, Space, SpaceMembership, User


def viewer(request: HttpRequest) -> User:
    """The authenticated person (token or session); auth has already refused anyone else."""
    return cast(User, request.auth)  # type: ignore[attr-defined]


def person_out(user: User, person: User) -> dict[str, Any]:
    return {
        "id": person.pk, "email": person.email, "full_name": person.full_name,
        "display_name": person.display_name, "role": person.role, "is_active": person.is_active,
        "job_title": person.job_title, "team": person.team, "phone": person.phone,
        "location": person.location, "languages": person.languages, "bio": person.bio,
        "skills": split_list(person.skills), "manager": _manager_ref(user, person),
        "has_photo": person.photo_id is not None, "date_joined": person.date_joined,
        "abilities": abilities(user, person),
    }


def _manager_ref(user: User, person: User) -> dict[str, Any] | None:
    """The person's manager, for viewers who may see them (a guest may not see everyone)."""
    manager = person.manager if person.manager_id else None
    if manager is None or (user.is_guest and not abilities(user, manager)["view"]):
        return None
    return {"id": manager.pk, "display_name": manager.display_name}


def space_out(user: User, space: Space, member_count: int | None = None) -> dict[str, Any]:
    if member_count is None:
        member_count = space.memberships.count()
    return {
        "id": space.pk, "slug": space.slug, "name": space.name,
        "description": space.description, "visibility": space.visibility,
        "is_personal": space.is_personal, "created_at": space.created_at,
        "my_role": space_role(user, space), "member_count": member_count,
        "abilities": abilities(user, space),
    }


def member_out(membership: SpaceMembership) -> dict[str, Any]:
    person = membership.user
    return {"user_id": person.pk, "full_name": person.full_name, "email": person.email,
            "is_active": person.is_active, "role": membership.role,
            "joined_at": membership.joined_at}


def join_request_out(join_request: JoinRequest) -> dict[str, Any]:
    return {
        "id": join_request.pk, "space_id": join_request.space_id,
        "user_id": join_request.user_id,
        "full_name": join_request.user.full_name, "message": join_request.message,
        "status": join_request.status, "created_at": join_request.created_at,
        "decided_at": join_request.decided_at,
    }


def invitation_out(invitation: Invitation) -> dict[str, Any]:
    return {
        "id": invitation.pk, "email": invitation.email, "role": invitation.role,
        "state": invitation.state, "created_at": invitation.created_at,
        "expires_at": invitation.expires_at,
        "invited_by_id": invitation.invited_by_id,
        "spaces": [{"space_id": link.space.pk, "name": link.space.name, "role": link.role}
                   for link in invitation.spaces.all()],
    }
