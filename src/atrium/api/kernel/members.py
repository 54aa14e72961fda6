"""Who belongs to a space, and with which role.

The member list is open to those who read the space and to those who manage it (an
organisation admin manages a private space without reading its content, and must see whom
they add or remove); someone who only sees the space gets 403.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status

from atrium.api.kernel.present import member_out, viewer
from atrium.api.kernel.schemas import (
    Limit,
    MemberIn,
    MemberOut,
    MemberRoleIn,
    MembersPage,
    Offset,
    PersonId,
    SpaceId,
    errors,
    page,
)
from atrium.kernel.abilities import abilities
from atrium.kernel.access import access_person, access_space
from atrium.kernel.actions import spaces as actions
from atrium.kernel.errors import Forbidden, NotFound
from atrium.kernel.models import Space, SpaceMembership, User

router = Router(tags=["spaces"])


def _space_for_members(user: User, space_id: int) -> Space:
    space = access_space(user, space_id, "see")
    can = abilities(user, space)
    if not (can["read"] or can["manage"]):
        raise Forbidden(_("Only the space's members can see who belongs to it."))
    return space


def _membership(space: Space, person_id: int) -> SpaceMembership:
    membership = (SpaceMembership.objects.filter(space=space, user_id=person_id)
                  .select_related("user").first())
    if membership is None:
        raise NotFound("member")
    return membership


@router.get("/spaces/{space_id}/members", response={200: MembersPage, **errors(403, 404)},
            summary="Members of a space")
def list_members(request: HttpRequest, space_id: SpaceId, limit: Limit = 100,
                 offset: Offset = 0) -> dict[str, Any]:
    space = _space_for_members(viewer(request), space_id)
    memberships = SpaceMembership.objects.filter(space=space).select_related("user")
    window = page(limit, offset)
    items = memberships.order_by("user__full_name", "user_id")[window]
    return {"count": memberships.count(), "limit": window.stop - window.start,
            "offset": offset, "items": [member_out(m) for m in items]}


@router.post("/spaces/{space_id}/members", response={201: MemberOut, **errors(400, 403, 404, 409)},
             summary="Add someone to a space",
             description="For the space's admins. A guest cannot be made a space admin.")
def add_member(request: HttpRequest, space_id: SpaceId,
               payload: MemberIn) -> Status[dict[str, Any]]:
    user = viewer(request)
    space = access_space(user, space_id, "see")
    person = access_person(user, payload.user_id)
    membership = actions.do_add_member(user, space, person, payload.role, request=request)
    membership.user = person
    return Status(201, member_out(membership))


@router.patch("/spaces/{space_id}/members/{user_id}",
              response={200: MemberOut, **errors(400, 403, 404, 409)},
              summary="Change a member's role",
              description="The last admin of a space keeps the role (409).")
def change_member_role(request: HttpRequest, space_id: SpaceId, user_id: PersonId,
                       payload: MemberRoleIn) -> dict[str, Any]:
    user = viewer(request)
    space = _space_for_members(user, space_id)
    person = _membership(space, user_id).user
    membership = actions.do_change_member_role(user, space, person, payload.role,
                                               request=request)
    membership.user = person
    return member_out(membership)


@router.delete("/spaces/{space_id}/members/{user_id}",
               response={204: None, **errors(403, 404, 409)},
               summary="Remove someone from a space",
               description="For the space's admins; removing oneself is leaving. The last "
               "admin cannot be removed (409).")
def remove_member(request: HttpRequest, space_id: SpaceId,
                  user_id: PersonId) -> Status[None]:
    user = viewer(request)
    space = _space_for_members(user, space_id)
    actions.do_remove_member(user, space, _membership(space, user_id).user, request=request)
    return Status(204, None)
