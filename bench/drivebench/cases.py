"""The drive benchmark's cases, each measured against a baseline in the same run."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rtbench import atrium, procs

from drivebench import client
from drivebench.client import Memory, bearer

HERE = Path(__file__).resolve().parent
MiB = 1024 * 1024


@dataclass
class Server:
    """`atrium serve` (one worker, SQLite, local disk) on a data folder filled by setup.py."""

    atrium: atrium.Atrium
    info: dict[str, Any]

    @property
    def port(self) -> int:
        return self.atrium.port

    @property
    def owner(self) -> dict[str, str]:
        return bearer(self.info["owner_token"])

    def memory(self) -> Memory:
        return Memory(self.atrium.process.pid)

    def blobs(self) -> Path:
        return self.atrium.data_dir / "blobs"


def start(root: Path, files: int, people: int, extra_env: dict[str, str] | None = None
          ) -> Server:
    root.mkdir(parents=True, exist_ok=True)
    data_dir, port = root / "atrium-data", procs.free_port()
    env = {**atrium.environment(data_dir, port), **(extra_env or {})}
    out, log = root / "setup.json", root / "atrium-serve.log"
    subprocess.run([procs.PYTHON, str(HERE / "setup.py"), "--files", str(files),
                    "--people", str(people), "--out", str(out)],
                   env=env, check=True, cwd=root)
    process = atrium.launch(data_dir, port, env, 1, log)
    info = json.loads(out.read_text())
    return Server(atrium.Atrium(process, port, data_dir, env, log, 1, info), info)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


@dataclass
class Timing:
    name: str
    seconds: list[float] = field(default_factory=list)
    note: str = ""

    @property
    def p50(self) -> float:
        return statistics.median(self.seconds)

    @property
    def p95(self) -> float:
        return pct(self.seconds, 0.95)


def timed_gets(server: Server, name: str, path: str, headers: dict[str, str], count: int,
               warm: int = 3) -> Timing:
    timing = Timing(name)
    for n in range(warm + count):
        began = time.perf_counter()
        status, _headers, body = client.call(server.port, "GET", path, headers)
        spent = time.perf_counter() - began
        if status != 200:
            raise RuntimeError(f"GET {path} answered {status}: {body[:300]!r}")
        if n >= warm:
            timing.seconds.append(spent)
        timing.note = f"{len(body) / 1024:.0f} KiB"
    return timing


def listing(server: Server, count: int, walks: int) -> list[Timing]:
    """The folder of `files` files: API first page, paging through it, the HTML page;
    baselines: the same on folders of 200 files (one page) and 20 files, and /healthz."""
    info, owner = server.info, server.owner
    many, page, small = info["many_id"], info["page_id"], info["zip_id"]
    slug = info["space_slug"]
    cookie = {"Cookie": info["cookie"]}
    rows = [
        timed_gets(server, "/healthz (floor)", "/healthz", {}, count),
        timed_gets(server, "API list, 20-file folder (baseline)",
                   f"/api/v1/drive/nodes/{small}/children", owner, count),
        timed_gets(server, "API list, 200-file folder (baseline)",
                   f"/api/v1/drive/nodes/{page}/children", owner, count),
        timed_gets(server, f"API list, {info['files']:,}-file folder, first page (200)",
                   f"/api/v1/drive/nodes/{many}/children", owner, count),
        timed_gets(server, "  same, newest first (order=-modified)",
                   f"/api/v1/drive/nodes/{many}/children?order=-modified", owner, count),
        timed_gets(server, "HTML folder page, 20 files (baseline)",
                   f"/s/{slug}/drive/n/{small}/", cookie, count),
        timed_gets(server, "HTML folder page, 200 files (baseline)",
                   f"/s/{slug}/drive/n/{page}/", cookie, count),
        timed_gets(server, f"HTML folder page, {info['files']:,} files (200 shown)",
                   f"/s/{slug}/drive/n/{many}/", cookie, count),
    ]
    pages, totals, seen = Timing("  API paging, each page of 200 (cursor)"), [], 0
    for _walk in range(walks):
        began, cursor, seen = time.perf_counter(), "", 0
        while True:
            path = f"/api/v1/drive/nodes/{many}/children" + (f"?cursor={cursor}" if cursor
                                                             else "")
            step = time.perf_counter()
            page = client.json_call(server.port, "GET", path, owner)
            pages.seconds.append(time.perf_counter() - step)
            seen += len(page["items"])
            cursor = page["next_cursor"]
            if not cursor:
                break
        totals.append(time.perf_counter() - began)
    if seen != info["files"]:
        raise RuntimeError(f"paging saw {seen} items, not {info['files']}")
    walk = Timing(f"API paging through all {seen:,} ({len(pages.seconds) // walks} pages)",
                  totals, f"{walks} walks")
    pages.note = f"{len(pages.seconds)} pages"
    return [*rows, walk, pages]


def du(path: Path) -> tuple[int, int]:
    """(apparent bytes, bytes of disk blocks) of a folder, as `du -sb` and `du -sB1` say."""
    def one(flag: str) -> int:
        out = subprocess.run(["du", "-s", flag, str(path)], capture_output=True, text=True,
                             check=True).stdout
        return int(out.split()[0])
    return one("-b"), one("-B1")


def dedup(server: Server, source: Path) -> dict[str, Any]:
    """Each person uploads the same file into their own drive (multipart, the API)."""
    before, figures_before = du(server.blobs()), client.json_call(
        server.port, "GET", "/api/v1/drive/dedup", server.owner)
    seconds = []
    for token in server.info["people_tokens"]:
        root = client.json_call(server.port, "GET", "/api/v1/drive/me", bearer(token))
        began = time.perf_counter()
        client.multipart_upload(server.port, token, root["root"]["id"], source)
        seconds.append(time.perf_counter() - began)
    after = du(server.blobs())
    figures = client.json_call(server.port, "GET", "/api/v1/drive/dedup", server.owner)
    return {"people": len(seconds), "size": source.stat().st_size,
            "upload_p50": statistics.median(seconds), "upload_max": max(seconds),
            "du_apparent": after[0] - before[0], "du_blocks": after[1] - before[1],
            "api_stored": figures["stored_bytes"] - figures_before["stored_bytes"],
            "api_logical": figures["logical_bytes"] - figures_before["logical_bytes"],
            "api_saved": figures["saved_bytes"] - figures_before["saved_bytes"]}


def copy_once(source: Path) -> float:
    """`cp --reflink=never` of the file beside itself (same disk); the copy is then removed
    and dirty pages written back, untimed, so steps do not inherit each other's writeback."""
    target = source.with_suffix(".copy")
    began = time.perf_counter()
    subprocess.run(["cp", "--reflink=never", str(source), str(target)], check=True)
    spent = time.perf_counter() - began
    target.unlink()
    os.sync()
    return spent


def read_once(path: Path) -> float:
    """Read a file in 1 MiB chunks and discard them (what a download does, minus HTTP)."""
    buffer = bytearray(client.BLOCK)
    began = time.perf_counter()
    with path.open("rb", buffering=0) as stream:
        while stream.readinto(buffer):
            pass
    return time.perf_counter() - began


@dataclass
class Transfer:
    name: str
    seconds: list[float] = field(default_factory=list)
    peak_kib: list[int] = field(default_factory=list)
    before_kib: list[int] = field(default_factory=list)
    first_byte: list[float] = field(default_factory=list)
    size: int = 0

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    def mb_s(self) -> float:
        return self.size / MiB / self.median

    def add(self, seconds: float, memory: Memory | None = None, first: float = 0.0) -> None:
        self.seconds.append(seconds)
        self.first_byte.append(first)
        if memory is not None:
            self.before_kib.append(memory.before_kib)
            self.peak_kib.append(memory.peak_kib)


def upload_tus(server: Server, source: Path, chunk: int, name: str) -> tuple[Transfer, int]:
    """tus in PATCHes of `chunk` bytes, then `files/from-upload` into the drive's root."""
    result = Transfer(f"upload, tus ({chunk // MiB} MiB PATCHes) + from-upload",
                      size=source.stat().st_size)
    memory = server.memory()
    with memory.watch():
        began = time.perf_counter()
        upload_id = client.tus_upload(server.port, server.info["owner_token"], source, chunk)
        node = client.json_call(server.port, "POST",
                                f"/api/v1/drive/nodes/{server.info['root_id']}/files/"
                                "from-upload", server.owner,
                                {"upload_id": upload_id, "name": name})
        spent = time.perf_counter() - began
    result.add(spent, memory)
    return result, int(node["id"])


def upload_dav(server: Server, source: Path, name: str) -> Transfer:
    result = Transfer("upload, WebDAV PUT", size=source.stat().st_size)
    memory = server.memory()
    with memory.watch():
        began = time.perf_counter()
        client.dav_put(server.port, server.info["owner_token"],
                       f"/dav/{server.info['space_slug']}/{name}", source)
        spent = time.perf_counter() - began
    result.add(spent, memory)
    return result


def download(server: Server, path: str, headers: dict[str, str], result: Transfer) -> None:
    memory = server.memory()
    with memory.watch():
        got = client.fetch(server.port, path, headers)
    if got.status != 200 or (result.size and got.size != result.size):
        raise RuntimeError(f"GET {path}: {got.status}, {got.size} bytes")
    result.size = got.size
    result.add(got.seconds, memory, got.first_byte)


def downloads_against_copy(server: Server, source: Path, sha256: str, node_id: int,
                           runs: int, dav_name: str = "") -> list[Transfer]:
    """Copy, read and download (API, and WebDAV GET when `dav_name`) in turn, `runs` times,
    so drift on a shared machine hits all alike."""
    size = source.stat().st_size
    copy, read = Transfer("baseline: cp --reflink=never", size=size), \
        Transfer("baseline: read the stored file, 1 MiB chunks", size=size)
    api = Transfer("download, API GET", size=size)
    dav = Transfer("download, WebDAV GET", size=size)
    blob = stored_file(server, sha256)
    for _run in range(runs):
        copy.add(copy_once(source))
        read.add(read_once(blob))
        download(server, f"/api/v1/drive/nodes/{node_id}/download", server.owner, api)
        if dav_name:
            download(server, f"/dav/{server.info['space_slug']}/{dav_name}",
                     client.basic(server.info["owner_token"]), dav)
    return [copy, read, api, *([dav] if dav_name else [])]


def stored_file(server: Server, sha256: str) -> Path:
    """The blob's file in the local store (with encryption on: its ciphertext)."""
    path = server.blobs() / sha256[:2] / sha256[2:4] / sha256
    if path.exists():
        return path
    return max((p for p in server.blobs().rglob("*") if p.is_file()),
               key=lambda p: p.stat().st_size)


def folder_zip(server: Server, big_id: int, runs: int) -> Transfer:
    """The "zip" folder (20 small notes) plus a copy of the big file (no bytes copied)."""
    client.json_call(server.port, "POST", f"/api/v1/drive/nodes/{big_id}/copy", server.owner,
                     {"parent_id": server.info["zip_id"]})
    result = Transfer("folder ZIP, streamed (API GET)")
    for _run in range(runs):
        download(server, f"/api/v1/drive/nodes/{server.info['zip_id']}/download",
                 server.owner, result)
    return result
