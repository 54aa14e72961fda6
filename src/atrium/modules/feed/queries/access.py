"""Fetch-and-check: a post or comment the person may see, else one same NotFound."""

from __future__ import annotations

from typing import Any

from atrium.kernel.abilities import abilities, is_active_user
from atrium.kernel.errors import NotFound
from atrium.kernel.models import Blob
from atrium.modules.feed.models import Attachment, Comment, Post, Report


def access_post(user: Any, post_id: int) -> Post:
    """The post if `user` may see it now (missing, deleted, hidden from them, unreadable
    space or module: the same NotFound)."""
    try:
        pk = int(post_id)
    except (TypeError, ValueError):
        raise NotFound("post") from None
    post = (Post.objects.select_related("space", "author").filter(pk=pk, deleted_at__isnull=True)
            .first()) if is_active_user(user) else None
    if post is None or not abilities(user, post)["view"]:
        raise NotFound("post")
    return post


def access_comment(user: Any, comment_id: int) -> Comment:
    try:
        pk = int(comment_id)
    except (TypeError, ValueError):
        raise NotFound("comment") from None
    comment = (Comment.objects.select_related("post__space", "post__author", "author")
               .filter(pk=pk, deleted_at__isnull=True, post__deleted_at__isnull=True)
               .first()) if is_active_user(user) else None
    if comment is None or not abilities(user, comment)["view"]:
        raise NotFound("comment")
    return comment


def access_attachment(user: Any, attachment_id: int) -> tuple[Attachment, Blob]:
    """An image or file of a post `user` may see now, with its blob (for a download)."""
    try:
        pk = int(attachment_id)
    except (TypeError, ValueError):
        raise NotFound("attachment") from None
    attachment = (Attachment.objects.select_related("blob", "post__space")
                  .filter(pk=pk, post__deleted_at__isnull=True).first()) \
        if is_active_user(user) else None
    if attachment is None or not abilities(user, attachment.post)["view"]:
        raise NotFound("attachment")
    return attachment, attachment.blob


def access_report(user: Any, report_id: int) -> Report:
    """A report, for the managers of its space."""
    from atrium.modules.feed.abilities import space_rights

    report = (Report.objects.select_related("post__space", "comment").filter(pk=report_id)
              .first()) if is_active_user(user) else None
    if report is None or not space_rights(user, report.post.space).manage:
        raise NotFound("report")
    return report
