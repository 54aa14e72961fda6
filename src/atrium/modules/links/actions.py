"""The one write path for links (bookmarks)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from atrium.kernel import audit, content, events, linkpreview
from atrium.kernel.abilities import abilities, has_access, is_active_user, module_access
from atrium.kernel.errors import ActionError, Conflict, Forbidden
from atrium.kernel.models import Access, Space, User
from atrium.modules.links.events import LinkAdded, LinkChanged, LinkDeleted
from atrium.modules.links.models import Link

MAX_TITLE = 200
MAX_DESCRIPTION = 2000
MAX_COLLECTION = 80


def _publish(link: Link) -> None:
    """The link's entry in the feed (contract 5); bookmarks kept in a personal space stay
    out of it."""
    if link.space.is_personal:
        return
    content.publish(space=link.space, module_id="links", kind="link", object_id=link.pk,
                    author=link.author, verb=gettext_noop("saved a link"), title=link.display_title,
                    url=link.get_absolute_url(), created_at=link.created_at)


def check_url(url: str) -> str:
    url = (url or "").strip()
    if len(url) > 2000:
        raise ActionError(_("The address is too long."), code="too_long", field="url")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        parts = None
    if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.hostname \
            or any(c.isspace() for c in url) or linkpreview.normalise(url) is None:
        raise ActionError(_("Enter a web address starting with http:// or https://."),
                          code="bad_url", field="url")
    return url


def clean_tags(tags: str) -> str:
    parts = [" ".join(t.split()).lstrip("#")[:40] for t in (tags or "").split(",")]
    kept = list(dict.fromkeys(p for p in parts if p))
    joined = ""
    for tag in kept:  # whole tags only, never one cut in the middle
        candidate = f"{joined}, {tag}" if joined else tag
        if len(candidate) > 200:
            break
        joined = candidate
    return joined


def clean_collection(collection: str) -> str:
    value = " ".join((collection or "").split())
    if len(value) > MAX_COLLECTION:
        raise ActionError(_("The collection name is too long (at most 80 characters)."),
                          code="too_long", field="collection")
    return value


def _clean_texts(title: str, description: str) -> tuple[str, str]:
    title = " ".join((title or "").split())
    description = (description or "").strip()
    if len(title) > MAX_TITLE:
        raise ActionError(_("The title is too long (at most 200 characters)."),
                          code="too_long", field="title")
    if len(description) > MAX_DESCRIPTION:
        raise ActionError(_("The description is too long (at most 2000 characters)."),
                          code="too_long", field="description")
    return title, description


@transaction.atomic
def do_add_link(actor: User, space: Space, *, url: str, title: str = "", description: str = "",
                tags: str = "", collection: str = "") -> Link:
    """Save a link in a space; its preview (title, description, image) is fetched by the
    server after commit, and shown where the title or description were left empty."""
    if not is_active_user(actor) or not has_access(module_access(actor, space, "links"),
                                                   Access.WRITE):
        raise Forbidden(_("You may not add links in this space."))
    url = check_url(url)
    title, description = _clean_texts(title, description)
    link = Link.objects.create(
        space=space, url=url, url_hash=linkpreview.url_hash(url) or "", title=title,
        description=description, tags=clean_tags(tags),
        collection=clean_collection(collection), author=actor,
        preview=linkpreview.preview_for(url))
    _publish(link)
    events.emit(LinkAdded(link_id=link.pk, space_id=space.pk), "space", space.pk)
    return link


@transaction.atomic
def do_edit_link(actor: User, link: Link, *, url: str | None = None, title: str | None = None,
                 description: str | None = None, tags: str | None = None,
                 collection: str | None = None) -> Link:
    """Change what was given (None keeps a field as it is)."""
    if not abilities(actor, link)["edit"]:
        raise Forbidden(_("You may not edit this link."))
    if url is not None:
        link.url = check_url(url)
        link.url_hash = linkpreview.url_hash(link.url) or ""
        link.preview = linkpreview.preview_for(link.url)
    new_title, new_description = _clean_texts(
        link.title if title is None else title,
        link.description if description is None else description)
    link.title, link.description = new_title, new_description
    if tags is not None:
        link.tags = clean_tags(tags)
    if collection is not None:
        link.collection = clean_collection(collection)
    link.edited_at = timezone.now()
    link.save()
    _publish(link)
    events.emit(LinkChanged(link_id=link.pk, space_id=link.space_id), "space", link.space_id)
    return link


@transaction.atomic
def do_delete_link(actor: User, link: Link) -> None:
    if not abilities(actor, link)["delete"]:
        raise Forbidden(_("You may not delete this link."))
    link_id, space_id = link.pk, link.space_id
    if link.author_id != actor.pk:
        audit.record("links.delete", actor=actor, target=link.space,
                     target_label=link.url[:200], link_id=link_id)
    link.delete()
    content.withdraw("links", "link", link_id)
    events.emit(LinkDeleted(link_id=link_id, space_id=space_id), "space", space_id)


def do_save_to_my_bookmarks(actor: User, link: Link) -> Link:
    """Copy a link someone shared into the actor's personal space ("My bookmarks")."""
    if not abilities(actor, link)["view"]:
        raise Forbidden(_("You may not see this link."))
    from atrium.kernel.accounts import ensure_personal_space

    personal = ensure_personal_space(actor)
    if link.url_hash and Link.objects.filter(space=personal, url_hash=link.url_hash).exists():
        raise Conflict(_("This link is already in your bookmarks."), code="already_saved",
                       field="url")
    return do_add_link(actor, personal, url=link.url, title=link.title,
                       description=link.description, tags=link.tags)
