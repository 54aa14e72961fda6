"""Encryption at rest: a Django storage that seals every file with AES-256-GCM in segments.

Wraps the blob store's real storage (a local folder or S3) when `ATRIUM_ENCRYPTION_KEY` is
set, so a stolen disk or bucket reveals nothing but sizes. Reads stream and seek: opening a
file reads its header; each `read()` decrypts only the segments it touches, so a Range
request in the middle of a 2 GB video decrypts a few segments, not the file up to there.

Stored format, version 1 (all integers big-endian)::

    header  = b"ATRENC" | 0x00 0x01 (version)            8 bytes
              | segment size S (uint32)                  4 bytes
              | salt (random)                           16 bytes
              | nonce prefix (random)                    8 bytes   -> HEADER_SIZE = 36
    body    = seal(segment 0) | seal(segment 1) | ... | seal(segment n-1)
    seal(i) = AES-256-GCM(key_f, nonce = prefix | i (uint32),
                          data = segment i, associated data = header | final flag)
              -> ciphertext (same length as the segment) | tag (16 bytes)

- The plaintext is cut into segments of S bytes; the last one holds 1..S bytes (an empty
  file is one empty final segment). Its final flag is 0x01, every other segment's 0x00.
- Each file has its own key `key_f = HKDF-SHA256(master key, salt, info=b"atrium-blob-v1")`,
  so (key, nonce) pairs never repeat across files even with short random prefixes.
- Detected, as a `BlobIntegrityError` (no byte of a failing segment is ever returned): a
  changed byte anywhere (header included: it is associated data), segments swapped or moved
  (the counter is in the nonce), a truncated file (the new last segment was not sealed as
  final), an extended one (the old final segment no longer is last), a wrong key.
- Plaintext size from the stored size C: body = C - 36, n = ceil(body / (S + 16)),
  size = body - 16 n. So `size()` needs no read.
"""

from __future__ import annotations

import io
import os
import struct
from typing import IO, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage
from django.utils.deconstruct import deconstructible
from django.utils.module_loading import import_string

from atrium.kernel.storage.keys import parse_key
from atrium.kernel.storage.seekable import SizedReader

MAGIC = b"ATRENC\x00\x01"
HEADER = struct.Struct(">8sI16s8s")
HEADER_SIZE = HEADER.size
TAG = 16
SEGMENT = 256 * 1024
INFO = b"atrium-blob-v1"


class BlobIntegrityError(OSError):
    """An encrypted file was changed, cut or sealed with another key."""


def _file_key(master: bytes, salt: bytes) -> AESGCM:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=INFO).derive(master)
    return AESGCM(derived)


def _nonce(prefix: bytes, index: int) -> bytes:
    return prefix + struct.pack(">I", index)


def plaintext_size(stored: int, segment: int) -> int:
    body = stored - HEADER_SIZE
    if body < TAG:
        raise BlobIntegrityError("encrypted file too short: it was truncated")
    segments = -(-body // (segment + TAG))
    last = body - (segments - 1) * (segment + TAG)
    if last < TAG or (last == TAG and segments > 1):
        raise BlobIntegrityError("encrypted file cut inside a segment: it was truncated")
    return body - TAG * segments


def _read_exactly(source: IO[bytes], size: int) -> bytes:
    parts: list[bytes] = []
    wanted = size
    while wanted:
        part = source.read(wanted)
        if not part:
            break
        parts.append(part)
        wanted -= len(part)
    return b"".join(parts)


class EncryptingReader(io.RawIOBase):
    """Reads a plaintext file object and yields the stored (sealed) form, segment by segment."""

    def __init__(self, source: IO[bytes], master: bytes, segment: int = SEGMENT):
        self._source = source
        self._segment = segment
        salt, prefix = os.urandom(16), os.urandom(8)
        self._header = HEADER.pack(MAGIC, segment, salt, prefix)
        self._prefix = prefix
        self._aead = _file_key(master, salt)
        self._index = 0
        self._next = _read_exactly(source, segment)
        self._buffer = memoryview(self._header)
        self._done = False

    def readable(self) -> bool:
        return True

    def _seal_next(self) -> None:
        current = self._next
        self._next = _read_exactly(self._source, self._segment) if current else b""
        final = not self._next
        sealed = self._aead.encrypt(_nonce(self._prefix, self._index), current,
                                    self._header + (b"\x01" if final else b"\x00"))
        self._index += 1
        self._done = final
        self._buffer = memoryview(sealed)

    def readinto(self, target: Any) -> int:
        if not self._buffer and not self._done:
            self._seal_next()
        size = min(len(target), len(self._buffer))
        target[:size] = self._buffer[:size]
        self._buffer = self._buffer[size:]
        return size


class DecryptingFile(SizedReader):
    """A read-only, seekable view of the plaintext of a sealed file (see the module's doc)."""

    def __init__(self, raw: IO[bytes], master: bytes, name: str = ""):
        self._raw = raw
        self.name = name
        stored = raw.seek(0, os.SEEK_END)
        raw.seek(0)
        header = _read_exactly(raw, HEADER_SIZE)
        if len(header) < HEADER_SIZE:
            raise BlobIntegrityError(f"{name}: not an encrypted blob (no header)")
        magic, segment, salt, prefix = HEADER.unpack(header)
        if magic != MAGIC or not 0 < segment <= 64 * 1024 * 1024:
            raise BlobIntegrityError(f"{name}: not an encrypted blob, or an unknown version")
        self._header = header
        self._segment = segment
        self._prefix = prefix
        self._aead = _file_key(master, salt)
        self.size = plaintext_size(stored, segment)
        self._segments = max(1, -(-self.size // segment))
        self._position = 0
        self._cached: tuple[int, bytes] | None = None

    def _segment_plain(self, index: int) -> bytes:
        if self._cached and self._cached[0] == index:
            return self._cached[1]
        self._raw.seek(HEADER_SIZE + index * (self._segment + TAG))
        final = index == self._segments - 1
        length = (self.size - index * self._segment if final else self._segment) + TAG
        sealed = _read_exactly(self._raw, length)
        try:
            plain = self._aead.decrypt(_nonce(self._prefix, index), sealed,
                                       self._header + (b"\x01" if final else b"\x00"))
        except InvalidTag:
            raise BlobIntegrityError(
                f"{self.name}: segment {index} of the encrypted blob fails authentication "
                "(changed, truncated or sealed with another key)") from None
        self._cached = (index, plain)
        return plain

    def readinto(self, target: Any) -> int:
        if self._position >= self.size:
            if self.size == 0:
                self._segment_plain(0)  # an empty file still has its final segment to check
            return 0
        index, start = divmod(self._position, self._segment)
        plain = self._segment_plain(index)
        size = min(len(target), len(plain) - start)
        target[:size] = plain[start:start + size]
        self._position += size
        return size

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            size = max(0, self.size - self._position)
            if size == 0:
                self.readinto(bytearray(0))
                return b""
        chunks: list[bytes] = []
        while size > 0:
            buffer = bytearray(min(size, self._segment))
            got = self.readinto(buffer)
            if not got:
                break
            chunks.append(bytes(buffer[:got]))
            size -= got
        return b"".join(chunks)

    def close(self) -> None:
        if not self.closed:
            self._raw.close()
        super().close()


def _build(inner: Storage | dict[str, Any]) -> Storage:
    if isinstance(inner, Storage):
        return inner
    backend = import_string(str(inner["BACKEND"]))
    storage: Storage = backend(**inner.get("OPTIONS", {}))
    return storage


@deconstructible
class EncryptedStorage(Storage):
    """Seals what it saves in `inner` and opens it as a seekable, lazily decrypted file.

    `inner` is a storage or a STORAGES-style dict; `key` the base64 key (default: the
    `ATRIUM_ENCRYPTION_KEY` setting). Names, sizes and modification times pass through.
    """

    def __init__(self, inner: Storage | dict[str, Any] | None = None, key: str | None = None,
                 segment_size: int = SEGMENT):
        if inner is None:
            raise ValueError("EncryptedStorage needs an inner storage")
        self.inner = _build(inner)
        self._master = parse_key(key if key is not None else settings.ATRIUM_ENCRYPTION_KEY)
        self.segment_size = segment_size

    def _open(self, name: str, mode: str = "rb") -> File:
        if mode not in ("r", "rb"):
            raise ValueError("encrypted blobs open read-only, in binary")
        raw = self.inner.open(name, "rb")
        try:
            return File(DecryptingFile(raw, self._master, name), name=name)  # type: ignore[arg-type]
        except BaseException:
            raw.close()
            raise

    def _save(self, name: str, content: Any) -> str:
        if hasattr(content, "seekable") and content.seekable():
            content.seek(0)
        sealed = EncryptingReader(content, self._master, self.segment_size)
        return self.inner.save(name, File(sealed, name=name))  # type: ignore[arg-type]

    def size(self, name: str) -> int:
        return plaintext_size(self.inner.size(name), self._segment_of(name))

    def _segment_of(self, name: str) -> int:
        with self.inner.open(name, "rb") as raw:
            header = _read_exactly(raw, HEADER_SIZE)
        if len(header) < HEADER_SIZE or header[:8] != MAGIC:
            raise BlobIntegrityError(f"{name}: not an encrypted blob")
        return int(HEADER.unpack(header)[1])

    def delete(self, name: str) -> None:
        self.inner.delete(name)

    def exists(self, name: str) -> bool:
        return self.inner.exists(name)

    def listdir(self, path: str) -> tuple[list[str], list[str]]:
        return self.inner.listdir(path)

    def get_modified_time(self, name: str) -> Any:
        return self.inner.get_modified_time(name)

    def get_created_time(self, name: str) -> Any:
        return self.inner.get_created_time(name)

    def get_accessed_time(self, name: str) -> Any:
        return self.inner.get_accessed_time(name)

    def get_alternative_name(self, file_root: str, file_ext: str) -> str:
        return self.inner.get_alternative_name(file_root, file_ext)

    def path(self, name: str) -> str:
        raise NotImplementedError("encrypted blobs have no plaintext path on disk")

    def url(self, name: str | None) -> str:
        raise NotImplementedError("encrypted blobs are served by Atrium, never by URL")
