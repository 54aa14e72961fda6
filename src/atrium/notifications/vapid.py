"""The server's VAPID identity for web push (RFC 8292): one EC P-256 key pair per instance.

The private key comes from ATRIUM_VAPID_PRIVATE_KEY or is generated once in the data folder
(`atrium serve` does it at start, see `atrium.config.vapid_keys`). Browsers receive the public
half as `applicationServerKey` and tie their subscription to it; the push service then only
accepts messages signed with the private half.
"""

from __future__ import annotations

import base64
import functools
import os
from email.utils import parseaddr
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from django.conf import settings
from py_vapid import Vapid

from atrium import config


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@functools.lru_cache(maxsize=4)
def _key_for(data_dir: str, configured: str) -> Any:
    # `configured` is part of the cache key only: a changed variable reads the key again.
    return config.vapid_keys(Path(data_dir))


def private_key() -> Any:
    """The instance's private key (read once per process and source)."""
    return _key_for(str(settings.DATA_DIR), os.environ.get("ATRIUM_VAPID_PRIVATE_KEY", ""))


def ensure_keys() -> str:
    """Create the key pair if there is none yet; returns the public key (used at start)."""
    return public_key()


def public_key() -> str:
    """The public key as browsers want it: the uncompressed point, base64url, no padding."""
    point = private_key().public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return b64url(point)


def signer() -> Vapid:
    return Vapid(private_key())


def subject() -> str:
    """Who the push services may contact about our messages: ATRIUM_VAPID_SUBJECT, else
    `mailto:` the sender address of e-mails, else the site's https:// address."""
    configured = config.env_str("ATRIUM_VAPID_SUBJECT")
    if configured:
        return configured
    _name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    if address and "@" in address and not address.endswith("@localhost"):
        return f"mailto:{address}"
    if settings.SITE_URL.startswith("https://"):
        return settings.SITE_URL
    return f"mailto:{address or 'atrium@localhost'}"


def allow_insecure_endpoints() -> bool:
    """Development and tests only: accept http:// push endpoints on the loopback address."""
    value = getattr(settings, "ATRIUM_PUSH_ALLOW_INSECURE_ENDPOINTS", None)
    if value is None:
        return config.env_bool("ATRIUM_PUSH_ALLOW_INSECURE_ENDPOINTS", False)
    return bool(value)
