"""What a person may do with an object, computed once and read by views, API and templates.

`abilities(user, obj)` returns a dict of booleans keyed by action. Modules register their
own object types with `@abilities_of.register`. List pages use the `restrict()` querysets, whose
rules match these (tests compare the two).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import singledispatch
from typing import Any

from atrium.kernel import modules as module_state
from atrium.kernel import registry
from atrium.kernel.models import (
    Access,
    JoinRequest,
    Organisation,
    OrgRole,
    Space,
    SpaceMembership,
    SpaceModule,
    SpaceRole,
    User,
    Visibility,
)
from atrium.kernel.models.spaces import ACCESS_RANK


def is_active_user(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def abilities(user: Any, obj: Any) -> dict[str, bool]:
    return abilities_of(obj, user)


@singledispatch
def abilities_of(obj: Any, user: Any) -> dict[str, bool]:
    """Dispatches on the object's type; modules add theirs with `@abilities_of.register`."""
    raise TypeError(f"no abilities are defined for {type(obj).__name__}")


def space_role(user: Any, space: Space) -> str | None:
    """The person's role in the space, looked up once per (user, space) and request."""
    if not is_active_user(user):
        return None
    cache: dict[int, str | None] = user.__dict__.setdefault("_space_roles", {})
    if space.pk not in cache:
        cache[space.pk] = (
            SpaceMembership.objects.filter(space=space, user=user)
            .values_list("role", flat=True)
            .first()
        )
    return cache[space.pk]


def forget_space_roles(user: Any) -> None:
    user.__dict__.pop("_space_roles", None)


@abilities_of.register
def _space_abilities(space: Space, user: Any) -> dict[str, bool]:
    role = space_role(user, space)
    active = is_active_user(user)
    guest = active and user.role == OrgRole.GUEST
    member = role is not None
    org_admin = active and user.is_org_admin
    personal = space.is_personal
    own_personal = personal and space.personal_owner_id == getattr(user, "pk", None)
    visible_to_org = space.visibility in (Visibility.OPEN, Visibility.PRIVATE) and not personal
    see = member or (active and not guest and (visible_to_org or (org_admin and not personal)))
    read = member or (active and not guest and space.visibility == Visibility.OPEN
                      and not personal)
    manage = role == SpaceRole.ADMIN or (org_admin and not personal) or own_personal
    pending = (
        active and not member
        and JoinRequest.objects.filter(space=space, user=user,
                                       status=JoinRequest.Status.PENDING).exists()
    )
    return {
        "see": see,
        "read": read,
        "join": active and not guest and not member and not personal
        and space.visibility == Visibility.OPEN,
        "request": active and not guest and not member and not personal and not pending
        and space.visibility == Visibility.PRIVATE,
        "request_pending": bool(pending),
        "leave": member and not personal,
        "manage": manage,
        "invite": manage and not personal,
        "delete": (org_admin or role == SpaceRole.ADMIN) and not personal,
        "is_member": member,
        "is_admin": role == SpaceRole.ADMIN,
    }


@abilities_of.register
def _organisation_abilities(org: Organisation, user: Any) -> dict[str, bool]:
    admin = is_active_user(user) and user.is_org_admin
    member = is_active_user(user) and user.role != OrgRole.GUEST
    return {
        "browse_directory": member,
        "create_space": member,
        "manage_people": admin,
        "invite": admin,
        "manage_modules": admin,
        "manage_security": admin,
        "view_audit": admin,
    }


@abilities_of.register
def _person_abilities(person: User, user: Any) -> dict[str, bool]:
    active = is_active_user(user)
    admin = active and user.is_org_admin
    itself = active and person.pk == user.pk
    # Only owners may touch owners or make owners; admins manage everyone else.
    may_manage = admin and not itself and (user.is_owner or person.role != OrgRole.OWNER)
    return {
        "view": active and (not user.is_guest or itself or User.objects.restrict(user)
                            .filter(pk=person.pk).exists()),
        "edit_profile": itself or may_manage,
        # An owner may step down or leave; the actions refuse it to the last owner (409).
        "change_role": may_manage or (itself and user.is_owner),
        "deactivate": (may_manage or (itself and user.is_owner)) and person.is_active,
        "reactivate": may_manage and not person.is_active,
    }


def _access_rule(role: str | None, owns_personal: bool, member_access: str, reader_access: str,
                 may_read: bool) -> Access:
    """The one rule turning a role and a space's module setting into an access level."""
    if role == SpaceRole.ADMIN or owns_personal:
        return Access.WRITE
    if role == SpaceRole.MEMBER:
        return Access(member_access)
    if role == SpaceRole.READER:
        return Access(reader_access)
    if may_read:
        # Someone reading an open space without joining gets at most a reader's read access.
        reader = Access(reader_access)
        return reader if ACCESS_RANK[reader] <= ACCESS_RANK[Access.READ] else Access.READ
    return Access.NONE


def module_access(user: Any, space: Space, module_id: str) -> Access:
    """What `user` may do with a module in `space`: none, read or write."""
    if not module_state.enabled_in_space(space, module_id):
        return Access.NONE
    setting = module_state.space_setting(space, module_id)
    role = space_role(user, space)
    owns = space.is_personal and space.personal_owner_id == getattr(user, "pk", None)
    may_read = role is None and _space_abilities(space, user)["read"]
    return _access_rule(role, owns, setting.member_access, setting.reader_access, may_read)


def spaces_with_module_access(user: Any, module_id: str, need: Access = Access.READ) -> list[int]:
    """Ids of the spaces where `user` has at least `need` on a module, in three queries.

    The bulk form of `module_access` for lists and feeds; a test checks they agree.
    """
    manifest = registry.get(module_id)
    if manifest is None or not is_active_user(user) \
            or not module_state.enabled_for_instance(module_id):
        return []
    readable = dict(Space.objects.restrict(user, "read").filter(archived_at__isnull=True)
                    .values_list("pk", "personal_owner_id"))
    roles = dict(SpaceMembership.objects.filter(user=user, space_id__in=readable)
                 .values_list("space_id", "role"))
    rows = {row.space_id: row for row in
            SpaceModule.objects.filter(space_id__in=readable, module_id=module_id)}
    found = []
    for pk, personal_owner in readable.items():
        row = rows.get(pk)
        if row is not None and not row.enabled:
            continue
        access = _access_rule(
            roles.get(pk), personal_owner is not None and personal_owner == user.pk,
            row.member_access if row else manifest.default_member_access,
            row.reader_access if row else manifest.default_reader_access,
            may_read=True,
        )
        if has_access(access, need):
            found.append(pk)
    return found


def users_with_module_access(space: Space, module_id: str, user_ids: Iterable[int],
                             need: Access = Access.READ) -> set[int]:
    """Which of `user_ids` have at least `need` on a module in `space`, in about four queries.

    The bulk form of `module_access` seen from one space (who may be told about a message,
    a mention, a change); the same rule, and a test checks they agree.
    """
    ids = set(user_ids)
    if not ids or not module_state.enabled_in_space(space, module_id):
        return set()
    setting = module_state.space_setting(space, module_id)
    roles = dict(SpaceMembership.objects.filter(space=space, user_id__in=ids)
                 .values_list("user_id", "role"))
    open_to_org = space.visibility == Visibility.OPEN and not space.is_personal
    found = set()
    for pk, org_role in User.objects.filter(pk__in=ids, is_active=True).values_list("pk", "role"):
        role = roles.get(pk)
        access = _access_rule(role, space.is_personal and space.personal_owner_id == pk,
                              setting.member_access, setting.reader_access,
                              may_read=role is None and open_to_org and org_role != OrgRole.GUEST)
        if has_access(access, need):
            found.add(pk)
    return found


def has_access(granted: Access, needed: Access) -> bool:
    return ACCESS_RANK[granted] >= ACCESS_RANK[needed] and granted != Access.NONE
