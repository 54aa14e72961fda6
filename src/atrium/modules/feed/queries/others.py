"""Announcements, read confirmations, open reports and search."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from atrium.kernel.abilities import abilities, users_with_module_access
from atrium.kernel.content import readable
from atrium.kernel.errors import Forbidden, NotFound
from atrium.kernel.models import Space, SpaceMembership, User
from atrium.modules.feed.abilities import MODULE, space_rights
from atrium.modules.feed.models import Confirmation, Post, Report
from atrium.modules.feed.queries.views import PostView, hydrate_posts

MAX_ANNOUNCEMENTS = 20
MAX_SEARCH = 50


def announcements(user: Any, space: Space | None = None) -> list[PostView]:
    """Pinned posts still valid, newest first: of `space`, or of every space one belongs to."""
    read = readable(user)
    spaces = read.by_module.get(MODULE, set())
    spaces = ({space.pk} & spaces) if space is not None else (spaces & read.member_of)
    if not spaces:
        return []
    now = timezone.now()
    posts = list(Post.objects.filter(space_id__in=spaces, pinned_at__isnull=False,
                                     deleted_at__isnull=True, hidden_at__isnull=True)
                 .filter(Q(pinned_until__isnull=True) | Q(pinned_until__gt=now))
                 .select_related("space", "author").order_by("-pinned_at", "-id")
                 [:MAX_ANNOUNCEMENTS])
    return hydrate_posts(user, posts, read)


def confirmation_status(user: Any, post: Post) -> tuple[list[User], list[User]]:
    """Who confirmed reading the announcement and who not yet (the members who may read it):
    for its author and the space's managers."""
    can = abilities(user, post)
    if not can["view"]:
        raise NotFound("post")
    if not can["see_confirmations"]:
        raise Forbidden(_("Only the author and the space's administrators see who confirmed."))
    confirmed = list(User.objects.filter(pk__in=Confirmation.objects.filter(post=post)
                                         .values("user_id")).order_by("full_name", "pk"))
    members = SpaceMembership.objects.filter(space_id=post.space_id).values_list("user_id",
                                                                                 flat=True)
    readers = users_with_module_access(post.space, MODULE, members)
    done = {u.pk for u in confirmed}
    pending = list(User.objects.filter(pk__in=readers - done, is_active=True)
                   .order_by("full_name", "pk"))
    return confirmed, pending


def reports_open(user: Any, space: Space) -> list[Report]:
    """Reports not yet handled in `space`, oldest first: for its managers."""
    rights = space_rights(user, space)
    if not rights.read:
        raise NotFound("space")
    if not rights.manage:
        raise Forbidden(_("Only the space's administrators handle reports."))
    return list(Report.objects.filter(post__space=space, resolved_at__isnull=True)
                .select_related("post__author", "comment__author", "reporter")
                .order_by("created_at", "id")[:200])


def search_posts(user: Any, text: str, limit: int = 20) -> list[PostView]:
    """Posts whose text contains every word of `text`, newest first, where one may read.

    A plain restricted `icontains` per word (no full-text index yet)."""
    words = [w for w in str(text or "").split() if w][:8]
    if not words:
        return []
    read = readable(user)
    spaces = read.by_module.get(MODULE, set())
    if not spaces:
        return []
    found = Post.objects.filter(space_id__in=spaces, deleted_at__isnull=True,
                                hidden_at__isnull=True)
    for word in words:
        found = found.filter(body__icontains=word[:100])
    posts = list(found.select_related("space", "author").order_by("-created_at", "-id")
                 [:max(1, min(int(limit), MAX_SEARCH))])
    return hydrate_posts(user, posts, read)
