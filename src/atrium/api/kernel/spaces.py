"""Spaces: listing, creating, settings, joining, leaving and join requests.

A space I may not see answers 404, like a missing one; a space I see but may not change (or
join, or manage) answers 403 with the action's message.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status

from atrium.api.kernel.present import join_request_out, space_out, viewer
from atrium.api.kernel.schemas import (
    JoinRequestIn,
    JoinRequestOut,
    Limit,
    Offset,
    RequestId,
    Search,
    SpaceId,
    SpaceIn,
    SpaceOut,
    SpacePatch,
    SpacesPage,
    errors,
    page,
)
from atrium.kernel.abilities import abilities
from atrium.kernel.access import access_space
from atrium.kernel.actions import spaces as actions
from atrium.kernel.errors import Forbidden, NotFound
from atrium.kernel.models import JoinRequest, Space, SpaceMembership, User

router = Router(tags=["spaces"])


@router.get("/spaces", response={200: SpacesPage, **errors()}, summary="Spaces I can see",
            description="Open and private spaces of the organisation and every space I belong "
            "to, with my role and abilities. `mine=true` keeps only the spaces I belong to. "
            "Personal spaces are left out (mine is `personal_space_id` in `GET /me`).")
def list_spaces(request: HttpRequest, q: Search = "", mine: bool = False, limit: Limit = 50,
                offset: Offset = 0) -> dict[str, Any]:
    user = viewer(request)
    spaces = Space.objects.restrict(user, "see").filter(personal_owner__isnull=True,
                                                        archived_at__isnull=True)
    search = q.replace("\x00", "").strip()
    if search:
        spaces = spaces.filter(Q(name__icontains=search) | Q(description__icontains=search))
    if mine:
        spaces = spaces.filter(pk__in=SpaceMembership.objects.filter(user=user)
                               .values("space_id"))
    window = page(limit, offset)
    items = spaces.annotate(member_total=Count("memberships")).order_by("name", "pk")[window]
    return {"count": spaces.count(), "limit": window.stop - window.start, "offset": offset,
            "items": [space_out(user, s, s.member_total) for s in items]}


@router.post("/spaces", response={201: SpaceOut, **errors(400, 403)}, summary="Create a space",
             description="I become its admin. Guests may not create spaces (403).")
def create_space(request: HttpRequest, payload: SpaceIn) -> Status[dict[str, Any]]:
    user = viewer(request)
    space = actions.do_create_space(user, request=request, **payload.dict())
    return Status(201, space_out(user, space))


@router.get("/spaces/{space_id}", response={200: SpaceOut, **errors(404)}, summary="A space")
def get_space(request: HttpRequest, space_id: SpaceId) -> dict[str, Any]:
    user = viewer(request)
    return space_out(user, access_space(user, space_id, "see"))


@router.patch("/spaces/{space_id}", response={200: SpaceOut, **errors(400, 403, 404)},
              summary="Change a space's name, description or visibility",
              description="For the space's admins and the organisation's admins.")
def update_space(request: HttpRequest, space_id: SpaceId, payload: SpacePatch) -> dict[str, Any]:
    user = viewer(request)
    space = access_space(user, space_id, "see")
    actions.do_update_space(user, space, request=request, **payload.dict(exclude_unset=True))
    return space_out(user, space)


@router.post("/spaces/{space_id}/join", response={200: SpaceOut, **errors(403, 404, 409)},
             summary="Join an open space")
def join_space(request: HttpRequest, space_id: SpaceId) -> dict[str, Any]:
    user = viewer(request)
    space = access_space(user, space_id, "see")
    actions.do_join_space(user, space)
    return space_out(user, space)


@router.post("/spaces/{space_id}/leave", response={204: None, **errors(403, 404, 409)},
             summary="Leave a space",
             description="The last admin of a space cannot leave it (409): name another first.")
def leave_space(request: HttpRequest, space_id: SpaceId) -> Status[None]:
    user = viewer(request)
    space = access_space(user, space_id, "see")
    actions.do_remove_member(user, space, user, request=request)
    return Status(204, None)


@router.post("/spaces/{space_id}/requests", response={201: JoinRequestOut, **errors(403, 404)},
             summary="Ask to join a private space")
def request_join(request: HttpRequest, space_id: SpaceId,
                 payload: JoinRequestIn) -> Status[dict[str, Any]]:
    user = viewer(request)
    space = access_space(user, space_id, "see")
    join_request = actions.do_request_join(user, space, payload.message)
    return Status(201, join_request_out(join_request))


def _managed_space(user: User, space_id: int) -> Space:
    space = access_space(user, space_id, "see")
    if not abilities(user, space)["manage"]:
        raise Forbidden(_("Only the space's admins can answer requests."))
    return space


@router.get("/spaces/{space_id}/requests", response={200: list[JoinRequestOut],
                                                    **errors(403, 404)},
            summary="Pending requests to join a space", description="For the space's admins.")
def list_requests(request: HttpRequest, space_id: SpaceId) -> list[dict[str, Any]]:
    space = _managed_space(viewer(request), space_id)
    pending = (JoinRequest.objects.filter(space=space, status=JoinRequest.Status.PENDING)
               .select_related("user").order_by("created_at")[:500])
    return [join_request_out(r) for r in pending]


def _decide(request: HttpRequest, space_id: int, request_id: int,
            approve: bool) -> dict[str, Any]:
    user = viewer(request)
    space = _managed_space(user, space_id)
    join_request = JoinRequest.objects.filter(space=space, pk=request_id).first()
    if join_request is None:
        raise NotFound("request")
    return join_request_out(actions.do_decide_request(user, join_request, approve,
                                                      request=request))


@router.post("/spaces/{space_id}/requests/{request_id}/approve",
             response={200: JoinRequestOut, **errors(403, 404, 409)},
             summary="Approve a request to join",
             description="The person becomes a member; an answered request gives 409.")
def approve_request(request: HttpRequest, space_id: SpaceId,
                    request_id: RequestId) -> dict[str, Any]:
    return _decide(request, space_id, request_id, approve=True)


@router.post("/spaces/{space_id}/requests/{request_id}/decline",
             response={200: JoinRequestOut, **errors(403, 404, 409)},
             summary="Decline a request to join")
def decline_request(request: HttpRequest, space_id: SpaceId,
                    request_id: RequestId) -> dict[str, Any]:
    return _decide(request, space_id, request_id, approve=False)
