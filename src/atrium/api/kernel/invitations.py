"""Invitations by e-mail, for the organisation's admins.

Listing them is refused with 403 to everyone else; a given invitation answers 404 to them,
as if it did not exist.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status

from atrium.api.kernel.present import invitation_out, viewer
from atrium.api.kernel.schemas import (
    InvitationId,
    InvitationIn,
    InvitationOut,
    NewInvitationOut,
    errors,
)
from atrium.kernel.abilities import abilities
from atrium.kernel.access import access_invitation, access_space
from atrium.kernel.actions.invitations import do_invite, do_revoke_invitation
from atrium.kernel.errors import Forbidden
from atrium.kernel.models import Invitation, Organisation, Space, User

router = Router(tags=["invitations"])


def _require_inviter(user: User) -> None:
    org = Organisation.current()
    if org is None or not abilities(user, org)["invite"]:
        raise Forbidden(_("Only the organisation's admins can invite people."))


@router.post("/invitations", response={201: NewInvitationOut, **errors(400, 403, 404, 409)},
             summary="Invite someone by e-mail",
             description="Sends the invitation e-mail and answers the link once, in `url`. "
             "A guest must be given at least one space, and cannot be a space admin.")
def invite(request: HttpRequest, payload: InvitationIn) -> Status[dict[str, Any]]:
    user = viewer(request)
    _require_inviter(user)
    spaces: list[tuple[Space, str]] = [
        (access_space(user, item.space_id, "see"), item.role) for item in payload.spaces]
    invitation, url = do_invite(user, email=payload.email, role=payload.role, spaces=spaces,
                                message=payload.message, request=request)
    return Status(201, {**invitation_out(invitation), "url": url})


@router.get("/invitations", response={200: list[InvitationOut], **errors(403)},
            summary="Invitations sent", description="The newest 500, with their state.")
def list_invitations(request: HttpRequest) -> list[dict[str, Any]]:
    _require_inviter(viewer(request))
    invitations = Invitation.objects.prefetch_related("spaces__space").order_by("-created_at")
    return [invitation_out(i) for i in invitations[:500]]


@router.delete("/invitations/{invitation_id}", response={204: None, **errors(404, 409)},
               summary="Revoke an invitation",
               description="Its link stops working; an accepted or revoked one gives 409.")
def revoke_invitation(request: HttpRequest, invitation_id: InvitationId) -> Status[None]:
    user = viewer(request)
    do_revoke_invitation(user, access_invitation(user, invitation_id), request=request)
    return Status(204, None)
