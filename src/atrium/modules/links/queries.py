"""Reads of links, always restricted to what the person may see."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db.models import Count, Q, QuerySet

from atrium.kernel.abilities import has_access, module_access, spaces_with_module_access
from atrium.kernel.errors import NotFound
from atrium.kernel.models import Access, Space, User
from atrium.modules.links.models import Link

RELATED = ("author", "space", "preview", "preview__image")


def _filtered(links: QuerySet[Link], search: str = "", tag: str = "",
              collection: str = "") -> QuerySet[Link]:
    search, tag = (search or "").strip()[:100], (tag or "").strip().lstrip("#")[:40]
    if search:
        links = links.filter(
            Q(title__icontains=search) | Q(url__icontains=search)
            | Q(tags__icontains=search) | Q(description__icontains=search)
            | Q(collection__icontains=search) | Q(preview__title__icontains=search))
    if tag:
        # Tags are stored "a, b, c": match a whole tag, whatever its case.
        links = links.filter(Q(tags__iexact=tag) | Q(tags__istartswith=f"{tag},")
                             | Q(tags__iendswith=f", {tag}") | Q(tags__icontains=f", {tag},"))
    if collection:
        links = links.filter(collection=collection.strip()[:80])
    return links


def links_of_space(space: Space, search: str = "", *, tag: str = "",
                   collection: str = "") -> QuerySet[Link]:
    return _filtered(Link.objects.filter(space=space).select_related(*RELATED), search, tag,
                     collection)


def my_links(user: Any, search: str = "", *, tag: str = "") -> QuerySet[Link]:
    """What `user` saved, in every space where they may still read links ("My bookmarks")."""
    spaces = spaces_with_module_access(user, "links", Access.READ)
    return _filtered(Link.objects.filter(author_id=user.pk, space_id__in=spaces)
                     .select_related(*RELATED), search, tag)


def recent_links(user: Any, limit: int) -> list[Link]:
    spaces = spaces_with_module_access(user, "links", Access.READ)
    return list(Link.objects.filter(space_id__in=spaces).select_related(*RELATED)[:limit])


def access_link(user: Any, link_id: int) -> Link:
    link = Link.objects.select_related(*RELATED).filter(pk=link_id).first()
    if link is None or not has_access(module_access(user, link.space, "links"), Access.READ):
        raise NotFound("link")
    return link


def collections_of_space(space: Space) -> list[tuple[str, int]]:
    """The space's collections and how many links each holds, by name."""
    rows = (Link.objects.filter(space=space).exclude(collection="").values("collection")
            .annotate(n=Count("id")).order_by("collection"))
    return [(row["collection"], row["n"]) for row in rows[:200]]


def tags_of(links: QuerySet[Link], limit: int = 40) -> list[tuple[str, int]]:
    """The most used tags among (the latest 2,000 of) `links`."""
    counts: Counter[str] = Counter()
    spelled: dict[str, str] = {}
    for tags in links.order_by().values_list("tags", flat=True)[:2000]:
        for tag in (t.strip() for t in tags.split(",")):
            if tag:
                counts[tag.casefold()] += 1
                spelled.setdefault(tag.casefold(), tag)
    return [(spelled[key], n) for key, n in counts.most_common(limit)]


def share_spaces(links: list[Link], *known: Space) -> list[Link]:
    """Give links of the same space one space object, so what is worked out about a space
    (module setting, the viewer's role and abilities) is worked out once per page."""
    spaces: dict[int, Space] = {space.pk: space for space in known}
    for link in links:
        link.space = spaces.setdefault(link.space_id, link.space)
    return links


def savers(user: Any, links: list[Link]) -> dict[int, list[User]]:
    """For each link, the other people who saved the same address in a space `user` may
    read (never the link's author nor `user`), in a constant number of queries: nothing is
    learnt from spaces `user` cannot read, personal bookmarks included."""
    hashes = {link.url_hash for link in links if link.url_hash}
    if not hashes:
        return {link.pk: [] for link in links}
    spaces = spaces_with_module_access(user, "links", Access.READ)
    pairs = set(Link.objects.filter(url_hash__in=hashes, space_id__in=spaces,
                                    author__is_active=True)
                .values_list("url_hash", "author_id"))
    people = {person.pk: person for person in
              User.objects.filter(pk__in={author for _, author in pairs})}
    by_hash: dict[str, list[User]] = {}
    for url_hash, author_id in pairs:
        by_hash.setdefault(url_hash, []).append(people[author_id])
    result = {}
    for link in links:
        others = [p for p in by_hash.get(link.url_hash, ())
                  if p.pk not in (link.author_id, getattr(user, "pk", None))]
        result[link.pk] = sorted(others, key=lambda p: p.display_name.casefold())
    return result


def export_space(space: Space) -> list[dict[str, Any]]:
    return [
        {"id": link.pk, "url": link.url, "title": link.title, "description": link.description,
         "tags": link.tag_list(), "collection": link.collection,
         "author": link.author.email if link.author else None,
         "created_at": link.created_at.isoformat()}
        for link in links_of_space(space)
    ]
