"""File names of attachments (the chat's rule: safe to show and to offer as a download)."""

from __future__ import annotations

import unicodedata
from typing import Any

MAX_NAME = 255


def clean_file_name(name: Any) -> str:
    """The last path part only, no control or invisible formatting characters, at most 255
    characters (the extension kept)."""
    text = unicodedata.normalize("NFC", str(name or ""))
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    text = "".join(" " if ch in "\t\r\n" else ch for ch in text
                   if not unicodedata.category(ch).startswith("C") or ch in "\t\r\n")
    text = " ".join(text.split()).strip(". ")
    if len(text) > MAX_NAME:
        stem, dot, ext = text.rpartition(".")
        if dot and 0 < len(ext) <= 16:
            text = f"{stem[: MAX_NAME - len(ext) - 1].rstrip()}.{ext}"
        else:
            text = text[:MAX_NAME].rstrip()
    return text or "file"
