"""Posts: create (text, images, files, poll, announcement), share, edit, delete."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from atrium.kernel import audit, blobstore, content, events
from atrium.kernel.abilities import abilities, users_with_module_access
from atrium.kernel.errors import ActionError, Forbidden, NotFound
from atrium.kernel.models import Space, SpaceMembership, User
from atrium.modules.feed.abilities import MODULE
from atrium.modules.feed.actions.common import (
    ENTRY_KIND,
    alive_post,
    clean_text,
    excerpt,
    notify,
    post_url,
    publish_post,
    queue_preview,
    render_text,
    require,
    require_active,
    rights_to_write,
    save_hashtags,
)
from atrium.modules.feed.events import PostChanged, PostCreated, PostDeleted
from atrium.modules.feed.models import (
    MAX_POLL_OPTIONS,
    MAX_POST_CHARS,
    Attachment,
    Mention,
    Poll,
    PollOption,
    Post,
    PostHashtag,
)

MAX_IMAGES = 20
MAX_FILES = 10
MAX_OPTION_CHARS = 200
MAX_NAME = 255


@dataclass
class PollSpec:
    options: list[str] = field(default_factory=list)
    multiple: bool = False
    closes_at: datetime | None = None


def _check_poll(spec: PollSpec) -> list[str]:
    options = [" ".join(str(o or "").split()) for o in spec.options]
    options = [o for o in options if o]
    if len(options) < 2:
        raise ActionError(_("A poll needs at least two options."), code="required",
                          field="poll.options")
    if len(options) > MAX_POLL_OPTIONS:
        raise ActionError(_("A poll has at most %(max)d options.") % {"max": MAX_POLL_OPTIONS},
                          code="too_many", field="poll.options")
    if any(len(o) > MAX_OPTION_CHARS for o in options):
        raise ActionError(_("A poll option has at most %(max)d characters.")
                          % {"max": MAX_OPTION_CHARS}, code="too_long", field="poll.options")
    if len({o.casefold() for o in options}) != len(options):
        raise ActionError(_("Two options of the poll are the same."), code="duplicate",
                          field="poll.options")
    if spec.closes_at is not None and spec.closes_at <= timezone.now():
        raise ActionError(_("The poll's deadline must be in the future."), code="past",
                          field="poll.closes_at")
    return options


def _file_name(upload: Any, fallback: str) -> str:
    from atrium.modules.feed.actions.files import clean_file_name

    return clean_file_name(getattr(upload, "name", None) or fallback)


def _store_attachments(post: Post, images: Sequence[Any], files: Sequence[Any]) -> None:
    from PIL import Image

    position = 0
    for upload in images:
        blob = blobstore.put_image(upload)
        width = height = None
        try:
            with blobstore.open_blob(blob) as stream, Image.open(stream) as image:
                width, height = image.size
        except OSError:  # verified by the blob store; a size is only a layout hint
            pass
        Attachment.objects.create(post=post, blob=blob, name=_file_name(upload, "image"),
                                  is_image=True, width=width, height=height, position=position)
        position += 1
    for upload in files:
        blob = blobstore.put(upload)
        Attachment.objects.create(post=post, blob=blob, name=_file_name(upload, "file"),
                                  is_image=False, position=position)
        position += 1


def _pin_fields(actor: User, announce: bool, requires_confirmation: bool,
                pinned_until: datetime | None, manage: bool) -> dict[str, Any]:
    if not announce:
        if requires_confirmation or pinned_until is not None:
            raise ActionError(_("Only an announcement asks for read confirmation or has an "
                                "end date."), code="invalid", field="announce")
        return {}
    if not manage:
        raise Forbidden(_("Only the space's administrators publish announcements."),
                        field="announce")
    if pinned_until is not None and pinned_until <= timezone.now():
        raise ActionError(_("The announcement's end date must be in the future."),
                          code="past", field="pinned_until")
    return {"pinned_at": timezone.now(), "pinned_by": actor, "pinned_until": pinned_until,
            "requires_confirmation": bool(requires_confirmation)}


def _save_mentions(post: Post, user_ids: Sequence[int], space_ids: Sequence[int],
                   comment: Any = None) -> list[int]:
    """Record the people and spaces mentioned; returns the people who may read the post
    (never the writer of the post or comment)."""
    readers = users_with_module_access(post.space, MODULE, user_ids)
    writer = comment.author_id if comment is not None else post.author_id
    told = [pk for pk in user_ids if pk in readers and pk != writer]
    Mention.objects.bulk_create(
        [Mention(post=post, comment=comment, user_id=pk) for pk in told]
        + [Mention(post=post, comment=comment, mentioned_space_id=pk) for pk in space_ids])
    return told


def _root_of(post: Post) -> Post:
    if post.shared_from_id is not None:
        original = Post.objects.select_related("space").filter(
            pk=post.shared_from_id, deleted_at__isnull=True).first()
        if original is not None:
            return original
    return post


@transaction.atomic
def do_create_post(actor: Any, space: Space, *, body: str, images: Sequence[Any] = (),
                   files: Sequence[Any] = (), poll: PollSpec | None = None,
                   shared_from: Post | None = None, announce: bool = False,
                   requires_confirmation: bool = False,
                   pinned_until: datetime | None = None) -> Post:
    author = require_active(actor)
    rights = rights_to_write(author, space)
    body = clean_text(body, limit=MAX_POST_CHARS)
    images, files = list(images or ()), list(files or ())
    if len(images) > MAX_IMAGES:
        raise ActionError(_("Add at most %(max)d images to one post.") % {"max": MAX_IMAGES},
                          code="too_many", field="images")
    if len(files) > MAX_FILES:
        raise ActionError(_("Attach at most %(max)d files to one post.") % {"max": MAX_FILES},
                          code="too_many", field="files")
    options = _check_poll(poll) if poll is not None else []
    if shared_from is not None:
        shared_from = _root_of(shared_from)
        require(abilities(author, shared_from), "share",
                _("This post may not be shared."), field="shared_from")
    if not body.strip() and not images and not files and not options and shared_from is None:
        raise ActionError(_("Write something, or add an image, a file or a poll."),
                          code="required", field="body")
    pin = _pin_fields(author, announce, requires_confirmation, pinned_until, rights.manage)
    rendered = render_text(author, body)
    now = timezone.now()
    post = Post.objects.create(space=space, author=author, body=body, html=rendered.html,
                               shared_from=shared_from, created_at=now, last_activity_at=now,
                               **pin)
    _store_attachments(post, images, files)
    if options:
        made = Poll.objects.create(post=post, multiple=bool(poll and poll.multiple),
                                   closes_at=poll.closes_at if poll else None)
        PollOption.objects.bulk_create(PollOption(poll=made, label=label, position=n)
                                       for n, label in enumerate(options))
    save_hashtags(post, rendered.hashtags)
    mentioned = _save_mentions(post, rendered.user_ids, rendered.space_ids)
    publish_post(post)
    queue_preview(body)
    events.emit(PostCreated(post_id=post.pk, space_id=space.pk), "space", space.pk)
    _notify_new_post(post, author, mentioned)
    return post


def _notify_new_post(post: Post, author: User, mentioned: list[int]) -> None:
    key = f"feed.post:{post.pk}"
    common = {"actor": author, "space": post.space, "url": post_url(post),
              "excerpt": excerpt(post.body)}
    notify(mentioned, kind="mention", key=key,
           title=_("%(name)s mentioned you in %(space)s")
           % {"name": author.display_name, "space": post.space.name}, urgent=True, **common)
    if post.pinned_at is not None:
        members = SpaceMembership.objects.filter(space=post.space).values_list("user_id",
                                                                               flat=True)
        kind = "confirmation_request" if post.requires_confirmation else "announcement"
        title = (_("Announcement in %(space)s: please confirm you have read it")
                 if post.requires_confirmation else _("Announcement in %(space)s"))
        notify(list(members), kind=kind, key=key, title=title % {"space": post.space.name},
               **common)
    original = post.shared_from
    if original is not None and original.author_id is not None:
        notify([original.author_id], kind="share", key=key,
               title=_("%(name)s shared your post in %(space)s")
               % {"name": author.display_name, "space": post.space.name}, **common)


@transaction.atomic
def do_share_post(actor: Any, post: Post, space: Space, *, body: str = "") -> Post:
    """A new post in `space` carrying `post` (its original, for a share of a share). Only
    posts of open spaces may be shared, by people who may read them and write in `space`."""
    return do_create_post(actor, space, body=body, shared_from=post)


@transaction.atomic
def do_edit_post(actor: Any, post: Post, *, body: str) -> Post:
    editor = require_active(actor)
    post = alive_post(post)
    require(abilities(editor, post), "edit",
            _("You may only edit your own posts, while you may post here."))
    body = clean_text(body, limit=MAX_POST_CHARS)
    if body == post.body:
        return post
    if not body.strip() and post.shared_from_id is None and not _has_media(post):
        raise ActionError(_("A post cannot be empty: delete it instead."), code="required",
                          field="body")
    rendered = render_text(editor, body)
    before = set(Mention.objects.filter(post=post, comment__isnull=True, user__isnull=False)
                 .values_list("user_id", flat=True))
    Mention.objects.filter(post=post, comment__isnull=True).delete()
    post.body, post.html, post.edited_at = body, rendered.html, timezone.now()
    post.save(update_fields=["body", "html", "edited_at"])
    save_hashtags(post, rendered.hashtags)
    mentioned = _save_mentions(post, rendered.user_ids, rendered.space_ids)
    publish_post(post)
    queue_preview(body)
    events.emit(PostChanged(post_id=post.pk, space_id=post.space_id), "space", post.space_id)
    added = [pk for pk in mentioned if pk not in before]
    notify(added, kind="mention", key=f"feed.post:{post.pk}", actor=editor, space=post.space,
           url=post_url(post), excerpt=excerpt(body), urgent=True,
           title=_("%(name)s mentioned you in %(space)s")
           % {"name": editor.display_name, "space": post.space.name})
    return post


def _has_media(post: Post) -> bool:
    """Whether the post carries images, files or a poll (it may then have no text)."""
    return Attachment.objects.filter(post=post).exists() or Poll.objects.filter(
        post=post).exists()


@transaction.atomic
def do_delete_post(actor: Any, post: Post) -> None:
    """Soft delete: the post leaves every feed and its files go; the row stays for the
    record. Deleting someone else's post is audited."""
    deleter = require_active(actor)
    try:
        post = alive_post(post)
    except NotFound:
        raise NotFound("post") from None
    require(abilities(deleter, post), "delete", _("You may not delete this post."))
    for attachment in Attachment.objects.filter(post=post).select_related("blob"):
        blobstore.release(attachment.blob)
        attachment.delete()
    PostHashtag.objects.filter(post=post).delete()
    post.deleted_at = timezone.now()
    post.pinned_at = post.pinned_by = None
    post.save(update_fields=["deleted_at", "pinned_at", "pinned_by"])
    content.withdraw(MODULE, ENTRY_KIND, post.pk)
    if post.author_id != deleter.pk:
        audit.record("feed.post_deleted", actor=deleter, target=post, space_id=post.space_id,
                     author_id=post.author_id)
    events.emit(PostDeleted(post_id=post.pk, space_id=post.space_id), "space", post.space_id)
