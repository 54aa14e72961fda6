"""Posts hydrated for display: everything a feed card needs, in a constant number of queries
whatever the number of posts (authors, images and files, polls with counts and one's votes,
reactions with counts and one's own, the last comments with their last replies, shared
originals, link previews, one's read confirmation, and the abilities of each)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Count

from atrium.kernel import linkpreview
from atrium.kernel.content import Readable, readable
from atrium.kernel.models import LinkPreview, Space, User
from atrium.modules.feed.abilities import (
    SpaceRights,
    comment_abilities,
    post_abilities,
    rights_from_readable,
)
from atrium.modules.feed.models import (
    Attachment,
    Comment,
    Confirmation,
    Poll,
    PollOption,
    PollVote,
    Post,
    Reaction,
)

LAST_COMMENTS = 3
LAST_REPLIES = 3


@dataclass
class ReactionView:
    emoji: str
    count: int
    mine: bool

    def __iter__(self) -> Any:  # (emoji, count, mine), as the contract names it
        return iter((self.emoji, self.count, self.mine))


@dataclass
class PollOptionView:
    id: int
    label: str
    count: int
    mine: bool
    percent: int


@dataclass
class PollView:
    poll: Poll
    options: list[PollOptionView]
    total: int  # people who voted
    my_votes: list[int]
    is_open: bool

    @property
    def multiple(self) -> bool:
        return self.poll.multiple

    @property
    def closes_at(self) -> Any:
        return self.poll.closes_at


@dataclass
class CommentView:
    comment: Comment
    author: User | None
    can: dict[str, bool]
    reactions: list[ReactionView] = field(default_factory=list)
    replies: list[CommentView] = field(default_factory=list)


@dataclass
class PostView:
    post: Post
    author: User | None
    can: dict[str, bool]
    images: list[Attachment] = field(default_factory=list)
    files: list[Attachment] = field(default_factory=list)
    poll: PollView | None = None
    reactions: list[ReactionView] = field(default_factory=list)
    comments: list[CommentView] = field(default_factory=list)
    comment_count: int = 0
    shared: PostView | None = None
    # The original of a share exists but this reader may not see it (or it was deleted).
    shared_unavailable: bool = False
    preview: LinkPreview | None = None
    confirmed: bool = False

    @property
    def kind(self) -> str:
        return "post"

    @property
    def space(self) -> Space:
        return self.post.space


def _reactions(rows: Iterable[Any], mine: set[tuple[int, str]],
               key: str) -> dict[int, list[ReactionView]]:
    found: dict[int, list[ReactionView]] = defaultdict(list)
    for row in rows:
        found[row[key]].append(ReactionView(row["emoji"], row["n"],
                                            (row[key], row["emoji"]) in mine))
    return found


def _polls(posts: Sequence[Post], user: Any) -> dict[int, PollView]:
    polls = {p.post_id: p for p in Poll.objects.filter(post_id__in=[p.pk for p in posts])}
    if not polls:
        return {}
    poll_ids = [p.pk for p in polls.values()]
    options: dict[int, list[PollOption]] = defaultdict(list)
    for option in PollOption.objects.filter(poll_id__in=poll_ids).annotate(n=Count("votes")):
        options[option.poll_id].append(option)
    voters = dict(PollVote.objects.filter(poll_id__in=poll_ids).values("poll_id")
                  .annotate(n=Count("user_id", distinct=True)).values_list("poll_id", "n"))
    mine: set[int] = set()
    if getattr(user, "pk", None):
        mine = set(PollVote.objects.filter(poll_id__in=poll_ids, user_id=user.pk)
                   .values_list("option_id", flat=True))
    found = {}
    for post_id, poll in polls.items():
        total = voters.get(poll.pk, 0)
        views = [PollOptionView(o.pk, o.label, o.n, o.pk in mine,  # type: ignore[attr-defined]
                                round(100 * o.n / total) if total else 0)  # type: ignore[attr-defined]
                 for o in sorted(options[poll.pk], key=lambda o: (o.position, o.pk))]
        found[post_id] = PollView(poll, views, total, [v.id for v in views if v.mine],
                                  poll.is_open())
    return found


def _ranked(column: str, ids: Sequence[int], condition: str, limit: int) -> list[int]:
    """Ids of the newest `limit` live comments per `column` value among `ids` (a window
    function, written as SQL: the ORM's compilation of it cost more than running it)."""
    table = connection.ops.quote_name(Comment._meta.db_table)
    marks = ", ".join(["%s"] * len(ids))
    where = f"{column} IN ({marks}) AND deleted_at IS NULL" + (
        f" AND {condition}" if condition else "")
    sql = (f"SELECT id FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY {column} "  # noqa: S608
           f"ORDER BY created_at DESC, id DESC) AS rank FROM {table} WHERE {where}) "
           f"AS ranked WHERE rank <= %s")
    with connection.cursor() as cursor:
        cursor.execute(sql, [*ids, limit])
        return [row[0] for row in cursor.fetchall()]


def _comments(posts: Sequence[Post], user_id: int | None
              ) -> tuple[dict[int, list[Comment]], dict[int, list[Comment]],
                         dict[int, list[ReactionView]]]:
    """The last top-level comments of each post and the last replies of each of them, in
    three queries, and their reactions in two more."""
    ids = [p.pk for p in posts if p.comment_count]
    tops: dict[int, list[Comment]] = defaultdict(list)
    replies: dict[int, list[Comment]] = defaultdict(list)
    if not ids:
        return tops, replies, {}
    top_ids = _ranked("post_id", ids, "parent_id IS NULL", LAST_COMMENTS)
    reply_ids = _ranked("parent_id", top_ids, "", LAST_REPLIES) if top_ids else []
    parent_ids = top_ids
    for comment in Comment.objects.filter(pk__in=top_ids + reply_ids).select_related("author"):
        if comment.parent_id is None:
            tops[comment.post_id].append(comment)
        else:
            replies[comment.parent_id].append(comment)
    for found in (*tops.values(), *replies.values()):
        found.sort(key=lambda c: (c.created_at, c.pk))
    every = parent_ids + [c.pk for found in replies.values() for c in found]
    rows = (Reaction.objects.filter(comment_id__in=every).values("comment_id", "emoji")
            .annotate(n=Count("id")).order_by("comment_id", "emoji"))
    mine = set(Reaction.objects.filter(comment_id__in=every, user_id=user_id)
               .values_list("comment_id", "emoji")) if user_id else set()
    return tops, replies, _reactions(rows, mine, "comment_id")


def _previews(posts: Sequence[Post]) -> dict[int, LinkPreview]:
    hashes: dict[int, str] = {}
    for post in posts:
        if "http" not in post.body:
            continue
        url = linkpreview.first_url(post.body)
        digest = linkpreview.url_hash(url) if url else None
        if digest:
            hashes[post.pk] = digest
    if not hashes:
        return {}
    found = {p.url_hash: p for p in LinkPreview.objects.filter(url_hash__in=set(hashes.values()))
             .select_related("image")}
    return {pk: found[digest] for pk, digest in hashes.items()
            if digest in found and linkpreview.is_shown(found[digest])}


def hydrate_posts(user: Any, posts: Sequence[Post], read: Readable | None = None
                  ) -> list[PostView]:
    """PostViews of `posts` (fetched with their space and author) in the same order, for
    `user`, with the abilities of each; posts they may not see are left out."""
    if not posts:
        return []
    read = read if read is not None else readable(user)
    user_id = getattr(user, "pk", None)
    shared_ids = {p.shared_from_id for p in posts if p.shared_from_id}
    originals = {p.pk: p for p in Post.objects.filter(pk__in=shared_ids, deleted_at__isnull=True)
                 .select_related("space", "author")} if shared_ids else {}
    every = list({p.pk: p for p in [*posts, *originals.values()]}.values())
    rights: dict[int, SpaceRights] = {}
    can: dict[int, dict[str, bool]] = {}
    for post in every:
        if post.space_id not in rights:
            rights[post.space_id] = rights_from_readable(user, post.space, read)
        can[post.pk] = post_abilities(post, user, rights[post.space_id])
    seen = [p for p in every if can[p.pk]["view"]]
    ids = [p.pk for p in seen]
    files: dict[int, list[Attachment]] = defaultdict(list)
    for attachment in Attachment.objects.filter(post_id__in=ids).select_related("blob"):
        files[attachment.post_id].append(attachment)
    polls = _polls(seen, user)
    rows = (Reaction.objects.filter(post_id__in=ids).values("post_id", "emoji")
            .annotate(n=Count("id")).order_by("post_id", "emoji"))
    mine = set(Reaction.objects.filter(post_id__in=ids, user_id=user_id)
               .values_list("post_id", "emoji")) if user_id else set()
    reactions = _reactions(rows, mine, "post_id")
    tops, replies, comment_reactions = _comments(seen, user_id)
    confirmed = set(Confirmation.objects.filter(
        post_id__in=[p.pk for p in seen if p.requires_confirmation], user_id=user_id)
        .values_list("post_id", flat=True)) if user_id else set()
    previews = _previews(seen)

    def comment_view(comment: Comment, post: Post) -> CommentView | None:
        allowed = comment_abilities(comment, can[post.pk], user, rights[post.space_id])
        if not allowed["view"]:
            return None
        view = CommentView(comment, comment.author, allowed,
                           comment_reactions.get(comment.pk, []))
        view.replies = [r for r in (comment_view(c, post) for c in replies.get(comment.pk, []))
                        if r is not None]
        return view

    def post_view(post: Post) -> PostView:
        attached = sorted(files.get(post.pk, []), key=lambda a: (a.position, a.pk))
        return PostView(
            post=post, author=post.author, can=can[post.pk],
            images=[a for a in attached if a.is_image],
            files=[a for a in attached if not a.is_image],
            poll=polls.get(post.pk), reactions=reactions.get(post.pk, []),
            comments=[c for c in (comment_view(c, post) for c in tops.get(post.pk, []))
                      if c is not None],
            comment_count=post.comment_count, preview=previews.get(post.pk),
            confirmed=post.pk in confirmed,
        )

    views = []
    for post in posts:
        if not can[post.pk]["view"]:
            continue
        view = post_view(post)
        if post.shared_from_id:
            original = originals.get(post.shared_from_id)
            if original is not None and can[original.pk]["view"]:
                view.shared = post_view(original)
            else:
                view.shared_unavailable = True
        views.append(view)
    return views
