"""Reading Atrium's configuration from the environment, and nowhere else.

Every variable read here is listed in docs/configuration.md; a test keeps the two in step.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


class ConfigError(ValueError):
    """A variable of the environment holds a value Atrium cannot use."""


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ConfigError(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None


def env_list(name: str) -> list[str]:
    return [part.strip() for part in env_str(name).split(",") if part.strip()]


def data_dir() -> Path:
    path = Path(env_str("ATRIUM_DATA_DIR", "data")).expanduser().resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def secret_key(folder: Path) -> str:
    """The key from ATRIUM_SECRET_KEY, or one generated once and kept in the data folder."""
    configured = env_str("ATRIUM_SECRET_KEY")
    if configured:
        if len(configured) < 32:
            raise ConfigError("ATRIUM_SECRET_KEY must be at least 32 characters long")
        return configured
    key_file = folder / "secret_key"
    if not key_file.exists():
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
    return key_file.read_text().strip()


def vapid_keys(folder: Path) -> Any:
    """The web push (VAPID) private key: from ATRIUM_VAPID_PRIVATE_KEY, or generated once and
    kept in `<folder>/vapid_private.pem` (mode 600). Returns an EC P-256 private key.

    The variable holds a PEM key or the base64url forms other web push tools print (the raw
    32-byte private number, or DER). Browsers tie their subscriptions to the public half, so
    a new key makes every device subscribe again.
    """
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    configured = os.environ.get("ATRIUM_VAPID_PRIVATE_KEY", "").strip()
    if configured:
        return _parse_vapid_key(configured)
    key_file = folder / "vapid_private.pem"
    if not key_file.exists():
        pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption())
        try:
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process created it first: use theirs
            pass
        else:
            with os.fdopen(fd, "wb") as handle:
                handle.write(pem)
    try:
        key = serialization.load_pem_private_key(key_file.read_bytes(), password=None)
    except ValueError:
        raise ConfigError(f"{key_file} does not hold a PEM private key: delete it to have "
                          "a new one generated (devices then subscribe again)") from None
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
        raise ConfigError(f"{key_file} must hold an EC P-256 key")
    return key


def _parse_vapid_key(text: str) -> Any:
    import base64
    import binascii

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    problem = ("ATRIUM_VAPID_PRIVATE_KEY must be an EC P-256 private key: PEM, or base64url "
               "(the raw 32-byte key or DER)")
    try:
        if "-----BEGIN" in text:
            key = serialization.load_pem_private_key(text.replace("\\n", "\n").encode(),
                                                     password=None)
        else:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
            if len(raw) == 32:
                key = ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1())
            else:
                key = serialization.load_der_private_key(raw, password=None)
    except (ValueError, TypeError, binascii.Error):
        raise ConfigError(problem) from None
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
        raise ConfigError(problem)
    return key
