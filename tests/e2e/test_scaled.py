"""Scaled mode: `atrium serve --workers 2` on PostgreSQL and Redis, set up and used over HTTP,
with requests answered by both worker processes sharing one session."""

from __future__ import annotations

import http.client
import os
import time
from pathlib import Path

import pytest

from tests.e2e.httpclient import Visitor
from tests.e2e.server import running_server

DATABASE_URL = os.environ.get("ATRIUM_TEST_DATABASE_URL", "")
REDIS_URL = os.environ.get("ATRIUM_TEST_REDIS_URL", "")
PASSWORD = "Atrium-scaled-Passw0rd!"
MAX_CONNECTIONS = 200
TIME_LIMIT = 60.0

pytestmark = pytest.mark.skipif(
    not (DATABASE_URL and REDIS_URL),
    reason="scaled mode needs ATRIUM_TEST_DATABASE_URL (PostgreSQL) and ATRIUM_TEST_REDIS_URL",
)


def children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def socket_owners(pids: set[int]) -> dict[int, int]:
    """Socket inode -> the process holding it."""
    owners = {}
    for pid in pids:
        for fd in Path(f"/proc/{pid}/fd").glob("*"):
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:["):
                owners[int(target[8:-1])] = pid
    return owners


def server_side_inode(client_port: int, server_port: int) -> int | None:
    """The inode of the server's end of the TCP connection coming from `client_port`."""
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local, remote = fields[1], fields[2]
            if (int(local.rsplit(":", 1)[1], 16) == server_port
                    and int(remote.rsplit(":", 1)[1], 16) == client_port):
                return int(fields[9])
    return None


def test_two_workers_on_postgres_and_redis():
    """First run and sign-in over HTTP, then pages answer from both workers, then it stops."""
    with running_server("--workers", "2", database_url=DATABASE_URL, redis_url=REDIS_URL,
                        prefix="atrium-scaled-") as server:
        owner = Visitor(server.url)
        created = owner.submit(f"/setup/?token={server.setup_token()}", {
            "token": server.setup_token(), "org_name": "Scaled Org",
            "full_name": "Sacha Scale", "email": "sacha@example.org", "password": PASSWORD,
        })
        assert created.status == 302, created.text[:2000]
        assert created.location.endswith("/?welcome=1")

        person = Visitor(server.url)
        signed_in = person.submit("/accounts/login/", {"login": "sacha@example.org",
                                                       "password": PASSWORD})
        assert signed_in.status == 302, signed_in.text[:2000]
        session = person.cookie("sessionid")
        assert session

        port = int(server.url.rsplit(":", 1)[1])
        workers = children(server.process.pid)
        served_by: dict[int, int] = {}
        connections = []
        started = time.monotonic()
        try:
            while (len(set(served_by.values())) < 2 and len(connections) < MAX_CONNECTIONS
                   and time.monotonic() - started < TIME_LIMIT):
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
                connections.append(connection)
                connection.request("GET", "/spaces/", headers={"Cookie": f"sessionid={session}"})
                response = connection.getresponse()
                body = response.read().decode()
                assert response.status == 200, body[:2000]
                assert "Sacha Scale" in body
                client_port = connection.sock.getsockname()[1]
                inode = server_side_inode(client_port, port)
                owner_pid = socket_owners(workers).get(inode) if inode else None
                if owner_pid is not None:
                    served_by[client_port] = owner_pid
        finally:
            for connection in connections:
                connection.close()
        assert len(set(served_by.values())) == 2, (
            f"{len(connections)} connections were all served by {set(served_by.values())} "
            f"(workers: {workers})")
        assert person.get("/").status == 200
        assert person.get("/healthz").status == 200

    assert server.process.returncode == 0, server.log()
    deadline = time.monotonic() + 10
    while alive(served_by.values()) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(served_by.values()), "workers left behind"


def alive(pids) -> list[int]:
    """The processes among `pids` still running (zombies count as ended)."""
    running = []
    for pid in set(pids):
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            running.append(pid)
    return running
