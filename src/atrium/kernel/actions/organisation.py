"""The organisation's settings: sign-up policy and security."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from atrium.kernel import audit
from atrium.kernel.abilities import abilities
from atrium.kernel.errors import ActionError, Forbidden
from atrium.kernel.models import MfaPolicy, Organisation, User


@transaction.atomic
def do_update_organisation(actor: User, org: Organisation, *, name: str | None = None,
                           signup_open: bool | None = None, signup_domains: str | None = None,
                           mfa_policy: str | None = None,
                           request: HttpRequest | None = None) -> Organisation:
    if not abilities(actor, org)["manage_security"]:
        raise Forbidden(_("Only the organisation's admins can change its settings."))
    changes: dict[str, Any] = {}
    if name is not None:
        if not name.strip() or len(name.strip()) > 120:
            raise ActionError(_("Give the organisation a name of at most 120 characters."),
                              field="name")
        changes["name"] = name.strip()
    if signup_open is not None:
        changes["signup_open"] = signup_open
    if signup_domains is not None:
        domains = [d.strip().lower().lstrip("@") for d in signup_domains.split(",") if d.strip()]
        for domain in domains:
            if "." not in domain or " " in domain or len(domain) > 253:
                raise ActionError(_("%(domain)s is not a domain name.") % {"domain": domain},
                                  field="signup_domains")
        changes["signup_domains"] = ", ".join(domains)
    if mfa_policy is not None:
        if mfa_policy not in MfaPolicy.values:
            raise ActionError(_("Unknown two-factor policy."), field="mfa_policy")
        changes["mfa_policy"] = mfa_policy
    changed = [k for k, v in changes.items() if getattr(org, k) != v]
    for key in changed:
        setattr(org, key, changes[key])
    if changed:
        org.save(update_fields=changed)
        audit.record("org.settings_changed", actor=actor, target=org, request=request,
                     **{k: changes[k] for k in changed})
    return org
