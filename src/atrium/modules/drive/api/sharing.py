"""Share links (made, listed and revoked by the drive's writers), search, quotas and the
instance's single-copy figures."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.params import P, QueryEx

from atrium.api.kernel.present import viewer
from atrium.api.kernel.schemas import MAX_ID, PersonId, Search, SpaceId, errors
from atrium.kernel.abilities import is_active_user
from atrium.kernel.errors import Forbidden, NotFound
from atrium.kernel.models import Space, User
from atrium.modules.drive import actions, queries
from atrium.modules.drive.abilities import drive_abilities
from atrium.modules.drive.api.access import (
    api_root,
    drive_space,
    link_out,
    live_node,
    node_out,
    usage_out,
)
from atrium.modules.drive.api.schemas import (
    DedupOut,
    LinkId,
    LinkIn,
    LinkOut,
    NewLinkOut,
    NodeId,
    QuotaIn,
    QuotaOut,
    SearchHit,
)

router = Router(tags=["drive: sharing and admin"])

InSpace = QueryEx[int | None, P(ge=1, le=MAX_ID, description="Only in this space's drive.")]
HitLimit = QueryEx[int, P(ge=1, le=100, description="How many results (1 to 100).")]


@router.get("/drive/nodes/{node_id}/links", response={200: list[LinkOut], **errors(404)},
            summary="Share links of an item",
            description="All of them for the drive's writers; my own for the others.")
def list_links(request: HttpRequest, node_id: NodeId) -> list[dict[str, Any]]:
    user = viewer(request)
    node, _drive = live_node(user, node_id)
    return [link_out(user, link) for link in queries.share_links(user, node)]


@router.post("/drive/nodes/{node_id}/links",
             response={201: NewLinkOut, **errors(400, 403, 404)},
             summary="Share an item by link",
             description="For people without an account: anyone with the token reads the "
             "file, or the folder and what it holds, until `expires_at` or until the link is "
             "revoked; with `password`, they must send it too. The token is shown once.")
def create_link(request: HttpRequest, node_id: NodeId, payload: LinkIn) -> Status[Any]:
    user = viewer(request)
    node, _drive = live_node(user, node_id)
    link, token = actions.do_create_share_link(user, node, password=payload.password,
                                               expires_at=payload.expires_at)
    return Status(201, link_out(user, link, token=token,
                                api_url=f"{api_root()}drive/shared/{token}"))


@router.delete("/drive/links/{link_id}", response={200: LinkOut, **errors(403, 404)},
               summary="Revoke a share link",
               description="Its creator (while they write in the drive) and the space's "
               "admins; the link stops working at once.")
def revoke_link(request: HttpRequest, link_id: LinkId) -> dict[str, Any]:
    user = viewer(request)
    link = queries.access_share_link(user, link_id)
    actions.do_revoke_share_link(user, link)
    return link_out(user, link)


@router.get("/drive/search", response={200: list[SearchHit], **errors()},
            summary="Search files and folders",
            description="Items whose name holds every word of `q` (without case), or, for "
            "text and PDF files, whose content does; newest first, in the drives I read.")
def search(request: HttpRequest, q: Search = "", space_id: InSpace = None,
           limit: HitLimit = 50) -> list[dict[str, Any]]:
    user = viewer(request)
    space = drive_space(user, space_id)[0] if space_id is not None else None
    hits = queries.search(user, q, space=space, limit=limit)
    drives: dict[int, dict[str, bool]] = {}
    out = []
    for node in hits:
        if node.space_id not in drives:
            drives[node.space_id] = drive_abilities(user, node.space)
        out.append(node_out(user, node, drives[node.space_id], space_name=node.space.name))
    return out


def _org_admin(user: Any) -> None:
    if not (is_active_user(user) and user.is_org_admin):
        raise Forbidden(_("Only the organisation's administrators may do this."))


def _quota_out(space: Space) -> dict[str, Any]:
    usage = usage_out(space)
    return {"space_id": space.pk, "quota_bytes": usage["quota_bytes"], "usage": usage}


@router.put("/drive/spaces/{space_id}/quota", response={200: QuotaOut, **errors(403, 404)},
            summary="Set a space's drive quota",
            description="For the organisation's administrators; null for unlimited. A quota "
            "below the usage deletes nothing: uploads are refused until there is room.")
def set_space_quota(request: HttpRequest, space_id: SpaceId, payload: QuotaIn) -> dict[str, Any]:
    user = viewer(request)
    _org_admin(user)
    space = Space.objects.filter(pk=space_id).first()
    if space is None:
        raise NotFound("space")
    actions.do_set_quota(user, space, payload.quota_bytes)
    return _quota_out(space)


@router.put("/drive/people/{person_id}/quota", response={200: QuotaOut, **errors(403, 404)},
            summary="Set a person's drive quota",
            description="The quota of their personal drive; for the organisation's "
            "administrators; null for unlimited.")
def set_person_quota(request: HttpRequest, person_id: PersonId,
                     payload: QuotaIn) -> dict[str, Any]:
    user = viewer(request)
    _org_admin(user)
    person = User.objects.filter(pk=person_id).first()
    if person is None:
        raise NotFound("person")
    row = actions.do_set_quota(user, person, payload.quota_bytes)
    return _quota_out(row.space)


@router.get("/drive/dedup", response={200: DedupOut, **errors(403)},
            summary="What storing each file once saves",
            description="For the organisation's administrators: bytes stored (each content "
            "once), bytes as referenced by drives, chat and the feed, the difference saved, "
            "and the 50 drives referencing the most.")
def dedup(request: HttpRequest) -> dict[str, Any]:
    _org_admin(viewer(request))
    figures = queries.dedup_figures()
    return {"stored_bytes": figures.stored_bytes, "logical_bytes": figures.logical_bytes,
            "saved_bytes": figures.saved_bytes, "drive_bytes": figures.drive_bytes,
            "drives": [vars(d) for d in figures.drives]}
