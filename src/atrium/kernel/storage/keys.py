"""Reading the encryption key of the blob store (imported by the settings: no Django here)."""

from __future__ import annotations

import base64
import binascii

from atrium.config import ConfigError

KEY_BYTES = 32
HOW_TO_MAKE_ONE = (
    "python3 -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())'")


def parse_key(raw: str | bytes, name: str = "ATRIUM_ENCRYPTION_KEY") -> bytes:
    """The 32 bytes of an AES-256 key written in base64 (standard or URL-safe alphabet)."""
    text = raw.decode("ascii", "replace") if isinstance(raw, bytes) else raw
    text = text.strip()
    key = b""
    for alphabet in (b"+/", b"-_"):
        try:
            key = base64.b64decode(text, altchars=alphabet, validate=True)
            break
        except (binascii.Error, ValueError):
            continue
    if len(key) != KEY_BYTES:
        raise ConfigError(
            f"{name} must be the base64 of exactly {KEY_BYTES} random bytes "
            f"(44 characters ending with '='); make one with: {HOW_TO_MAKE_ONE}")
    return key
