"""S3 storage whose files read lazily with ranged GETs.

django-storages' `S3File` downloads the whole object into a temporary file on the first
`read()`: a Range request for the last megabyte of a 2 GB video would fetch 2 GB. Here
`open()` answers a seekable file that streams from where it is read (one GET per seek, then
reads continue on the same response), so downloads and encrypted segments cost what they use.
"""

from __future__ import annotations

import io
from typing import Any

from botocore.exceptions import ClientError
from django.core.files import File
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

from atrium.kernel.storage.seekable import SizedReader

WINDOW = 8 * 1024 * 1024


class RangedS3File(SizedReader):
    """Read-only, seekable view of one S3 object, fetched in ranges as it is read."""

    def __init__(self, obj: Any, name: str):
        self._obj = obj
        self.name = name
        try:
            obj.load()
        except ClientError as error:
            if error.response["ResponseMetadata"]["HTTPStatusCode"] == 404:
                raise FileNotFoundError(f"File does not exist: {name}") from None
            raise
        self.size = int(obj.content_length)
        self._position = 0
        self._body: Any = None
        self._body_at = -1
        self._end = -1

    def _drop_body(self) -> None:
        if self._body is not None:
            self._body.close()
        self._body, self._body_at = None, -1

    def readinto(self, target: Any) -> int:
        if self._position >= self.size or not len(target):
            return 0
        if self._body is None or self._body_at != self._position:
            self._drop_body()
            # A bounded window: a seek elsewhere then wastes at most what is in flight.
            last = min(self.size, self._position + WINDOW) - 1
            answer = self._obj.get(Range=f"bytes={self._position}-{last}")
            self._body, self._body_at, self._end = answer["Body"], self._position, last + 1
        data = self._body.read(len(target))
        if not data:
            self._drop_body()
            raise OSError(f"{self.name}: the S3 answer ended early")
        target[: len(data)] = data
        self._position += len(data)
        self._body_at = self._position
        if self._position >= self._end:
            self._drop_body()
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self._drop_body()
        super().close()


class RangedS3Storage(S3Storage):
    """`S3Storage` that opens files for reading as `RangedS3File` (writes are unchanged)."""

    def _open(self, name: str, mode: str = "rb") -> Any:
        if "w" in mode or "a" in mode or "+" in mode:
            return super()._open(name, mode)
        key = self._normalize_name(clean_name(name))
        raw = RangedS3File(self.bucket.Object(key), name)
        opened = File(io.BufferedReader(raw, buffer_size=256 * 1024), name=name)
        opened.size = raw.size
        return opened
