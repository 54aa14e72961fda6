"""Abilities agree with the server: a button is shown exactly when the action succeeds."""

from __future__ import annotations

import pytest

from atrium.kernel.abilities import abilities
from atrium.kernel.errors import ActionError, NotFound
from atrium.kernel.models import Visibility
from atrium.modules.feed import actions
from atrium.modules.feed.models import Hashtag, Mention, PostHashtag
from tests.factories import ROLES, make_space
from tests.modules.feed.helpers import post

pytestmark = pytest.mark.django_db

ACTIONS = {
    "comment": lambda user, p: actions.do_comment(user, p, body="hi"),
    "react": lambda user, p: actions.do_react(user, p, "👍"),
    "vote": lambda user, p: actions.do_vote(user, p.poll, [p.poll.options.first().pk]),
    "edit": lambda user, p: actions.do_edit_post(user, p, body="changed"),
    "pin": lambda user, p: actions.do_pin(user, p),
    "hide": lambda user, p: actions.do_hide(user, p),
    "report": lambda user, p: actions.do_report(user, p, reason="spam"),
    "confirm": lambda user, p: actions.do_confirm(user, p),
    "delete": lambda user, p: actions.do_delete_post(user, p),
}


def succeeds(fn) -> bool:
    try:
        fn()
    except (ActionError, NotFound):
        return False
    return True


@pytest.mark.parametrize("visibility", [Visibility.PRIVATE, Visibility.OPEN])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("ability", sorted(ACTIONS))
def test_ability_matches_action(role, ability, visibility):
    """For every role, ability and space kind, `can[x]` is True exactly when the action
    succeeds."""
    from tests.factories import make_world

    world = make_world(visibility)
    made = post(world.space_admin, world.space, "hello", announce=True,
                requires_confirmation=True, poll=actions.PollSpec(options=["a", "b"]))
    if role == "space_admin" and ability == "report":
        made = post(world.member, world.space, "someone else's")
    user = world.user(role)
    expected = abilities(user, made)[ability]
    assert succeeds(lambda: ACTIONS[ability](user, made)) == expected


def test_share_ability_matches_action(world):
    """Share is offered for posts of open spaces only, and the share then succeeds."""
    open_space = make_space(world.outsider, Visibility.OPEN)
    public = post(world.outsider, open_space, "public")
    private = post(world.member, world.space, "private")
    assert abilities(world.member, public)["share"] is True
    assert abilities(world.member, private)["share"] is False
    assert succeeds(lambda: actions.do_share_post(world.member, public, world.space))
    assert not succeeds(lambda: actions.do_share_post(world.member, private, world.space))


def test_edit_updates_hashtags_and_mentions(world):
    """Editing replaces the post's hashtags and mentions."""
    made = post(world.member, world.space, f"#one <@{world.reader.pk}>")
    actions.do_edit_post(world.member, made, body=f"#two <@{world.space_admin.pk}>")
    names = set(Hashtag.objects.filter(pk__in=PostHashtag.objects.filter(post=made)
                                       .values("hashtag_id")).values_list("name", flat=True))
    assert names == {"two"}
    assert list(Mention.objects.filter(post=made).values_list("user_id", flat=True)) \
        == [world.space_admin.pk]
