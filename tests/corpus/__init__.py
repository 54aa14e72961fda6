"""Hostile and awkward files, made by code (nothing binary is committed).

Each function returns the bytes of one file and says in its docstring what it tries to do.
`SAMPLES` lists them with the name an attacker would give the file, for upload tests that
go through every one: each must be refused, or stored and served safely (never run as
script, never previewed as something it is not, never exhausting memory or time).

The makers are cached: the bombs take a moment to build and every caller gets the same bytes.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from io import BytesIO

from PIL import Image

from tests.corpus.builders import make_pdf, make_png_header_only, make_zip

MiB = 1024 * 1024


def png(size: tuple[int, int] = (64, 48), mode: str = "RGB", color: object = "teal") -> bytes:
    """An ordinary small PNG (not hostile: the baseline the others are compared with)."""
    out = BytesIO()
    Image.new(mode, size, color).save(out, "PNG")  # type: ignore[arg-type]
    return out.getvalue()


def pdf(texts: tuple[str, ...] = ("Hello from page one",)) -> bytes:
    """An ordinary small PDF with one line of text per page (not hostile)."""
    return make_pdf(list(texts))


@cache
def png_named_pdf() -> bytes:
    """A real PNG that will be uploaded as `invoice.pdf`: the type must come from the bytes
    (an image), never from the name, so no PDF viewer or parser is ever handed it."""
    return png((40, 30), color="orange")


@cache
def pdf_named_png() -> bytes:
    """A real PDF that will be uploaded as `photo.png`: never served inline as an image; its
    preview, if any, comes from the PDF renderer."""
    return make_pdf(["Not a picture at all"])


@cache
def html_with_script() -> bytes:
    """An HTML page that runs script (inline, an event handler and a javascript: link) and
    tries to read the session cookie. Must only ever be downloaded or sandboxed, never
    previewed, and its text indexed without the markup."""
    return (b"<!DOCTYPE html><html><head><title>Quarterly figures</title>"
            b"<script>fetch('/steal?c='+document.cookie)</script></head>"
            b"<body onload=\"alert('onload')\"><p>Quarterly figures are attached.</p>"
            b"<a href=\"javascript:alert(1)\">open</a></body></html>\n")


@cache
def svg_with_script() -> bytes:
    """An SVG image with a <script> element and an onload handler: SVG is script-capable
    XML, so it gets no thumbnail and is never shown inline outside a sandbox."""
    return (b'<?xml version="1.0" encoding="UTF-8"?>\n'
            b'<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100" '
            b'onload="alert(document.domain)">'
            b'<script type="text/javascript">alert(document.cookie)</script>'
            b'<circle cx="50" cy="50" r="40" fill="red"/></svg>\n')


def _deflated_zeros(total: int) -> tuple[bytes, int]:
    """A raw deflate stream of `total` zero bytes (a multiple of 1 MiB) and its CRC-32,
    built from one compressed MiB repeated: full flushes make every block identical."""
    block = b"\0" * MiB
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    one = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(total // MiB):
        crc = zlib.crc32(block, crc)
    return one * (total // MiB) + compressor.flush(), crc


@cache
def zip_bomb() -> bytes:
    """A ZIP of about 1 MB holding one member that inflates to 1 GiB of zeros (ratio ~1000:1).
    Nothing may unpack it to look inside; it is stored and served as an opaque file."""
    data, crc = _deflated_zeros(1024 * MiB)
    return make_zip([("zeros.bin", data, crc, 1024 * MiB)])


@cache
def nested_zip_bomb() -> bytes:
    """42.zip in miniature: 16 copies of `zip_bomb` zipped, and that zipped 16 times again,
    so unpacking recursively gives 256 GiB from a few megabytes."""
    inner = zip_bomb()
    level = inner
    for depth in range(2):
        compressed = zlib.compress(level, 9)[2:-4]  # raw deflate
        crc = zlib.crc32(level)
        level = make_zip([(f"layer{depth}-{n:02}.zip", compressed, crc, len(level))
                          for n in range(16)])
    return level


@cache
def decompression_bomb_png() -> bytes:
    """A PNG whose header declares 100,000 x 100,000 pixels (10 gigapixels, 30 GB decoded)
    in a few hundred bytes: the pixel count must be refused before decoding starts."""
    return make_png_header_only(100_000, 100_000)


@cache
def tall_png() -> bytes:
    """A fully valid 1-bit PNG of 20,000 x 20,000 (400 megapixels) in about 50 KB: every
    byte decodes, so only a pixel limit stops it from taking gigabytes of memory."""
    width = height = 20_000
    row = b"\0" + b"\0" * ((width + 7) // 8)
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    return make_png_header_only(width, height, bit_depth=1, color_type=0, idat=idat)


@cache
def truncated_pdf() -> bytes:
    """A PDF cut in the middle of its first content stream (an interrupted download): no
    cross-reference table, no trailer. Readers must give up cleanly, not crash or hang."""
    whole = make_pdf(["This document was cut short"] * 3)
    return whole[: whole.index(b"stream") + 20]


@cache
def pdf_with_2000_pages() -> bytes:
    """A valid PDF of 2,000 pages (one shared content stream): a thumbnail reads the first
    page only and text extraction stops after a bounded number of pages."""
    return make_pdf([f"Page {n}" for n in range(1, 2001)], share_content=True)


@cache
def pdf_huge_page() -> bytes:
    """A one-page PDF whose page is 14,400 x 14,400 points with UserUnit 75 (about 19 km
    square at 72 dpi): rendering at "natural" size would need terabytes; a thumbnail must be
    scaled to its box before rendering."""
    return make_pdf(["Enormous"], media_box=(0, 0, 14400, 14400), user_unit=75)


@cache
def empty_file() -> bytes:
    """Zero bytes: no type, no preview, no text; still a file a person may keep."""
    return b""


@cache
def gif_js_polyglot() -> bytes:
    """A file that is both a GIF (magic `GIF89a`) and valid JavaScript: the width bytes open
    a comment `/*` that the tail closes before `=alert(1)`. Served with its detected image
    type, nosniff and never as a script; a thumbnail, if made, is re-encoded pixels only."""
    header = b"GIF89a" + b"/*" + struct.pack("<H", 10) + b"\x00\x00\x00"  # w=0x2A2F, h=10
    image = (b"\x2c" + struct.pack("<HHHH", 0, 0, 1, 1) + b"\x00"  # one 1x1 frame, no table
             + b"\x02\x02\x44\x01\x00")  # LZW min size 2, one tiny block, end
    return header + image + b"\x3b" + b"*/=alert(document.domain);//"


@dataclass(frozen=True)
class Sample:
    key: str
    filename: str
    make: Callable[[], bytes]


SAMPLES: tuple[Sample, ...] = (
    Sample("png_named_pdf", "invoice.pdf", png_named_pdf),
    Sample("pdf_named_png", "photo.png", pdf_named_png),
    Sample("html_with_script", "report.html", html_with_script),
    Sample("svg_with_script", "logo.svg", svg_with_script),
    Sample("zip_bomb", "archive.zip", zip_bomb),
    Sample("nested_zip_bomb", "42.zip", nested_zip_bomb),
    Sample("decompression_bomb_png", "huge.png", decompression_bomb_png),
    Sample("tall_png", "tall.png", tall_png),
    Sample("truncated_pdf", "broken.pdf", truncated_pdf),
    Sample("pdf_with_2000_pages", "long.pdf", pdf_with_2000_pages),
    Sample("pdf_huge_page", "map.pdf", pdf_huge_page),
    Sample("empty_file", "empty.txt", empty_file),
    Sample("gif_js_polyglot", "funny.gif", gif_js_polyglot),
)
