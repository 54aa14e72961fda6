"""Turning the domain's views (PostView, CommentView, ModuleItem) into the API's answers.

Everything shown comes from the domain's hydrated views and abilities: a post's Markdown
`body` only to those who may edit it, the rendered `html` to every reader; a hidden post or
comment only reaches the space's managers (the domain leaves it out for anybody else).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Count

from atrium.kernel import linkpreview
from atrium.kernel.errors import NotFound
from atrium.kernel.models import LinkPreview, Space, User
from atrium.modules.feed import queries
from atrium.modules.feed.abilities import comment_abilities, post_abilities, space_rights
from atrium.modules.feed.models import Attachment, Comment, Confirmation, Post, Reaction, Report

MAX_COMMENTS = 500
DOWNLOAD = "/api/v1/feed/attachments/{id}"


def person_ref(person: User | None) -> dict[str, Any] | None:
    if person is None:
        return None
    return {"id": person.pk, "name": person.display_name, "initials": person.initials,
            "has_photo": person.photo_id is not None}


def space_ref(space: Space) -> dict[str, Any]:
    return {"id": space.pk, "slug": space.slug, "name": space.name}


def attachment_out(attachment: Attachment) -> dict[str, Any]:
    return {"id": attachment.pk, "name": attachment.name, "size": attachment.blob.size,
            "mime_type": attachment.blob.mime_type, "width": attachment.width,
            "height": attachment.height, "url": DOWNLOAD.format(id=attachment.pk)}


def reaction_list(reactions: Any) -> list[dict[str, Any]]:
    return [{"emoji": emoji, "count": count, "mine": mine} for emoji, count, mine in reactions]


def preview_out(preview: LinkPreview | None) -> dict[str, Any] | None:
    if preview is None:
        return None
    return {"url": preview.url, "final_url": preview.final_url, "title": preview.title,
            "description": preview.description, "site_name": preview.site_name,
            "image_url": linkpreview.image_url(preview) or None}


def poll_out(poll: Any) -> dict[str, Any] | None:
    if poll is None:
        return None
    return {"id": poll.poll.pk, "multiple": poll.multiple, "closes_at": poll.closes_at,
            "is_open": poll.is_open, "total": poll.total, "my_votes": list(poll.my_votes),
            "options": [{"id": o.id, "label": o.label, "votes": o.count, "mine": o.mine}
                        for o in poll.options]}


def comment_view_out(view: Any, *, replies: bool = True) -> dict[str, Any]:
    comment: Comment = view.comment
    out = {
        "id": comment.pk, "post_id": comment.post_id, "parent_id": comment.parent_id,
        "author": person_ref(view.author), "html": comment.html,
        "body": comment.body if view.can.get("edit") else None,
        "created_at": comment.created_at, "edited_at": comment.edited_at,
        "deleted": comment.deleted_at is not None, "hidden": comment.hidden_at is not None,
        "reactions": reaction_list(view.reactions), "abilities": view.can,
    }
    if replies:
        out["replies"] = [comment_view_out(r, replies=False) for r in view.replies]
    return out


def _post_core(view: Any) -> dict[str, Any]:
    post: Post = view.post
    return {
        "id": post.pk, "space": space_ref(post.space), "author": person_ref(view.author),
        "html": post.html, "body": post.body if view.can.get("edit") else None,
        "created_at": post.created_at, "edited_at": post.edited_at,
        "deleted": post.deleted_at is not None, "hidden": post.hidden_at is not None,
        "pinned": post.pinned_at is not None, "pinned_until": post.pinned_until,
        "requires_confirmation": post.requires_confirmation, "confirmed": view.confirmed,
        "images": [attachment_out(a) for a in view.images],
        "files": [attachment_out(a) for a in view.files],
        "poll": poll_out(view.poll), "reactions": reaction_list(view.reactions),
        "comment_count": view.comment_count,
        "comments": [comment_view_out(c) for c in view.comments],
        "preview": preview_out(view.preview), "abilities": view.can,
    }


def post_out(user: User, view: Any) -> dict[str, Any]:
    out = _post_core(view)
    out["shared"] = _post_core(view.shared) if view.shared is not None else None
    out["shared_from_id"] = view.post.shared_from_id
    out["shared_unavailable"] = bool(getattr(view, "shared_unavailable", False))
    return out


def module_item_out(item: Any) -> dict[str, Any]:
    entry = item.entry
    return {"module": entry.module_id, "module_name": str(item.module), "kind": entry.kind,
            "object_id": entry.object_id, "space": space_ref(entry.space), "verb": entry.verb,
            "title": entry.title, "url": entry.url, "author": person_ref(item.author),
            "created_at": entry.created_at}


def page_out(user: User, page: Any) -> dict[str, Any]:
    items = []
    for item in page.items:
        if isinstance(item, queries.PostView):
            items.append({"type": "post", "post": post_out(user, item), "item": None})
        else:
            items.append({"type": "module", "post": None, "item": module_item_out(item)})
    return {"items": items, "next_cursor": page.next_cursor}


def post_answer(user: User, post: Post) -> dict[str, Any]:
    """A post as it is now in the database, for the caller."""
    fresh = Post.objects.select_related("space", "author").get(pk=post.pk)
    views = queries.hydrate_posts(user, [fresh])
    if not views:
        raise NotFound("post")
    return post_out(user, views[0])


# Comments ----------------------------------------------------------------------------------

def _comment_dicts(user: User, post: Post, comments: list[Comment]) -> dict[int, Any]:
    """Each of `comments` the caller may see, by id, oldest first; a top-level comment
    holds its replies (those among `comments`)."""
    rights = space_rights(user, post.space)
    post_can = post_abilities(post, user, rights)
    ids = [c.pk for c in comments]
    counts: dict[int, list[tuple[str, int, bool]]] = defaultdict(list)
    mine = set(Reaction.objects.filter(comment_id__in=ids, user_id=user.pk)
               .values_list("comment_id", "emoji"))
    for row in (Reaction.objects.filter(comment_id__in=ids).values("comment_id", "emoji")
                .annotate(n=Count("id")).order_by("comment_id", "emoji")):
        counts[row["comment_id"]].append((row["emoji"], row["n"],
                                          (row["comment_id"], row["emoji"]) in mine))
    shown: dict[int, dict[str, Any]] = {}
    for comment in comments:
        can = comment_abilities(comment, post_can, user, rights)
        if not can["view"]:
            continue
        shown[comment.pk] = {
            "id": comment.pk, "post_id": comment.post_id, "parent_id": comment.parent_id,
            "author": person_ref(comment.author), "html": comment.html,
            "body": comment.body if can["edit"] else None, "created_at": comment.created_at,
            "edited_at": comment.edited_at, "deleted": comment.deleted_at is not None,
            "hidden": comment.hidden_at is not None,
            "reactions": reaction_list(counts.get(comment.pk, [])), "abilities": can,
            "replies": [],
        }
    for out in shown.values():
        parent = shown.get(out["parent_id"]) if out["parent_id"] else None
        if parent is not None:
            parent["replies"].append(out)
    return shown


def comments_page(user: User, post: Post, *, after: int | None, limit: int) -> dict[str, Any]:
    """Top-level comments after the one with id `after`, oldest first, each with its
    replies (at most MAX_COMMENTS of them)."""
    tops = Comment.objects.filter(post_id=post.pk, parent__isnull=True, deleted_at__isnull=True)
    if after is not None:
        tops = tops.filter(pk__gt=after)
    found = list(tops.select_related("author").order_by("id")[:limit + 1])
    more = len(found) > limit
    found = found[:limit]
    replies = list(Comment.objects.filter(parent_id__in=[c.pk for c in found],
                                          deleted_at__isnull=True)
                   .select_related("author").order_by("created_at", "id")[:MAX_COMMENTS])
    shown = _comment_dicts(user, post, found + replies)
    items = [c for c in shown.values() if c["parent_id"] is None]
    fresh = Post.objects.filter(pk=post.pk).values_list("comment_count", flat=True).first()
    return {"items": items, "count": fresh or 0,
            "next_after": found[-1].pk if more and found else None}


def comment_answer(user: User, comment: Comment) -> dict[str, Any]:
    """One comment as it is now (a top-level one with its replies)."""
    fresh = Comment.objects.select_related("author", "post__space").get(pk=comment.pk)
    found = [fresh]
    if fresh.parent_id is None:
        found += list(Comment.objects.filter(parent_id=fresh.pk, deleted_at__isnull=True)
                      .select_related("author").order_by("created_at", "id")[:MAX_COMMENTS])
    shown = _comment_dicts(user, fresh.post, found)
    if fresh.pk not in shown:
        raise NotFound("comment")
    return shown[fresh.pk]


def reactions_of(user: User, target: Post | Comment) -> list[dict[str, Any]]:
    kind = "post_id" if isinstance(target, Post) else "comment_id"
    mine = set(Reaction.objects.filter(**{kind: target.pk}, user_id=user.pk)
               .values_list("emoji", flat=True))
    rows = (Reaction.objects.filter(**{kind: target.pk}).values("emoji")
            .annotate(n=Count("id")).order_by("-n", "emoji"))
    return [{"emoji": r["emoji"], "count": r["n"], "mine": r["emoji"] in mine} for r in rows]


# Announcements and reports -----------------------------------------------------------------

def confirmation_out(confirmation: Confirmation) -> dict[str, Any]:
    return {"post_id": confirmation.post_id, "user_id": confirmation.user_id,
            "confirmed_at": confirmation.confirmed_at}


def report_out(report: Report) -> dict[str, Any]:
    return {"id": report.pk, "post_id": report.post_id, "comment_id": report.comment_id,
            "reporter": person_ref(report.reporter), "reason": report.reason,
            "created_at": report.created_at, "resolved_at": report.resolved_at,
            "resolution": report.resolution}
