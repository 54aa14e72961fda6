"""Small helpers for the drive's page tests."""

from __future__ import annotations

from io import BytesIO


def png_bytes(width: int = 8, height: int = 8,
              color: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (width, height), color).save(out, "PNG")
    return out.getvalue()


def named(data: bytes, name: str) -> BytesIO:
    """An in-memory file with a name, as the test client uploads it."""
    stream = BytesIO(data)
    stream.name = name
    return stream
