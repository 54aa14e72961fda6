"""Running Atrium for the real-time benchmarks: `atrium serve` on a fresh data folder (and a
fresh PostgreSQL database in scaled mode), filled by atrium_setup.py."""

from __future__ import annotations

import json
import os
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from rtbench import procs

HERE = Path(__file__).resolve().parent
ATRIUM = procs.ROOT / ".venv" / "bin" / "atrium"


def environment(data_dir: Path, port: int, database_url: str = "", redis_url: str = ""
                ) -> dict[str, str]:
    """The parent's environment without Atrium or Django settings, plus the bench's."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("ATRIUM_", "DJANGO_"))
           and key not in ("DATABASE_URL", "REDIS_URL")}
    env.update(ATRIUM_DATA_DIR=str(data_dir), ATRIUM_SITE_URL=f"http://127.0.0.1:{port}")
    if database_url:
        env["DATABASE_URL"] = database_url
    if redis_url:
        env["REDIS_URL"] = redis_url
    if os.environ.get("BENCH_SRC"):  # measure a snapshot of src/ (e.g. `git archive HEAD`)
        env["PYTHONPATH"] = os.environ["BENCH_SRC"]
    return env


@dataclass
class Atrium:
    process: subprocess.Popen
    port: int
    data_dir: Path
    env: dict[str, str]
    log: Path
    workers: int
    info: dict = field(default_factory=dict)
    tokens_file: Path | None = None
    wrapped: bool = False

    def stop(self) -> None:
        procs.stop(self.process)

    def worker_pids(self) -> list[int]:
        """The processes that hold sockets: uvicorn's workers, or the server itself."""
        if self.workers == 1:
            return [self.process.pid]
        return worker_pids(self.process.pid)

    def tokens(self) -> list[str]:
        assert self.tokens_file is not None
        return [line for line in self.tokens_file.read_text().splitlines() if line]

    def post_path(self) -> str:
        if self.wrapped:
            return f"/__bench/post/{self.info['channel_id']}"
        return f"/api/v1/chat/channels/{self.info['channel_id']}/messages"


def worker_pids(parent: int) -> list[int]:
    """uvicorn's worker processes under its supervisor (not multiprocessing's helpers)."""
    found = []
    for pid in procs.children(parent):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"spawn_main" in cmdline:
            found.append(pid)
    return found


def wait_healthy(port: int, process: subprocess.Popen, log: Path, timeout: float = 120) -> None:
    procs.wait_port(port, process, timeout, log)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        if process.poll() is not None:
            raise RuntimeError(f"atrium serve exited:\n{log.read_text()[-3000:]}")
        time.sleep(0.1)
    raise RuntimeError("atrium serve did not become healthy")


def launch(data_dir: Path, port: int, env: dict[str, str], workers: int, log: Path,
           wrapped: bool = False) -> subprocess.Popen:
    argv = [str(ATRIUM), "serve", "--host", "127.0.0.1", "--port", str(port)]
    if wrapped:  # atrium serve plus a bench-only posting route (see atrium_app.py)
        argv = [procs.PYTHON, str(HERE / "atrium_app.py"), "--port", str(port)]
    if workers > 1:
        argv += ["--workers", str(workers)]
    process = procs.spawn(argv, log=log, env=env)
    wait_healthy(port, process, log)
    return process


def start(root: Path, people: int, workers: int = 1, database_url: str = "",
          redis_url: str = "", channel_members: int = -1, wrapped: bool = False) -> Atrium:
    """Prepare and fill a data folder, then start `atrium serve` on it."""
    data_dir = root / "atrium-data"
    port = procs.free_port()
    env = environment(data_dir, port, database_url, redis_url)
    log = root / "atrium-serve.log"
    tokens_file, out = root / "atrium-tokens.txt", root / "atrium-setup.json"
    subprocess.run([procs.PYTHON, str(HERE / "atrium_setup.py"), "--people", str(people),
                    "--tokens", str(tokens_file), "--out", str(out),
                    "--channel-members", str(channel_members)],
                   env=env, check=True, cwd=root)
    process = launch(data_dir, port, env, workers, log, wrapped)
    server = Atrium(process, port, data_dir, env, log, workers,
                    json.loads(out.read_text()), tokens_file, wrapped)
    return server


def restart(server: Atrium, hard: bool = True) -> float:
    """Kill the server (SIGKILL when `hard`) and start it again on the same port; returns
    the moment (wall clock) it answered again."""
    if hard:
        procs.kill_hard(server.process)
    else:
        server.stop()
    server.process = launch(server.data_dir, server.port, server.env, server.workers,
                            server.log, server.wrapped)
    return time.time()


def choose_route(server: Atrium) -> str:
    """Post through the chat HTTP API when it exists; otherwise restart the same data folder
    with the bench-only route (atrium_app.py). Returns what is used."""
    token = server.tokens()[0]
    request = urllib.request.Request(
        f"http://127.0.0.1:{server.port}{server.post_path()}", method="POST",
        data=json.dumps({"body": "hello from the bench"}).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            status = answer.status
    except urllib.error.HTTPError as error:
        status = error.code
    if 200 <= status < 300:
        return "chat HTTP API"
    if status not in (404, 405):
        raise RuntimeError(f"posting through the API answered HTTP {status}")
    server.stop()
    server.wrapped = True
    server.process = launch(server.data_dir, server.port, server.env, server.workers,
                            server.log, wrapped=True)
    return "bench route calling do_post_message (no chat HTTP API yet)"
