"""Audit records for what django and allauth do on their own (sign-in, MFA, passwords).

These handlers only record facts; no business rule lives here.
"""

from __future__ import annotations

from typing import Any

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from django.contrib.auth import signals as auth_signals
from django.dispatch import receiver

from atrium.kernel import audit


@receiver(auth_signals.user_logged_in)
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit.record("auth.login", actor=user, target=user, request=request)


@receiver(auth_signals.user_logged_out)
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit.record("auth.logout", actor=user, target=user, request=request)


@receiver(auth_signals.user_login_failed)
def _login_failed(sender: Any, credentials: dict, request: Any = None, **kwargs: Any) -> None:
    login = str(credentials.get("email") or credentials.get("username") or "")[:254]
    audit.record("auth.login_failed", request=request, target_label=login)


def _mfa_recorder(action: str) -> Any:
    def handler(sender: Any, request: Any, user: Any, authenticator: Any = None,
                **kwargs: Any) -> None:
        kind = getattr(authenticator, "type", "")
        audit.record(action, actor=user, target=user, request=request, authenticator=kind)

    return handler


_mfa_added = _mfa_recorder("mfa.added")
_mfa_removed = _mfa_recorder("mfa.removed")
_mfa_reset = _mfa_recorder("mfa.reset")
mfa_signals.authenticator_added.connect(_mfa_added, dispatch_uid="atrium_mfa_added")
mfa_signals.authenticator_removed.connect(_mfa_removed, dispatch_uid="atrium_mfa_removed")
mfa_signals.authenticator_reset.connect(_mfa_reset, dispatch_uid="atrium_mfa_reset")


@receiver(account_signals.password_changed)
def _password_changed(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit.record("auth.password_changed", actor=user, target=user, request=request)


@receiver(account_signals.password_reset)
def _password_reset(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit.record("auth.password_reset", actor=user, target=user, request=request)
