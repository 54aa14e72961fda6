"""Comments (one level of replies), reactions on posts and comments, and poll votes.

Comments are seen by those who read their post; anyone else gets 404. Commenting is rate
limited (429).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status

from atrium.api.kernel.present import viewer
from atrium.api.kernel.schemas import errors
from atrium.kernel.abilities import abilities
from atrium.kernel.errors import ActionError, Forbidden
from atrium.kernel.models import User
from atrium.modules.feed import actions
from atrium.modules.feed.api.access import comment_of, fields_named, seen_comment, seen_post
from atrium.modules.feed.api.present import comment_answer, comments_page, post_answer, reactions_of
from atrium.modules.feed.api.schemas import (
    After,
    CommentEditIn,
    CommentId,
    CommentIn,
    CommentOut,
    CommentPageSize,
    CommentsPage,
    Emoji,
    PostId,
    PostOut,
    ReactionsOut,
    VoteIn,
)
from atrium.modules.feed.api.throttle import (
    COMMENTS_PER_WINDOW,
    WINDOW_SECONDS,
    comment_throttle,
)
from atrium.modules.feed.models import Comment, Poll, Post, Reaction

router = Router(tags=["feed"])


@router.get("/feed/posts/{post_id}/comments", response={200: CommentsPage, **errors(404)},
            summary="Comments of a post",
            description="Top-level comments, oldest first, each with its replies; continue "
            "with `after=<next_after>` until `next_after` is null.")
def list_comments(request: HttpRequest, post_id: PostId, after: After = None,
                  limit: CommentPageSize = 50) -> dict[str, Any]:
    user = viewer(request)
    return comments_page(user, seen_post(user, post_id), after=after, limit=limit)


@router.post("/feed/posts/{post_id}/comments",
             response={201: CommentOut, **errors(400, 403, 404, 429)},
             throttle=comment_throttle, summary="Comment on a post",
             description="Markdown. `parent_id` replies to a comment of the post (one level: "
             "replies are not answered themselves). Each person may write "
             f"{COMMENTS_PER_WINDOW} comments in {WINDOW_SECONDS} seconds (429 past that).")
def add_comment(request: HttpRequest, post_id: PostId,
                payload: CommentIn) -> Status[dict[str, Any]]:
    user = viewer(request)
    post = seen_post(user, post_id)
    parent = comment_of(post, payload.parent_id, "parent_id")
    with fields_named(parent="parent_id"):
        comment = actions.do_comment(user, post, body=payload.body, parent=parent)
    return Status(201, comment_answer(user, comment))


@router.patch("/feed/comments/{comment_id}", response={200: CommentOut, **errors(400, 403, 404)},
              summary="Edit a comment", description="Its author, while they may comment.")
def edit_comment(request: HttpRequest, comment_id: CommentId,
                 payload: CommentEditIn) -> dict[str, Any]:
    user = viewer(request)
    comment = actions.do_edit_comment(user, seen_comment(user, comment_id), body=payload.body)
    return comment_answer(user, comment)


@router.delete("/feed/comments/{comment_id}", response={204: None, **errors(403, 404)},
               summary="Delete a comment", description="Its author, or the space's admins.")
def delete_comment(request: HttpRequest, comment_id: CommentId) -> Status[None]:
    user = viewer(request)
    actions.do_delete_comment(user, seen_comment(user, comment_id))
    return Status(204, None)


# Reactions ---------------------------------------------------------------------------------

def _mine(user: User, target: Post | Comment, emoji: str) -> bool:
    kind = "post" if isinstance(target, Post) else "comment"
    return Reaction.objects.filter(**{kind: target}, user=user, emoji=emoji).exists()


def _set_reaction(user: User, target: Post | Comment, emoji: str,
                  wanted: bool) -> dict[str, Any]:
    """The action toggles, so it runs only when my reaction is not already as wanted; when
    it is, the same checks (the emoji, the right to react) answer as the action would."""
    emoji = actions.check_emoji(emoji)
    if _mine(user, target, emoji) != wanted:
        present = actions.do_react(user, target, emoji)
    elif not abilities(user, target)["react"]:
        raise Forbidden(_("You may not react to this."))
    else:
        present = wanted
    return {"present": present, "reactions": reactions_of(user, target)}


EMOJI_DOC = ("Adding a reaction that is there, or taking back one that is not, changes "
             "nothing. Answers my state and the reactions now.")


@router.put("/feed/posts/{post_id}/reactions/{emoji}",
            response={200: ReactionsOut, **errors(400, 403, 404)},
            summary="React to a post", description=EMOJI_DOC)
def react_post(request: HttpRequest, post_id: PostId, emoji: Emoji) -> dict[str, Any]:
    user = viewer(request)
    return _set_reaction(user, seen_post(user, post_id), emoji, True)


@router.delete("/feed/posts/{post_id}/reactions/{emoji}",
               response={200: ReactionsOut, **errors(400, 403, 404)},
               summary="Take back my reaction to a post", description=EMOJI_DOC)
def unreact_post(request: HttpRequest, post_id: PostId, emoji: Emoji) -> dict[str, Any]:
    user = viewer(request)
    return _set_reaction(user, seen_post(user, post_id), emoji, False)


@router.put("/feed/comments/{comment_id}/reactions/{emoji}",
            response={200: ReactionsOut, **errors(400, 403, 404)},
            summary="React to a comment", description=EMOJI_DOC)
def react_comment(request: HttpRequest, comment_id: CommentId, emoji: Emoji) -> dict[str, Any]:
    user = viewer(request)
    return _set_reaction(user, seen_comment(user, comment_id), emoji, True)


@router.delete("/feed/comments/{comment_id}/reactions/{emoji}",
               response={200: ReactionsOut, **errors(400, 403, 404)},
               summary="Take back my reaction to a comment", description=EMOJI_DOC)
def unreact_comment(request: HttpRequest, comment_id: CommentId,
                    emoji: Emoji) -> dict[str, Any]:
    user = viewer(request)
    return _set_reaction(user, seen_comment(user, comment_id), emoji, False)


# Polls -------------------------------------------------------------------------------------

@router.put("/feed/posts/{post_id}/vote", response={200: PostOut, **errors(400, 403, 404)},
            summary="Vote in a post's poll",
            description="Replaces my earlier vote. One option unless the poll allows several; "
            "an empty list takes my vote back. 400 once the poll is closed.")
def vote(request: HttpRequest, post_id: PostId, payload: VoteIn) -> dict[str, Any]:
    user = viewer(request)
    post = seen_post(user, post_id)
    poll = Poll.objects.filter(post_id=post.pk).first()
    if poll is None:
        raise ActionError(_("This post has no poll."), code="no_poll", field="option_ids")
    with fields_named(options="option_ids"):
        actions.do_vote(user, poll, list(dict.fromkeys(payload.option_ids)))
    return post_answer(user, post)
