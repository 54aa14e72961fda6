"""The feeds: home, space, author and hashtag, as pages of hydrated items with a cursor."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from atrium.kernel import registry
from atrium.kernel.content import Cursor, Readable, feed_entries, readable
from atrium.kernel.models import ContentEntry, Space, User
from atrium.modules.feed.abilities import MODULE
from atrium.modules.feed.models import Hashtag, Post, PostHashtag
from atrium.modules.feed.queries.views import PostView, hydrate_posts
from atrium.modules.feed.text import normalise_tag

Order = Literal["recent", "activity"]
MAX_LIMIT = 100


@dataclass
class ModuleItem:
    """Another module's item in the feed, drawn as a generic card ("X added a file")."""

    entry: ContentEntry
    author: User | None
    module: str  # the module's name, translated

    @property
    def kind(self) -> str:
        return "module"

    @property
    def space(self) -> Space:
        return self.entry.space


FeedItem = PostView | ModuleItem


@dataclass
class FeedPage:
    items: list[FeedItem] = field(default_factory=list)
    next_cursor: str | None = None


def _limit(limit: int) -> int:
    try:
        return max(1, min(int(limit), MAX_LIMIT))
    except (TypeError, ValueError):
        return 20


def _cursor(before: str | Cursor | None) -> Cursor | None:
    if before is None or before == "":
        return None
    return before if isinstance(before, Cursor) else Cursor.decode(str(before))


def _page(user: Any, entries: list[ContentEntry], read: Readable, order: Order,
          limit: int) -> FeedPage:
    post_ids = [e.object_id for e in entries if e.module_id == MODULE and e.kind == "post"]
    posts = {p.pk: p for p in Post.objects.filter(pk__in=post_ids, deleted_at__isnull=True)
             .select_related("space", "author")} if post_ids else {}
    ordered = [posts[pk] for pk in post_ids if pk in posts]
    views = {v.post.pk: v for v in hydrate_posts(user, ordered, read)}
    items: list[FeedItem] = []
    for entry in entries:
        if entry.module_id == MODULE:
            view = views.get(entry.object_id) if entry.kind == "post" else None
            if view is not None:
                items.append(view)
            continue
        manifest = registry.get(entry.module_id)
        if manifest is not None:
            items.append(ModuleItem(entry, entry.author, str(manifest.name)))
    following = (Cursor.after(entries[-1], order).encode()
                 if len(entries) == limit else None)
    return FeedPage(items, following)


def home_feed(user: Any, *, order: Order = "recent", before: str | None = None,
              limit: int = 20) -> FeedPage:
    """The spaces one belongs to and the people one follows, newest first (or by activity)."""
    limit, cursor = _limit(limit), _cursor(before)
    read = readable(user)
    entries = feed_entries(user, scope="home", order=order, before=cursor, limit=limit,
                           read=read)
    return _page(user, entries, read, order, limit)


def space_feed(user: Any, space: Space, *, order: Order = "recent", before: str | None = None,
               limit: int = 20) -> FeedPage:
    limit, cursor = _limit(limit), _cursor(before)
    read = readable(user)
    entries = feed_entries(user, scope="space", space=space, order=order, before=cursor,
                           limit=limit, read=read)
    return _page(user, entries, read, order, limit)


def author_feed(user: Any, author: Any, *, before: str | None = None,
                limit: int = 20) -> FeedPage:
    """What `author` published where `user` may read it."""
    limit, cursor = _limit(limit), _cursor(before)
    read = readable(user)
    entries = feed_entries(user, scope="author", author=author, before=cursor, limit=limit,
                           read=read)
    return _page(user, entries, read, "recent", limit)


def hashtag_feed(user: Any, name: str, *, before: str | None = None,
                 limit: int = 20) -> FeedPage:
    """Posts carrying `#name` in spaces where `user` may read the feed, newest first."""
    limit, cursor = _limit(limit), _cursor(before)
    tag = normalise_tag(name)
    hashtag = Hashtag.objects.filter(name=tag).first() if tag else None
    if hashtag is None:
        return FeedPage()
    read = readable(user)
    spaces = sorted(read.by_module.get(MODULE, set()))
    if not spaces:
        return FeedPage()
    rows = PostHashtag.objects.filter(hashtag=hashtag, space_id__in=spaces)
    if cursor is not None:
        rows = rows.filter(created_at__lte=cursor.at).exclude(created_at=cursor.at,
                                                              post_id__gte=cursor.id)
    found = list(rows.order_by("-created_at", "-post_id").values_list("post_id", "created_at")
                 [:limit])
    posts = {p.pk: p for p in Post.objects.filter(pk__in=[pk for pk, _ in found],
                                                   deleted_at__isnull=True)
             .select_related("space", "author")}
    views = hydrate_posts(user, [posts[pk] for pk, _ in found if pk in posts], read)
    following = (Cursor(found[-1][1], found[-1][0]).encode() if len(found) == limit else None)
    return FeedPage(list(views), following)


def recent_posts(user: Any, limit: int) -> list[Post]:
    """The newest posts `user` may read (the content kind's contract)."""
    spaces = readable(user).by_module.get(MODULE, set())
    return list(Post.objects.filter(space_id__in=spaces, deleted_at__isnull=True,
                                    hidden_at__isnull=True)
                .select_related("author", "space").order_by("-created_at", "-id")[:limit])


def export_space(space: Space) -> list[dict[str, Any]]:
    return [
        {"id": post.pk, "author": post.author.email if post.author else None,
         "body": post.body, "created_at": post.created_at.isoformat(),
         "edited_at": post.edited_at.isoformat() if post.edited_at else None,
         "shared_from": post.shared_from_id, "comments": post.comment_count}
        for post in Post.objects.filter(space=space, deleted_at__isnull=True)
        .select_related("author").order_by("created_at", "id")
    ]
