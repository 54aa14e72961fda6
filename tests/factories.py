"""Test data made through the same actions the product uses, so invariants always hold
(every person has a personal space, every space an admin)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from atrium.kernel.actions.people import do_create_user, do_deactivate_user
from atrium.kernel.actions.spaces import do_add_member, do_create_space
from atrium.kernel.models import Organisation, OrgRole, Space, SpaceRole, User, Visibility

PASSWORD = "correct-horse-battery-staple"
_counter = itertools.count(1)


def make_org(name: str = "Hôpital Saint-Exemple") -> Organisation:
    return Organisation.current() or Organisation.objects.create(name=name)


def make_user(role: str = OrgRole.MEMBER, name: str | None = None, **extra: Any) -> User:
    make_org()
    n = next(_counter)
    return do_create_user(email=extra.pop("email", f"person{n}@example.org"),
                          full_name=name or f"Person {n}", role=role, password=PASSWORD,
                          **extra)


def make_space(admin: User, visibility: str = Visibility.OPEN, name: str | None = None) -> Space:
    return do_create_space(admin, name=name or f"Space {next(_counter)}", visibility=visibility)


@dataclass
class World:
    """One space seen by every role the permission matrices test."""

    space: Space
    other_space: Space
    owner: User
    org_admin: User
    space_admin: User
    member: User
    reader: User
    outsider: User
    guest: User
    deactivated: User

    def user(self, role: str) -> User | None:
        return None if role == "anonymous" else getattr(self, role)


ROLES = ["anonymous", "guest", "outsider", "reader", "member", "space_admin", "org_admin",
         "deactivated"]


def make_world(visibility: str = Visibility.PRIVATE) -> World:
    owner = make_user(OrgRole.OWNER, "Olivia Owner")
    org_admin = make_user(OrgRole.ADMIN, "Adam Admin")
    space_admin = make_user(OrgRole.MEMBER, "Sami Spaceadmin")
    member = make_user(OrgRole.MEMBER, "Mia Member")
    reader = make_user(OrgRole.MEMBER, "Rémi Reader")
    outsider = make_user(OrgRole.MEMBER, "Otto Outsider")
    guest = make_user(OrgRole.GUEST, "Gaby Guest")
    deactivated = make_user(OrgRole.MEMBER, "Dora Deactivated")
    space = make_space(space_admin, visibility, "Cardiology")
    do_add_member(space_admin, space, member, SpaceRole.MEMBER)
    do_add_member(space_admin, space, reader, SpaceRole.READER)
    do_add_member(space_admin, space, deactivated, SpaceRole.MEMBER)
    other = make_space(owner, Visibility.PRIVATE, "Partners")
    do_add_member(owner, other, guest, SpaceRole.MEMBER)
    do_deactivate_user(owner, deactivated)
    for person in (space_admin, member, reader, guest, outsider):
        person.__dict__.pop("_space_roles", None)
    return World(space, other, owner, org_admin, space_admin, member, reader, outsider, guest,
                 deactivated)
