"""The one write path for links."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.db import transaction
from django.utils.translation import gettext as _

from atrium.kernel import events
from atrium.kernel.abilities import abilities, has_access, module_access
from atrium.kernel.errors import ActionError, Forbidden
from atrium.kernel.models import Access, Space, User
from atrium.modules.links.events import LinkAdded, LinkDeleted
from atrium.modules.links.models import Link


def check_url(url: str) -> str:
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ActionError(_("Enter a web address starting with http:// or https://."),
                          field="url")
    if len(url) > 2000:
        raise ActionError(_("The address is too long."), field="url")
    return url


def clean_tags(tags: str) -> str:
    parts = [t.strip().lstrip("#")[:40] for t in (tags or "").split(",") if t.strip()]
    return ", ".join(dict.fromkeys(p for p in parts if p))[:200]


@transaction.atomic
def do_add_link(actor: User, space: Space, *, url: str, title: str = "", description: str = "",
                tags: str = "") -> Link:
    if not has_access(module_access(actor, space, "links"), Access.WRITE):
        raise Forbidden(_("You may not add links in this space."))
    url = check_url(url)
    title = (title or "").strip() or (urlsplit(url).hostname or url)
    if len(title) > 200:
        raise ActionError(_("The title is too long (at most 200 characters)."), field="title")
    if len(description or "") > 2000:
        raise ActionError(_("The description is too long (at most 2000 characters)."),
                          field="description")
    link = Link.objects.create(space=space, url=url, title=title,
                               description=(description or "").strip(), tags=clean_tags(tags),
                               author=actor)
    events.emit(LinkAdded(link_id=link.pk, space_id=space.pk), "space", space.pk)
    return link


@transaction.atomic
def do_delete_link(actor: User, link: Link) -> None:
    if not abilities(actor, link)["delete"]:
        raise Forbidden(_("You may not delete this link."))
    link_id, space_id = link.pk, link.space_id
    link.delete()
    events.emit(LinkDeleted(link_id=link_id, space_id=space_id), "space", space_id)
