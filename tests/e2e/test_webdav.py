"""WebDAV against a real `atrium serve`: rclone (Debian's, a client no one here wrote)
copies a folder tree up and back and the bytes match; a changed file synced again becomes a
new version in the drive; a large PUT and GET stream through without the server holding
them in memory; hostile encoded paths are refused by the real server."""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
from base64 import b64encode
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.api.test_api_uploads import _memory, _owner_token, _reset_peak
from tests.e2e.conftest import postgres_url
from tests.e2e.server import Server, clean_environment, start_server, temporary_postgres

EMAIL = "uma@example.org"  # the owner `_owner_token` sets up
BIG = 200 * 1024 * 1024
RSS_GROWTH_LIMIT = 100 * 1024 * 1024

pytestmark = pytest.mark.skipif(shutil.which("rclone") is None,
                                reason="rclone not installed (apt-get install rclone)")


@contextlib.contextmanager
def served() -> Iterator[tuple[Server, dict[str, str]]]:
    """A fresh server and the environment its process runs with (to ask its database)."""
    admin_url = postgres_url()
    with contextlib.ExitStack() as stack:
        root = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="atrium-dav-")))
        extra = {"DATABASE_URL": stack.enter_context(temporary_postgres(admin_url))} \
            if admin_url else {}
        env = clean_environment(**extra)
        server = start_server(root / "data", env=env)
        try:
            yield server, {**env, "ATRIUM_DATA_DIR": str(server.data_dir),
                           "DJANGO_SETTINGS_MODULE": "atrium.settings"}
        finally:
            server.stop()


def versions_in_drive(env: dict[str, str], path: str) -> list[int]:
    """The version numbers of a file of the owner's drive, read through the drive's queries
    in a process of its own on the server's database."""
    code = (
        "import django, json, sys; django.setup()\n"
        "from atrium.kernel.models import User\n"
        "from atrium.modules.drive import actions, queries\n"
        f"user = User.objects.get(email={EMAIL!r})\n"
        "node = actions.personal_drive(user)\n"
        f"for part in {path.split('/')!r}:\n"
        "    node = queries.by_path_key(node, part)\n"
        "print(json.dumps([v.number for v in queries.versions(user, node)]))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, timeout=60, check=True)
    return list(json.loads(done.stdout.strip().splitlines()[-1]))


def make_tree(root: Path) -> None:
    (root / "nested" / "deeper" / "deepest").mkdir(parents=True)
    (root / "empty folder").mkdir()
    (root / "empty.txt").write_bytes(b"")
    (root / "notes with spaces.txt").write_text("some notes\n")
    (root / "Résumé été.txt").write_text("accents\n", encoding="utf-8")
    (root / "nested" / "日本語のファイル.md").write_text("# 日本語\n", encoding="utf-8")
    (root / "nested" / "deeper" / "random.bin").write_bytes(os.urandom(3 * 1024 * 1024 + 17))
    (root / "nested" / "deeper" / "deepest" / "data.csv").write_text("a,b\n1,2\n")


def files_of(root: Path) -> dict[str, str]:
    return {str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(root.rglob("*")) if path.is_file()}


def rclone(token: str, url: str, *args: str, config: Path) -> subprocess.CompletedProcess:
    obscured = subprocess.run(["rclone", "obscure", token], capture_output=True, text=True,
                              check=True).stdout.strip()
    command = ["rclone", "--config", str(config), *args, "--webdav-url", f"{url}/dav/",
               "--webdav-vendor", "other", "--webdav-user", EMAIL, "--webdav-pass", obscured,
               "--retries", "1", "--low-level-retries", "1"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    return done


def test_rclone_copies_a_tree_up_and_back_and_syncs_a_new_version(tmp_path):
    """Nested folders, an empty file and folder, 3 MB of random bytes, accented, Japanese
    and spaced names go up with `rclone copy` and come back identical (`rclone check
    --download` compares the bytes, and so does this test). A file changed and synced again
    is a second version of the same file in the drive; the others stay at one version."""
    source, back, config = tmp_path / "source", tmp_path / "back", tmp_path / "rclone.conf"
    make_tree(source)
    config.write_text("")
    with served() as (server, env):
        token = _owner_token(server)
        remote = ":webdav:~personal/tree"
        rclone(token, server.url, "copy", str(source), remote, "--create-empty-src-dirs",
               config=config)
        rclone(token, server.url, "copy", remote, str(back), "--create-empty-src-dirs",
               config=config)
        assert files_of(back) == files_of(source)
        assert (back / "empty folder").is_dir()
        rclone(token, server.url, "check", str(source), remote, "--download", config=config)

        with (source / "notes with spaces.txt").open("a") as notes:
            notes.write("one more line\n")  # a new size: rclone compares sizes over WebDAV
        rclone(token, server.url, "sync", str(source), remote, config=config)
        assert versions_in_drive(env, "tree/notes with spaces.txt") == [2, 1]
        assert versions_in_drive(env, "tree/nested/deeper/random.bin") == [1]
        assert versions_in_drive(env, "tree/Résumé été.txt") == [1]


def _request(server: Server, token: str, method: str, path: str, body=None,
             headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    host, port = server.url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=120)
    auth = b64encode(f"{EMAIL}:{token}".encode()).decode()
    connection.request(method, path, body=body,
                       headers={"Authorization": f"Basic {auth}", **(headers or {})})
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, data


@pytest.mark.once
def test_large_put_and_get_stream_and_encoded_traversal_is_refused(tmp_path):
    """200 MB go up by PUT and come back by GET with the same SHA-256 while the server's
    peak memory grows by less than 100 MB; `%2e%2e` and `%00` in paths answer 400 and
    store nothing."""
    chunk = os.urandom(1024 * 1024)
    digest = hashlib.sha256()
    for _ in range(BIG // len(chunk)):
        digest.update(chunk)

    def body() -> Iterator[bytes]:
        for _ in range(BIG // len(chunk)):
            yield chunk

    with served() as (server, _env):
        token = _owner_token(server)
        pid = server.process.pid
        _reset_peak(pid)
        before = _memory(pid, "VmRSS")
        status, _ = _request(server, token, "PUT", "/dav/~personal/big.bin", body(),
                             {"Content-Length": str(BIG)})
        assert status == 201
        host, port = server.url.removeprefix("http://").split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=120)
        auth = b64encode(f"{EMAIL}:{token}".encode()).decode()
        connection.request("GET", "/dav/~personal/big.bin",
                           headers={"Authorization": f"Basic {auth}"})
        response = connection.getresponse()
        assert response.status == 200
        received = hashlib.sha256()
        while piece := response.read(1024 * 1024):
            received.update(piece)
        connection.close()
        assert received.hexdigest() == digest.hexdigest()
        growth = _memory(pid, "VmHWM") - before
        print(f"server peak memory growth for a {BIG >> 20} MB PUT and GET: {growth >> 20} MB")
        assert growth < RSS_GROWTH_LIMIT

        for path in ("/dav/~personal/%2e%2e/evil.txt", "/dav/~personal/a%00b.txt",
                     "/dav/~personal/%2E%2E/%2e%2e/evil.txt"):
            status, _ = _request(server, token, "PUT", path, b"evil")
            assert status == 400, path
        status, listing = _request(server, token, "PROPFIND", "/dav/~personal/", None,
                                   {"Depth": "1"})
        assert status == 207 and b"evil" not in listing and b"big.bin" in listing
