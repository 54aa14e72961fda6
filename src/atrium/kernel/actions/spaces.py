"""Writes about spaces: creation, settings, joining, leaving, requests and members."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from atrium.kernel import audit, events
from atrium.kernel.abilities import abilities, forget_space_roles
from atrium.kernel.errors import ActionError, Conflict, Forbidden
from atrium.kernel.models import (
    JoinRequest,
    Organisation,
    OrgRole,
    Space,
    SpaceMembership,
    SpaceRole,
    User,
    Visibility,
)

RESERVED_SLUGS = {"new", "u", "admin", "api", "static", "manage", "settings"}


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ActionError(_("Give the space a name."), field="name")
    if len(name) > 100:
        raise ActionError(_("The name is too long (at most 100 characters)."), field="name")
    return name


def _unique_slug(name: str) -> str:
    base = (slugify(name) or "space")[:50].strip("-") or "space"
    if base in RESERVED_SLUGS or base.startswith("u-"):
        base = f"space-{base}"
    slug, n = base, 1
    while Space.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def check_visibility(value: str) -> str:
    if value not in Visibility.values:
        raise ActionError(_("Choose open, private or secret."), field="visibility")
    return value


@transaction.atomic
def do_create_space(
    actor: User, *, name: str, description: str = "", visibility: str = Visibility.OPEN,
    request: HttpRequest | None = None,
) -> Space:
    org = Organisation.current()
    if org is None or not abilities(actor, org)["create_space"]:
        raise Forbidden(_("You may not create spaces."))
    name = _clean_name(name)
    if len(description or "") > 2000:
        raise ActionError(_("The description is too long (at most 2000 characters)."),
                          field="description")
    space = Space.objects.create(
        name=name, slug=_unique_slug(name), description=(description or "").strip(),
        visibility=check_visibility(visibility), created_by=actor,
    )
    SpaceMembership.objects.create(space=space, user=actor, role=SpaceRole.ADMIN)
    forget_space_roles(actor)
    audit.record("space.created", actor=actor, target=space, request=request,
                 visibility=visibility)
    return space


@transaction.atomic
def do_update_space(actor: User, space: Space, *, name: str | None = None,
                    description: str | None = None, visibility: str | None = None,
                    request: HttpRequest | None = None) -> Space:
    if not abilities(actor, space)["manage"]:
        raise Forbidden(_("Only the space's admins can change it."))
    changed = []
    if name is not None and name.strip() != space.name:
        space.name = _clean_name(name)
        changed.append("name")
    if description is not None and description.strip() != space.description:
        if len(description) > 2000:
            raise ActionError(_("The description is too long (at most 2000 characters)."),
                              field="description")
        space.description = description.strip()
        changed.append("description")
    if visibility is not None and visibility != space.visibility:
        if space.is_personal:
            raise ActionError(_("A personal space stays private to its owner."),
                              field="visibility")
        space.visibility = check_visibility(visibility)
        changed.append("visibility")
    if changed:
        space.save(update_fields=changed)
        events.emit(events.SpaceChanged(space_id=space.pk, fields=changed), "space", space.pk)
        if "visibility" in changed:
            events.rights_changed("all", 0)
            audit.record("space.visibility_changed", actor=actor, target=space,
                         request=request, visibility=space.visibility)
    return space


def _add_membership(space: Space, person: User, role: str) -> SpaceMembership:
    try:
        with transaction.atomic():
            membership = SpaceMembership.objects.create(space=space, user=person, role=role)
    except IntegrityError:
        raise Conflict(_("%(name)s is already a member of this space.")
                       % {"name": person.display_name}, code="already_member") from None
    JoinRequest.objects.filter(space=space, user=person,
                               status=JoinRequest.Status.PENDING).update(
        status=JoinRequest.Status.APPROVED, decided_at=timezone.now())
    forget_space_roles(person)
    events.emit(events.MembershipChanged(space_id=space.pk, user_id=person.pk, role=role),
                "space", space.pk)
    return membership


@transaction.atomic
def do_join_space(actor: User, space: Space) -> SpaceMembership:
    can = abilities(actor, space)
    if can["is_member"]:
        raise Conflict(_("You are already a member of this space."), code="already_member")
    if not can["join"]:
        raise Forbidden(_("This space cannot be joined freely; ask its admins."))
    return _add_membership(space, actor, SpaceRole.MEMBER)


@transaction.atomic
def do_request_join(actor: User, space: Space, message: str = "") -> JoinRequest:
    if not abilities(actor, space)["request"]:
        raise Forbidden(_("You cannot ask to join this space."))
    return JoinRequest.objects.create(space=space, user=actor, message=(message or "")[:500])


@transaction.atomic
def do_decide_request(actor: User, join_request: JoinRequest, approve: bool,
                      request: HttpRequest | None = None) -> JoinRequest:
    space = join_request.space
    if not abilities(actor, space)["manage"]:
        raise Forbidden(_("Only the space's admins can answer requests."))
    if join_request.status != JoinRequest.Status.PENDING:
        raise Conflict(_("This request has already been answered."), code="decided")
    join_request.status = (JoinRequest.Status.APPROVED if approve
                           else JoinRequest.Status.DECLINED)
    join_request.decided_by = actor
    join_request.decided_at = timezone.now()
    join_request.save(update_fields=["status", "decided_by", "decided_at"])
    if approve:
        _add_membership(space, join_request.user, SpaceRole.MEMBER)
    return join_request


def _admins_left_without(space: Space, person: User) -> int:
    return space.memberships.filter(role=SpaceRole.ADMIN).exclude(user=person).count()


@transaction.atomic
def do_add_member(actor: User, space: Space, person: User, role: str = SpaceRole.MEMBER,
                  request: HttpRequest | None = None) -> SpaceMembership:
    if not abilities(actor, space)["invite"]:
        raise Forbidden(_("Only the space's admins can add people."))
    if role not in SpaceRole.values:
        raise ActionError(_("Unknown space role."), field="role")
    if not person.is_active:
        raise ActionError(_("This person's account is deactivated."), field="user")
    if person.role == OrgRole.GUEST and role == SpaceRole.ADMIN:
        raise ActionError(_("A guest cannot administer a space."), field="role")
    membership = _add_membership(space, person, role)
    audit.record("space.member_added", actor=actor, target=space, request=request,
                 user=person.pk, role=role)
    _tell_added(actor, space, person, membership)
    return membership


def _tell_added(actor: User, space: Space, person: User, membership: SpaceMembership) -> None:
    """The person added learns it in their notification centre (kind "invitation")."""
    from django.urls import reverse

    from atrium.notifications import notify

    if space.is_personal:
        return
    notify([person], kind="invitation", key=f"space.added:{membership.pk}", actor=actor,
           space=space, title=_("%(name)s added you to %(space)s") % {
               "name": actor.display_name, "space": space.name},
           url=reverse("space", kwargs={"space_slug": space.slug}))


@transaction.atomic
def do_change_member_role(actor: User, space: Space, person: User, role: str,
                          request: HttpRequest | None = None) -> SpaceMembership:
    if not abilities(actor, space)["manage"] or space.is_personal:
        raise Forbidden(_("Only the space's admins can change roles."))
    if role not in SpaceRole.values:
        raise ActionError(_("Unknown space role."), field="role")
    membership = SpaceMembership.objects.filter(space=space, user=person).first()
    if membership is None:
        raise ActionError(_("This person is not a member of the space."), field="user")
    if person.role == OrgRole.GUEST and role == SpaceRole.ADMIN:
        raise ActionError(_("A guest cannot administer a space."), field="role")
    if membership.role == SpaceRole.ADMIN and role != SpaceRole.ADMIN \
            and not _admins_left_without(space, person):
        raise Conflict(_("The space must keep at least one admin."), code="last_admin")
    previous, membership.role = membership.role, role
    membership.save(update_fields=["role"])
    forget_space_roles(person)
    events.emit(events.MembershipChanged(space_id=space.pk, user_id=person.pk, role=role),
                "space", space.pk)
    events.rights_changed("user", person.pk)
    audit.record("space.role_changed", actor=actor, target=space, request=request,
                 user=person.pk, previous=previous, role=role)
    return membership


@transaction.atomic
def do_remove_member(actor: User, space: Space, person: User,
                     request: HttpRequest | None = None) -> None:
    """Remove someone (or leave, when actor is person); the last admin cannot go."""
    leaving = actor.pk == person.pk
    allowed = abilities(actor, space)["leave" if leaving else "manage"]
    if not allowed or space.is_personal:
        raise Forbidden(_("You may not remove this member."))
    membership = SpaceMembership.objects.filter(space=space, user=person).first()
    if membership is None:
        raise ActionError(_("This person is not a member of the space."), field="user")
    if membership.role == SpaceRole.ADMIN and not _admins_left_without(space, person):
        raise Conflict(_("The space must keep at least one admin: name another admin first."),
                       code="last_admin")
    membership.delete()
    forget_space_roles(person)
    events.emit(events.MembershipChanged(space_id=space.pk, user_id=person.pk, role=None),
                "space", space.pk)
    events.rights_changed("user", person.pk)
    if not leaving:
        audit.record("space.member_removed", actor=actor, target=space, request=request,
                     user=person.pk)
