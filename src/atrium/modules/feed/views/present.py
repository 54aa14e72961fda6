"""Posts as the pages draw them: one post hydrated by the domain (with, on its own page,
every comment instead of the last few), and the figures a card shows ("show all")."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import Count
from django.utils.translation import gettext

from atrium.kernel.errors import NotFound
from atrium.modules.feed import queries
from atrium.modules.feed.abilities import comment_abilities, space_rights
from atrium.modules.feed.models import Comment, Post, Reaction
from atrium.modules.feed.queries import CommentView, ModuleItem, PostView
from atrium.modules.feed.queries.views import ReactionView

MAX_COMMENTS = 500
def annotate(items: Iterable[Any]) -> None:
    """How many comments each card shows (it offers "show all" only when some are not), and
    what another module's item says it is, translated."""
    for item in items:
        if isinstance(item, ModuleItem):
            # Stored in English, marked with gettext_noop by the module that published it.
            item.verb_label = gettext(item.entry.verb)  # type: ignore[attr-defined]
        if isinstance(item, PostView):
            item.comments_shown = sum(1 + len(c.replies)  # type: ignore[attr-defined]
                                      for c in item.comments)


def _all_comments(user: Any, view: PostView) -> list[CommentView]:
    """Every comment of the post with its replies (bounded), oldest first, as the reader may
    see them; three queries whatever their number."""
    post = view.post
    rights = space_rights(user, post.space)
    found = list(Comment.objects.filter(post=post, deleted_at__isnull=True)
                 .select_related("author").order_by("created_at", "id")[:MAX_COMMENTS])
    ids = [c.pk for c in found]
    user_id = getattr(user, "pk", None)
    counts = (Reaction.objects.filter(comment_id__in=ids).values("comment_id", "emoji")
              .annotate(n=Count("id")).order_by("comment_id", "emoji"))
    mine = set(Reaction.objects.filter(comment_id__in=ids, user_id=user_id)
               .values_list("comment_id", "emoji")) if user_id else set()
    reactions: dict[int, list[ReactionView]] = defaultdict(list)
    for row in counts:
        reactions[row["comment_id"]].append(
            ReactionView(row["emoji"], row["n"], (row["comment_id"], row["emoji"]) in mine))
    views: dict[int, CommentView] = {}
    tops: list[CommentView] = []
    for comment in found:
        allowed = comment_abilities(comment, view.can, user, rights)
        if not allowed["view"]:
            continue
        shown = CommentView(comment, comment.author, allowed, reactions.get(comment.pk, []))
        views[comment.pk] = shown
        if comment.parent_id is None:
            tops.append(shown)
        elif comment.parent_id in views:
            views[comment.parent_id].replies.append(shown)
    return tops


def post_view(user: Any, post: Post, *, all_comments: bool = False) -> PostView:
    """The post as `user` sees it, or NotFound."""
    found = queries.hydrate_posts(user, [post])
    if not found:
        raise NotFound("post")
    view = found[0]
    if all_comments:
        view.comments = _all_comments(user, view)
    annotate([view])
    return view
