"""What every feed action shares: the actor check, text cleaning and rendering (mentions,
hashtags), the post's kernel content entry, and notifications."""

from __future__ import annotations

import inspect
import logging
import re
from collections.abc import Iterable
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from atrium.kernel import content
from atrium.kernel.abilities import is_active_user
from atrium.kernel.errors import ActionError, Forbidden, NotFound
from atrium.kernel.models import Space, User, Visibility
from atrium.modules.feed import text
from atrium.modules.feed.abilities import MODULE, SpaceRights, space_rights
from atrium.modules.feed.models import Comment, Hashtag, Post, PostHashtag

log = logging.getLogger(__name__)
_LEADING_BLANK_LINES = re.compile(r"^(?:[ \t]*\r?\n)+")
ENTRY_KIND = "post"


def require_active(actor: Any) -> User:
    if not is_active_user(actor):
        raise Forbidden(_("Sign in to use the feed."))
    user: User = actor
    return user


def clean_text(body: str, *, limit: int, field: str = "body") -> str:
    """The text as stored: no NUL, no blank lines before, no whitespace after."""
    body = _LEADING_BLANK_LINES.sub("", str(body or "").replace("\x00", "")).rstrip()
    if len(body) > limit:
        raise ActionError(_("The text is too long: %(length)d characters, at most %(max)d.")
                          % {"length": len(body), "max": limit}, code="too_long", field=field)
    return body


def rights_to_write(actor: User, space: Space) -> SpaceRights:
    rights = space_rights(actor, space)
    if not rights.read:
        raise NotFound("space")
    if not rights.write:
        raise Forbidden(_("You may not post in this space."))
    return rights


def render_text(author: User, body: str) -> text.Rendered:
    """The HTML of a post or comment by `author`: names of people the author may see, links
    to spaces visible to the organisation that the author may see."""
    people_ids = text.candidate_user_ids(body)
    people = {}
    if people_ids:
        people = {u.pk: u.display_name for u in User.objects.restrict(author)
                  .filter(pk__in=people_ids, is_active=True).only("pk", "full_name", "email")}
    space_ids = text.candidate_space_ids(body)
    spaces = {}
    if space_ids:
        visible = (Space.objects.restrict(author, "see")
                   .filter(pk__in=space_ids, personal_owner__isnull=True,
                           visibility__in=[Visibility.OPEN, Visibility.PRIVATE]))
        spaces = {s.pk: text.SpaceLabel(s.name, f"/s/{s.slug}/") for s in visible}
    return text.render(body, people, spaces)


def save_hashtags(post: Post, names: Iterable[str]) -> None:
    """Make the post's hashtags exactly `names`."""
    names = list(dict.fromkeys(names))
    existing = {h.name: h for h in Hashtag.objects.filter(name__in=names)}
    missing = [Hashtag(name=n) for n in names if n not in existing]
    if missing:
        Hashtag.objects.bulk_create(missing, ignore_conflicts=True)
        existing = {h.name: h for h in Hashtag.objects.filter(name__in=names)}
    wanted = {existing[n].pk for n in names if n in existing}
    PostHashtag.objects.filter(post=post).exclude(hashtag_id__in=wanted).delete()
    have = set(PostHashtag.objects.filter(post=post).values_list("hashtag_id", flat=True))
    PostHashtag.objects.bulk_create(
        PostHashtag(post=post, hashtag_id=pk, space_id=post.space_id, created_at=post.created_at)
        for pk in wanted - have)


def excerpt(body: str, length: int = 140) -> str:
    """Plain words of a Markdown text for a notification (escaped where shown)."""
    flat = " ".join(re.sub(r"<[@#](\d+)>", "", body or "").split())
    return flat if len(flat) <= length else flat[: length - 1].rstrip() + "…"


def publish_post(post: Post) -> None:
    verb = gettext_noop("shared") if post.shared_from_id else gettext_noop("posted")
    content.publish(space=post.space, module_id=MODULE, kind=ENTRY_KIND, object_id=post.pk,
                    author=post.author, verb=verb,
                    title=excerpt(post.body, 200), url=post_url(post),
                    created_at=post.created_at)


def queue_preview(body: str) -> None:
    """Ask for the preview of the text's first web address (fetched later, through the
    egress gate); a page shows it once it is there."""
    from atrium.kernel import linkpreview

    if "http" in (body or ""):
        url = linkpreview.first_url(body)
        if url:
            linkpreview.preview_for(url)


def post_url(post: Post) -> str:
    return f"/s/{post.space.slug}/feed/{post.pk}/"


def comment_url(comment: Comment, post: Post) -> str:
    return f"{post_url(post)}#comment-{comment.pk}"


def notify(recipients: Iterable[int | User], **kwargs: Any) -> None:
    """Tell people through the notifications centre (it filters out the actor, inactive
    people and those who may not read the space, and never tells twice for one key)."""
    people = list(recipients)
    if not people:
        return
    try:
        from atrium.notifications import notify as send
    except ImportError:  # the notification centre is not installed
        log.warning("feed: notifications are not available")
        return
    if inspect.ismodule(send):  # the package's submodule, before it exports the function
        send = getattr(send, "notify", None)
    if callable(send):
        send(people, module_id=MODULE, **kwargs)


def alive_post(post: Post) -> Post:
    """The post, locked, as it is now in the database; NotFound once deleted."""
    found = (Post.objects.select_for_update(of=("self",)).select_related("space", "author")
             .filter(pk=post.pk, deleted_at__isnull=True).first())
    if found is None:
        raise NotFound("post")
    return found


def not_deleted(query: Q | None = None) -> Q:
    return Q(deleted_at__isnull=True) & (query or Q())


def require(can: dict[str, bool], ability: str, message: str, field: str | None = None) -> None:
    """Refuse unless `can[ability]`: NotFound when the person may not even see the object
    (so nothing tells it exists), Forbidden otherwise."""
    if can.get(ability):
        return
    if not can.get("view"):
        raise NotFound("object")
    raise Forbidden(message, field=field)
