"""Comments (one level of replies), reactions and polls."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from atrium.kernel.errors import ActionError, Forbidden, NotFound
from atrium.kernel.models import ContentEntry
from atrium.modules.feed import actions
from atrium.modules.feed.models import Comment, PollVote, Post, Reaction
from tests.factories import ROLES
from tests.modules.feed.helpers import post

pytestmark = pytest.mark.django_db
WRITERS = ("member", "space_admin")


def refused(fn) -> bool:
    try:
        fn()
    except (ActionError, NotFound):
        return True
    return False


@pytest.mark.parametrize("role", ROLES)
def test_comment_matrix(world, role):
    """Writers comment; readers and strangers are refused and nothing changes."""
    made = post(world.member, world.space, "hi")
    assert refused(lambda: actions.do_comment(world.user(role), made, body="yo")) \
        != (role in WRITERS)
    made.refresh_from_db()
    assert made.comment_count == (1 if role in WRITERS else 0)
    assert Comment.objects.count() == made.comment_count


def test_comment_rises_in_activity_and_empty_is_refused(world):
    """A comment bumps the post's activity; an empty comment names the field body."""
    made = post(world.member, world.space, "hi")
    before = ContentEntry.objects.get(object_id=made.pk).last_activity_at
    actions.do_comment(world.space_admin, made, body="answer")
    assert ContentEntry.objects.get(object_id=made.pk).last_activity_at > before
    with pytest.raises(ActionError) as error:
        actions.do_comment(world.space_admin, made, body="   ")
    assert error.value.field == "body"


def test_reply_to_a_reply_attaches_to_the_top_level_comment(world):
    """One level of replies: answering a reply answers its top-level comment."""
    made = post(world.member, world.space, "hi")
    top = actions.do_comment(world.member, made, body="top")
    reply = actions.do_comment(world.space_admin, made, body="reply", parent=top)
    deeper = actions.do_comment(world.member, made, body="deeper", parent=reply)
    assert reply.parent_id == top.pk and deeper.parent_id == top.pk


def test_parent_from_another_post_is_refused(world):
    """A parent comment must belong to the same post."""
    one, two = post(world.member, world.space, "1"), post(world.member, world.space, "2")
    other = actions.do_comment(world.member, one, body="x")
    with pytest.raises(ActionError) as error:
        actions.do_comment(world.member, two, body="y", parent=other)
    assert error.value.field == "parent"


@pytest.mark.parametrize("role", ROLES)
def test_comment_edit_by_author_delete_by_author_or_manager(world, role):
    """Comments follow the chat's rules: author edits; author or space admin deletes."""
    made = post(world.member, world.space, "hi")
    comment = actions.do_comment(world.member, made, body="mine")
    actor = world.user(role)
    assert refused(lambda: actions.do_edit_comment(actor, comment, body="changed")) \
        != (role == "member")
    assert refused(lambda: actions.do_delete_comment(actor, comment)) \
        != (role in WRITERS)
    comment.refresh_from_db()
    assert (comment.deleted_at is not None) == (role in WRITERS)


def test_react_toggles_and_checks_emoji(world):
    """Reacting twice takes the reaction back; a non-emoji is refused on field emoji."""
    made = post(world.member, world.space, "hi")
    assert actions.do_react(world.space_admin, made, "🎉") is True
    assert actions.do_react(world.space_admin, made, "🎉") is False
    assert not Reaction.objects.exists()
    comment = actions.do_comment(world.member, made, body="c")
    assert actions.do_react(world.space_admin, comment, ":tada:") is True
    with pytest.raises(ActionError) as error:
        actions.do_react(world.member, made, "<b>")
    assert error.value.field == "emoji"
    with pytest.raises(Forbidden):
        actions.do_react(world.reader, made, "🎉")
    assert Reaction.objects.count() == 1


def test_single_poll_replaces_vote_and_refuses_two_answers(world):
    """A single-answer poll keeps one vote per person, replaced on a new vote."""
    made = post(world.member, world.space, "?", poll=actions.PollSpec(options=["a", "b"]))
    a, b = made.poll.options.all()
    actions.do_vote(world.space_admin, made.poll, [a.pk])
    actions.do_vote(world.space_admin, made.poll, [b.pk])
    assert list(PollVote.objects.values_list("option_id", flat=True)) == [b.pk]
    with pytest.raises(ActionError) as error:
        actions.do_vote(world.space_admin, made.poll, [a.pk, b.pk])
    assert error.value.field == "options"
    assert list(PollVote.objects.values_list("option_id", flat=True)) == [b.pk]


def test_multiple_poll_counts_and_foreign_option(world):
    """A multiple-answer poll takes several options; another poll's option is refused."""
    one = post(world.member, world.space, "?",
               poll=actions.PollSpec(options=["a", "b", "c"], multiple=True))
    two = post(world.member, world.space, "?", poll=actions.PollSpec(options=["x", "y"]))
    a, b, _c = one.poll.options.all()
    actions.do_vote(world.space_admin, one.poll, [a.pk, b.pk])
    assert PollVote.objects.filter(poll=one.poll).count() == 2
    with pytest.raises(ActionError):
        actions.do_vote(world.member, one.poll, [two.poll.options.first().pk])
    actions.do_vote(world.space_admin, one.poll, [])
    assert not PollVote.objects.filter(poll=one.poll).exists()


def test_closed_poll_refuses_votes(world):
    """Past its deadline a poll takes no vote."""
    made = post(world.member, world.space, "?", poll=actions.PollSpec(
        options=["a", "b"], closes_at=timezone.now() + timedelta(hours=1)))
    poll = made.poll
    poll.closes_at = timezone.now() - timedelta(seconds=1)
    poll.save()
    with pytest.raises(ActionError) as error:
        actions.do_vote(world.member, poll, [poll.options.first().pk])
    assert error.value.code == "closed" and not PollVote.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_vote_matrix(world, role):
    """Writers vote; readers and strangers do not."""
    made = post(world.member, world.space, "?", poll=actions.PollSpec(options=["a", "b"]))
    option = made.poll.options.first()
    assert refused(lambda: actions.do_vote(world.user(role), made.poll, [option.pk])) \
        != (role in WRITERS)
    assert PollVote.objects.count() == (1 if role in WRITERS else 0)
    assert Post.objects.count() == 1
