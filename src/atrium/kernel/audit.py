"""Recording security-relevant facts in the append-only audit log."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest

from atrium.kernel.models.audit import AuditEntry


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    from allauth.core.internal.ratelimit import get_ip

    try:
        return get_ip(request)
    except Exception:  # a malformed header must never stop an audit record
        return request.META.get("REMOTE_ADDR")


def record(
    action: str,
    *,
    actor: Any = None,
    target: models.Model | None = None,
    target_label: str = "",
    request: HttpRequest | None = None,
    **data: Any,
) -> AuditEntry:
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    actor_obj = actor if getattr(actor, "pk", None) else None
    return AuditEntry.objects.create(
        actor=actor_obj,
        actor_label=getattr(actor_obj, "email", "") or data.pop("actor_label", ""),
        action=action,
        target_type=(target._meta.model_name or "") if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=target_label or (str(target)[:254] if target is not None else ""),
        ip=client_ip(request),
        data=data,
    )
