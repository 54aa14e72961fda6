"""Personal API tokens: created and revoked in the profile, stored hashed."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from atrium.kernel import audit
from atrium.kernel.errors import ActionError, Forbidden
from atrium.kernel.models import ApiToken, User

TOKEN_PREFIX = "atr_"  # noqa: S105  (a public marker, not a secret)
MAX_TOKENS = 50


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def do_create_token(user: User, name: str, expires_at: datetime | None = None,
                    request: HttpRequest | None = None) -> tuple[ApiToken, str]:
    """Returns the token row and the secret, which is never shown again."""
    name = (name or "").strip()
    if not name:
        raise ActionError(_("Give the token a name."), field="name")
    if len(name) > 80:
        raise ActionError(_("The name is too long (at most 80 characters)."), field="name")
    if expires_at is not None and expires_at <= timezone.now():
        raise ActionError(_("The expiry date must be in the future."), field="expires_at")
    if ApiToken.objects.filter(user=user, revoked_at__isnull=True).count() >= MAX_TOKENS:
        raise ActionError(_("You have too many tokens; revoke one first."), code="too_many")
    prefix = secrets.token_hex(5)
    secret = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, prefix=prefix,
                                    token_hash=_digest(secret), expires_at=expires_at)
    audit.record("token.created", actor=user, target=token, request=request)
    return token, f"{TOKEN_PREFIX}{prefix}_{secret}"


@transaction.atomic
def do_revoke_token(actor: User, token: ApiToken, request: HttpRequest | None = None) -> None:
    if token.user_id != actor.pk:
        raise Forbidden(_("This is not your token."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record("token.revoked", actor=actor, target=token, request=request)


def user_for_token(raw: str) -> User | None:
    """The active owner of a valid, unexpired, unrevoked token, or None."""
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    prefix, _sep, secret = raw[len(TOKEN_PREFIX):].partition("_")
    token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    if token is None or not hmac.compare_digest(token.token_hash, _digest(secret)):
        return None
    now = timezone.now()
    if token.revoked_at or (token.expires_at and token.expires_at <= now):
        return None
    if not token.user.is_active:
        return None
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
