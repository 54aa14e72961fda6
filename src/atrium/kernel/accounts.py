"""How django-allauth fits Atrium: sign-up governed by the organisation, lockouts audited."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext

from atrium.kernel import audit
from atrium.kernel.models import Organisation, OrgRole, Space, SpaceMembership, SpaceRole, User


def ensure_personal_space(user: User) -> Space:
    space, created = Space.objects.get_or_create(
        personal_owner=user,
        defaults={"name": user.display_name[:100], "slug": f"u-{user.pk}", "created_by": user,
                  "visibility": "secret"},
    )
    if created:
        SpaceMembership.objects.create(space=space, user=user, role=SpaceRole.ADMIN)
    return space


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        org = Organisation.current()
        return bool(org and org.signup_open)

    def clean_email(self, email: str) -> str:
        org = Organisation.current()
        domains = org.allowed_domains() if org else []
        if domains and email.rsplit("@", 1)[-1].lower() not in domains:
            raise ValidationError(
                gettext("Sign-up is limited to addresses at: %(domains)s")
                % {"domains": ", ".join(domains)}
            )
        return email.lower()

    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        user.full_name = form.cleaned_data.get("full_name", "").strip()[:150]
        user.role = OrgRole.MEMBER
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            ensure_personal_space(user)
            audit.record("user.signed_up", actor=user, target=user, request=request)
        return user

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            audit.record("auth.locked_out", request=request,
                         target_label=str(credentials.get("email", ""))[:254])
            raise

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        return super().get_login_redirect_url(request)
