"""Writes about people: accounts, roles, profiles, deactivation."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from atrium.kernel import audit, events
from atrium.kernel.directory import forget_facets
from atrium.kernel.errors import ActionError, Conflict, Forbidden, NotFound
from atrium.kernel.models import (
    ApiToken,
    Follow,
    OrgRole,
    Space,
    SpaceMembership,
    SpaceRole,
    User,
)

PROFILE_FIELDS = ("full_name", "job_title", "team", "phone", "location", "languages", "bio",
                  "language", "skills", "manager")
MAX_SKILLS = 20
MAX_SKILL_LENGTH = 40
# How far up a reporting line the cycle check climbs; real org charts are far shallower.
MAX_MANAGER_DEPTH = 200


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
    forget_facets()
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
    forget_facets()
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
    forget_facets()
    audit.record("user.reactivated", actor=actor, target=person, request=request)
    return person


@transaction.atomic
def do_update_profile(actor: User, person: User, changes: dict[str, Any]) -> User:
    from atrium.kernel.abilities import abilities

    if not abilities(actor, person)["edit_profile"]:
        raise Forbidden(_("You may not edit this profile."))
    changes = dict(changes)
    if "manager_id" in changes:  # the API's name for it
        changes["manager"] = changes.pop("manager_id")
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise ActionError(_("Unknown field: %(name)s") % {"name": sorted(unknown)[0]},
                          field=sorted(unknown)[0])
    for name, value in changes.items():
        if name == "manager":
            person.manager = check_manager(person, value)
            continue
        value = (value or "").strip() if isinstance(value, str) else value
        if name == "skills":
            value = ", ".join(clean_skills(value))
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
    if {"team", "skills", "languages"} & set(changes):
        forget_facets()
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


def clean_skills(text: str) -> list[str]:
    """The skills of a comma-separated text: trimmed, blanks and repeats (any case) dropped;
    each at most MAX_SKILL_LENGTH characters, at most MAX_SKILLS of them."""
    skills: list[str] = []
    seen: set[str] = set()
    for raw in (text or "").replace("\n", ",").replace(";", ",").split(","):
        skill = " ".join(raw.split())
        if not skill or skill.casefold() in seen:
            continue
        if len(skill) > MAX_SKILL_LENGTH:
            raise ActionError(
                _("The skill “%(skill)s” is too long (at most %(limit)d characters).")
                % {"skill": skill[:MAX_SKILL_LENGTH] + "…", "limit": MAX_SKILL_LENGTH},
                code="skill_too_long", field="skills")
        seen.add(skill.casefold())
        skills.append(skill)
    if len(skills) > MAX_SKILLS:
        raise ActionError(_("Give at most %(limit)d skills.") % {"limit": MAX_SKILLS},
                          code="too_many_skills", field="skills")
    return skills


def check_manager(person: User, value: Any) -> User | None:
    """The manager `value` names (a person, an id or nothing) if it may manage `person`:
    an active member of the organisation (not a guest, not a bot), not `person`, and not
    someone who reports to `person`, directly or not (no cycle)."""
    if value in (None, "", 0):
        return None
    if isinstance(value, User):
        manager: User | None = User.objects.filter(pk=value.pk).first()
    elif isinstance(value, int) and not isinstance(value, bool):
        manager = User.objects.filter(pk=value).first()
    else:
        raise ActionError(_("Choose the manager among the people of the organisation."),
                          field="manager")
    if manager is not None and manager.pk == person.manager_id and manager.pk != person.pk:
        return manager  # unchanged: saving other fields keeps a manager who has since left
    if manager is None or not manager.is_active or manager.is_bot:
        raise ActionError(_("Choose an active person of the organisation as manager."),
                          code="manager_inactive", field="manager")
    if manager.role == OrgRole.GUEST:
        raise ActionError(_("A guest cannot be a manager."), code="manager_guest",
                          field="manager")
    if manager.pk == person.pk:
        raise ActionError(_("Nobody is their own manager."), code="manager_self",
                          field="manager")
    above = manager.manager_id
    for _step in range(MAX_MANAGER_DEPTH):
        if above is None:
            break
        if above == person.pk:
            raise ActionError(
                _("%(name)s reports to this person already: that would make a loop.")
                % {"name": manager.display_name}, code="manager_cycle", field="manager")
        above = User.objects.filter(pk=above).values_list("manager_id", flat=True).first()
    return manager


def is_following(follower: Any, person: User) -> bool:
    return bool(getattr(follower, "is_authenticated", False)) and Follow.objects.filter(
        follower_id=follower.pk, followed_id=person.pk).exists()


def _notify(*args: Any, **kwargs: Any) -> Any:
    from atrium import notifications

    # The package's `notify` shares its name with the submodule `notifications.notify`:
    # once that submodule is imported the package attribute is the module, so take the
    # function from it in that case.
    send = notifications.notify
    return getattr(send, "notify", send)(*args, **kwargs)


@transaction.atomic
def do_follow(actor: User, person: User) -> bool:
    """`actor` follows `person` (their posts join the actor's home feed); True when it is
    new. Following twice changes nothing and notifies once."""
    from atrium.kernel.abilities import abilities, is_active_user

    if not is_active_user(actor) or not abilities(actor, person)["view"]:
        raise NotFound("person")
    if person.pk == actor.pk:
        raise ActionError(_("You cannot follow yourself."), code="follow_self")
    if not person.is_active:
        raise ActionError(_("This person's account is deactivated."), code="inactive")
    _follow, created = Follow.objects.get_or_create(follower=actor, followed=person)
    if created:
        with translation.override(person.language or settings.LANGUAGE_CODE):
            title = _("%(name)s now follows you") % {"name": actor.display_name}
        _notify([person], kind="follow", key=f"follow:{actor.pk}:{person.pk}", actor=actor,
               title=title, url=reverse("person", args=[actor.pk]))
    return created


@transaction.atomic
def do_unfollow(actor: User, person: User) -> bool:
    """`actor` stops following `person`; True when they did follow. Works whatever the
    person's state, so nobody stays stuck following a deactivated colleague."""
    from atrium.kernel.abilities import is_active_user

    if not is_active_user(actor):
        raise NotFound("person")
    deleted, _rows = Follow.objects.filter(follower=actor, followed=person).delete()
    return bool(deleted)
