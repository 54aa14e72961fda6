"""Reading Atrium's configuration from the environment, and nowhere else.

Every variable read here is listed in docs/configuration.md; a test keeps the two in step.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

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
