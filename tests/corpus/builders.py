"""Small writers for the corpus: PDF, PNG chunks and ZIP archives by hand, so a test can
make files no well-behaved library would (declared sizes that lie, shared page content)."""

from __future__ import annotations

import struct
import zlib


def _pdf_string(text: str) -> bytes:
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return b"(" + escaped.encode("latin-1", "replace") + b")"


def make_pdf(texts: list[str], *, media_box: tuple[int, int, int, int] = (0, 0, 612, 792),
             user_unit: float | None = None, share_content: bool = False) -> bytes:
    """A valid PDF with one page per text (Helvetica, 24 pt). With `share_content`, every page
    draws the first text from one content stream (cheap thousands of pages)."""
    objects: dict[int, bytes] = {}
    count = len(texts)
    first_page = 4
    content_of = (lambda n: 4 + count) if share_content else (lambda n: 4 + count + n)
    objects[1] = b"<< /Type /Catalog /Pages 2 0 R >>"
    kids = b" ".join(b"%d 0 R" % (first_page + n) for n in range(count))
    objects[2] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, count)
    objects[3] = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    box = b"[%d %d %d %d]" % media_box
    unit = b" /UserUnit %g" % user_unit if user_unit else b""
    for n in range(count):
        objects[first_page + n] = (
            b"<< /Type /Page /Parent 2 0 R /MediaBox %s%s /Resources << /Font << /F1 3 0 R >> >>"
            b" /Contents %d 0 R >>" % (box, unit, content_of(n)))
    for n, text in enumerate(texts[:1] if share_content else texts):
        stream = b"BT /F1 24 Tf 72 %d Td %s Tj ET" % (media_box[3] - 72, _pdf_string(text))
        objects[4 + count + n] = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream),
                                                                              stream)
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, objects[number])
    xref_at = len(out)
    size = max(objects) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for number in range(1, size):
        out += b"%010d 00000 n \n" % offsets[number]
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref_at)
    return bytes(out)


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def make_png_header_only(width: int, height: int, *, bit_depth: int = 8, color_type: int = 2,
                         idat: bytes | None = None) -> bytes:
    """A PNG declaring `width` x `height`; its pixel data is `idat` (compressed scanlines) or
    a few zero bytes that do not cover the image."""
    header = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 0)
    data = idat if idat is not None else zlib.compress(b"\0" * 1024)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", data)
            + png_chunk(b"IEND", b""))


def make_zip(members: list[tuple[str, bytes, int, int]]) -> bytes:
    """A ZIP of deflated members given as (name, raw deflate data, crc32, uncompressed size)."""
    out = bytearray()
    central = bytearray()
    for name, data, crc, size in members:
        encoded = name.encode()
        offset = len(out)
        fields = struct.pack("<HHHHHIIIHH", 20, 0, 8, 0, 0x21, crc, len(data), size,
                             len(encoded), 0)
        out += b"PK\x03\x04" + fields + encoded + data
        central += (b"PK\x01\x02" + struct.pack("<H", 20) + fields
                    + struct.pack("<HHHII", 0, 0, 0, 0, offset) + encoded)
    end = struct.pack("<HHHHIIH", 0, 0, len(members), len(members), len(central), len(out), 0)
    return bytes(out + central + b"PK\x05\x06" + end)
