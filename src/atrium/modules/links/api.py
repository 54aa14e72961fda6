"""The links module's part of the HTTP API: bookmarks of a space (filters by search, tag,
collection), my bookmarks across spaces, who else saved a link, and the server-fetched
preview of each."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.params import P, PathEx, QueryEx

from atrium.api.kernel.present import viewer
from atrium.api.kernel.schemas import (
    MAX_ID,
    Abilities,
    In,
    Limit,
    Offset,
    PatchIn,
    Search,
    SpaceId,
    errors,
    page,
)
from atrium.kernel import linkpreview
from atrium.kernel.abilities import abilities
from atrium.kernel.access import access_space_module
from atrium.kernel.models import Access
from atrium.modules.links import actions, queries
from atrium.modules.links.models import Link

router = Router(tags=["links"])
LinkId = PathEx[int, P(ge=1, le=MAX_ID, description="The link's id.")]
Tag = QueryEx[str, P(max_length=40, pattern=r"^[^\x00]*$", description="Only links with "
                     "this tag (whole tag, any case).")]
Collection = QueryEx[str, P(max_length=80, pattern=r"^[^\x00]*$",
                            description="Only links of this collection.")]


class LinkIn(In):
    url: str = Field(max_length=2000)
    title: str = Field("", max_length=200, description="Empty: the page's own title is shown.")
    description: str = Field("", max_length=2000)
    tags: str = Field("", max_length=200, description="Comma-separated.")
    collection: str = Field("", max_length=80)


class LinkPatchIn(PatchIn):
    url: str | None = Field(None, max_length=2000)
    title: str | None = Field(None, max_length=200)
    description: str | None = Field(None, max_length=2000)
    tags: str | None = Field(None, max_length=200)
    collection: str | None = Field(None, max_length=80)


class PreviewOut(Schema):
    status: str = Field(description='"ready", "pending", or why it failed ("timeout", '
                        '"private_address", "http_error"…).')
    title: str
    description: str
    site_name: str
    final_url: str
    image_url: str = Field(description="On this server (never a third-party address); "
                           "empty when there is no image.")


class SaverOut(Schema):
    id: int
    display_name: str


class LinkOut(Schema):
    id: int
    space_id: int
    url: str
    title: str = Field(description="The title given, else the preview's, else the host.")
    description: str
    own_title: str
    own_description: str
    tags: list[str]
    collection: str
    author_id: int | None
    created_at: datetime
    edited_at: datetime | None
    preview: PreviewOut | None
    also_saved_by: list[SaverOut]
    abilities: Abilities


class SaversOut(Schema):
    count: int
    people: list[SaverOut]


def preview_out(link: Link) -> dict[str, Any] | None:
    preview = link.preview
    if preview is None:
        return None
    ready = not preview.error
    return {"status": "ready" if ready else preview.error,
            "title": preview.title if ready else "",
            "description": preview.description if ready else "",
            "site_name": preview.site_name if ready else "",
            "final_url": preview.final_url if ready else "",
            "image_url": linkpreview.image_url(preview) if ready else ""}


def people_out(people: list[Any]) -> list[dict[str, Any]]:
    return [{"id": p.pk, "display_name": p.display_name} for p in people]


def links_out(user: Any, links: list[Link]) -> list[dict[str, Any]]:
    queries.share_spaces(links)
    others = queries.savers(user, links)
    return [{
        "id": link.pk, "space_id": link.space_id, "url": link.url,
        "title": link.display_title, "description": link.display_description,
        "own_title": link.title, "own_description": link.description,
        "tags": link.tag_list(), "collection": link.collection, "author_id": link.author_id,
        "created_at": link.created_at, "edited_at": link.edited_at,
        "preview": preview_out(link), "also_saved_by": people_out(others.get(link.pk, [])),
        "abilities": abilities(user, link),
    } for link in links]


def fresh(user: Any, link: Link) -> dict[str, Any]:
    return links_out(user, [queries.access_link(user, link.pk)])[0]


@router.get("/spaces/{space_id}/links", response={200: list[LinkOut], **errors(404)},
            summary="Links of a space")
def list_links(request: HttpRequest, space_id: SpaceId, q: Search = "", tag: Tag = "",
               collection: Collection = "", limit: Limit = 50,
               offset: Offset = 0) -> list[dict[str, Any]]:
    user = viewer(request)
    space = access_space_module(user, space_id, "links", Access.READ)
    links = queries.links_of_space(space, q, tag=tag, collection=collection)
    return links_out(user, list(links[page(limit, offset)]))


@router.get("/spaces/{space_id}/links/collections",
            response={200: list[dict[str, Any]], **errors(404)},
            summary="Collections of a space", description="Each with its number of links.")
def list_collections(request: HttpRequest, space_id: SpaceId) -> list[dict[str, Any]]:
    space = access_space_module(viewer(request), space_id, "links", Access.READ)
    return [{"name": name, "count": n} for name, n in queries.collections_of_space(space)]


@router.post("/spaces/{space_id}/links", response={201: LinkOut, **errors(400, 403, 404)},
             summary="Add a link",
             description="The server fetches the page's preview afterwards; `preview.status` "
             "is `pending` until then.")
def add_link(request: HttpRequest, space_id: SpaceId, payload: LinkIn) -> Status[Any]:
    user = viewer(request)
    space = access_space_module(user, space_id, "links", Access.READ)
    link = actions.do_add_link(user, space, **payload.dict())
    return Status(201, fresh(user, link))


@router.get("/me/links", response={200: list[LinkOut]}, summary="My bookmarks",
            description="Links I saved in every space where I may still read links, my "
                        "personal space included.")
def my_links(request: HttpRequest, q: Search = "", tag: Tag = "", limit: Limit = 50,
             offset: Offset = 0) -> list[dict[str, Any]]:
    user = viewer(request)
    return links_out(user, list(queries.my_links(user, q, tag=tag)[page(limit, offset)]))


@router.get("/links/{link_id}", response={200: LinkOut, **errors(404)}, summary="A link")
def get_link(request: HttpRequest, link_id: LinkId) -> dict[str, Any]:
    user = viewer(request)
    return links_out(user, [queries.access_link(user, link_id)])[0]


@router.patch("/links/{link_id}", response={200: LinkOut, **errors(400, 403, 404)},
              summary="Edit a link", description="Its author, or the space's admins.")
def edit_link(request: HttpRequest, link_id: LinkId, payload: LinkPatchIn) -> dict[str, Any]:
    user = viewer(request)
    link = actions.do_edit_link(user, queries.access_link(user, link_id),
                                **payload.dict(exclude_unset=True))
    return fresh(user, link)


@router.delete("/links/{link_id}", response={204: None, **errors(403, 404)},
               summary="Delete a link", description="Its author, or the space's admins.")
def delete_link(request: HttpRequest, link_id: LinkId) -> Status[None]:
    user = viewer(request)
    actions.do_delete_link(user, queries.access_link(user, link_id))
    return Status(204, None)


@router.get("/links/{link_id}/savers", response={200: SaversOut, **errors(404)},
            summary="Who else saved this link",
            description="Other people who saved the same address in spaces I may read.")
def link_savers(request: HttpRequest, link_id: LinkId) -> dict[str, Any]:
    user = viewer(request)
    link = queries.access_link(user, link_id)
    people = queries.savers(user, [link])[link.pk]
    return {"count": len(people), "people": people_out(people)}


@router.post("/links/{link_id}/save", response={201: LinkOut, **errors(403, 404, 409)},
             summary="Save a link to my bookmarks",
             description="Copies it into my personal space; 409 if it is already there.")
def save_link(request: HttpRequest, link_id: LinkId) -> Status[Any]:
    user = viewer(request)
    copy = actions.do_save_to_my_bookmarks(user, queries.access_link(user, link_id))
    return Status(201, fresh(user, copy))
