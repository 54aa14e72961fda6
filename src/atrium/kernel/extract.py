"""The text of a stored file, for search: plain text, HTML without its markup, and PDF.

`text_of(blob)` reads at most `limit_bytes` of a text file (the type judged from the bytes
at upload), guesses its encoding (a byte-order mark, else UTF-8, else Windows-1252, else
Latin-1), drops the markup of HTML and XML, and asks the PDF worker (a child process with
limits, see `pdfworker`) for the text of a PDF's first pages. The result holds no NUL nor
control character (safe for SQLite FTS5 and PostgreSQL), is at most `limit_bytes` of
UTF-8, and is "" for anything else or anything damaged: it never raises.
"""

from __future__ import annotations

import codecs
import logging
import re
from html.parser import HTMLParser

from atrium.kernel import blobstore, pdfworker
from atrium.kernel.models import Blob
from atrium.kernel.previews import MAX_SOURCE_BYTES, local_copy

logger = logging.getLogger(__name__)

DEFAULT_LIMIT = 2_000_000
MARKUP_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/xml", "application/xml"})
TEXT_TYPES = frozenset({"application/json", "application/xml", "application/javascript",
                        "application/x-sh", "application/x-yaml", "application/toml"})
PDF_TYPE = "application/pdf"
BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"))
# C0 and C1 controls but tab and newline, lone surrogates, and the two non-characters.
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
SKIPPED_TAGS = frozenset({"script", "style", "template", "noscript"})


def text_of(blob: Blob, limit_bytes: int = DEFAULT_LIMIT) -> str:
    """Searchable text of `blob` (at most `limit_bytes` of UTF-8), or ""."""
    mime = blob.mime_type
    try:
        if mime == PDF_TYPE:
            text = _pdf_text(blob, limit_bytes)
        elif mime.startswith("text/") or mime in TEXT_TYPES or mime in MARKUP_TYPES \
                or mime == "application/octet-stream":
            text = _plain_text(blob, limit_bytes, markup=mime in MARKUP_TYPES,
                               sniff=mime == "application/octet-stream")
        else:
            return ""
        return _fit(clean(text), limit_bytes)
    except Exception:
        logger.exception("No text from blob %s (%s)", blob.sha256, mime)
        return ""


def clean(text: str) -> str:
    """`text` with line ends made \\n and every control character removed but tab/newline."""
    return UNSAFE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _fit(text: str, limit_bytes: int) -> str:
    encoded = text.encode("utf-8")
    if len(encoded) <= limit_bytes:
        return text
    return encoded[:limit_bytes].decode("utf-8", "ignore")


def _pdf_text(blob: Blob, limit_bytes: int) -> str:
    if not 0 < blob.size <= MAX_SOURCE_BYTES:
        return ""
    with local_copy(blob) as path:
        out = pdfworker.run("text", path, str(limit_bytes))
    return (out or b"").decode("utf-8", "replace")


def _plain_text(blob: Blob, limit_bytes: int, *, markup: bool, sniff: bool) -> str:
    with blobstore.open_blob(blob) as stream:
        data = stream.read(limit_bytes + 4)
    cut = len(data) > limit_bytes
    if sniff and not (_utf16_without_bom(data) or _looks_textual(data)):
        return ""
    text = decode(data, cut=cut)
    return markup_text(text) if markup else text


def decode(data: bytes, *, cut: bool = False) -> str:
    """`data` as text: by its byte-order mark, else UTF-8, Windows-1252 or Latin-1. With
    `cut`, the bytes were cut from a longer file, so a last character may be incomplete."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(encoding, "ignore" if cut else "replace")
    guessed = _utf16_without_bom(data)
    if guessed:
        return data.decode(guessed, "ignore" if cut else "replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        if cut and error.reason == "unexpected end of data" and len(data) - error.start < 4:
            return data[: error.start].decode("utf-8", "replace")
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _utf16_without_bom(data: bytes) -> str | None:
    """"utf-16-le"/"-be" when NUL bytes fill one of the two byte positions (ASCII-range
    text in UTF-16), else None."""
    sample = data[:4096]
    if len(sample) < 8:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def _looks_textual(data: bytes) -> bool:
    """No NUL and hardly any control byte in the first 8 KiB: text in some 8-bit encoding."""
    sample = data[:8192]
    if not sample or b"\0" in sample:
        return False
    controls = sum(1 for byte in sample if byte < 0x20 and byte not in b"\t\n\r\f") \
        + sample.count(0x7F)
    return controls <= len(sample) // 100


class _TextOfMarkup(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag in SKIPPED_TAGS:
            self.skipping += 1
        elif tag in ("br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6"):
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED_TAGS and self.skipping:
            self.skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def markup_text(markup: str) -> str:
    """The readable text of HTML or XML: no tags, no script or style, entities resolved."""
    parser = _TextOfMarkup()
    parser.feed(markup)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)
