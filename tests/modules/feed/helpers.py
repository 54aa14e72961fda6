"""Shared helpers of the feed's domain tests."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from atrium.modules.feed import actions


def png(width: int = 4, height: int = 3, name: str = "photo.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def text_file(name: str = "notes.txt", data: bytes = b"hello feed") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/plain")


def post(author: Any, space: Any, body: str = "Hello", **kwargs: Any) -> Any:
    return actions.do_create_post(author, space, body=body, **kwargs)
