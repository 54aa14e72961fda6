"""The organisation's admin area: the gate every admin page passes, and the overview.

The sections live next to this file: `manage_people.py`, `manage_invitations.py`,
`manage_settings.py` (modules and security) and `manage_audit.py`. Everyone who is not an
active owner or admin gets the same 404 as for a page that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.http.response import HttpResponseBase
from django.template.response import TemplateResponse
from django.utils import timezone
from django_htmx.middleware import HtmxDetails

from atrium.kernel import blobstore
from atrium.kernel import modules as module_state
from atrium.kernel.abilities import abilities
from atrium.kernel.errors import NotFound
from atrium.kernel.models import (
    AuditEntry,
    Invitation,
    MfaPolicy,
    Organisation,
    OrgRole,
    Space,
    User,
)

AdminView = Callable[..., HttpResponseBase]


class AuthedRequest(HttpRequest):
    """A request behind `login_required`: its user is a signed-in person (for the type checker)."""

    user: User
    htmx: HtmxDetails


def require_org_admin(request: HttpRequest, ability: str = "manage_people") -> Organisation:
    org = Organisation.current()
    if org is None or not abilities(request.user, org)[ability]:
        raise NotFound("manage")
    return org


def admin_view(ability: str = "manage_people",
               methods: tuple[str, ...] = ("GET", "HEAD", "POST")) -> Callable[[AdminView],
                                                                               AdminView]:
    """Sign-in first (anonymous: to the login page), then the admin gate (others: 404), then
    the method check, so a non-admin learns nothing about which admin URLs exist."""

    def decorate(view: AdminView) -> AdminView:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            org = require_org_admin(request, ability)
            if request.method not in methods:
                return HttpResponseNotAllowed(methods)
            return view(request, org, *args, **kwargs)

        return login_required(wrapper)

    return decorate


def pending_invitations() -> Any:
    return Invitation.objects.filter(accepted_at__isnull=True, revoked_at__isnull=True,
                                     expires_at__gt=timezone.now())


def people_without_mfa(people: Any) -> int:
    """How many of `people` have no second factor (TOTP or security key) yet."""
    from allauth.mfa.models import Authenticator

    with_mfa = Authenticator.objects.filter(
        type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]).values("user_id")
    return int(people.exclude(pk__in=with_mfa).count())


@admin_view()
def overview(request: HttpRequest, org: Organisation) -> HttpResponse:
    by_role = {row["role"]: row["n"] for row in User.objects.filter(is_active=True)
               .order_by().values("role").annotate(n=Count("id"))}
    people = User.objects.aggregate(active=Count("id", filter=Q(is_active=True)),
                                    deactivated=Count("id", filter=Q(is_active=False)))
    spaces = Space.objects.filter(personal_owner__isnull=True, archived_at__isnull=True) \
        .aggregate(total=Count("id"), open=Count("id", filter=Q(visibility="open")),
                   private=Count("id", filter=Q(visibility="private")),
                   secret=Count("id", filter=Q(visibility="secret")))
    stored, logical = blobstore.stored_bytes()
    modules = module_state.instance_states()
    admins = User.objects.filter(is_active=True, role__in=[OrgRole.OWNER, OrgRole.ADMIN])
    return TemplateResponse(request, "web/manage/overview.html", {
        "organisation": org,
        "section": "overview",
        "roles": [(value, label, by_role.get(value, 0)) for value, label in OrgRole.choices],
        "people": people,
        "spaces": spaces,
        "pending_invitations": pending_invitations().count(),
        "stored_bytes": stored,
        "logical_bytes": logical,
        "saved_bytes": max(logical - stored, 0),
        "modules_on": sum(modules.values()),
        "modules_total": len(modules),
        "admins_without_mfa": people_without_mfa(admins),
        "mfa_required_for_admins": org.mfa_policy != MfaPolicy.OPTIONAL,
        "recent": AuditEntry.objects.all()[:8],
    })
