"""Moderation: space admins hide and show again; anyone who reads a post reports it."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from atrium.kernel import audit, events
from atrium.kernel.abilities import abilities
from atrium.kernel.errors import ActionError, Forbidden, NotFound
from atrium.modules.feed.abilities import space_rights
from atrium.modules.feed.actions.common import require, require_active
from atrium.modules.feed.events import CommentChanged, PostChanged
from atrium.modules.feed.models import Comment, Post, Report

MAX_REASON = 1000


def _target(obj: Post | Comment) -> tuple[Post | Comment, Post]:
    if isinstance(obj, Post):
        post = Post.objects.select_related("space").filter(pk=obj.pk,
                                                           deleted_at__isnull=True).first()
        if post is None:
            raise NotFound("post")
        return post, post
    comment = (Comment.objects.select_related("post__space")
               .filter(pk=obj.pk, deleted_at__isnull=True, post__deleted_at__isnull=True)
               .first())
    if comment is None:
        raise NotFound("comment")
    return comment, comment.post


def _set_hidden(actor: Any, obj: Post | Comment, hidden: bool) -> None:
    user = require_active(actor)
    target, post = _target(obj)
    require(abilities(user, target), "hide", _("Only the space's administrators hide content."))
    if (target.hidden_at is not None) == hidden:
        return
    target.hidden_at = timezone.now() if hidden else None
    target.hidden_by = user if hidden else None
    target.save(update_fields=["hidden_at", "hidden_by"])
    what = "post" if isinstance(target, Post) else "comment"
    audit.record(f"feed.{what}_{'hidden' if hidden else 'shown'}", actor=user, target=target,
                 space_id=post.space_id, author_id=target.author_id)
    if isinstance(target, Post):
        events.emit(PostChanged(post_id=post.pk, space_id=post.space_id), "space",
                    post.space_id)
    else:
        events.emit(CommentChanged(post_id=post.pk, comment_id=target.pk,
                                   space_id=post.space_id), "space", post.space_id)


@transaction.atomic
def do_hide(actor: Any, post_or_comment: Post | Comment) -> None:
    _set_hidden(actor, post_or_comment, True)


@transaction.atomic
def do_unhide(actor: Any, post_or_comment: Post | Comment) -> None:
    _set_hidden(actor, post_or_comment, False)


@transaction.atomic
def do_report(actor: Any, post: Post, *, comment: Comment | None = None,
              reason: str) -> Report:
    """Tell the space's admins about a post (or one of its comments)."""
    user = require_active(actor)
    target, found = _target(comment if comment is not None else post)
    if comment is not None and found.pk != post.pk:
        raise NotFound("comment")
    require(abilities(user, target), "report", _("You may not report this."))
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise ActionError(_("Say why you report it."), code="required", field="reason")
    if len(reason) > MAX_REASON:
        raise ActionError(_("The reason has at most %(max)d characters.") % {"max": MAX_REASON},
                          code="too_long", field="reason")
    return Report.objects.create(post=found, comment=comment if comment is not None else None,
                                 reporter=user, reason=reason)


@transaction.atomic
def do_resolve_report(actor: Any, report: Report, *, resolution: str) -> Report:
    """A space admin closes a report: "hidden" hides the content, "dismissed" keeps it."""
    user = require_active(actor)
    found = (Report.objects.select_for_update(of=("self",))
             .select_related("post__space", "comment").filter(pk=report.pk).first())
    if found is None:
        raise NotFound("report")
    report = found
    if not space_rights(user, report.post.space).manage:
        raise Forbidden(_("Only the space's administrators handle reports."))
    if resolution not in ("hidden", "dismissed"):
        raise ActionError(_("Choose to hide the content or to dismiss the report."),
                          code="invalid", field="resolution")
    if report.resolved_at is not None:
        raise ActionError(_("This report is already handled."), code="resolved",
                          field="resolution")
    if resolution == "hidden":
        target = report.comment if report.comment is not None else report.post
        if target.deleted_at is None and target.hidden_at is None:
            _set_hidden(user, target, True)
    report.resolved_at, report.resolved_by, report.resolution = timezone.now(), user, resolution
    report.save(update_fields=["resolved_at", "resolved_by", "resolution"])
    return report
