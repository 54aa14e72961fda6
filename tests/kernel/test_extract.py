"""Text for search: plain text in its encoding, HTML without markup, PDF through the worker;
bounded, clean of control characters, and "" for anything else or damaged."""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

from atrium.kernel import blobstore, extract, pdfworker
from tests import corpus
from tests.kernel.previews_helpers import own_blob_storage, raw_blob

pytestmark = pytest.mark.django_db


@pytest.fixture
def blob_dir(tmp_path: Path) -> Iterator[Path]:
    with own_blob_storage(tmp_path) as folder:
        yield folder

FRENCH = "Réunion à l'hôpital : « compte rendu » du cœur — été 2025\n"


@pytest.mark.parametrize("data", [
    FRENCH.encode("utf-8"),
    codecs.BOM_UTF8 + FRENCH.encode("utf-8"),
    FRENCH.encode("utf-16"),  # with its byte-order mark
    FRENCH.encode("utf-16-le"),  # without one
    FRENCH.encode("utf-16-be"),
    FRENCH.encode("cp1252"),
], ids=["utf8", "utf8-bom", "utf16-bom", "utf16le", "utf16be", "cp1252"])
def test_text_in_any_common_encoding(blob_dir, data):
    """UTF-8 (with or without BOM), UTF-16 (with or without BOM) and Windows-1252."""
    assert extract.text_of(raw_blob(data)) == FRENCH


def test_latin1_fallback_for_bytes_cp1252_does_not_define():
    """Bytes undefined in Windows-1252 (0x81) fall back to Latin-1 rather than failing."""
    assert extract.decode(b"caf\xe9 \x81") == "caf\xe9 \x81"


def test_control_characters_and_nul_are_removed(blob_dir):
    """In a text file (NULs past the bytes its type was judged on), NUL, escape, C1
    controls and CR are gone; tabs and newlines stay."""
    data = "a\x00b\x1b[31mc\td\r\ne\rf\x85g\x7f".encode()
    text = extract.text_of(raw_blob(data, mime_type="text/plain"))
    assert text == "ab[31mc\td\ne\nfg"


def test_text_is_bounded(blob_dir):
    """At most limit_bytes of UTF-8, never a broken character at the cut."""
    data = ("é" * 5000).encode()
    text = extract.text_of(raw_blob(data), limit_bytes=1001)
    assert text == "é" * 500
    assert len(text.encode()) <= 1001


def test_html_gives_its_text_without_markup_or_script(blob_dir):
    """The HTML page's words are indexed; its script and tags are not."""
    text = extract.text_of(raw_blob(corpus.html_with_script()))
    assert "Quarterly figures are attached." in text
    assert "cookie" not in text and "<" not in text and "alert" not in text


def test_json_is_text(blob_dir):
    """JSON (detected as application/json) is indexed as it is."""
    blob = raw_blob(b'{"title": "Budget 2026"}')
    assert blob.mime_type == "application/json"
    assert "Budget 2026" in extract.text_of(blob)


def test_pdf_text(blob_dir):
    """The words of a PDF's pages, through pypdf."""
    blob = blobstore.put_bytes(corpus.pdf(("Hello from page one", "Second page (here)")))
    text = extract.text_of(blob)
    assert "Hello from page one" in text and "Second page (here)" in text


def test_pdf_with_2000_pages_reads_a_bounded_number(blob_dir):
    """Only the first MAX_PAGES_READ pages are read; the result is bounded too."""
    text = extract.text_of(raw_blob(corpus.pdf_with_2000_pages()))
    assert text.count("Page 1") == pdfworker.MAX_PAGES_READ
    small = extract.text_of(raw_blob(corpus.pdf_with_2000_pages()), limit_bytes=100)
    assert 0 < len(small.encode()) <= 100


def test_slow_pdf_gives_nothing(blob_dir, monkeypatch, caplog):
    """A PDF whose text takes longer than the limit gives "" (the worker is killed)."""
    monkeypatch.setattr(pdfworker, "TIMEOUT", 0.001)
    assert extract.text_of(raw_blob(corpus.pdf())) == ""
    assert "took too long" in caplog.text


@pytest.mark.parametrize("make", [
    corpus.png_named_pdf, corpus.svg_with_script, corpus.zip_bomb, corpus.nested_zip_bomb,
    corpus.decompression_bomb_png, corpus.tall_png, corpus.truncated_pdf, corpus.empty_file,
    corpus.gif_js_polyglot,
], ids=lambda m: m.__name__)
def test_files_without_text_give_nothing(blob_dir, make):
    """Images, archives, damaged PDFs and empty files: "", never an exception."""
    assert extract.text_of(raw_blob(make())) == ""


def test_binary_without_known_type_is_not_indexed(blob_dir):
    """Unknown binary (control bytes everywhere) is not mistaken for Latin-1 text."""
    blob = raw_blob(bytes(range(1, 256)) * 40)
    assert blob.mime_type == "application/octet-stream"
    assert extract.text_of(blob) == ""


def test_unreadable_blob_gives_nothing(blob_dir, monkeypatch, caplog):
    """A storage error is logged and gives ""."""
    blob = blobstore.put_bytes(b"some text")

    def broken(_blob):
        raise OSError("storage unreachable")

    monkeypatch.setattr(blobstore, "open_blob", broken)
    assert extract.text_of(blob) == ""
    assert "No text from blob" in caplog.text


def test_result_is_storable_in_the_database(blob_dir):
    """The cleaned text of nasty input goes into a text column of this database (PostgreSQL
    refuses NUL bytes; the test runs on both)."""
    data = "x\x00y\x01z é ✓ \U0001f600\n".encode() + "\ufffe".encode("utf-8", "surrogatepass")
    text = extract.text_of(raw_blob(data, mime_type="text/plain"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s", [text])
        assert cursor.fetchone()[0] == text == "xyz é ✓ \U0001f600\n"
