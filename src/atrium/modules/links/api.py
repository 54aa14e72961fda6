"""The links module's part of the HTTP API."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Router, Schema

from atrium.api.kernel.present import viewer
from atrium.api.kernel.schemas import In, Limit, Offset, Search, SpaceId
from atrium.kernel.access import access_space_module
from atrium.kernel.models import Access
from atrium.modules.links import actions, queries

router = Router(tags=["links"])


class LinkIn(In):
    url: str = Field(max_length=2000)
    title: str = Field("", max_length=200)
    description: str = Field("", max_length=2000)
    tags: str = Field("", max_length=200)


class LinkOut(Schema):
    id: int
    space_id: int
    url: str
    title: str
    description: str
    tags: list[str]
    author_id: int | None
    created_at: datetime

    @staticmethod
    def resolve_tags(obj: object) -> list[str]:
        return list(getattr(obj, "tag_list")())  # noqa: B009


@router.get("/spaces/{space_id}/links", response=list[LinkOut], summary="Links of a space")
def list_links(request: HttpRequest, space_id: SpaceId, q: Search = "", limit: Limit = 50,
               offset: Offset = 0) -> list:
    space = access_space_module(request.user, space_id, "links", Access.READ)
    limit = max(1, min(limit, 200))
    offset = max(0, offset)
    return list(queries.links_of_space(space, q[:100])[offset:offset + limit])


@router.post("/spaces/{space_id}/links", response={201: LinkOut}, summary="Add a link")
def add_link(request: HttpRequest, space_id: int, payload: LinkIn) -> tuple[int, object]:
    space = access_space_module(request.user, space_id, "links", Access.READ)
    link = actions.do_add_link(viewer(request), space, **payload.dict())
    return 201, link


@router.delete("/links/{link_id}", response={204: None}, summary="Delete a link")
def delete_link(request: HttpRequest, link_id: int) -> tuple[int, None]:
    link = queries.access_link(request.user, link_id)
    actions.do_delete_link(viewer(request), link)
    return 204, None
