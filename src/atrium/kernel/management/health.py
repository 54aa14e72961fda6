"""Configuration and deployment checks run by `atrium check`.

Each check returns one `Result` (or a few, for Django's own system checks): a level, a short
label and a message that says what to do. Nothing here changes data, except a probe file
written and deleted again in the data folder and in the blob storage.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, run_checks
from django.core.checks import messages as levels
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import DatabaseError, connection
from django.http.request import split_domain_port, validate_host

OK, WARNING, ERROR = "OK", "WARNING", "ERROR"
# Django names its settings; Atrium's operators set environment variables.
ATRIUM_HINTS = {
    "security.W004": "ATRIUM_BEHIND_TLS_PROXY=true sets HSTS behind a TLS proxy",
    "security.W008": "ATRIUM_BEHIND_TLS_PROXY=true redirects to HTTPS behind a TLS proxy",
    "security.W012": "an https:// ATRIUM_SITE_URL or ATRIUM_SECURE_COOKIES=true fixes it",
    "security.W016": "an https:// ATRIUM_SITE_URL or ATRIUM_SECURE_COOKIES=true fixes it",
    "security.W018": "set ATRIUM_DEBUG=false",
    "security.W020": "set ATRIUM_ALLOWED_HOSTS",
}
LOOPBACK = {"127.0.0.1", "localhost", "[::1]", "::1"}


@dataclass(frozen=True)
class Result:
    level: str
    label: str
    message: str

    def line(self) -> str:
        return f"{self.level:<8} {self.label}: {self.message}"


def scaled() -> bool:
    """Whether this looks like a scaled deployment (several processes or machines)."""
    return bool(settings.REDIS_URL or connection.vendor != "sqlite"
                or getattr(settings, "ATRIUM_S3_BUCKET", ""))


def django_checks(deploy: bool) -> Iterator[Result]:
    try:
        found: list[CheckMessage] = run_checks(include_deployment_checks=deploy,
                                               databases=["default"])
    except Exception as error:  # a module that does not import is itself the finding
        yield Result(ERROR, "django system checks",
                     f"could not run: {type(error).__name__}: {error}")
        return
    shown = [m for m in found if not m.is_silenced() and m.level >= levels.WARNING]
    for message in shown:
        level = ERROR if message.level >= levels.ERROR else WARNING
        hint = ATRIUM_HINTS.get(message.id or "", message.hint)
        text = str(message.msg) + (f" ({hint})" if hint else "")
        yield Result(level, f"django {message.id}", text)
    if not shown:
        yield Result(OK, "django system checks",
                     "no issue" + (" (deployment checks included)" if deploy else ""))


def secret_key(deploy: bool) -> Result:
    if os.environ.get("ATRIUM_SECRET_KEY", "").strip():
        return Result(OK, "secret key", "read from ATRIUM_SECRET_KEY")
    where = settings.DATA_DIR / "secret_key"
    message = f"generated once and kept in {where}"
    if not deploy:
        return Result(OK, "secret key", message)
    if scaled():
        return Result(ERROR, "secret key", f"{message}; every worker and machine must share "
                      "one key: set ATRIUM_SECRET_KEY (50 random characters)")
    return Result(WARNING, "secret key", f"{message}; in production prefer ATRIUM_SECRET_KEY "
                  "from your secret store, and back the data folder up")


def debug(deploy: bool) -> Result:
    if not settings.DEBUG:
        return Result(OK, "debug mode", "off")
    return Result(ERROR if deploy else WARNING, "debug mode",
                  "ATRIUM_DEBUG is on: error pages show code and settings; turn it off in "
                  "production")


def hosts(deploy: bool) -> Result:
    label = "site address"
    parts = urlsplit(settings.SITE_URL)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return Result(ERROR, label, f"ATRIUM_SITE_URL {settings.SITE_URL!r} must look like "
                      "https://atrium.example.org")
    domain, _port = split_domain_port(parts.netloc)
    if not validate_host(domain, settings.ALLOWED_HOSTS):
        return Result(ERROR, label, f"the host of ATRIUM_SITE_URL ({domain}) is not in "
                      f"ATRIUM_ALLOWED_HOSTS ({', '.join(settings.ALLOWED_HOSTS)}): every "
                      "request to it would be refused")
    if deploy and "*" in settings.ALLOWED_HOSTS:
        return Result(WARNING, label, "ATRIUM_ALLOWED_HOSTS contains '*': list your host "
                      "names instead")
    if deploy and parts.scheme == "http" and domain not in LOOPBACK:
        return Result(WARNING, label, f"{settings.SITE_URL} is plain HTTP: serve Atrium "
                      "behind a TLS proxy and set ATRIUM_SITE_URL to https://…")
    return Result(OK, label, f"{settings.SITE_URL} (allowed hosts: "
                  f"{', '.join(settings.ALLOWED_HOSTS)})")


def data_dir() -> Result:
    folder = settings.DATA_DIR
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".check-") as probe:
            probe.write(b"atrium")
            probe.flush()
    except OSError as error:
        return Result(ERROR, "data folder", f"{folder} is not writable: {error.strerror or error}"
                      " (set ATRIUM_DATA_DIR to a folder the Atrium user owns)")
    return Result(OK, "data folder", f"{folder} is writable")


def database() -> Result:
    from django.db.migrations.executor import MigrationExecutor

    label = "database"
    try:
        connection.ensure_connection()
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as error:
        return Result(ERROR, label, f"cannot reach the database ({connection.vendor}): {error}"
                      " (check DATABASE_URL)")
    name = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(connection.vendor,
                                                                  connection.vendor)
    if pending:
        return Result(WARNING, label, f"{name} reachable, {len(pending)} migration(s) not "
                      "applied yet: `atrium serve` applies them when it starts, or run "
                      "`atrium manage migrate`")
    return Result(OK, label, f"{name} reachable, every migration applied")


def sqlite_wal() -> Result | None:
    if connection.vendor != "sqlite":
        return None
    label = "SQLite WAL"
    try:
        with connection.cursor() as cursor:
            mode = str(cursor.execute("PRAGMA journal_mode").fetchone()[0]).lower()
    except DatabaseError as error:
        return Result(ERROR, label, f"cannot read the journal mode: {error}")
    if mode == "wal":
        return Result(OK, label, "journal_mode is WAL (readers never wait for the writer)")
    if getattr(connection, "is_in_memory_db", lambda: False)():
        return Result(WARNING, label, "the database lives in memory: nothing is kept")
    return Result(ERROR, label, f"journal_mode is {mode}, not WAL: is the data folder on a "
                  "network file system? Keep it on a local disk")


def redis() -> Result:
    url = settings.REDIS_URL
    if not url:
        return Result(OK, "redis", "not used (REDIS_URL unset: in-memory channel layer, one "
                      "process; set it to run several workers)")
    import redis as redis_client

    parts = urlsplit(url)
    try:
        server = f"{parts.hostname}:{parts.port or 6379}"
    except ValueError:
        server = "?"
    safe = f"{parts.scheme}://{server}{parts.path}"  # never the password
    try:
        client = redis_client.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3)
        client.ping()
        client.close()
    except (redis_client.RedisError, OSError, ValueError) as error:
        return Result(ERROR, "redis", f"cannot reach {safe}: {error} (check REDIS_URL)")
    return Result(OK, "redis", f"{safe} answers")


def blob_storage() -> Result:
    store = storages["blobs"]
    bucket = getattr(store, "bucket_name", None)
    where = f"S3 bucket {bucket}" if bucket else f"folder {getattr(store, 'location', '?')}"
    label = "blob storage"
    payload = secrets.token_bytes(16)
    try:
        name = store.save(f"atrium-check/{secrets.token_hex(8)}", ContentFile(payload))
        try:
            with store.open(name, "rb") as handle:
                read_back = handle.read()
        finally:
            store.delete(name)
    except Exception as error:  # any backend error (OSError, botocore, ...) is the answer
        return Result(ERROR, label, f"cannot write to the {where}: {error} "
                      "(check ATRIUM_DATA_DIR or the ATRIUM_S3_* variables)")
    if read_back != payload:
        return Result(ERROR, label, f"the {where} gave back other bytes than were written")
    return Result(OK, label, f"{where} is writable")


def email(deploy: bool) -> Result:
    backend = settings.EMAIL_BACKEND
    label = "e-mail"
    if backend.endswith("smtp.EmailBackend"):
        from django.core.mail import get_connection

        server = f"{settings.EMAIL_HOST}:{settings.EMAIL_PORT}"
        try:
            mailer = get_connection(timeout=5)
            mailer.open()
            mailer.close()
        except OSError as error:
            return Result(ERROR, label, f"cannot reach the SMTP server {server}: {error} "
                          "(check ATRIUM_EMAIL_*)")
        if deploy and settings.DEFAULT_FROM_EMAIL.rstrip(">").endswith("@localhost"):
            return Result(WARNING, label, f"SMTP server {server} answers, but messages come "
                          f"from {settings.DEFAULT_FROM_EMAIL}: set ATRIUM_EMAIL_FROM")
        return Result(OK, label, f"SMTP server {server} answers")
    if backend.endswith("filebased.EmailBackend"):
        where = f"written to {settings.EMAIL_FILE_PATH}"
    else:
        where = f"handled by {backend}"
    return Result(WARNING, label, f"no SMTP server configured: invitations and password "
                  f"resets are {where}, not sent (set ATRIUM_EMAIL_HOST)")


def web_push(deploy: bool) -> Result:
    """The VAPID key pair web push needs (generated by `atrium serve` at its first start)."""
    from atrium.config import ConfigError
    from atrium.notifications import vapid

    label = "web push"
    configured = bool(os.environ.get("ATRIUM_VAPID_PRIVATE_KEY", "").strip())
    key_file = settings.DATA_DIR / "vapid_private.pem"
    if not configured and not key_file.exists():
        return Result(WARNING, label, "no VAPID key yet: browsers cannot subscribe to push "
                      "notifications until `atrium serve` generates one in "
                      f"{key_file} (or set ATRIUM_VAPID_PRIVATE_KEY)")
    try:
        vapid.private_key()
    except ConfigError as error:
        return Result(ERROR, label, str(error))
    if deploy and vapid.allow_insecure_endpoints():
        return Result(ERROR, label, "ATRIUM_PUSH_ALLOW_INSECURE_ENDPOINTS is on: it is for "
                      "tests only, turn it off")
    where = "ATRIUM_VAPID_PRIVATE_KEY" if configured else str(key_file)
    if deploy and not configured and scaled():
        return Result(WARNING, label, f"VAPID key kept in {where}: every machine must share "
                      "one key, set ATRIUM_VAPID_PRIVATE_KEY")
    return Result(OK, label, f"VAPID key from {where}, subject {vapid.subject()}")


def run(deploy: bool) -> Iterator[Result]:
    """Every check, in the order an operator would fix things."""
    yield from django_checks(deploy)
    steps: list[Callable[[], Result | None]] = [
        lambda: secret_key(deploy), lambda: debug(deploy), lambda: hosts(deploy), data_dir,
        database, sqlite_wal, redis, blob_storage, lambda: email(deploy),
        lambda: web_push(deploy),
    ]
    for step in steps:
        result = step()
        if result is not None:
            yield result
