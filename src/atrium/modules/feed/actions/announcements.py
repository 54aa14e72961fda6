"""Announcements: pinned posts on top of the feed, optionally asking for read confirmation."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from atrium.kernel import events
from atrium.kernel.abilities import abilities
from atrium.kernel.errors import ActionError
from atrium.kernel.models import SpaceMembership
from atrium.modules.feed.actions.common import (
    alive_post,
    excerpt,
    notify,
    post_url,
    require,
    require_active,
)
from atrium.modules.feed.events import Confirmed, PostChanged
from atrium.modules.feed.models import Confirmation, Post


@transaction.atomic
def do_pin(actor: Any, post: Post, *, requires_confirmation: bool = False,
           until: datetime | None = None) -> Post:
    """Make the post an announcement (space admins); its members are told."""
    user = require_active(actor)
    post = alive_post(post)
    require(abilities(user, post), "pin", _("Only the space's administrators pin announcements."))
    if until is not None and until <= timezone.now():
        raise ActionError(_("The announcement's end date must be in the future."),
                          code="past", field="until")
    was_pinned = post.pinned_at is not None
    asked_before = post.requires_confirmation
    post.pinned_at = post.pinned_at or timezone.now()
    post.pinned_by, post.pinned_until = user, until
    post.requires_confirmation = bool(requires_confirmation)
    post.save(update_fields=["pinned_at", "pinned_by", "pinned_until",
                             "requires_confirmation"])
    events.emit(PostChanged(post_id=post.pk, space_id=post.space_id), "space", post.space_id)
    if not was_pinned or (post.requires_confirmation and not asked_before):
        members = list(SpaceMembership.objects.filter(space=post.space)
                       .values_list("user_id", flat=True))
        kind = "confirmation_request" if post.requires_confirmation else "announcement"
        title = (_("Announcement in %(space)s: please confirm you have read it")
                 if post.requires_confirmation else _("Announcement in %(space)s"))
        notify(members, kind=kind, key=f"feed.{kind}:{post.pk}", actor=user, space=post.space,
               url=post_url(post), excerpt=excerpt(post.body),
               title=title % {"space": post.space.name})
    return post


@transaction.atomic
def do_unpin(actor: Any, post: Post) -> Post:
    user = require_active(actor)
    post = alive_post(post)
    require(abilities(user, post), "pin", _("Only the space's administrators pin announcements."))
    if post.pinned_at is None:
        return post
    post.pinned_at = post.pinned_by = post.pinned_until = None
    post.save(update_fields=["pinned_at", "pinned_by", "pinned_until"])
    events.emit(PostChanged(post_id=post.pk, space_id=post.space_id), "space", post.space_id)
    return post


@transaction.atomic
def do_confirm(actor: Any, post: Post) -> Confirmation:
    """The actor has read the announcement (once; confirming again changes nothing)."""
    user = require_active(actor)
    post = alive_post(post)
    require(abilities(user, post), "confirm", _("This post asks for no read confirmation."))
    found = Confirmation.objects.filter(post=post, user=user).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            made = Confirmation.objects.create(post=post, user=user)
    except IntegrityError:
        return Confirmation.objects.get(post=post, user=user)
    events.emit(Confirmed(post_id=post.pk, user_id=user.pk, space_id=post.space_id),
                "space", post.space_id)
    return made
