"""Comments, with one level of replies: a reply to a reply attaches to its top-level
comment (the conversation stays flat, as people expect from a feed)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from atrium.kernel import audit, content, events
from atrium.kernel.abilities import abilities
from atrium.kernel.errors import ActionError, NotFound
from atrium.modules.feed.abilities import MODULE
from atrium.modules.feed.actions.common import (
    ENTRY_KIND,
    alive_post,
    clean_text,
    comment_url,
    excerpt,
    notify,
    render_text,
    require,
    require_active,
)
from atrium.modules.feed.actions.posts import _save_mentions
from atrium.modules.feed.events import CommentAdded, CommentChanged
from atrium.modules.feed.models import MAX_COMMENT_CHARS, Comment, Mention, Post


def _locked(comment: Comment) -> Comment:
    found = (Comment.objects.select_for_update(of=("self",))
             .select_related("post__space", "author")
             .filter(pk=comment.pk, deleted_at__isnull=True, post__deleted_at__isnull=True)
             .first())
    if found is None:
        raise NotFound("comment")
    return found


@transaction.atomic
def do_comment(actor: Any, post: Post, *, body: str, parent: Comment | None = None) -> Comment:
    author = require_active(actor)
    post = alive_post(post)
    require(abilities(author, post), "comment", _("You may not comment on this post."))
    body = clean_text(body, limit=MAX_COMMENT_CHARS)
    if not body.strip():
        raise ActionError(_("Write a comment."), code="required", field="body")
    if parent is not None:
        parent = Comment.objects.filter(pk=parent.pk, post_id=post.pk,
                                        deleted_at__isnull=True, hidden_at__isnull=True).first()
        if parent is None:
            raise ActionError(_("The comment you answer is not on this post any more."),
                              code="bad_parent", field="parent")
        if parent.parent_id is not None:
            parent = Comment.objects.get(pk=parent.parent_id)
    rendered = render_text(author, body)
    comment = Comment.objects.create(post=post, parent=parent, author=author, body=body,
                                     html=rendered.html)
    now = comment.created_at
    Post.objects.filter(pk=post.pk).update(comment_count=F("comment_count") + 1,
                                           last_activity_at=now)
    content.touch(MODULE, ENTRY_KIND, post.pk, now)
    mentioned = _save_mentions(post, rendered.user_ids, rendered.space_ids, comment=comment)
    events.emit(CommentAdded(post_id=post.pk, comment_id=comment.pk, space_id=post.space_id),
                "space", post.space_id)
    _notify_comment(comment, post, parent, mentioned)
    return comment


def _notify_comment(comment: Comment, post: Post, parent: Comment | None,
                    mentioned: list[int]) -> None:
    """Mentioned people first, then the author answered, then the post's author and earlier
    commenters: one notification each (the key is the comment's)."""
    author = comment.author
    assert author is not None
    key = f"feed.comment:{comment.pk}"
    common = {"actor": author, "space": post.space, "url": comment_url(comment, post),
              "excerpt": excerpt(comment.body)}
    names = {"name": author.display_name, "space": post.space.name}
    notify(mentioned, kind="mention", key=key, urgent=True,
           title=_("%(name)s mentioned you in %(space)s") % names, **common)
    if parent is not None and parent.author_id is not None:
        notify([parent.author_id], kind="reply", key=key,
               title=_("%(name)s answered your comment") % names, **common)
    earlier = set(Comment.objects.filter(post=post, deleted_at__isnull=True)
                  .exclude(pk=comment.pk).exclude(author__isnull=True)
                  .values_list("author_id", flat=True)[:200])
    if post.author_id is not None:
        notify([post.author_id], kind="comment", key=key,
               title=_("%(name)s commented on your post") % names, **common)
        earlier.discard(post.author_id)
    notify(sorted(earlier), kind="comment", key=key,
           title=_("%(name)s also commented on a post in %(space)s") % names, **common)


@transaction.atomic
def do_edit_comment(actor: Any, comment: Comment, *, body: str) -> Comment:
    editor = require_active(actor)
    comment = _locked(comment)
    require(abilities(editor, comment), "edit",
            _("You may only edit your own comments, while you may comment here."))
    body = clean_text(body, limit=MAX_COMMENT_CHARS)
    if not body.strip():
        raise ActionError(_("A comment cannot be empty: delete it instead."),
                          code="required", field="body")
    if body == comment.body:
        return comment
    post = comment.post
    rendered = render_text(editor, body)
    before = set(Mention.objects.filter(comment=comment, user__isnull=False)
                 .values_list("user_id", flat=True))
    Mention.objects.filter(comment=comment).delete()
    comment.body, comment.html, comment.edited_at = body, rendered.html, timezone.now()
    comment.save(update_fields=["body", "html", "edited_at"])
    mentioned = _save_mentions(post, rendered.user_ids, rendered.space_ids, comment=comment)
    events.emit(CommentChanged(post_id=post.pk, comment_id=comment.pk, space_id=post.space_id),
                "space", post.space_id)
    added = [pk for pk in mentioned if pk not in before]
    notify(added, kind="mention", key=f"feed.comment:{comment.pk}", actor=editor,
           space=post.space, url=comment_url(comment, post), excerpt=excerpt(body),
           urgent=True, title=_("%(name)s mentioned you in %(space)s")
           % {"name": editor.display_name, "space": post.space.name})
    return comment


@transaction.atomic
def do_delete_comment(actor: Any, comment: Comment) -> None:
    """Soft delete: a placeholder stays while it has replies; its text is kept for the
    record. Deleting someone else's comment is audited."""
    deleter = require_active(actor)
    comment = _locked(comment)
    require(abilities(deleter, comment), "delete", _("You may not delete this comment."))
    comment.deleted_at = timezone.now()
    comment.save(update_fields=["deleted_at"])
    Mention.objects.filter(comment=comment).delete()
    post = comment.post
    Post.objects.filter(pk=post.pk, comment_count__gt=0) \
        .update(comment_count=F("comment_count") - 1)
    if comment.author_id != deleter.pk:
        audit.record("feed.comment_deleted", actor=deleter, target=comment,
                     space_id=post.space_id, author_id=comment.author_id)
    events.emit(CommentChanged(post_id=post.pk, comment_id=comment.pk, space_id=post.space_id),
                "space", post.space_id)
