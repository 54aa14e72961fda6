"""A real local S3 endpoint for tests: moto's `moto_server` program on 127.0.0.1."""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

KEYS = {"access_key": "atrium-test", "secret_key": "atrium-test-secret",
        "region_name": "us-east-1"}


def moto_server_path() -> str | None:
    beside = Path(sys.executable).parent / "moto_server"
    return str(beside) if beside.exists() else shutil.which("moto_server")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def running_moto(program: str, timeout: float = 30.0) -> Iterator[str]:
    """Start `moto_server` on a free port; yield its URL; stop it."""
    port = _free_port()
    process = subprocess.Popen([program, "-H", "127.0.0.1", "-p", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"moto_server exited: {process.stderr.read()!r}")
            try:
                urllib.request.urlopen(url + "/", timeout=1).close()
                break
            except urllib.error.HTTPError:
                break  # it answers
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("moto_server did not answer") from None
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stderr:
            process.stderr.close()


def s3_options(endpoint: str, bucket: str) -> dict:
    """The options settings.py builds from the ATRIUM_S3_* variables."""
    return {"bucket_name": bucket, "endpoint_url": endpoint, **KEYS, "location": "blobs",
            "file_overwrite": True, "default_acl": None, "querystring_auth": True}


def s3_client(endpoint: str):  # type: ignore[no-untyped-def]
    import boto3

    return boto3.client("s3", endpoint_url=endpoint, aws_access_key_id=KEYS["access_key"],
                        aws_secret_access_key=KEYS["secret_key"], region_name=KEYS["region_name"])
