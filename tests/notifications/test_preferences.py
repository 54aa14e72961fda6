"""Preference resolution: (kind, space) > (kind, any) > (all, space) > (all, any) > default."""

from __future__ import annotations

import pytest

from atrium.kernel.errors import ActionError
from atrium.notifications.actions import do_clear_preference, do_set_preference
from atrium.notifications.models import Preference
from atrium.notifications.preferences import Choice, resolve, resolve_rows
from tests.factories import make_world

pytestmark = pytest.mark.django_db


def test_defaults_depend_on_the_kind(world):
    """Urgent kinds e-mail at once and push; others wait for the daily digest."""
    me = world.member.pk
    assert resolve(me, "mention", None) == Choice(True, "immediate", True)
    assert resolve(me, "direct_message", None) == Choice(True, "immediate", True)
    assert resolve(me, "reply", None) == Choice(True, "daily", True)
    assert resolve(me, "reaction", None) == Choice(True, "daily", False)
    assert resolve(me, "reaction", None, urgent=True) == Choice(True, "immediate", True)


def test_the_most_specific_choice_wins(world):
    """Each level overrides the ones below it, and clearing one falls back to the next."""
    me, space, other = world.member, world.space, world.other_space
    do_set_preference(me, kind="", space=None, email="weekly", push=False)
    assert resolve(me.pk, "mention", space.pk).email == "weekly"
    do_set_preference(me, kind="", space=space, email="never", push=False)
    assert resolve(me.pk, "mention", space.pk).email == "never"
    assert resolve(me.pk, "mention", None).email == "weekly"
    do_set_preference(me, kind="mention", space=None, email="daily", push=True)
    assert resolve(me.pk, "mention", space.pk).email == "daily"
    do_set_preference(me, kind="mention", space=space, email="immediate", push=True)
    assert resolve(me.pk, "mention", space.pk).email == "immediate"
    assert resolve(me.pk, "mention", other.pk).email == "daily"
    do_clear_preference(me, kind="mention", space=space)
    assert resolve(me.pk, "mention", space.pk).email == "daily"
    rows = resolve_rows([(me.pk, "mention", space.pk), (me.pk, "comment", space.pk),
                         (me.pk, "comment", None)])
    assert {k: v.email for k, v in rows.items()} == {(me.pk, "mention", space.pk): "daily",
                                             (me.pk, "comment", space.pk): "never",
                                             (me.pk, "comment", None): "weekly"}


def test_one_row_per_level_even_for_everywhere(world):
    """Setting the same level twice updates the row (NULL space included)."""
    do_set_preference(world.member, kind="reply", email="weekly")
    do_set_preference(world.member, kind="reply", email="never")
    assert Preference.objects.filter(user=world.member, kind="reply").count() == 1
    assert resolve(world.member.pk, "reply", None).email == "never"


def test_bad_preferences_are_refused_and_change_nothing():
    """Unknown kind, unknown e-mail mode or an unreadable space: a clear error, no row."""
    world = make_world()
    with pytest.raises(ActionError) as error:
        do_set_preference(world.member, kind="nope", email="daily")
    assert error.value.field == "kind"
    with pytest.raises(ActionError) as error:
        do_set_preference(world.member, kind="reply", email="hourly")
    assert error.value.field == "email"
    with pytest.raises(ActionError) as error:
        do_set_preference(world.outsider, kind="", space=world.space, email="never")
    assert error.value.field == "space"
    assert not Preference.objects.exists()
