"""Reactions on posts and comments (an emoji, toggled), and votes in polls."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from atrium.kernel import content, events
from atrium.kernel.abilities import abilities
from atrium.kernel.emoji import check_emoji
from atrium.kernel.errors import ActionError, NotFound
from atrium.modules.feed.abilities import MODULE
from atrium.modules.feed.actions.common import ENTRY_KIND, notify, post_url, require, require_active
from atrium.modules.feed.events import PollChanged, ReactionsChanged
from atrium.modules.feed.models import Comment, Poll, PollOption, PollVote, Post, Reaction

MAX_DISTINCT_REACTIONS = 50


@transaction.atomic
def do_react(actor: Any, target: Post | Comment, emoji: str) -> bool:
    """Toggle the actor's `emoji` on a post or a comment; True when it is now present."""
    user = require_active(actor)
    emoji = check_emoji(emoji)
    lookup: dict[str, Any]
    if isinstance(target, Post):
        target = Post.objects.select_related("space").filter(pk=target.pk).first() or target
        post, lookup = target, {"post": target}
    else:
        target = (Comment.objects.select_related("post__space").filter(pk=target.pk).first()
                  or target)
        post, lookup = target.post, {"comment": target}
    require(abilities(user, target), "react", _("You may not react to this."))
    mine = Reaction.objects.filter(user=user, emoji=emoji, **lookup)
    if mine.delete()[0]:
        present = False
    else:
        used = set(Reaction.objects.filter(**lookup).values_list("emoji", flat=True))
        if emoji not in used and len(used) >= MAX_DISTINCT_REACTIONS:
            raise ActionError(_("This already has %(max)d different reactions.")
                              % {"max": MAX_DISTINCT_REACTIONS}, code="too_many",
                              field="emoji")
        try:
            with transaction.atomic():
                Reaction.objects.create(user=user, emoji=emoji, **lookup)
        except IntegrityError:  # the same click arrived twice
            pass
        present = True
    comment_id = target.pk if isinstance(target, Comment) else None
    events.emit(ReactionsChanged(post_id=post.pk, comment_id=comment_id,
                                 space_id=post.space_id), "space", post.space_id)
    author_id = target.author_id
    if present and author_id is not None:
        what = "comment" if comment_id else "post"
        notify([author_id], kind="reaction", key=f"feed.reaction:{what}:{target.pk}:{user.pk}",
               actor=user, space=post.space, url=post_url(post),
               title=(_("%(name)s reacted %(emoji)s to your comment") if comment_id
                      else _("%(name)s reacted %(emoji)s to your post"))
               % {"name": user.display_name, "emoji": emoji})
    return present


@transaction.atomic
def do_vote(actor: Any, poll: Poll, option_ids: list[int]) -> None:
    """Replace the actor's vote in `poll` by `option_ids` (none: take the vote back)."""
    user = require_active(actor)
    found = (Poll.objects.select_for_update(of=("self",)).select_related("post__space")
             .filter(pk=poll.pk).first())
    if found is None:
        raise NotFound("poll")
    poll = found
    post = poll.post
    require(abilities(user, post), "vote", _("You may not vote in this poll."))
    if not poll.is_open(timezone.now()):
        raise ActionError(_("This poll is closed."), code="closed", field="options")
    try:
        chosen = sorted({int(pk) for pk in option_ids or ()})
    except (TypeError, ValueError):
        raise ActionError(_("Choose among the poll's options."), code="invalid",
                          field="options") from None
    if len(chosen) > 1 and not poll.multiple:
        raise ActionError(_("This poll takes one answer only."), code="single",
                          field="options")
    known = set(PollOption.objects.filter(poll=poll, pk__in=chosen).values_list("pk",
                                                                                flat=True))
    if len(known) != len(chosen):
        raise ActionError(_("Choose among the poll's options."), code="invalid",
                          field="options")
    PollVote.objects.filter(poll=poll, user=user).delete()
    PollVote.objects.bulk_create(PollVote(poll=poll, option_id=pk, user=user) for pk in chosen)
    content.touch(MODULE, ENTRY_KIND, post.pk)
    events.emit(PollChanged(post_id=post.pk, poll_id=poll.pk, space_id=post.space_id),
                "space", post.space_id)
