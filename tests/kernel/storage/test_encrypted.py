"""Encryption at rest: AES-256-GCM in segments over a local folder (S3: test_s3.py)."""

from __future__ import annotations

import base64
import io
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage

from atrium.config import ConfigError
from atrium.kernel.storage.encrypted import (
    HEADER_SIZE,
    TAG,
    BlobIntegrityError,
    EncryptedStorage,
)
from atrium.kernel.storage.keys import parse_key

SEGMENT = 1024  # small segments so a few KB cross many boundaries


@pytest.fixture
def inner(tmp_path: Path) -> FileSystemStorage:
    return FileSystemStorage(location=str(tmp_path / "store"))


@pytest.fixture
def store(inner, key) -> EncryptedStorage:
    return EncryptedStorage(inner=inner, key=key, segment_size=SEGMENT)


def save(store: EncryptedStorage, data: bytes, name: str = "ab/cd/blob") -> str:
    return store.save(name, ContentFile(data))


def read_all(store: EncryptedStorage, name: str) -> bytes:
    with store.open(name) as handle:
        return handle.read()


@pytest.mark.parametrize("size", [0, 1, SEGMENT - 1, SEGMENT, SEGMENT + 1, 5 * SEGMENT,
                                  5 * SEGMENT + 17])
def test_round_trip_and_size(store, inner, size):
    """What is saved reads back the same, at every size around segment boundaries."""
    data = os.urandom(size)
    name = save(store, data)
    assert read_all(store, name) == data
    assert store.size(name) == size
    segments = max(1, -(-size // SEGMENT))
    assert inner.size(name) == HEADER_SIZE + size + TAG * segments


def test_random_seeks_read_the_right_bytes(store):
    """Reads at random offsets and lengths match the plaintext, backwards and forwards."""
    data = os.urandom(20 * SEGMENT + 333)
    name = save(store, data)
    rng = random.Random(5)
    with store.open(name) as handle:
        for _ in range(300):
            start = rng.randrange(0, len(data) + 10)
            length = rng.randrange(0, 3 * SEGMENT)
            handle.seek(start)
            assert handle.read(length) == data[start:start + length]
            assert handle.tell() == min(start + length, max(start, len(data)))
        handle.seek(-10, os.SEEK_END)
        assert handle.read() == data[-10:]


def test_a_seek_decrypts_only_the_segments_it_reads(store, monkeypatch):
    """Reading near the end of a large file does not decrypt what comes before."""
    data = os.urandom(200 * SEGMENT)
    name = save(store, data)
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    calls = []
    original = AESGCM.decrypt
    monkeypatch.setattr(AESGCM, "decrypt",
                        lambda self, *args: calls.append(1) or original(self, *args))
    with store.open(name) as handle:
        handle.seek(len(data) - 2 * SEGMENT - 5)
        assert handle.read(10) == data[-2 * SEGMENT - 5:-2 * SEGMENT + 5]
    assert len(calls) == 2


def test_stored_bytes_do_not_hold_the_plaintext(store, inner):
    """The file on disk shows no trace of a readable plaintext."""
    data = b"Diagnostic: confidential patient record. " * 200
    name = save(store, data)
    raw = Path(inner.path(name)).read_bytes()
    assert b"confidential" not in raw
    assert data[:64] not in raw


def test_same_content_saved_twice_is_sealed_differently(store, inner):
    """Each file has its own salt and nonces: identical plaintexts give unrelated bytes."""
    first, second = save(store, b"x" * 5000, "a"), save(store, b"x" * 5000, "b")
    assert Path(inner.path(first)).read_bytes() != Path(inner.path(second)).read_bytes()


def _damage(inner, name, change) -> None:
    path = Path(inner.path(name))
    path.write_bytes(change(bytearray(path.read_bytes())))


def _flip(at):
    def change(raw):
        raw[at] ^= 0x01
        return bytes(raw)
    return change


def _swap_segments(raw):
    one = SEGMENT + TAG
    first = raw[HEADER_SIZE:HEADER_SIZE + one]
    second = raw[HEADER_SIZE + one:HEADER_SIZE + 2 * one]
    return bytes(raw[:HEADER_SIZE] + second + first + raw[HEADER_SIZE + 2 * one:])


DAMAGES = {
    "byte in the body": _flip(HEADER_SIZE + 3 * (SEGMENT + TAG) + 100),
    "byte in a tag": _flip(HEADER_SIZE + SEGMENT + 2),
    "byte of the salt": _flip(14),
    "byte of the nonce prefix": _flip(HEADER_SIZE - 1),
    "segments swapped": _swap_segments,
    "cut at a segment boundary": lambda raw: bytes(raw[:HEADER_SIZE + 3 * (SEGMENT + TAG)]),
    "cut inside a segment": lambda raw: bytes(raw[:-100]),
    "cut inside the last tag": lambda raw: bytes(raw[:-5]),
    "segment appended": lambda raw: bytes(raw + raw[HEADER_SIZE:HEADER_SIZE + SEGMENT + TAG]),
}


@pytest.mark.parametrize("damage", list(DAMAGES), ids=list(DAMAGES))
def test_tampering_and_truncation_are_detected(store, inner, damage):
    """Any change makes reading fail with a clear error, never return altered bytes."""
    data = os.urandom(6 * SEGMENT + 500)
    name = save(store, data)
    _damage(inner, name, DAMAGES[damage])
    got = bytearray()
    with pytest.raises(BlobIntegrityError, match=r"encrypted|segment|truncated"):  # noqa: SIM117
        with store.open(name) as handle:
            while chunk := handle.read(SEGMENT // 2):
                got += chunk
    # Whatever was returned before the failure was authentic.
    assert data.startswith(bytes(got))


def test_damage_far_away_does_not_block_reading_elsewhere(store, inner):
    """A Range read of an intact segment still works; the damaged one fails."""
    data = os.urandom(10 * SEGMENT)
    name = save(store, data)
    _damage(inner, name, _flip(HEADER_SIZE + 8 * (SEGMENT + TAG) + 5))
    with store.open(name) as handle:
        handle.seek(SEGMENT)
        assert handle.read(SEGMENT) == data[SEGMENT:2 * SEGMENT]
        handle.seek(8 * SEGMENT)
        with pytest.raises(BlobIntegrityError):
            handle.read(10)


def test_another_key_cannot_read(inner, store):
    """Bytes sealed with one key fail to open with another."""
    name = save(store, b"secret")
    other = EncryptedStorage(inner=inner, key=base64.b64encode(os.urandom(32)).decode())
    with pytest.raises(BlobIntegrityError), other.open(name) as handle:
        handle.read()


def test_a_plain_file_is_not_taken_for_an_encrypted_one(inner, store):
    """A file stored before encryption was turned on fails clearly, not as garbage."""
    inner.save("plain", io.BytesIO(b"x" * 5000))
    with pytest.raises(BlobIntegrityError, match="not an encrypted blob"):
        store.open("plain")


def test_storage_refuses_writing_modes_paths_and_urls(store):
    name = save(store, b"abc")
    with pytest.raises(ValueError):
        store.open(name, "wb")
    with pytest.raises(NotImplementedError):
        store.path(name)
    with pytest.raises(NotImplementedError):
        store.url(name)
    assert store.exists(name)
    store.delete(name)
    assert not store.exists(name)


@pytest.mark.parametrize("raw", ["", "abc", base64.b64encode(b"x" * 31).decode(),
                                 base64.b64encode(b"x" * 33).decode(), "!" * 44])
def test_malformed_keys_are_refused_clearly(raw):
    with pytest.raises(ConfigError, match="ATRIUM_ENCRYPTION_KEY must be the base64 of "
                                          "exactly 32 random bytes"):
        parse_key(raw)


def test_keys_in_both_base64_alphabets_are_accepted():
    key = bytes(range(250, 256)) * 5 + b"\xfb\xff"
    assert parse_key(base64.b64encode(key).decode()) == key
    assert parse_key(base64.urlsafe_b64encode(key).decode() + "\n") == key


def test_a_malformed_key_stops_the_start_with_a_clear_message(tmp_path):
    """`atrium check` with a bad key exits with the message, not a traceback."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ATRIUM_", "DJANGO_"))}
    env.update(ATRIUM_DATA_DIR=str(tmp_path), ATRIUM_ENCRYPTION_KEY="not-a-key")
    script = Path(sys.executable).parent / "atrium"
    result = subprocess.run([str(script), "check"], env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode != 0
    assert "ATRIUM_ENCRYPTION_KEY must be the base64 of exactly 32 random bytes" in (
        result.stderr + result.stdout)
    assert "Traceback" not in result.stderr
