"""Starting the real `atrium serve` in a subprocess, on a free port and a fresh data folder.

Used by the browser tests, the scaled-mode test and the benchmarks in bench/.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

START_TIMEOUT = 60.0
STOP_TIMEOUT = 15.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def atrium_command() -> list[str]:
    """The `atrium` script installed beside this interpreter (the README's command)."""
    script = Path(sys.executable).parent / "atrium"
    if script.exists():
        return [str(script)]
    found = shutil.which("atrium")
    return [found] if found else [sys.executable, "-m", "atrium.cli"]


def clean_environment(**extra: str) -> dict[str, str]:
    """The parent's environment without any Atrium, Django or database setting, so the server
    sees only what the test gives it (mail then goes to files in the data folder)."""
    env = {
        key: value for key, value in os.environ.items()
        if not key.startswith(("ATRIUM_", "DJANGO_")) and key not in ("DATABASE_URL", "REDIS_URL")
    }
    env.update(extra)
    return env


@dataclass
class Server:
    url: str
    data_dir: Path
    process: subprocess.Popen
    log_path: Path
    started_in: float = 0.0
    extra: dict = field(default_factory=dict)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def setup_token(self) -> str:
        return (self.data_dir / "setup-token").read_text().strip()

    def stop(self) -> int | None:
        """Ask the server to stop (SIGINT, as Ctrl+C would), then insist."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(STOP_TIMEOUT)
        return self.process.returncode


def get(url: str, timeout: float = 5.0) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def wait_healthy(server: Server, timeout: float = START_TIMEOUT) -> float:
    """Poll /healthz until it answers 200; return the seconds it took. Fails with the log."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if server.process.poll() is not None:
            raise RuntimeError(f"atrium serve exited with {server.process.returncode}:\n"
                               f"{server.log()}")
        with contextlib.suppress(OSError):
            status, _body = get(f"{server.url}/healthz", timeout=2)
            if status == 200:
                return time.monotonic() - started
        time.sleep(0.05)
    server.stop()
    raise RuntimeError(f"atrium serve did not answer /healthz within {timeout:.0f}s:\n"
                       f"{server.log()}")


def start_server(data_dir: Path, *args: str, env: dict[str, str] | None = None,
                 wait: bool = True) -> Server:
    """Launch `atrium serve --port <free> [args]` with ATRIUM_DATA_DIR=data_dir."""
    port = free_port()
    data_dir.mkdir(parents=True, exist_ok=True)
    log_path = data_dir.parent / f"{data_dir.name}-serve-{port}.log"
    environment = env if env is not None else clean_environment()
    environment = {**environment, "ATRIUM_DATA_DIR": str(data_dir),
                   "ATRIUM_SITE_URL": f"http://127.0.0.1:{port}"}
    with log_path.open("wb") as log:
        launched = time.monotonic()
        process = subprocess.Popen(
            [*atrium_command(), "serve", "--port", str(port), *args],
            env=environment, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    server = Server(url=f"http://127.0.0.1:{port}", data_dir=data_dir, process=process,
                    log_path=log_path)
    if wait:
        wait_healthy(server)
        server.started_in = time.monotonic() - launched
    return server


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


@contextlib.contextmanager
def temporary_postgres(admin_url: str) -> Iterator[str]:
    """A fresh PostgreSQL database (created, then dropped) on the server of `admin_url`."""
    import psycopg
    from psycopg import sql

    name = f"atrium_e2e_{secrets.token_hex(6)}"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield with_database(admin_url, name)
    finally:
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
                               .format(sql.Identifier(name)))


@contextlib.contextmanager
def running_server(*args: str, database_url: str = "", redis_url: str = "",
                   prefix: str = "atrium-e2e-") -> Iterator[Server]:
    """A server on a fresh data folder (and a fresh PostgreSQL database when asked)."""
    with contextlib.ExitStack() as stack:
        root = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix=prefix)))
        extra: dict[str, str] = {}
        if database_url:
            extra["DATABASE_URL"] = stack.enter_context(temporary_postgres(database_url))
        if redis_url:
            extra["REDIS_URL"] = redis_url
        server = start_server(root / "data", *args, env=clean_environment(**extra))
        try:
            yield server
        finally:
            server.stop()
