"""Who sees, reads and manages a space, for every role and visibility; lists and abilities
must always agree."""

import pytest

from atrium.kernel.abilities import abilities, module_access
from atrium.kernel.models import Access, Space, Visibility
from tests.factories import ROLES, make_world

# role -> (see, read, manage) for a space of each visibility
EXPECTED = {
    Visibility.OPEN: {
        "anonymous": (0, 0, 0), "guest": (0, 0, 0), "outsider": (1, 1, 0), "reader": (1, 1, 0),
        "member": (1, 1, 0), "space_admin": (1, 1, 1), "org_admin": (1, 1, 1),
        "deactivated": (0, 0, 0),
    },
    Visibility.PRIVATE: {
        "anonymous": (0, 0, 0), "guest": (0, 0, 0), "outsider": (1, 0, 0), "reader": (1, 1, 0),
        "member": (1, 1, 0), "space_admin": (1, 1, 1), "org_admin": (1, 0, 1),
        "deactivated": (0, 0, 0),
    },
    Visibility.SECRET: {
        "anonymous": (0, 0, 0), "guest": (0, 0, 0), "outsider": (0, 0, 0), "reader": (1, 1, 0),
        "member": (1, 1, 0), "space_admin": (1, 1, 1), "org_admin": (1, 0, 1),
        "deactivated": (0, 0, 0),
    },
}


@pytest.mark.django_db
@pytest.mark.parametrize("visibility", list(EXPECTED))
def test_space_abilities_match_restrict_for_every_role(visibility):
    """abilities() and restrict() give the expected answer for each role, and agree."""
    world = make_world(visibility)
    for role in ROLES:
        user = world.user(role)
        from django.contrib.auth.models import AnonymousUser

        viewer = user or AnonymousUser()
        can = abilities(viewer, world.space)
        got = tuple(int(can[a]) for a in ("see", "read", "manage"))
        assert got == EXPECTED[visibility][role], (role, got)
        for action, index in (("see", 0), ("read", 1), ("manage", 2)):
            listed = Space.objects.restrict(viewer, action).filter(pk=world.space.pk).exists()
            assert int(listed) == EXPECTED[visibility][role][index], (role, action)


@pytest.mark.django_db
def test_personal_space_is_only_its_owners():
    """Nobody, not even an owner of the organisation, sees another person's personal space."""
    world = make_world()
    personal = world.member.personal_space
    for role in ROLES:
        user = world.user(role)
        if user is None or user == world.member:
            continue
        assert not abilities(user, personal)["see"], role
        assert not Space.objects.restrict(user, "see").filter(pk=personal.pk).exists(), role
    assert abilities(world.member, personal)["manage"]


@pytest.mark.django_db
def test_guest_sees_only_the_spaces_it_was_invited_to():
    """A guest lists exactly its spaces (and its own personal space), nothing open."""
    world = make_world(Visibility.OPEN)
    seen = set(Space.objects.restrict(world.guest, "see").values_list("pk", flat=True))
    assert seen == {world.other_space.pk, world.guest.personal_space.pk}


@pytest.mark.django_db
def test_module_access_follows_the_space_matrix():
    """Members write, readers read, outsiders of a private space get nothing."""
    world = make_world()
    assert module_access(world.member, world.space, "links") == Access.WRITE
    assert module_access(world.reader, world.space, "links") == Access.READ
    assert module_access(world.outsider, world.space, "links") == Access.NONE
    assert module_access(world.space_admin, world.space, "links") == Access.WRITE


@pytest.mark.django_db
@pytest.mark.parametrize("visibility", list(EXPECTED))
def test_bulk_module_access_agrees_with_module_access(visibility):
    """spaces_with_module_access (lists, feeds) gives the same answer as module_access."""
    from atrium.kernel.abilities import has_access, spaces_with_module_access
    from atrium.kernel.actions.modules import do_configure_space_module

    world = make_world(visibility)
    do_configure_space_module(world.owner, world.other_space, "links", member_access="read",
                              reader_access="none")
    for role in ROLES:
        user = world.user(role)
        if user is None:
            continue
        for need in (Access.READ, Access.WRITE):
            bulk = set(spaces_with_module_access(user, "links", need))
            for space in Space.objects.all():
                space.__dict__.pop("_module_settings", None)
                one = has_access(module_access(user, space, "links"), need) \
                    and abilities(user, space)["read"]
                assert (space.pk in bulk) == one, (role, space.name, need)
