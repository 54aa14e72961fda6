"""Drive: 1 GiB through `atrium serve`, 10,000 files in a folder, a folder ZIP, dedup.

    .venv/bin/python bench/drive.py            # 1 GiB, 10,000 files, 20 x 50 MiB (~5 min)
    .venv/bin/python bench/drive.py --quick    # 64 MiB, 1,000 files, 5 x 5 MiB (smoke run)

`atrium serve` (one worker, SQLite, the local disk) on a fresh data folder filled by
drivebench/setup.py; a separate client (this process, standard library, a new connection
per operation, 1 MiB reads) on loopback. Each case has a baseline in the same run:

1. Throughput of a file of random bytes: upload by tus (PATCHes of 32 MiB, then
   `files/from-upload`) and by WebDAV PUT; download by the API and by WebDAV GET, read in
   1 MiB chunks and discarded. Baselines: `cp --reflink=never` of the same file on the same
   disk (page cache warm, no fsync: the in-kernel copy speed, the best case), and a read of
   the stored blob file in 1 MiB chunks. Copy, read and downloads alternate `--runs` times;
   medians. The server's VmRSS is sampled every 50 ms during each transfer. The same upload
   and downloads again on a second fresh server with `ATRIUM_ENCRYPTION_KEY` set.
2. A folder of 10,000 files: the API's first page, paging through all with the cursor, and
   the HTML folder page a person sees, p50/p95 over `--requests` warm requests; baselines
   the same requests on folders of 200 files (one page) and 20 files, and /healthz.
3. A folder ZIP (a copy of the big file, no bytes copied, plus 20 small notes): time to
   the first byte and in total; baseline the file's own download.
4. Dedup: `--people` people each upload the same file (multipart, the API) into their own
   drive; the blob folder's growth (`du`) against the logical bytes, and the admin figures.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from drivebench import cases, report
from drivebench.cases import MiB
from rtbench import procs


def make_file(path: Path, size: int) -> str:
    """`size` random bytes; returns their SHA-256."""
    digest = hashlib.sha256()
    with path.open("wb") as out:
        left = size
        while left:
            block = os.urandom(min(8 * MiB, left))
            digest.update(block)
            out.write(block)
            left -= len(block)
    return digest.hexdigest()


def commit() -> str:
    def git(*argv: str) -> str:
        return subprocess.run(["git", *argv], cwd=procs.ROOT, capture_output=True,
                              text=True).stdout.strip()
    dirty = " (+ uncommitted changes)" if git("status", "--porcelain", "src") else ""
    return git("rev-parse", "--short", "HEAD") + dirty


def load() -> str:
    return ", ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, a smoke run")
    parser.add_argument("--size-mib", type=int, help="the big file (default 1024; quick 64)")
    parser.add_argument("--files", type=int, help="files in one folder (10,000; quick 1,000)")
    parser.add_argument("--people", type=int, help="dedup uploaders (20; quick 5)")
    parser.add_argument("--dedup-mib", type=int, help="the shared file (50; quick 5)")
    parser.add_argument("--runs", type=int, default=3, help="copy/download alternations")
    parser.add_argument("--requests", type=int, default=30, help="listing requests timed")
    parser.add_argument("--chunk-mib", type=int, default=32, help="tus PATCH size")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    size = (args.size_mib or (64 if args.quick else 1024)) * MiB
    files = args.files or (1000 if args.quick else 10_000)
    people = args.people or (5 if args.quick else 20)
    shared = (args.dedup_mib or (5 if args.quick else 50)) * MiB

    niceness = procs.prioritise()
    began, load_before, measured = time.monotonic(), load(), commit()
    print(f"# drive bench, commit {measured}, niceness {niceness}, load {load_before}",
          flush=True)
    with tempfile.TemporaryDirectory(prefix="drive-bench-") as tmp:
        root = Path(tmp)
        big, same = root / "big.bin", root / "same.bin"
        sha = make_file(big, size)
        make_file(same, shared)

        server = cases.start(root / "plain", files, people)
        try:
            print(f"setup: {server.info['seconds']} s; listing…", flush=True)
            rows = cases.listing(server, args.requests, walks=3)
            print("dedup…", flush=True)
            dd = cases.dedup(server, same)
            print("uploads…", flush=True)
            tus, big_id = cases.upload_tus(server, big, args.chunk_mib * MiB, "big.bin")
            dav = cases.upload_dav(server, big, "big-dav.bin")
            print("downloads…", flush=True)
            copy, read, *downs = cases.downloads_against_copy(
                server, big, sha, big_id, args.runs, dav_name="big-dav.bin")
            print("zip…", flush=True)
            zip_t = cases.folder_zip(server, big_id, runs=2)
        finally:
            server.atrium.stop()
        shutil.rmtree(root / "plain")

        key = base64.b64encode(os.urandom(32)).decode()
        enc = cases.start(root / "encrypted", 0, 0, {"ATRIUM_ENCRYPTION_KEY": key})
        try:
            print("encrypted…", flush=True)
            etus, enc_id = cases.upload_tus(enc, big, args.chunk_mib * MiB, "big.bin")
            ecopy, eread, edown = cases.downloads_against_copy(enc, big, sha, enc_id,
                                                               args.runs)
        finally:
            enc.atrium.stop()

    etus.name, eread.name = f"encrypted: {etus.name}", "encrypted: baseline: read the " \
        "stored (encrypted) file"
    edown.name, ecopy.name = "encrypted: download, API GET", "encrypted: baseline: cp " \
        "(again, beside these runs)"
    html = next(t for t in rows if t.name.startswith("HTML folder page")
                and "shown" in t.name)
    first_page = next(t for t in rows if "first page" in t.name)
    lines = [
        f"Date {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit {measured}, "
        f"{os.cpu_count()} cores, load average {load_before} before, {load()} after, "
        f"{time.monotonic() - began:.0f} s in all. File {size / MiB:,.0f} MiB.", "",
        *report.throughput([copy, read, tus, dav, *downs], copy), "",
        *report.throughput([ecopy, eread, etus, edown], ecopy), "",
        *report.listing(rows), "",
        *report.zipped(zip_t, downs[0]), "",
        *report.dedup(dd), "",
        *report.goals(downs[0], copy, first_page, html, zip_t, dd),
    ]
    print("\n".join(lines))
    if args.json:
        args.json.write_text(json.dumps({
            "transfers": [vars(t) for t in (copy, read, tus, dav, *downs, ecopy, eread, etus,
                                            edown, zip_t)],
            "listing": [vars(t) for t in rows], "dedup": dd}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
