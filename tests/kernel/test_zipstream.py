"""Folder downloads as a streamed ZIP: right bytes, safe and unique names, times kept, ZIP64
past 4 GiB, and blobs read a chunk at a time, only when the archive reaches them."""

from __future__ import annotations

import io
import shutil
import struct
import subprocess
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from atrium.kernel import blobstore, zipstream
from atrium.kernel.models import Blob
from tests import corpus
from tests.kernel.previews_helpers import own_blob_storage, raw_blob

pytestmark = pytest.mark.django_db


@pytest.fixture
def blob_dir(tmp_path: Path) -> Iterator[Path]:
    with own_blob_storage(tmp_path) as folder:
        yield folder

WHEN = datetime(2024, 3, 14, 15, 9, 26, tzinfo=UTC)


def build(entries) -> bytes:
    return b"".join(zipstream.stream_zip_of(entries))


def names_of(archive: bytes) -> list[str]:
    return zipfile.ZipFile(io.BytesIO(archive)).namelist()


def test_files_and_folders_round_trip(blob_dir):
    """Every file comes back byte for byte, folders are folders, names are flagged UTF-8."""
    text = blobstore.put_bytes("Résumé du projet\n".encode() * 1000)
    image = blobstore.put_bytes(corpus.png((30, 30)))
    archive = build([("Café", None, WHEN), ("Café/Résumé.txt", text, WHEN),
                     ("Café/Images", None, WHEN), ("Café/Images/logo.png", image, WHEN),
                     ("Vide", None, WHEN)])
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        assert opened.testzip() is None
        assert opened.namelist() == ["Café/", "Café/Résumé.txt", "Café/Images/",
                                     "Café/Images/logo.png", "Vide/"]
        assert opened.read("Café/Résumé.txt") == "Résumé du projet\n".encode() * 1000
        assert opened.read("Café/Images/logo.png") == corpus.png((30, 30))
        assert opened.getinfo("Vide/").is_dir()
        assert all(info.flag_bits & 0x800 for info in opened.infolist())
        assert opened.getinfo("Café/Résumé.txt").compress_size < 1000  # text is deflated


def test_modification_times_are_kept(blob_dir, settings):
    """The DOS time is in the server's time zone; the extended timestamp is exact UTC."""
    settings.TIME_ZONE = "Europe/Paris"
    blob = blobstore.put_bytes(b"x")
    archive = build([("a.txt", blob, WHEN)])
    info = zipfile.ZipFile(io.BytesIO(archive)).getinfo("a.txt")
    assert info.date_time == (2024, 3, 14, 16, 9, 26)
    at = info.extra.index(b"UT")
    assert struct.unpack("<l", info.extra[at + 5: at + 9])[0] == int(WHEN.timestamp())


def test_times_outside_the_zip_range_are_clamped(blob_dir):
    """Dates before 1980 or after 2038 do not break the archive."""
    blob = blobstore.put_bytes(b"x")
    archive = build([("old.txt", blob, datetime(1970, 1, 1, tzinfo=UTC)),
                     ("future.txt", blob, datetime(2200, 1, 1, tzinfo=UTC))])
    infos = zipfile.ZipFile(io.BytesIO(archive)).infolist()
    assert infos[0].date_time[0] == 1980 and infos[1].date_time[0] == 2038


@pytest.mark.parametrize(("given", "written"), [
    ("../../etc/passwd", "etc/passwd"),
    ("/absolute/path.txt", "absolute/path.txt"),
    ("C:\\Windows\\win.ini", "C_/Windows/win.ini"),
    ("a/./b/../c.txt", "a/b/c.txt"),
    ("nul\x00byte\x1b.txt", "nulbyte.txt"),
    ("evil\u202etxt.exe", "eviltxt.exe"),  # right-to-left override
    ('what?<is>"this"|*.txt', "what__is__this___.txt"),
    (" spaced . /trailing dots...", "spaced/trailing dots"),
    (".hidden", ".hidden"),
    ("..", "file"),
    ("", "file"),
    ("é" * 200 + ".txt", "é" * 125 + ".txt"),  # at most 255 bytes, the extension kept
    ("x" * 300, "x" * 255),
])
def test_member_names_are_safe(blob_dir, given, written):
    """No absolute path, no '..', no backslash, no control or forbidden character."""
    blob = blobstore.put_bytes(b"data")
    assert names_of(build([(given, blob, WHEN)])) == [written]


def test_duplicate_names_are_made_unique(blob_dir):
    """Names that clash (case-insensitively) get ' (2)', ' (3)' before the extension."""
    blob = blobstore.put_bytes(b"data")
    archive = build([("Report.pdf", blob, WHEN), ("Report.pdf", blob, WHEN),
                     ("report.PDF", blob, WHEN), ("notes", blob, WHEN),
                     ("Notes", blob, WHEN)])
    assert names_of(archive) == ["Report.pdf", "Report (2).pdf", "report (3).PDF", "notes",
                                 "Notes (2)"]


def test_a_renamed_folder_takes_its_contents_along(blob_dir):
    """A folder named like a file before it is renamed, and so are the paths inside it;
    a folder listed twice is one folder."""
    blob = blobstore.put_bytes(b"data")
    archive = build([("a", blob, WHEN), ("a", None, WHEN), ("a/x.txt", blob, WHEN),
                     ("A", None, WHEN), ("a/sub/y.txt", blob, WHEN)])
    assert names_of(archive) == ["a", "a (2)/", "a (2)/x.txt", "a (2)/sub/y.txt"]


def test_blobs_are_read_in_chunks_when_reached(blob_dir, monkeypatch):
    """Nothing is opened before the archive gets to it, and reads are chunk-sized."""
    big = blobstore.put_bytes(b"A" * (3 * blobstore.CHUNK + 5))
    small = blobstore.put_bytes(b"small")
    opened: list[str] = []
    reads: list[int] = []
    real_open = blobstore.open_blob

    class Spied(io.RawIOBase):
        def __init__(self, stream):
            self.stream = stream

        def read(self, size=-1):
            reads.append(size)
            return self.stream.read(size)

        def close(self):
            self.stream.close()
            super().close()

    def spy(blob):
        opened.append(blob.sha256)
        return Spied(real_open(blob))

    monkeypatch.setattr(blobstore, "open_blob", spy)
    seen = [list(opened) for _chunk in zipstream.stream_zip_of(
        [("small.txt", small, WHEN), ("big.bin", big, WHEN)])]
    assert seen[0] == []  # the first bytes go out before any blob is opened
    assert [small.sha256] in seen  # and the big one waits for its turn
    assert seen[-1] == [small.sha256, big.sha256]
    assert reads and all(0 < size <= blobstore.CHUNK for size in reads)


def test_hostile_corpus_is_stored_as_is(blob_dir):
    """Bombs, scripts and damaged files go into the archive byte for byte, never unpacked."""
    entries = [(sample.filename, raw_blob(sample.make()), WHEN) for sample in corpus.SAMPLES]
    archive = build(entries)
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        for sample in corpus.SAMPLES:
            assert opened.read(sample.filename) == sample.make()


@pytest.mark.skipif(shutil.which("unzip") is None, reason="unzip is not installed")
def test_unzip_accepts_the_archive(blob_dir, tmp_path):
    """Info-ZIP's unzip tests the archive (folders, UTF-8 names, several members) clean."""
    text = blobstore.put_bytes(b"hello\n" * 5000)
    image = blobstore.put_bytes(corpus.png((10, 10)))
    path = tmp_path / "out.zip"
    path.write_bytes(build([("Dossier", None, WHEN), ("Dossier/été.txt", text, WHEN),
                            ("Dossier/img.png", image, WHEN), ("empty", None, WHEN)]))
    done = subprocess.run(["unzip", "-t", str(path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No errors detected" in done.stdout


class Zeros(io.RawIOBase):
    """`size` zero bytes, made on the fly (nothing stored)."""

    block = bytes(blobstore.CHUNK)

    def __init__(self, size: int):
        self.left = size

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        size = self.left if size < 0 else min(size, self.left)
        self.left -= size
        return self.block if size == len(self.block) else bytes(size)


class TailOnly(io.RawIOBase):
    """A file of `size` bytes whose last bytes are `tail` (zeros before): enough for zipfile
    to read the central directory of an archive too large to keep."""

    def __init__(self, size: int, tail: bytes):
        self.size, self.tail, self.position = size, tail, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        self.position = {io.SEEK_SET: 0, io.SEEK_CUR: self.position,
                         io.SEEK_END: self.size}[whence] + offset
        return self.position

    def tell(self) -> int:
        return self.position

    def read(self, size: int = -1) -> bytes:
        end = self.size if size < 0 else min(self.size, self.position + size)
        start_in_tail = self.size - len(self.tail)
        head = b"\0" * max(0, min(end, start_in_tail) - self.position)
        body = self.tail[max(0, self.position - start_in_tail): max(0, end - start_in_tail)]
        self.position = end
        return head + body


@pytest.mark.once
def test_archives_past_4_gib_use_zip64(blob_dir, monkeypatch):
    """A 5 GiB member (zeros streamed through, never stored) and a small one after it: the
    archive's central directory is ZIP64 and zipfile reads both sizes and offsets."""
    size = 5 * 1024**3
    huge = Blob(sha256="f" * 64, size=size, mime_type="application/zip", refcount=1)
    small = blobstore.put_bytes(b"after the giant")
    real_open = blobstore.open_blob
    monkeypatch.setattr(blobstore, "open_blob",
                        lambda blob: Zeros(size) if blob is huge else real_open(blob))
    total, tail = 0, b""
    for chunk in zipstream.stream_zip_of([("huge.bin", huge, WHEN), ("small.txt", small, WHEN)]):
        total += len(chunk)
        tail = (tail + chunk)[-65536:]
    assert total > size
    assert b"PK\x06\x06" in tail and b"PK\x06\x07" in tail  # ZIP64 end record and locator
    with zipfile.ZipFile(TailOnly(total, tail)) as opened:
        infos = {info.filename: info for info in opened.infolist()}
    assert infos["huge.bin"].file_size == size
    assert infos["small.txt"].file_size == len(b"after the giant")
    assert infos["small.txt"].header_offset > 0xFFFFFFFF
