"""Inviting people by e-mail, as members or guests, into chosen spaces."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from atrium.kernel import audit
from atrium.kernel.abilities import abilities
from atrium.kernel.actions.people import check_email, check_password, do_create_user
from atrium.kernel.actions.spaces import _add_membership
from atrium.kernel.errors import ActionError, Conflict, Forbidden, NotFound
from atrium.kernel.models import (
    Invitation,
    InvitationSpace,
    Organisation,
    OrgRole,
    Space,
    SpaceRole,
    User,
)
from atrium.kernel.tasks import send_email


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_url(token: str, request: HttpRequest | None = None) -> str:
    """The link to send: on the address the inviter uses (a host Django accepted through
    ALLOWED_HOSTS), else on ATRIUM_SITE_URL."""
    path = reverse("accept_invitation", args=[token])
    if request is not None:
        return request.build_absolute_uri(path)
    return settings.SITE_URL + path


@transaction.atomic
def do_invite(
    actor: User, *, email: str, role: str = OrgRole.MEMBER,
    spaces: list[tuple[Space, str]] | None = None, message: str = "",
    request: HttpRequest | None = None,
) -> tuple[Invitation, str]:
    """Invite `email`; returns the invitation and its link (shown once to the inviter too)."""
    org = Organisation.current()
    if org is None or not abilities(actor, org)["invite"]:
        raise Forbidden(_("Only the organisation's admins can invite people."))
    email = check_email(email)
    if role not in (OrgRole.MEMBER, OrgRole.GUEST, OrgRole.ADMIN):
        raise ActionError(_("Invite as a member, an admin or a guest."), field="role")
    if User.objects.filter(email__iexact=email).exists():
        raise Conflict(_("%(email)s already has an account.") % {"email": email},
                       code="email_taken", field="email")
    spaces = spaces or []
    if role == OrgRole.GUEST and not spaces:
        raise ActionError(_("Choose at least one space the guest will see."), field="spaces")
    for space, space_role in spaces:
        if not abilities(actor, space)["invite"]:
            raise Forbidden(_("You may not invite people into %(space)s.") % {"space": space})
        if space_role not in SpaceRole.values or (
            role == OrgRole.GUEST and space_role == SpaceRole.ADMIN
        ):
            raise ActionError(_("Unknown space role."), field="spaces")
    now = timezone.now()
    Invitation.objects.filter(email__iexact=email, accepted_at__isnull=True,
                              revoked_at__isnull=True).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        email=email, role=role, message=(message or "")[:1000], token_hash=hash_token(token),
        invited_by=actor, expires_at=now + timedelta(days=settings.ATRIUM_INVITATION_DAYS),
    )
    InvitationSpace.objects.bulk_create(
        InvitationSpace(invitation=invitation, space=space, role=space_role)
        for space, space_role in spaces
    )
    url = invitation_url(token, request)
    context = {"org": org, "inviter": actor, "invitation": invitation, "url": url,
               "spaces": [s for s, _r in spaces]}
    subject = _("%(name)s invites you to %(org)s on Atrium") % {
        "name": actor.display_name, "org": org.name}
    body = render_to_string("kernel/email/invitation.txt", context)
    transaction.on_commit(lambda: send_email.enqueue(subject=subject, body=body, to=[email]))
    audit.record("invitation.sent", actor=actor, target=invitation, request=request,
                 role=role, spaces=[s.pk for s, _r in spaces])
    return invitation, url


def find_invitation(token: str) -> Invitation:
    """The invitation behind `token`, if it can still be used."""
    invitation = Invitation.objects.filter(token_hash=hash_token(token or "")).first()
    if invitation is None:
        raise NotFound("invitation")
    return invitation


@transaction.atomic
def do_accept_invitation(token: str, *, full_name: str, password: str,
                         request: HttpRequest | None = None, **profile: Any) -> User:
    invitation = Invitation.objects.select_for_update().filter(
        token_hash=hash_token(token or "")).first()
    if invitation is None:
        raise ActionError(_("This invitation link is not valid."), code="invalid_invitation")
    if not invitation.is_usable:
        raise ActionError(
            _("This invitation has expired or was already used. Ask for a new one."),
            code="expired_invitation",
        )
    check_password(password, User(email=invitation.email, full_name=full_name))
    user = do_create_user(email=invitation.email, full_name=full_name, role=invitation.role,
                          password=password, request=request, **profile)
    for link in invitation.spaces.select_related("space"):
        _add_membership(link.space, user, link.role)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit.record("invitation.accepted", actor=user, target=invitation, request=request)
    return user


@transaction.atomic
def do_revoke_invitation(actor: User, invitation: Invitation,
                         request: HttpRequest | None = None) -> None:
    org = Organisation.current()
    if org is None or not abilities(actor, org)["invite"]:
        raise Forbidden(_("Only the organisation's admins can revoke invitations."))
    if invitation.state != "pending":
        raise Conflict(_("This invitation is no longer pending."), code="not_pending")
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit.record("invitation.revoked", actor=actor, target=invitation, request=request)
