"""File and folder names: what is accepted, and how two names are compared.

A name is one path part: never empty, ".", "..", never a "/" or "\\", no control characters
(NUL included) nor the invisible direction marks that make "gpj.exe" read "exe.jpg", at most
255 bytes in UTF-8 (what every file system takes), not a device name Windows cannot open
("CON", "nul.txt") and not ending in a dot (Windows drops it, so a synced copy would differ).
Spaces around the name are trimmed. Names are kept NFC-normalised and compared by a
case-folded key, so "Report.pdf" and "report.PDF" are the same name, as on macOS and Windows.
"""

from __future__ import annotations

import unicodedata

from django.utils.translation import gettext as _

from atrium.kernel.errors import ActionError

MAX_NAME_BYTES = 255
# Bidirectional embeddings, overrides, isolates and marks: invisible, and able to disguise
# an extension ("photo\u202egpj.exe" shows as "photoexe.jpg").
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                          "\u2066\u2067\u2068\u2069")
WINDOWS_DEVICES = frozenset(
    ["CON", "PRN", "AUX", "NUL"] + [f"COM{i}" for i in range(1, 10)]
    + [f"LPT{i}" for i in range(1, 10)])


def _refuse(message: str) -> ActionError:
    return ActionError(message, code="bad_name", field="name")


def clean_name(raw: object) -> str:
    """The name to store for `raw`, or ActionError (code "bad_name") saying what is wrong."""
    if not isinstance(raw, str):
        raise _refuse(_("Enter a name."))
    name = unicodedata.normalize("NFC", raw).strip()
    if not name:
        raise _refuse(_("Enter a name."))
    if name in (".", ".."):
        raise _refuse(_("“.” and “..” cannot be used as names."))
    if "/" in name or "\\" in name:
        raise _refuse(_("A name cannot contain “/” or “\\”."))
    for char in name:
        category = unicodedata.category(char)
        if category in ("Cc", "Cs") or char in BIDI_CONTROLS:
            raise _refuse(_("A name cannot contain control or invisible direction characters."))
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        raise _refuse(_("The name is too long (at most 255 bytes; accented letters and "
                        "other scripts take two to four each)."))
    if name.endswith("."):
        raise _refuse(_("A name cannot end with a dot."))
    if name.split(".", 1)[0].rstrip(" ").upper() in WINDOWS_DEVICES:
        raise _refuse(_("“%(name)s” is reserved by Windows; choose another name.")
                      % {"name": name})
    return name


def name_key(name: str) -> str:
    """The key two names are compared by: NFC-normalised and case-folded."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", name).casefold())


def numbered(name: str, n: int) -> str:
    """"report.pdf" → "report (2).pdf"; a folder or a name without extension gets the
    number at its end. Kept within 255 bytes by shortening the stem."""
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem or len(ext) > 16:
        stem, ext = name, ""
    suffix = f" ({n})" + (f".{ext}" if ext else "")
    budget = MAX_NAME_BYTES - len(suffix.encode("utf-8"))
    while len(stem.encode("utf-8")) > budget:
        stem = stem[:-1]
    return stem.rstrip() + suffix
