"""Fetch-and-check for the feed API: every object through the domain's helpers.

A space whose feed the caller may not read, a post or comment they may not read, a report
they may not moderate: all answer 404, as a missing id does. Someone who reads an object but
may not do what they ask gets 403 from the action itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.utils.translation import gettext as _

from atrium.kernel.access import access_person, access_space_module
from atrium.kernel.errors import ActionError
from atrium.kernel.models import Access, Space, User
from atrium.modules.feed import queries
from atrium.modules.feed.models import Comment, Post, Report

MODULE = "feed"


def feed_space(user: User, space_id: int) -> Space:
    """The space if its feed is on and the caller reads it (else 404, as for a missing id)."""
    return access_space_module(user, space_id, MODULE, Access.READ)


def seen_post(user: User, post_id: int) -> Post:
    post: Post = queries.access_post(user, post_id)
    return post


def seen_comment(user: User, comment_id: int) -> Comment:
    comment: Comment = queries.access_comment(user, comment_id)
    return comment


def seen_person(user: User, user_id: int) -> User:
    return access_person(user, user_id)


def comment_of(post: Post, comment_id: int | None, field: str) -> Comment | None:
    """A comment of `post` (the one in the URL), or ActionError on `field`."""
    if comment_id is None:
        return None
    comment = Comment.objects.select_related("post__space").filter(
        pk=comment_id, post_id=post.pk, deleted_at__isnull=True).first()
    if comment is None:
        raise ActionError(_("Choose a comment of this post."), code="bad_comment", field=field)
    return comment


def moderated_report(user: User, report_id: int) -> Report:
    """A report, for those who moderate its space (nobody else learns it exists)."""
    report: Report = queries.access_report(user, report_id)
    return report


@contextmanager
def fields_named(**names: str) -> Iterator[None]:
    """Report an action's error on the API's name for the field (`parent` → `parent_id`)."""
    try:
        yield
    except ActionError as error:
        if error.field in names:
            error.field = names[error.field]
        raise

