"""Reads of links, always restricted to what the person may see."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from atrium.kernel.abilities import has_access, module_access, spaces_with_module_access
from atrium.kernel.errors import NotFound
from atrium.kernel.models import Access, Space
from atrium.modules.links.models import Link


def links_of_space(space: Space, search: str = "") -> QuerySet[Link]:
    links = Link.objects.filter(space=space).select_related("author", "space")
    if search:
        links = links.filter(title__icontains=search) | links.filter(url__icontains=search) \
            | links.filter(tags__icontains=search)
    return links


def recent_links(user: Any, limit: int) -> list[Link]:
    spaces = spaces_with_module_access(user, "links", Access.READ)
    return list(Link.objects.filter(space_id__in=spaces).select_related("author", "space")
                [:limit])


def access_link(user: Any, link_id: int) -> Link:
    link = Link.objects.select_related("space").filter(pk=link_id).first()
    if link is None or not has_access(module_access(user, link.space, "links"), Access.READ):
        raise NotFound("link")
    return link


def export_space(space: Space) -> list[dict[str, Any]]:
    return [
        {"id": link.pk, "url": link.url, "title": link.title, "description": link.description,
         "tags": link.tag_list(), "author": link.author.email if link.author else None,
         "created_at": link.created_at.isoformat()}
        for link in links_of_space(space)
    ]
