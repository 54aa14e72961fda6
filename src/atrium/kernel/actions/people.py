"""Writes about people: accounts, roles, profiles, deactivation."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from allauth.usersessions.models import UserSession
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from atrium.kernel import audit, events
from atrium.kernel.errors import ActionError, Conflict, Forbidden
from atrium.kernel.models import ApiToken, OrgRole, Space, SpaceMembership, SpaceRole, User

PROFILE_FIELDS = ("full_name", "job_title", "team", "phone", "location", "languages", "bio",
                  "language")


def check_email(email: str) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ActionError(_("Enter a valid e-mail address."), field="email") from None
    return email


def check_password(password: str, user: User | None = None) -> None:
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ActionError(" ".join(error.messages), code="weak_password",
                          field="password") from None


@transaction.atomic
def do_create_user(
    *, email: str, full_name: str, role: str = OrgRole.MEMBER, password: str | None = None,
    language: str = "", actor: User | None = None, request: HttpRequest | None = None,
    password_hash: str | None = None, **profile: Any,
) -> User:
    """Create a person with a verified address and a personal space.

    `password_hash` (a value of `make_password`, already checked) lets bulk imports and the
    demo hash one password once instead of once per person.
    """
    email = check_email(email)
    full_name = (full_name or "").strip()
    if not full_name:
        raise ActionError(_("Enter the person's name."), field="full_name")
    if role not in OrgRole.values:
        raise ActionError(_("Unknown role."), field="role")
    if User.objects.filter(email__iexact=email).exists():
        raise Conflict(_("Someone already uses this e-mail address."), code="email_taken",
                       field="email")
    user = User(email=email, full_name=full_name[:150], role=role, language=language, **profile)
    if password is not None:
        check_password(password, user)
        user.set_password(password)
    elif password_hash is not None:
        user.password = password_hash
    else:
        user.set_unusable_password()
    user.save()
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    personal = Space.objects.create(
        name=full_name[:100], slug=f"u-{user.pk}", personal_owner=user, created_by=user,
        visibility="secret",
    )
    SpaceMembership.objects.create(space=personal, user=user, role=SpaceRole.ADMIN)
    audit.record("user.created", actor=actor, target=user, request=request, role=role)
    return user


def _owners_left_without(person: User) -> int:
    """Active owners besides `person`, locked so two owners demoting each other at once
    cannot leave the organisation without one."""
    others = (User.objects.select_for_update().filter(role=OrgRole.OWNER, is_active=True)
              .exclude(pk=person.pk).values_list("pk", flat=True))
    return len(list(others))


@transaction.atomic
def do_change_role(actor: User, person: User, role: str,
                   request: HttpRequest | None = None) -> User:
    from atrium.kernel.abilities import abilities

    if role not in OrgRole.values:
        raise ActionError(_("Unknown role."), field="role")
    if not abilities(actor, person)["change_role"]:
        raise Forbidden(_("You may not change this person's role."))
    if role == OrgRole.OWNER and not actor.is_owner:
        raise Forbidden(_("Only an owner can make someone an owner."))
    if person.role == OrgRole.OWNER and role != OrgRole.OWNER and not _owners_left_without(person):
        raise Conflict(_("The organisation must keep at least one owner."), code="last_owner")
    previous = person.role
    if previous == role:
        return person
    person.role = role
    person.save(update_fields=["role"])
    events.rights_changed("user", person.pk)
    audit.record("user.role_changed", actor=actor, target=person, request=request,
                 previous=previous, role=role)
    return person


@transaction.atomic
def do_deactivate_user(actor: User, person: User, request: HttpRequest | None = None) -> User:
    """Deactivate at once: sessions ended, API tokens revoked, sockets closed."""
    from atrium.kernel.abilities import abilities

    if not abilities(actor, person)["deactivate"]:
        raise Forbidden(_("You may not deactivate this person."))
    if person.role == OrgRole.OWNER and not _owners_left_without(person):
        raise Conflict(_("The organisation must keep at least one owner."), code="last_owner")
    person.is_active = False
    person.deactivated_at = timezone.now()
    person.save(update_fields=["is_active", "deactivated_at"])
    end_all_access(person)
    audit.record("user.deactivated", actor=actor, target=person, request=request)
    return person


def end_all_access(person: User) -> None:
    for session in UserSession.objects.filter(user=person):
        session.end()
    ApiToken.objects.filter(user=person, revoked_at__isnull=True).update(revoked_at=timezone.now())
    events.emit(events.SessionRevoked(user_id=person.pk), "user", person.pk)


@transaction.atomic
def do_reactivate_user(actor: User, person: User, request: HttpRequest | None = None) -> User:
    from atrium.kernel.abilities import abilities

    if not abilities(actor, person)["reactivate"]:
        raise Forbidden(_("You may not reactivate this person."))
    person.is_active = True
    person.deactivated_at = None
    person.save(update_fields=["is_active", "deactivated_at"])
    audit.record("user.reactivated", actor=actor, target=person, request=request)
    return person


@transaction.atomic
def do_update_profile(actor: User, person: User, changes: dict[str, Any]) -> User:
    from atrium.kernel.abilities import abilities

    if not abilities(actor, person)["edit_profile"]:
        raise Forbidden(_("You may not edit this profile."))
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise ActionError(_("Unknown field: %(name)s") % {"name": sorted(unknown)[0]},
                          field=sorted(unknown)[0])
    for name, value in changes.items():
        value = (value or "").strip() if isinstance(value, str) else value
        if name == "full_name" and not value:
            raise ActionError(_("Enter the person's name."), field="full_name")
        if name == "language" and value not in ("", "en", "fr"):
            raise ActionError(_("Unknown language."), field="language")
        field = User._meta.get_field(name)
        limit = getattr(field, "max_length", None)
        if limit and isinstance(value, str) and len(value) > limit:
            raise ActionError(
                _("%(field)s is too long (at most %(limit)d characters).")
                % {"field": getattr(field, "verbose_name", name), "limit": limit},
                field=name,
            )
        setattr(person, name, value)
    person.save(update_fields=list(changes))
    return person


@transaction.atomic
def do_set_photo(actor: User, person: User, upload: Any) -> User:
    from atrium.kernel import blobstore
    from atrium.kernel.abilities import abilities

    if not abilities(actor, person)["edit_profile"]:
        raise Forbidden(_("You may not edit this profile."))
    blob = blobstore.put_image(upload)
    old = person.photo
    person.photo = blob
    person.save(update_fields=["photo"])
    if old is not None:
        blobstore.release(old)
    return person
