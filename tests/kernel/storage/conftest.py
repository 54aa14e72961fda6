from __future__ import annotations

import base64
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings

from tests.kernel.storage.s3server import moto_server_path, running_moto, s3_client


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """A real S3-compatible endpoint: `moto_server` in its own process, on a free port."""
    program = moto_server_path()
    if program is None:
        pytest.skip("moto_server not installed (pip install -e '.[dev]' installs moto[server])")
    with running_moto(program) as url:
        yield url


@pytest.fixture
def bucket(s3_endpoint):
    """A fresh bucket; returns (name, boto3 client)."""
    name = f"atrium-{uuid.uuid4().hex[:16]}"
    client = s3_client(s3_endpoint)
    client.create_bucket(Bucket=name)
    return name, client


@pytest.fixture
def data_dir(tmp_path: Path) -> Iterator[Path]:
    with override_settings(DATA_DIR=tmp_path):
        yield tmp_path


@pytest.fixture
def key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


def use_blobs(config: dict):
    return override_settings(STORAGES={**settings.STORAGES, "blobs": config})
