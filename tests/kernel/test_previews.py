"""Thumbnails: raster images and the first page of PDFs, cached in the blob storage, and
never anything for a hostile, damaged or script-capable file."""

from __future__ import annotations

import base64
import io
import logging
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from PIL import Image

from atrium.kernel import blobstore, pdfworker, previews
from tests import corpus
from tests.kernel.previews_helpers import local_config, own_blob_storage, raw_blob
from tests.kernel.test_blobstore import s3_backend, s3_endpoint  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def blob_dir(tmp_path: Path) -> Iterator[Path]:
    with own_blob_storage(tmp_path) as folder:
        yield folder


def webp(data: bytes | None) -> Image.Image:
    assert data is not None
    assert data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_image_thumbnail_fits_the_box_and_keeps_its_shape(blob_dir):
    """A 640x480 PNG gives a 256x192 WebP."""
    blob = blobstore.put_bytes(corpus.png((640, 480)))
    assert webp(previews.thumbnail(blob)).size == (256, 192)
    assert webp(previews.thumbnail(blob, 64)).size == (64, 48)


def test_small_image_is_not_enlarged(blob_dir):
    """An image smaller than the box keeps its size."""
    blob = blobstore.put_bytes(corpus.png((40, 30)))
    assert webp(previews.thumbnail(blob)).size == (40, 30)


def test_exif_orientation_is_applied(blob_dir):
    """A JPEG stored sideways with EXIF orientation 6 (rotate 90°) comes out upright."""
    exif = Image.Exif()
    exif[0x0112] = 6
    out = io.BytesIO()
    Image.new("RGB", (600, 300), "navy").save(out, "JPEG", exif=exif.tobytes())
    blob = blobstore.put_bytes(out.getvalue())
    assert webp(previews.thumbnail(blob)).size == (128, 256)


def test_transparency_is_kept(blob_dir):
    """A transparent PNG keeps its alpha channel; an opaque one has none."""
    clear = blobstore.put_bytes(corpus.png((20, 20), "RGBA", (255, 0, 0, 0)))
    image = webp(previews.thumbnail(clear))
    assert image.mode == "RGBA" and image.getpixel((5, 5))[3] == 0
    opaque = blobstore.put_bytes(corpus.png((20, 20), "RGB", "red"))
    assert webp(previews.thumbnail(opaque)).mode == "RGB"


def test_pdf_first_page_thumbnail(blob_dir):
    """A letter-size PDF page gives a portrait WebP fitting the box, mostly white paper."""
    blob = blobstore.put_bytes(corpus.pdf())
    image = webp(previews.thumbnail(blob))
    assert image.size == (198, 256)
    assert image.convert("L").getpixel((190, 250)) > 240


@pytest.mark.parametrize("make", [corpus.pdf_with_2000_pages, corpus.pdf_huge_page,
                                  corpus.pdf_named_png], ids=lambda m: m.__name__)
def test_awkward_but_valid_pdfs_get_a_bounded_thumbnail(blob_dir, make):
    """2,000 pages, a page kilometres wide, a PDF named .png: one small first-page image."""
    blob = raw_blob(make())
    assert blob.mime_type == "application/pdf"
    width, height = webp(previews.thumbnail(blob)).size
    assert max(width, height) == 256


def test_png_named_pdf_is_previewed_as_the_image_it_is(blob_dir):
    """The type comes from the bytes: a PNG called invoice.pdf is thumbnailed by Pillow."""
    blob = raw_blob(corpus.png_named_pdf())
    assert blob.mime_type == "image/png"
    assert webp(previews.thumbnail(blob)).size == (40, 30)


@pytest.mark.parametrize("make", [
    corpus.html_with_script, corpus.svg_with_script, corpus.zip_bomb, corpus.nested_zip_bomb,
    corpus.decompression_bomb_png, corpus.tall_png, corpus.truncated_pdf, corpus.empty_file,
], ids=lambda m: m.__name__)
def test_hostile_files_get_no_preview(blob_dir, make):
    """Script-capable, bombs, damaged or empty files: None, never an exception."""
    assert previews.thumbnail(raw_blob(make())) is None


def test_svg_and_html_are_never_rendered(blob_dir, monkeypatch):
    """SVG and HTML do not even reach a decoder."""
    monkeypatch.setattr(previews, "_render", lambda *a: pytest.fail("rendered"))
    for data in (corpus.svg_with_script(), corpus.html_with_script()):
        assert previews.thumbnail(raw_blob(data)) is None


def test_gif_js_polyglot_gives_pixels_only(blob_dir):
    """The GIF/JavaScript polyglot gives either nothing or re-encoded pixels, no script."""
    blob = raw_blob(corpus.gif_js_polyglot())
    assert blob.mime_type == "image/gif"
    made = previews.thumbnail(blob)
    if made is not None:
        webp(made)
        assert b"alert" not in made


def test_damaged_image_is_logged_not_raised(blob_dir, caplog):
    """A PNG cut short is logged and gives None."""
    whole = corpus.png((300, 300), color="green")
    blob = raw_blob(whole[: len(whole) // 2] + b"\0" * 8)
    with caplog.at_level(logging.WARNING, logger="atrium.kernel.previews"):
        assert previews.thumbnail(blob) is None
    assert "could not be previewed" in caplog.text


def test_unknown_size_is_a_programming_error(blob_dir):
    """Only the sizes in SIZES are made (so storage cannot be filled with arbitrary sizes)."""
    blob = blobstore.put_bytes(corpus.png())
    with pytest.raises(ValueError):
        previews.thumbnail(blob, 300)


@pytest.fixture
def count_renders(monkeypatch) -> list[str]:
    calls: list[str] = []
    real = previews._render

    def counting(mime_type, path, size):
        calls.append(mime_type)
        return real(mime_type, path, size)

    monkeypatch.setattr(previews, "_render", counting)
    return calls


def test_previews_are_cached_in_blob_storage(blob_dir, count_renders):
    """The second request reads previews/<sha256>-<size>.webp instead of rendering again."""
    blob = blobstore.put_bytes(corpus.png((100, 100)))
    first = previews.thumbnail(blob)
    assert previews.thumbnail(blob) == first
    assert count_renders == ["image/png"]
    assert (blob_dir / "previews" / f"{blob.sha256}-256.webp").read_bytes() == first


def test_a_file_without_preview_is_tried_once(blob_dir, count_renders):
    """A damaged PDF is remembered as having no preview: it costs one render only."""
    blob = raw_blob(corpus.truncated_pdf())
    assert previews.thumbnail(blob) is None
    assert previews.thumbnail(blob) is None
    assert count_renders == ["application/pdf"]


def test_a_storage_failure_is_not_remembered(blob_dir, monkeypatch):
    """When the blob cannot be read, None now and a real preview once it can."""
    blob = blobstore.put_bytes(corpus.png((50, 50)))
    real_open = blobstore.open_blob

    def broken(_blob):
        raise OSError("storage unreachable")

    monkeypatch.setattr(blobstore, "open_blob", broken)
    assert previews.thumbnail(blob) is None
    monkeypatch.setattr(blobstore, "open_blob", real_open)
    assert webp(previews.thumbnail(blob)).size == (50, 50)


def test_purging_a_blob_purges_its_previews(blob_dir):
    """purge_orphans removes the cached previews of the blobs it deletes, every size."""
    blob = blobstore.put_bytes(corpus.png((90, 90)))
    previews.thumbnail(blob, 64)
    previews.thumbnail(blob, 256)
    assert len(list((blob_dir / "previews").iterdir())) == 2
    blobstore.release(blob)
    assert blobstore.purge_orphans() == 1
    assert list((blob_dir / "previews").iterdir()) == []


def test_slow_pdf_is_given_up_after_the_timeout(blob_dir, monkeypatch, caplog):
    """A render that takes longer than the limit is killed and gives None."""
    monkeypatch.setattr(pdfworker, "TIMEOUT", 0.001)
    assert previews.thumbnail(raw_blob(corpus.pdf())) is None
    assert "took too long" in caplog.text


def test_pdf_worker_gets_no_secrets(blob_dir, monkeypatch):
    """The child that parses PDFs runs with a clean environment (no keys, no passwords)."""
    monkeypatch.setenv("ATRIUM_ENCRYPTION_KEY", "secret")
    monkeypatch.setenv("DATABASE_URL", "postgres://user:secret@host/db")
    seen: list[dict] = []
    real_run = subprocess.run

    def spy(*args, **kwargs):
        seen.append(kwargs["env"])
        return real_run(*args, **kwargs)

    monkeypatch.setattr(subprocess, "run", spy)
    assert previews.thumbnail(raw_blob(corpus.pdf())) is not None
    assert seen and not any("secret" in value for value in seen[0].values())


@pytest.fixture(params=["local", "s3", "encrypted"])
def any_storage(request, tmp_path) -> Iterator[None]:
    """Blobs on a local folder, on S3 (moto) or encrypted on a local folder."""
    if request.param == "local":
        config = local_config(tmp_path / "b")
    elif request.param == "s3":
        config = s3_backend(request.getfixturevalue("s3_endpoint"),
                            f"atrium-{uuid.uuid4().hex[:16]}").config
    else:
        pytest.importorskip("atrium.kernel.storage.encrypted")
        config = {"BACKEND": "atrium.kernel.storage.encrypted.EncryptedStorage",
                  "OPTIONS": {"inner": local_config(tmp_path / "b"),
                              "key": base64.b64encode(b"k" * 32).decode()}}
    with override_settings(DATA_DIR=tmp_path,
                           STORAGES={**settings.STORAGES, "blobs": config}):
        yield


def test_previews_work_on_every_storage(any_storage, count_renders):
    """Image and PDF previews are made and cached the same on local, S3 and encrypted
    storage."""
    image = blobstore.put_bytes(corpus.png((300, 150)))
    document = blobstore.put_bytes(corpus.pdf())
    for _ in range(2):
        assert webp(previews.thumbnail(image)).size == (256, 128)
        assert webp(previews.thumbnail(document)).size == (198, 256)
    assert count_renders == ["image/png", "application/pdf"]
    store = blobstore.storage()
    assert store.exists(previews.preview_path(image.sha256, 256))
    previews.purge_previews(image.sha256)
    assert not store.exists(previews.preview_path(image.sha256, 256))
