"""Matrix Synapse as a peer: its own virtualenv, a config bound to 127.0.0.1, users registered
with the shared-secret admin API, one room everyone joins.

The virtualenv is made on first use: `python3 -m venv bench/.synapse-venv` and
`pip install 'matrix-synapse[postgres]'` (ignored by git).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import secrets
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from rtbench import procs
from rtbench.sender import HttpConnection

VENV = procs.BENCH / ".synapse-venv"
SYNAPSE_PYTHON = VENV / "bin" / "python"
SECRET = "bench-shared-secret-" + secrets.token_hex(8)
PASSWORD = "bench-password"
BIG = {"per_second": 1_000_000, "burst_count": 1_000_000}


def ensure_venv() -> None:
    if SYNAPSE_PYTHON.exists():
        probe = subprocess.run([str(SYNAPSE_PYTHON), "-c", "import synapse, psycopg2"],
                               capture_output=True)
        if probe.returncode == 0:
            return
    print("Installing Matrix Synapse into bench/.synapse-venv (first run only)…", flush=True)
    subprocess.run(["python3", "-m", "venv", str(VENV)], check=True)
    subprocess.run([str(VENV / "bin" / "pip"), "install", "-q", "matrix-synapse[postgres]"],
                   check=True)


def version() -> str:
    out = subprocess.run([str(SYNAPSE_PYTHON), "-c",
                          "import synapse; print(synapse.__version__)"],
                         capture_output=True, text=True)
    return out.stdout.strip()


def overrides(port: int, database: dict | None) -> dict:
    """Bench settings laid over the generated config: loopback only, no rate limits, no
    presence, fast password hashing for the registrations."""
    config: dict = {
        "listeners": [{"port": port, "bind_addresses": ["127.0.0.1"], "type": "http",
                       "tls": False, "x_forwarded": False,
                       "resources": [{"names": ["client"], "compress": False}]}],
        "registration_shared_secret": SECRET,
        "enable_registration": False,
        "report_stats": False,
        "trusted_key_servers": [],
        "suppress_key_server_warning": True,
        "bcrypt_rounds": 4,
        "presence": {"enabled": False},
        "rc_message": BIG, "rc_registration": BIG, "rc_admin_redaction": BIG,
        "rc_login": {"address": BIG, "account": BIG, "failed_attempts": BIG},
        "rc_joins": {"local": BIG, "remote": BIG},
        "rc_joins_per_room": BIG,
        "rc_invites": {"per_room": BIG, "per_user": BIG, "per_issuer": BIG},
        "rc_3pid_validation": BIG,
        "rc_presence": {"per_user": BIG},
        "rc_room_creation": BIG,
    }
    if database:
        config["database"] = {"name": "psycopg2", "args": {**database, "cp_min": 5,
                                                           "cp_max": 10}}
    return config


@dataclass
class Synapse:
    process: subprocess.Popen
    port: int
    folder: Path
    log: Path

    def stop(self) -> None:
        procs.stop(self.process)


def start(folder: Path, database: dict | None = None) -> Synapse:
    import yaml

    ensure_venv()
    folder.mkdir(parents=True, exist_ok=True)
    port = procs.free_port()
    config = folder / "homeserver.yaml"
    log = folder / "synapse-stdout.log"
    subprocess.run([str(SYNAPSE_PYTHON), "-m", "synapse.app.homeserver",
                    "--server-name", "bench.local", "--config-path", str(config),
                    "--data-directory", str(folder), "--generate-config",
                    "--report-stats=no"], check=True, capture_output=True, cwd=folder)
    extra = folder / "bench-overrides.yaml"
    extra.write_text(yaml.safe_dump(overrides(port, database)))
    process = procs.spawn([str(SYNAPSE_PYTHON), "-m", "synapse.app.homeserver",
                           "-c", str(config), "-c", str(extra)], log=log, cwd=folder)
    procs.wait_port(port, process, timeout=120, log=log)
    return Synapse(process, port, folder, log)


class Api:
    """A few kept-alive connections to the client-server API."""

    def __init__(self, port: int, connections: int = 8) -> None:
        self.port = port
        self.pool: asyncio.Queue[HttpConnection] = asyncio.Queue()
        for _ in range(connections):
            self.pool.put_nowait(HttpConnection(port))

    async def call(self, method: str, path: str, body: dict | None = None,
                   token: str = "") -> dict:
        connection = await self.pool.get()
        try:
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            data = json.dumps(body or {}).encode() if method != "GET" else b""
            for attempt in range(5):
                status, answer = await connection.request(method, path, data, headers)
                if status == 429 or status >= 500:
                    await asyncio.sleep(0.2 * (attempt + 1))
                    continue
                break
            if status >= 300:
                raise RuntimeError(f"{method} {path}: HTTP {status} {answer[:300]!r}")
            return json.loads(answer or b"{}")
        finally:
            self.pool.put_nowait(connection)

    async def register(self, username: str) -> dict:
        nonce = (await self.call("GET", "/_synapse/admin/v1/register"))["nonce"]
        mac = hmac.new(SECRET.encode(), digestmod=hashlib.sha1)
        mac.update(f"{nonce}\x00{username}\x00{PASSWORD}\x00notadmin".encode())
        return await self.call("POST", "/_synapse/admin/v1/register", {
            "nonce": nonce, "username": username, "password": PASSWORD, "admin": False,
            "mac": mac.hexdigest()})


async def populate(port: int, users: int) -> tuple[list[str], str, dict[str, float]]:
    """Register `users` people (the first also sends), create one public room, join all.
    Returns their access tokens, the room id and the seconds each phase took."""
    api = Api(port)
    timings: dict[str, float] = {}
    began = time.monotonic()
    gate = asyncio.Semaphore(8)

    async def one(number: int) -> str:
        async with gate:
            return str((await api.register(f"bench{number}"))["access_token"])

    tokens = await asyncio.gather(*(one(n) for n in range(users)))
    timings["register"] = time.monotonic() - began
    began = time.monotonic()
    room = (await api.call("POST", "/_matrix/client/v3/createRoom",
                           {"preset": "public_chat", "name": "bench"}, tokens[0]))["room_id"]
    path = f"/_matrix/client/v3/join/{quote(room)}"

    async def join(token: str) -> None:
        async with gate:
            await api.call("POST", path, {}, token)

    await asyncio.gather(*(join(token) for token in tokens[1:]))
    timings["join"] = time.monotonic() - began
    return list(tokens), room, timings
