"""One-click unsubscribe tokens (RFC 8058): signed (person, kind), no expiry, tamper-proof."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "atrium.notifications.unsubscribe"


def make_token(user_id: int, kind: str) -> str:
    return signing.dumps([user_id, kind], salt=SALT, compress=False)


def read_token(token: str) -> tuple[int, str] | None:
    """(user id, kind) from a token, or None when it was altered or is not one of ours."""
    if not token or len(token) > 300:
        return None
    try:
        value = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if (not isinstance(value, list) or len(value) != 2 or not isinstance(value[0], int)
            or not isinstance(value[1], str)):
        return None
    return value[0], value[1]


def unsubscribe_url(user_id: int, kind: str) -> str:
    path = reverse("notifications:unsubscribe", kwargs={"token": make_token(user_id, kind)})
    return settings.SITE_URL.rstrip("/") + path
