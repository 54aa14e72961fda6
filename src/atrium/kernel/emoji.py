"""Reactions' emoji, checked once for every module (chat messages, feed posts, comments)."""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext as _

from atrium.kernel.errors import ActionError

_SHORT_NAME = re.compile(r"^:[a-z0-9_+-]{1,62}:$")


def check_emoji(emoji: str) -> str:
    """A Unicode emoji (with its modifiers, joiners and flags) or a `:short_name:`."""
    emoji = str(emoji or "").strip()
    if _SHORT_NAME.match(emoji) or (0 < len(emoji) <= 32 and _is_emoji(emoji)):
        return emoji
    raise ActionError(_("Choose an emoji."), code="invalid", field="emoji")


def _is_emoji(text: str) -> bool:
    keycap = "\u20e3" in text
    symbol = keycap
    for char in text:
        point = ord(char)
        if unicodedata.category(char) == "So" or 0x1F000 <= point <= 0x1FAFF:
            symbol = True
        elif not (0x1F3FB <= point <= 0x1F3FF or point in (0x200D, 0xFE0E, 0xFE0F, 0x20E3)
                  or 0xE0020 <= point <= 0xE007F or (keycap and char in "0123456789#*")):
            return False
    return symbol
